"""Shared test set-up: the Agg backend, the builders on the path, and the docker/browser gates.

Tests marked `docker` need a running Docker engine: they skip without one on
a learner's machine, and fail in CI, where K8SLITE_REQUIRE_DOCKER=1 says the
engine must be there; `docker_cluster` is a two-node cluster on it that must
leave no container behind. Tests marked `browser` (tests/browser/) need Playwright
and Chromium in the same way, with K8SLITE_REQUIRE_BROWSER=1 in CI. Tests that read the
Kubernetes docs' example manifests call `builders.example(name)`, which skips them where the
examples are absent and fails them under K8SLITE_REQUIRE_EXAMPLES=1 (CI). Tests that compare with the
real kubectl 1.32 skip where it is not installed; under K8SLITE_REQUIRE_KUBECTL=1 (CI) the session stops
at once instead, so none of them can skip there.
"""

import functools
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["K8SLITE_PROGRESS"] = "0"  # no progress bars in tests, nor in the kernels they start

from builders import engine_containers, skip_unless_required  # noqa: E402  (needs the path above)

from k8slite import Cluster  # noqa: E402


@functools.cache
def docker_problem() -> str:
    from k8slite.runtime.docker_engine import unavailable_reason

    return unavailable_reason()


@functools.cache
def browser_problem() -> str:
    from browser.lab import browser_problem as problem

    return problem()


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("K8SLITE_REQUIRE_KUBECTL") == "1" and shutil.which("kubectl") is None:
        pytest.exit("K8SLITE_REQUIRE_KUBECTL=1 but the real kubectl is not installed (on PATH)", returncode=1)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") and browser_problem():
        skip_unless_required(browser_problem(), "K8SLITE_REQUIRE_BROWSER")
    if item.get_closest_marker("docker") and docker_problem():
        skip_unless_required(docker_problem(), "K8SLITE_REQUIRE_DOCKER")


@pytest.fixture
def docker_cluster() -> Iterator[Cluster]:
    """Two simulated nodes on the Docker engine; once closed, not one of its containers may be left."""
    cluster = Cluster(nodes=2, runtime="docker")
    yield cluster
    cluster.close()
    assert engine_containers(cluster.engine.cluster_id) == []
