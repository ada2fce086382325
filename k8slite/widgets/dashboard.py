"""`c.dashboard()`: the course's control room, a live picture of the cluster with hands on it.

Mirrors nothing in Kubernetes itself (its cousins are the Kubernetes
Dashboard and k9s); it is the course's lab bench. Every control acts the way
a learner would act on a real cluster, through the API server: time passes,
machines fail and come back, `kubectl scale`, `kubectl delete pod`,
`kubectl set image`, `kubectl get events`, `kubectl describe pod`.

On the fake runtime each control runs the simulation synchronously and then
redraws: no threads, no timers, so the same clicks always give the same
cluster. On Docker the `Live` toggle advances the real clock in the
background from the kernel's asyncio event loop (see widgets/live.py).
API errors show in the message line, never as tracebacks.

CSS classes (ipywidgets `add_class`), one widget each, for browser tests:

  k8slite-dashboard     VBox     the whole dashboard (its first child is the summary, its second the picture)
  k8slite-summary       HTML     "3 nodes (3 Ready) · 5/5 pods Running" (pods outside kube-system)
  k8slite-picture       Image    the cluster picture, PNG bytes of `c.draw()`, redrawn after every action
  k8slite-time          HTML     the cluster clock, "t = 30 s"
  k8slite-run-seconds   Dropdown how long Run lets time pass: 1, 5, 10 (default), 30, 60, 300 s
  k8slite-run           Button   "Run 10 s": advance the clock by the chosen span (label follows the dropdown)
  k8slite-step          Button   "Step": run until the next Event is recorded (at most 300 s)
  k8slite-live          ToggleButton  "Live": Docker only (hidden on the fake runtime); off by default;
                                 when on, runs the real clock 0.5 s and redraws every second
  k8slite-replicas      IntSlider  spec.replicas of the first Deployment (else first ReplicaSet);
                                 disabled when there is none; description "deployment/web replicas"
  k8slite-node-select   Dropdown the node that the two buttons below act on (node-1, node-2, ...)
  k8slite-fail-node     Button   "Fail node": the chosen machine stops (disabled while it is down)
  k8slite-recover-node  Button   "Recover node": the chosen machine comes back (disabled while it is up)
  k8slite-image         Text     the image to roll out (pre-filled with the first Deployment's first image)
  k8slite-rollout       Button   "Roll out": `kubectl set image deployment/<first> *=<image>`
  k8slite-pods          Select   the pods (kube-system hidden), one option per pod: "<name>  <STATUS>  <node>",
                                 value "<namespace>/<name>"; choosing one shows its describe output
  k8slite-delete-pod    Button   "Delete pod": delete the chosen pod (graceful, as kubectl delete pod)
  k8slite-describe      HTML     <pre> with `kubectl describe pod` of the chosen pod
  k8slite-events        HTML     <pre> with the header and the last 10 lines of `kubectl get events`
  k8slite-message       HTML     what the last action did ("deployment.apps/web scaled"), or the API error
                                 (also carries k8slite-error while it shows an error)
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
