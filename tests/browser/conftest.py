"""Fixtures of the browser tests: one JupyterLab and one Chromium for the folder, a page per test.

Every test module in this folder carries the `browser` marker (see tests/conftest.py
for the gate: skipped without Chromium or Playwright, failed when
K8SLITE_REQUIRE_BROWSER=1). Each test's page is saved as a screenshot in
tests/artifacts/ when the test ends, passed or failed.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import nbformat
import pytest

from browser.lab import ARTIFACTS, CHROMIUM_ARGS, REPO, Lab, Notebook, chromium_path, start_lab

# The notebook a learner would write to play with the dashboard: a Deployment of 5 on 3 nodes.
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 5
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: busybox:1.36
        command: ["sh", "-c", "sleep 3600"]
"""
DASHBOARD_CELLS = [
    "from k8slite import Cluster\n\nc = Cluster(nodes=3, seed=0)\nDEPLOYMENT = '''\\\n" + DEPLOYMENT + "'''",
    "c.apply(DEPLOYMENT)\nc.run(30)\nprint(c.kubectl('get pods'))",
    "c.dashboard()",
]
BOOK_NOTEBOOKS = ["00_welcome.ipynb"]


def dashboard_notebook_node() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in DASHBOARD_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.fixture(scope="package")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on localhost serving a temporary folder with copies of book notebooks."""
    root = tmp_path_factory.mktemp("lab-root")
    for name in BOOK_NOTEBOOKS:
        shutil.copy(REPO / "notebooks" / name, root / name)
    server = start_lab(root, tmp_path_factory.mktemp("lab-home"))
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page in a fresh browser context."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(60_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def open_notebook(page: Any, lab: Lab, request: pytest.FixtureRequest) -> Iterator[Callable[[str], Notebook]]:
    """`open_notebook("x.ipynb")` opens a notebook of the lab in the page.

    When the test ends, passed or failed, the page's screenshot goes to
    tests/artifacts/<test>.png and the notebooks' kernels are shut down.
    """
    opened: list[Notebook] = []

    def open_one(path: str) -> Notebook:
        notebook = Notebook(page, lab, path)
        opened.append(notebook)
        return notebook.open()

    yield open_one
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{test_name(request)}.png"))
    finally:
        for notebook in opened:
            notebook.shutdown()  # if the page is gone, stopping the server at the end stops the kernel


@pytest.fixture
def dashboard_notebook(lab: Lab, request: pytest.FixtureRequest) -> str:
    """A fresh copy of the dashboard notebook for this test (so each test has its own kernel)."""
    name = f"{test_name(request)}.ipynb"
    nbformat.write(dashboard_notebook_node(), lab.root / name)
    return name


def test_name(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^\w-]+", "_", request.node.name)
