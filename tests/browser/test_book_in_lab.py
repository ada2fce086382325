"""A chapter of the book run in JupyterLab from top to bottom, as a learner's first click."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from browser.lab import REPO, Notebook

pytestmark = pytest.mark.browser

WELCOME = "00_welcome.ipynb"


def stored_summary(path: Path) -> str:
    """The dashboard summary the book stored for this notebook (in its saved widget state)."""
    nb = nbformat.read(path, as_version=4)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    values = [m["state"]["value"] for m in state.values() if "k8slite-summary" in m["state"].get("_dom_classes", [])]
    assert len(values) == 1, values
    return str(values[0])


def test_welcome_runs_to_the_end_without_errors(open_notebook: Callable[[str], Notebook]) -> None:
    errors: list[str] = []
    notebook = open_notebook(WELCOME)
    page = notebook.page
    page.on("pageerror", lambda error: errors.append(str(error)))

    assert notebook.run_all() == []
    assert errors == []
    # the last cell that draws has drawn, and the live dashboard is there with the book's numbers
    assert page.locator(".jp-OutputArea-output img").count() >= 3
    summary = page.locator(".k8slite-dashboard .k8slite-summary")
    summary.scroll_into_view_if_needed()
    assert summary.inner_text().strip() == stored_summary(REPO / "notebooks" / WELCOME)
