"""`c.dashboard()`: the cluster picture with a few hands on it.

Mirrors nothing in Kubernetes itself; it is the course's lab bench. A
summary line (`3 nodes (3 Ready) · 5/5 pods Running`), the picture from
`draw_cluster`, and controls that act the way a learner would act on a real
cluster: let time pass (`Run 10 s`), pull the plug on a machine and plug it
back in (`Fail node` / `Recover node`), and scale the first Deployment (or,
when there is none, the first ReplicaSet) with a slider that
writes `spec.replicas` through the API server, as `kubectl scale` does.
The last events are printed below, as `kubectl get events` would.

Every control runs the simulation synchronously and then redraws: no
threads, no timers, so the same clicks always give the same cluster. The
picture is an `Image` widget holding PNG bytes, so a browser shows it
without a round trip to the kernel.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from k8slite.api.meta import KubeObject
from k8slite.errors import ApiError
from k8slite.viz import draw_cluster, png_bytes

HIDDEN_NAMESPACES = ("kube-system",)
RUN_SECONDS = 10
EVENT_LINES = 8


def summary(cluster: Any) -> str:
    """`3 nodes (3 Ready) · 5/5 pods Running`: pods in every namespace but kube-system."""
    nodes = cluster.api.list("nodes")
    ready = sum(1 for n in nodes if n.is_ready())
    pods = [p for p in cluster.api.list("pods") if p.namespace not in HIDDEN_NAMESPACES]
    running = sum(1 for p in pods if p.status.phase == "Running" and p.metadata.deletion_timestamp is None)
    return f"{len(nodes)} nodes ({ready} Ready) · {running}/{len(pods)} pods Running"


def scale_target(cluster: Any) -> KubeObject | None:
    """The first Deployment with a typed spec.replicas, else the first ReplicaSet, else None."""
    for plural in ("deployments", "replicasets"):
        for obj in cluster.api.list(plural):
            if obj.namespace not in HIDDEN_NAMESPACES and isinstance(getattr(obj.spec, "replicas", None), int):
                return obj  # type: ignore[no-any-return]
    return None


class Dashboard:
    """`Dashboard(c).widget` is the whole dashboard; `refresh()` redraws it from the API."""

    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster
        self.summary = widgets.HTML().add_class("k8slite-summary")
        self.picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.run_button = widgets.Button(description=f"Run {RUN_SECONDS} s", icon="play",
                                         tooltip=f"advance the cluster clock by {RUN_SECONDS} s")
        self.run_button.add_class("k8slite-run")
        self.node_picker = widgets.Dropdown(options=sorted(cluster.kubelets), description="node",
                                            layout=widgets.Layout(width="180px"),
                                            style={"description_width": "40px"})
        self.fail_button = widgets.Button(description="Fail node").add_class("k8slite-fail-node")
        self.replicas = widgets.IntSlider(min=0, max=10, description="replicas", continuous_update=False,
                                          style={"description_width": "initial"})
        self.replicas.add_class("k8slite-replicas")
        self.events_log = widgets.HTML().add_class("k8slite-events")
        self.syncing = False  # True while refresh() sets the slider, so that is not taken as a request
        self.run_button.on_click(self.on_run)
        self.fail_button.on_click(self.on_fail)
        self.node_picker.observe(self.on_pick, names="value")
        self.replicas.observe(self.on_replicas, names="value")
        controls = widgets.HBox([self.run_button, self.node_picker, self.fail_button, self.replicas])
        self.widget = widgets.VBox([self.summary, self.picture, controls, self.events_log])
        self.widget.add_class("k8slite-dashboard")
        self.refresh()

    # ------------------------------------------------------------ what the learner does
    def on_run(self, _button: Any = None) -> None:
        self.cluster.run(RUN_SECONDS)
        self.refresh()

    def on_fail(self, _button: Any = None) -> None:
        """Fail the chosen machine, or bring it back if it is down."""
        name = self.node_picker.value
        if name is None:
            return
        machine = self.cluster.node(name)
        if machine.up:
            machine.fail()
        else:
            machine.recover()
        self.cluster.run(0)
        self.refresh()

    def on_pick(self, _change: Any = None) -> None:
        self.refresh_fail_button()

    def on_replicas(self, change: dict[str, Any]) -> None:
        """Write spec.replicas through the API (copy, change, update), then let the controllers react."""
        if self.syncing:
            return
        target = scale_target(self.cluster)
        if target is None or target.spec.replicas == change["new"]:  # type: ignore[attr-defined]
            return
        scaled = target.copy()
        scaled.spec.replicas = change["new"]  # type: ignore[attr-defined]
        try:
            self.cluster.api.update(scaled)
        except ApiError as error:
            self.events_log.value = f"<pre>{html.escape(str(error))}</pre>"
            return
        self.cluster.run(0)
        self.refresh()

    # ------------------------------------------------------------ showing it
    def refresh(self) -> None:
        """Redraw every part from what the API holds now."""
        self.summary.value = summary(self.cluster)
        self.picture.value = png_bytes(draw_cluster(self.cluster))
        self.refresh_fail_button()
        self.refresh_replicas()
        lines = [str(e) for e in self.cluster.events()[-EVENT_LINES:]]
        self.events_log.value = f"<pre>{html.escape(chr(10).join(lines) or 'no events yet')}</pre>"

    def refresh_fail_button(self) -> None:
        name = self.node_picker.value
        down = name is not None and not self.cluster.node(name).up
        self.fail_button.description = "Recover node" if down else "Fail node"
        self.fail_button.button_style = "success" if down else "danger"
        self.fail_button.disabled = name is None

    def refresh_replicas(self) -> None:
        target = scale_target(self.cluster)
        self.syncing = True
        try:
            if target is None:
                self.replicas.disabled, self.replicas.description = True, "replicas"
                return
            wanted = int(target.spec.replicas)  # type: ignore[attr-defined]
            self.replicas.disabled = False
            self.replicas.description = f"{target.kind.lower()}/{target.name} replicas"
            self.replicas.max = max(10, 2 * wanted)
            self.replicas.value = wanted
        finally:
            self.syncing = False
