"""The dashboard in JupyterLab, driven as a learner drives it: the slider, Run, Fail node.

Each test opens its own copy of a small notebook (3 nodes, a Deployment `web`
of 5 replicas, 30 s of simulated time, then `c.dashboard()`), runs all its
cells in the page, and reads the page: the summary line, the slider's
readout, the buttons, the picture. The expected numbers are Kubernetes'
defaults: a deleted pod terminates for 30 s (terminationGracePeriodSeconds),
a node whose heartbeats stop is marked NotReady once they are 50 s late
(node-monitor-grace-period), and until then the control plane believes it.
Each click is followed until the dashboard has redrawn its picture, so a
test knows how many clicks the page has handled.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from browser.lab import Notebook, save_screenshot

pytestmark = pytest.mark.browser

DASHBOARD = ".k8slite-dashboard"
SUMMARY = f"{DASHBOARD} .k8slite-summary"
PICTURE = f"{DASHBOARD} img"
RUN = f"{DASHBOARD} .k8slite-run"
FAIL = f"{DASHBOARD} .k8slite-fail-node"
SLIDER = f"{DASHBOARD} .k8slite-replicas"
WAIT_MS = 90_000  # an action's effect: fast, unless the machine is very busy


def wait_for_summary(page: Any, text: str) -> None:
    """Wait until the dashboard's summary line reads `text` exactly."""
    page.wait_for_function(
        f"t => {{ const e = document.querySelector({json.dumps(SUMMARY)}); return !!e && e.innerText.trim() === t }}",
        arg=text,
        timeout=WAIT_MS,
    )


def summary(page: Any) -> str:
    return str(page.inner_text(SUMMARY)).strip()


def picture(page: Any) -> str:
    """The picture's src: a new blob URL every time the kernel sends a new PNG."""
    return str(page.locator(PICTURE).first.get_attribute("src"))


def click_and_wait_redraw(notebook: Notebook, selector: str) -> None:
    """Click, then wait until the dashboard has redrawn its picture (the click was handled)."""
    page = notebook.page
    before = picture(page)
    page.locator(selector).click()
    page.wait_for_function(
        f"s => {{ const e = document.querySelector({json.dumps(PICTURE)}); return !!e && e.src !== s }}",
        arg=before,
        timeout=WAIT_MS,
    )
    notebook.wait_idle()


def start(open_notebook: Callable[[str], Notebook], path: str) -> Notebook:
    """Open the notebook, run all cells, and check the dashboard shows the Deployment running."""
    notebook = open_notebook(path)
    page = notebook.page
    assert notebook.run_all() == []
    page.locator(DASHBOARD).scroll_into_view_if_needed()
    wait_for_summary(page, "3 nodes (3 Ready) · 5/5 pods Running")
    assert page.locator(f"{SLIDER} .widget-readout").inner_text().strip() == "5"
    notebook.wait_idle()
    return notebook


def test_slider_scales_the_deployment_and_run_finishes_terminations(
    open_notebook: Callable[[str], Notebook], dashboard_notebook: str
) -> None:
    notebook = start(open_notebook, dashboard_notebook)
    page = notebook.page
    handle = page.locator(f"{SLIDER} .noUi-handle")
    readout = page.locator(f"{SLIDER} .widget-readout")

    handle.focus()
    handle.press("ArrowRight")  # 5 -> 6: one more pod, started at once (the image is on the node)
    wait_for_summary(page, "3 nodes (3 Ready) · 6/6 pods Running")
    assert readout.inner_text().strip() == "6"

    handle.press("ArrowLeft")
    handle.press("ArrowLeft")  # 6 -> 4: two pods Terminating, counted but no longer Running
    wait_for_summary(page, "3 nodes (3 Ready) · 4/6 pods Running")
    assert readout.inner_text().strip() == "4"
    notebook.wait_idle()

    # terminationGracePeriodSeconds is 30 s: the terminating pods are gone after the third Run 10 s
    for _ in range(2):
        click_and_wait_redraw(notebook, RUN)
        assert summary(page) == "3 nodes (3 Ready) · 4/6 pods Running"
    click_and_wait_redraw(notebook, RUN)
    assert summary(page) == "3 nodes (3 Ready) · 4/4 pods Running"


def test_failed_node_turns_not_ready_after_the_grace_period(
    open_notebook: Callable[[str], Notebook], dashboard_notebook: str
) -> None:
    notebook = start(open_notebook, dashboard_notebook)
    page = notebook.page
    fail = page.locator(FAIL)
    assert fail.is_enabled()

    click_and_wait_redraw(notebook, FAIL)  # node-1, the one the node picker shows first
    assert fail.is_disabled() or fail.inner_text().strip() == "Recover node"
    # the machine is down, but the control plane only knows it when heartbeats are 50 s late
    assert summary(page) == "3 nodes (3 Ready) · 5/5 pods Running"

    for _ in range(5):  # t = 40 .. 80 s: still within node-monitor-grace-period (50 s after the heartbeat at 30 s)
        click_and_wait_redraw(notebook, RUN)
        assert summary(page) == "3 nodes (3 Ready) · 5/5 pods Running"
    click_and_wait_redraw(notebook, RUN)  # t = 90 s: node-1 is NotReady; its pod is still "Running" in the API
    assert summary(page) == "3 nodes (2 Ready) · 5/5 pods Running"
    save_screenshot(page.locator(DASHBOARD), "dashboard")  # the README's picture: make screenshot
