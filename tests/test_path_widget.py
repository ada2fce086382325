"""The path widget without a browser: its parts, and each control re-tracing the request."""

from __future__ import annotations

import ipywidgets as widgets
from test_trace import cluster
from test_widgets import only

from k8slite.widgets import path_widget


def test_parts_carry_css_classes_and_start_on_the_clusters_backend() -> None:
    root = path_widget(cluster("vxlan"))
    assert isinstance(root, widgets.VBox) and "k8slite-path-widget" in root._dom_classes
    assert only(root, "k8slite-path-source").options == ("client", "near", "web")
    assert only(root, "k8slite-path-backend").value == "vxlan"
    assert "flannel.1" in only(root, "k8slite-path-hops").value
    assert bytes(only(root, "k8slite-path-picture").value).startswith(b"\x89PNG")


def test_changing_target_and_backend_retraces_without_changing_the_cluster() -> None:
    c = cluster("host-gw")
    root = path_widget(c)
    hops = only(root, "k8slite-path-hops")
    only(root, "k8slite-path-target").value = "near"
    assert root.trace.result == "delivered to default/near in 5 hops" and "cni0" in hops.value
    only(root, "k8slite-path-target").value = "10.244.2.2"
    assert "via 172.18.0.3 dev eth0" in hops.value
    only(root, "k8slite-path-backend").value = "vxlan"
    assert "flannel.1" in hops.value and root.trace.backend == "vxlan"
    assert c.pod_network.backend == "host-gw"


def test_a_target_nobody_has_shows_why() -> None:
    root = path_widget(cluster("host-gw"))
    only(root, "k8slite-path-target").value = "db"
    assert root.trace is None and 'no pod "db"' in only(root, "k8slite-path-hops").value
    assert bytes(only(root, "k8slite-path-picture").value) == b""
