"""`pytest --nbval notebooks` (and `pytest --nbval workspace/`): settings for the book's kernels.

K8SLITE_PROGRESS=0 keeps `c.run` from ever showing a progress bar (k8slite/progress.py), so a slow
machine cannot add one to an output that nbval compares with the stored one. The kernels nbval starts
inherit this process's environment.

The real-container chapters store what they printed on a Docker host, which a machine without an
engine cannot reproduce: without one their cells are skipped with the reason (and the fix), except
under K8SLITE_REQUIRE_DOCKER=1 (CI), where a missing engine is a failure. Their no-engine path is
run by tests/course/test_no_engine.py instead.
"""

import functools
import os

import pytest

from k8slite.course.workspace import NEED_DOCKER

os.environ["K8SLITE_PROGRESS"] = "0"


@functools.cache
def docker_problem() -> str:
    from k8slite.runtime.docker_engine import unavailable_reason

    return unavailable_reason()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.path.name not in NEED_DOCKER or not docker_problem():
        return
    reason = f"{item.path.name} stores outputs recorded on a Docker engine, and {docker_problem()}"
    if os.environ.get("K8SLITE_REQUIRE_DOCKER") == "1":
        pytest.fail(f"K8SLITE_REQUIRE_DOCKER=1 but {reason}", pytrace=False)
    pytest.skip(reason)
