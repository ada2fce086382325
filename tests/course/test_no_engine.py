"""The real-container chapters on a machine without Docker: they fall back, and no cell breaks.

`pytest --nbval` skips 01 and 13 where no engine answers (their stored outputs come from a Docker
host), so their no-engine path would otherwise never run. Here it runs with the engine made
unreachable (DOCKER_HOST names a socket that does not exist), whatever this machine has.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from k8slite.course.workspace import NEED_DOCKER, default_book

BOOK = default_book()


@pytest.mark.parametrize("name", NEED_DOCKER)
def test_a_real_container_chapter_runs_without_an_engine(runner, no_engine: None, name: str) -> None:
    path: Path = BOOK / name
    nb = runner.read(path)
    ran = runner.execute(nb, BOOK, len(nb.cells) - 1)
    assert runner.first_error(ran) == "no cell raised"
    said = "".join(runner.stdout_of(cell) for cell in ran.cells if cell.cell_type == "code")
    assert "no docker engine" in said.lower(), "the fallback says why it falls back"
