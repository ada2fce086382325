"""The dashboard: its CSS classes, and each control acting on the cluster through the API."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from k8slite import Cluster
from k8slite.widgets import Dashboard, summary

RS = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: main, image: busybox, command: [sleep, "100000"]}
"""


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(nodes=3)
    c.apply(RS)
    c.run(30)
    return c


def with_class(root: widgets.Widget, css: str) -> list[widgets.Widget]:
    """Every widget under root (root included) that carries the CSS class."""
    found = [root] if css in root._dom_classes else []
    for child in getattr(root, "children", ()):
        found += with_class(child, css)
    return found


def only(root: widgets.Widget, css: str) -> widgets.Widget:
    found = with_class(root, css)
    assert len(found) == 1, f"{len(found)} widgets with class {css}"
    return found[0]


def test_summary_text_is_exact(cluster: Cluster) -> None:
    assert summary(cluster) == "3 nodes (3 Ready) · 3/3 pods Running"
    assert only(cluster.dashboard(), "k8slite-summary").value == "3 nodes (3 Ready) · 3/3 pods Running"


def test_parts_carry_the_contract_css_classes(cluster: Cluster) -> None:
    root = cluster.dashboard()
    assert isinstance(root, widgets.VBox) and "k8slite-dashboard" in root._dom_classes
    assert isinstance(only(root, "k8slite-run"), widgets.Button)
    assert isinstance(only(root, "k8slite-fail-node"), widgets.Button)
    assert isinstance(only(root, "k8slite-replicas"), widgets.IntSlider)
    assert isinstance(only(root, "k8slite-summary"), widgets.HTML)


def test_picture_is_a_png(cluster: Cluster) -> None:
    board = Dashboard(cluster)
    assert bytes(board.picture.value).startswith(b"\x89PNG")


def test_run_button_advances_ten_seconds(cluster: Cluster) -> None:
    root = cluster.dashboard()
    before = cluster.now
    only(root, "k8slite-run").click()
    assert cluster.now == before + 10


def test_replicas_slider_scales_the_replicaset(cluster: Cluster) -> None:
    root = cluster.dashboard()
    slider = only(root, "k8slite-replicas")
    assert not slider.disabled and slider.value == 3
    slider.value = 5
    assert cluster.get("replicaset", "web").spec.replicas == 5
    cluster.run(30)
    assert len(cluster.get("pods")) == 5
    assert summary(cluster) == "3 nodes (3 Ready) · 5/5 pods Running"


def test_replicas_slider_is_disabled_without_a_replicaset() -> None:
    root = Cluster(nodes=1).dashboard()
    assert only(root, "k8slite-replicas").disabled


def test_fail_and_recover_buttons_act_on_the_chosen_node(cluster: Cluster) -> None:
    board = Dashboard(cluster)
    only(board.widget, "k8slite-node-select").value = "node-2"
    fail, recover = only(board.widget, "k8slite-fail-node"), only(board.widget, "k8slite-recover-node")
    assert (fail.description, fail.disabled, recover.disabled) == ("Fail node", False, True)
    fail.click()
    assert not cluster.node("node-2").up and cluster.node("node-1").up
    assert (fail.disabled, recover.disabled) == (True, False)
    only(board.widget, "k8slite-run").click()
    recover.click()
    assert cluster.node("node-2").up
    assert (fail.disabled, recover.disabled) == (False, True)


def test_failure_shows_in_summary_and_events(cluster: Cluster) -> None:
    board = Dashboard(cluster)
    board.node_picker.value = "node-1"
    board.fail_button.click()
    for _ in range(6):
        board.run_button.click()
    assert board.summary.value.startswith("3 nodes (2 Ready)")
    assert "NodeNotReady" in board.events_log.value
