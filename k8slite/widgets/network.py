"""Pick a source pod and a target, and watch the request's path: the pod network as a widget.

Mirrors nothing in Kubernetes (its cousins are `kubectl exec ... -- traceroute`
and the flannel docs' diagrams). `path_widget(c)` shows dropdowns for the source
pod and the target (a pod, a pod IP, or any address typed in), a toggle between
flannel's host-gw routes and the vxlan overlay, the hop list of `c.trace` and
its picture. Toggling the backend traces with another PodNetwork; the cluster
itself is not changed. Everything is computed on each change: no threads.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from k8slite.api.pod import Pod
from k8slite.network.podnet import PodNetwork
from k8slite.network.trace import Trace, trace
from k8slite.viz.figure import png_bytes
from k8slite.viz.network import draw_trace

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

BACKENDS = [("routes (host-gw)", "host-gw"), ("overlay (vxlan)", "vxlan")]


def pods_with_ips(cluster: Cluster) -> list[Pod]:
    pods = [p for p in cluster.api.list("pods") if isinstance(p, Pod) and p.status.pod_ip and p.spec.node_name]
    return sorted(pods, key=lambda p: (p.namespace, p.name))


def pod_ref(pod: Pod) -> str:
    return pod.name if pod.namespace == "default" else f"{pod.namespace}/{pod.name}"


def trace_with(cluster: Cluster, backend: str, src: str, dst: str) -> Trace:
    """`c.trace(src, dst)` as it would go with `backend`, keeping the cluster's resolvers (Services)."""
    network = PodNetwork(backend)
    network.resolvers = list(cluster.pod_network.resolvers)
    return trace(network, cluster.get("nodes"), pods_with_ips(cluster), src, dst, "default",
                 cluster.network.cut_off)


def path_widget(cluster: Cluster) -> widgets.VBox:
    """Dropdowns for source and target, a routes/overlay toggle, the hop list and the picture."""
    pods = pods_with_ips(cluster)
    refs = [pod_ref(p) for p in pods]
    if not refs:
        raise ValueError("no pod has an IP yet: apply some pods and run the cluster first")
    targets = refs + [p.status.pod_ip for p in pods]
    source = widgets.Dropdown(options=refs, value=refs[0], description="from").add_class("k8slite-path-source")
    target = widgets.Combobox(options=targets, value=refs[-1], description="to", ensure_option=False,
                              placeholder="pod, pod IP or address").add_class("k8slite-path-target")
    backend = widgets.ToggleButtons(options=BACKENDS, value=cluster.pod_network.backend).add_class(
        "k8slite-path-backend")
    hops = widgets.HTML().add_class("k8slite-path-hops")
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%")).add_class("k8slite-path-picture")
    box = widgets.VBox([widgets.HBox([source, target]), backend, hops, picture]).add_class("k8slite-path-widget")

    def redraw(_: Any = None) -> None:
        try:
            found = trace_with(cluster, backend.value, source.value, target.value.strip())
        except ValueError as e:
            hops.value, picture.value, box.trace = f"<pre>{html.escape(str(e), quote=False)}</pre>", b"", None
            return
        box.trace = found  # for tests and curious learners
        hops.value = f"<pre>{html.escape(str(found), quote=False)}</pre>"
        picture.value = png_bytes(draw_trace(cluster, found))

    for control in (source, target, backend):
        control.observe(redraw, names="value")
    redraw()
    return box


__all__ = ["path_widget", "trace_with"]
