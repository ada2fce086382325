"""Helpers for the course tests: run a notebook's first cells in a real kernel, or several such runs at once."""

from __future__ import annotations

import asyncio
import copy
import os
import sys
from collections.abc import Collection, Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode

REPO = Path(__file__).resolve().parents[2]

# Kernels and subprocesses import k8slite from this checkout even when it is not installed.
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@pytest.fixture(scope="session", autouse=True)
def repo_on_pythonpath() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        paths = [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]
        patch.setenv("PYTHONPATH", os.pathsep.join(paths))
        yield


def client_for(nb: NotebookNode, cwd: Path, last: int) -> NotebookClient:
    """A client that runs cells 0..last of a copy of ``nb`` (its ``nb``) in a fresh python3 kernel in ``cwd``."""
    head = copy.deepcopy(nb)
    head.cells = head.cells[: last + 1]
    return NotebookClient(
        head,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(cwd)}},
    )


def execute_cells(nb: NotebookNode, cwd: Path, last: int) -> NotebookNode:
    """Cells 0..last of a copy of ``nb``, run in a fresh python3 kernel whose cwd is ``cwd``.

    Errors are recorded in the cells' outputs, not raised, so a test can say which
    cell failed and how.
    """
    client = client_for(nb, cwd, last)
    client.execute()
    return client.nb


AT_ONCE = max(1, min(2, os.cpu_count() or 1))
HOST_RUNTIMES = ("k8slite.runtime.linux", "k8slite.runtime.docker")


def touches_host(nb: NotebookNode) -> bool:
    """Whether ``nb`` may run real containers (Docker, or the linux runtime's namespaces, cgroups and
    iptables as root): such a run shares the machine's state and keeps wall-clock time, so it runs alone."""
    return any(cell.cell_type == "code" and name in cell.source for cell in nb.cells for name in HOST_RUNTIMES)


def execute_many(runs: list[tuple[NotebookNode, Path, int]], at_once: int = AT_ONCE) -> list[NotebookNode]:
    """``execute_cells`` for each ``(nb, cwd, last)``, returned in that order, with up to ``at_once`` kernels
    running.

    Each run has its own kernel, as with ``execute_cells``, so a run sees nothing of another; the
    kernels are separate processes, so a machine with two cores runs two at a time in the time of one.
    Runs that touch the host (``touches_host``) run first, each alone: they share the machine's state,
    and their real containers keep wall-clock time, which a neighbour's load would stretch.
    """
    async def run_all() -> list[NotebookNode]:
        gate = asyncio.Semaphore(at_once)

        async def execute(nb: NotebookNode, cwd: Path, last: int) -> NotebookNode:
            async with gate:
                client = client_for(nb, cwd, last)
                await client.async_execute()
                return client.nb

        alone = {i for i, (nb, _, _) in enumerate(runs) if touches_host(nb)}
        done = {i: await execute(*runs[i]) for i in sorted(alone)}
        rest = [i for i in range(len(runs)) if i not in alone]
        done.update(zip(rest, await asyncio.gather(*(execute(*runs[i]) for i in rest)), strict=True))
        return [done[i] for i in range(len(runs))]

    return asyncio.run(run_all())


def error_of(cell: NotebookNode) -> tuple[str, str] | None:
    """``(ename, evalue)`` of the error a code cell raised, or None."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            return output.ename, output.evalue
    return None


def stdout_of(cell: NotebookNode) -> str:
    return "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream")


def first_error(nb: NotebookNode) -> str:
    """The first error in an executed notebook, for failure messages."""
    for index, cell in enumerate(nb.cells):
        error = error_of(cell) if cell.cell_type == "code" else None
        if error:
            return f"cell {index} raised {error[0]}: {error[1]}"
    return "no cell raised"


def read(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def runs_to_make(request: pytest.FixtureRequest, test: str, path: Path, made: Collection[Path]) -> list[Path]:
    """``path`` and the other ``path`` parameters of this session's items of the test function ``test``
    not yet in ``made``, in the order they run: what a session fixture that makes its runs together,
    on first use, makes (only those the session will ask for)."""
    paths: list[Path] = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if getattr(item, "originalname", None) == test and callspec is not None and "path" in callspec.params:
            if callspec.params["path"] not in paths and callspec.params["path"] not in made:
                paths.append(callspec.params["path"])
    return paths if path in paths else [*paths, path]


class Runner:
    """The helpers above, handed to tests as the ``runner`` fixture."""

    execute = staticmethod(execute_cells)
    execute_many = staticmethod(execute_many)
    runs_to_make = staticmethod(runs_to_make)
    at_once = AT_ONCE
    touches_host = staticmethod(touches_host)
    error_of = staticmethod(error_of)
    stdout_of = staticmethod(stdout_of)
    first_error = staticmethod(first_error)
    read = staticmethod(read)


@pytest.fixture(scope="session")
def runner() -> Runner:
    return Runner()


UNREACHABLE = "unix:///nonexistent/docker.sock"


@pytest.fixture
def no_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Docker engine for this test's kernels (they inherit DOCKER_HOST): the simulation path."""
    monkeypatch.setenv("DOCKER_HOST", UNREACHABLE)
