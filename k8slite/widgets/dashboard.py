"""`c.dashboard()`: the course's control room, a live picture of the cluster with hands on it.

Mirrors nothing in Kubernetes itself (its cousins are the Kubernetes
Dashboard and k9s); it is the course's lab bench. Every control acts the way
a learner would act on a real cluster, through the API server: time passes,
machines fail and come back, `kubectl scale`, `kubectl delete pod`,
`kubectl set image`, `kubectl events`, `kubectl describe pod`.

On the fake runtime each control runs the simulation synchronously and then
redraws: no threads, no timers, so the same clicks always give the same
cluster. On Docker the `Live` toggle advances the real clock in the
background from the kernel's asyncio event loop (see widgets/live.py).
API errors show in the message line, never as tracebacks.

CSS classes (ipywidgets `add_class`), one widget each, for browser tests:

  k8slite-dashboard     VBox     the whole dashboard (its first child is the summary, its second the picture)
  k8slite-summary       HTML     "3 nodes (3 Ready) · 5/5 pods Running" (pods outside kube-system)
  k8slite-picture       Image    the cluster picture, PNG bytes of `c.draw()`, redrawn after every action
                                 (each pod keeps its place from one redraw to the next)
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
  k8slite-events        HTML     <pre> with the header and the last 10 lines of `kubectl events -A`
  k8slite-message       HTML     what the last action did ("deployment.apps/web scaled"), or the API error
                                 (also carries k8slite-error while it shows an error)
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.errors import ApiError
from k8slite.viz import draw_cluster, png_bytes
from k8slite.viz.slots import Slots
from k8slite.widgets import actions
from k8slite.widgets.actions import HIDDEN_NAMESPACES, scale_target
from k8slite.widgets.live import Live

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

RUN_SECONDS = 10
RUN_CHOICES = (1, 5, 10, 30, 60, 300)
SCROLL = {"max_height": "260px", "overflow": "auto"}


def summary(cluster: Cluster) -> str:
    """`3 nodes (3 Ready) · 5/5 pods Running`: pods in every namespace but kube-system."""
    nodes = [n for n in cluster.api.list("nodes") if isinstance(n, Node)]
    ready = sum(1 for n in nodes if n.is_ready())
    pods = [p for p in cluster.api.list("pods") if isinstance(p, Pod) and p.namespace not in HIDDEN_NAMESPACES]
    running = sum(1 for p in pods if p.status.phase == "Running" and p.metadata.deletion_timestamp is None)
    return f"{len(nodes)} nodes ({ready} Ready) · {running}/{len(pods)} pods Running"


def pre(text: str) -> str:
    return f"<pre style='margin:0; font-size:11px; line-height:1.3; white-space:pre'>{html.escape(text)}</pre>"


def button(description: str, css: str, **kwargs: Any) -> widgets.Button:
    return widgets.Button(description=description, **kwargs).add_class(css)


class Dashboard:
    """`Dashboard(c).widget` is the whole dashboard; `refresh()` redraws it from the API."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.syncing = False  # True while refresh() sets a control, so that is not taken as a request
        self.slots = Slots()  # pods keep their place in the picture from one redraw to the next
        self.summary = widgets.HTML().add_class("k8slite-summary")
        self.picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.picture.add_class("k8slite-picture")
        self.build_time_controls()
        self.build_node_controls()
        self.build_workload_controls()
        self.build_pod_panel()
        self.message = widgets.HTML().add_class("k8slite-message")
        self.events_log = widgets.HTML(layout=widgets.Layout(**SCROLL)).add_class("k8slite-events")
        self.widget = widgets.VBox([
            self.summary, self.picture,
            widgets.HBox([self.clock, self.run_seconds, self.run_button, self.step_button, self.live_toggle]),
            widgets.HBox([self.node_picker, self.fail_button, self.recover_button, self.replicas]),
            widgets.HBox([self.image, self.rollout_button]),
            self.message,
            widgets.HBox([widgets.VBox([self.pods, self.delete_button]), self.describe]),
            widgets.HTML("<b>Events</b> (kubectl events)"), self.events_log,
        ])
        self.widget.add_class("k8slite-dashboard")
        self.refresh()

    # ------------------------------------------------------------ building it
    def build_time_controls(self) -> None:
        self.clock = widgets.HTML().add_class("k8slite-time")
        self.run_seconds = widgets.Dropdown(options=[(f"{s} s", s) for s in RUN_CHOICES], value=RUN_SECONDS,
                                            layout=widgets.Layout(width="80px")).add_class("k8slite-run-seconds")
        self.run_button = button(f"Run {RUN_SECONDS} s", "k8slite-run", icon="play",
                                 tooltip="advance the cluster clock by the chosen span")
        self.step_button = button("Step", "k8slite-step", icon="step-forward",
                                  tooltip="run until the next event is recorded")
        self.live_toggle = widgets.ToggleButton(description="Live", value=False, icon="refresh",
                                                tooltip="real clock: run and redraw every second")
        self.live_toggle.add_class("k8slite-live")
        if self.cluster.runtime_name == "fake":
            self.live_toggle.layout.display = "none"  # virtual time moves only when asked
        self.live = Live(self.cluster, self.refresh)
        self.run_seconds.observe(self.on_run_seconds, names="value")
        self.run_button.on_click(lambda _b: self.act(actions.run_for, self.run_seconds.value))
        self.step_button.on_click(lambda _b: self.act(actions.step))
        self.live_toggle.observe(self.on_live, names="value")

    def build_node_controls(self) -> None:
        self.node_picker = widgets.Dropdown(options=sorted(self.cluster.kubelets), description="node",
                                            layout=widgets.Layout(width="170px"),
                                            style={"description_width": "35px"}).add_class("k8slite-node-select")
        self.fail_button = button("Fail node", "k8slite-fail-node", button_style="danger")
        self.recover_button = button("Recover node", "k8slite-recover-node", button_style="success")
        self.replicas = widgets.IntSlider(min=0, max=10, description="replicas", continuous_update=False,
                                          style={"description_width": "initial"}).add_class("k8slite-replicas")
        self.fail_button.on_click(lambda _b: self.act(actions.fail_node, self.node_picker.value))
        self.recover_button.on_click(lambda _b: self.act(actions.recover_node, self.node_picker.value))
        self.node_picker.observe(lambda _c: self.refresh_node_buttons(), names="value")
        self.replicas.observe(self.on_replicas, names="value")

    def build_workload_controls(self) -> None:
        self.image = widgets.Text(description="image", placeholder="busybox:1.36",
                                  layout=widgets.Layout(width="260px"),
                                  style={"description_width": "initial"}).add_class("k8slite-image")
        self.image.value = actions.current_image(self.cluster)
        self.rollout_button = button("Roll out", "k8slite-rollout", icon="upload",
                                     tooltip="kubectl set image deployment/<first> *=<image>")
        self.rollout_button.on_click(lambda _b: self.act(actions.roll_out, self.image.value))

    def build_pod_panel(self) -> None:
        self.pods = widgets.Select(options=[], rows=8, description="",
                                   layout=widgets.Layout(width="340px")).add_class("k8slite-pods")
        self.delete_button = button("Delete pod", "k8slite-delete-pod", icon="trash")
        self.describe = widgets.HTML(layout=widgets.Layout(flex="1", **SCROLL)).add_class("k8slite-describe")
        self.pods.observe(lambda _c: self.refresh_describe(), names="value")
        self.delete_button.on_click(lambda _b: self.act(actions.delete_pod, self.pods.value) if self.pods.value
                                    else self.show("choose a pod first", error=True))

    # ------------------------------------------------------------ what the learner does
    def act(self, action: Callable[..., str], *args: Any) -> None:
        """Run one action on the cluster, redraw, and say what happened (or what the API refused)."""
        try:
            text, error = action(self.cluster, *args), False
        except (ApiError, ValueError) as problem:
            text, error = str(problem), True
        self.refresh()
        self.show(text, error)

    def show(self, text: str, error: bool = False) -> None:
        colour = "#d62728" if error else "#2e5c2e"
        self.message.value = f"<span style='color:{colour}'>{html.escape(text, quote=False)}</span>"
        if error:
            self.message.add_class("k8slite-error")
        else:
            self.message.remove_class("k8slite-error")

    def on_run_seconds(self, change: dict[str, Any]) -> None:
        self.run_button.description = f"Run {change['new']} s"

    def on_replicas(self, change: dict[str, Any]) -> None:
        if not self.syncing:
            self.act(actions.scale, int(change["new"]))

    def on_live(self, change: dict[str, Any]) -> None:
        if not change["new"]:
            self.live.stop()
            return
        try:
            self.live.start()
        except RuntimeError as problem:
            self.show(str(problem), error=True)
            self.live_toggle.value = False

    # ------------------------------------------------------------ showing it
    def refresh(self) -> None:
        """Redraw every part from what the API holds now."""
        self.summary.value = summary(self.cluster)
        self.clock.value = f"<b>t = {self.cluster.now:.0f} s</b>"
        self.picture.value = png_bytes(draw_cluster(self.cluster, slots=self.slots))
        self.refresh_node_buttons()
        self.refresh_replicas()
        self.refresh_pods()
        self.events_log.value = pre(actions.recent_events(self.cluster))

    def refresh_node_buttons(self) -> None:
        name = self.node_picker.value
        up = name is not None and self.cluster.node(name).up
        self.fail_button.disabled = name is None or not up
        self.recover_button.disabled = name is None or up

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

    def refresh_pods(self) -> None:
        chosen = self.pods.value
        choices = actions.pod_choices(self.cluster)
        self.syncing = True
        try:
            self.pods.options = choices
            self.pods.value = chosen if chosen in [value for _label, value in choices] else None
        finally:
            self.syncing = False
        self.refresh_describe()

    def refresh_describe(self) -> None:
        self.describe.value = pre(actions.describe_pod(self.cluster, self.pods.value))
