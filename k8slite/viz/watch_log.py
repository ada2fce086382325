"""Buttons that write to a cluster, and the watch events one watcher receives: a live `kubectl get -w`.

Mirrors `kubectl get pods --watch --output-watch-events` beside a terminal where you create, label
and delete pods: each click is one write through the API server, then 5 s of cluster time, in
which the scheduler and the kubelets make their own writes; the log shows every event the
watch delivered, so you can tell which component wrote what. `WatchLog` does the work (and is
tested without a browser); `watch_widget` puts ipywidgets around it. Same clicks, same events:
the cluster runs on its virtual clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from k8slite.errors import ApiError

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

ACTIONS = {"create": "create pod", "label": "label pod", "delete": "delete pod", "wait": "run 5 s"}
SHOWN = 14  # the newest lines of the log


def pod_manifest(n: int) -> str:
    return (f"apiVersion: v1\nkind: Pod\nmetadata: {{name: demo-{n}}}\nspec:\n  containers:\n"
            f"  - {{name: app, image: busybox:1.36, command: [sleep, '3600']}}\n")


class WatchLog:
    """A cluster, one watch on its pods from now on, and a line for each event that watch received."""

    def __init__(self, cluster: Cluster, seconds: float = 5.0) -> None:
        self.cluster, self.seconds = cluster, seconds
        self.watch = cluster.api.watch("pods", from_revision=cluster.api.store.revision)
        self.lines: list[str] = []
        self.created = 0

    def newest_pod(self) -> Any:
        pods = [p for p in self.cluster.get("pods") if p.metadata.deletion_timestamp is None]
        return pods[-1] if pods else None

    def act(self, what: str) -> None:
        """One write ("create", "label", "delete", or "wait" for none), then run the cluster and read the watch."""
        newest = self.newest_pod()
        try:
            if what == "create":
                self.created += 1
                self.cluster.apply(pod_manifest(self.created))
            elif what == "label" and newest:
                pod = newest.copy()
                pod.metadata.labels["clicks"] = str(int(pod.metadata.labels.get("clicks", "0")) + 1)
                self.cluster.api.update(pod)
            elif what == "delete" and newest:
                self.cluster.delete("pods", newest.name)
            self.cluster.run(self.seconds)
        except ApiError as error:
            self.lines.append(f"error: {error}")
        for event in self.watch.drain():
            self.lines.append(self.describe(event))

    def describe(self, event: Any) -> str:
        p = event.value
        deleting = "  deletionTimestamp set" if p.metadata.deletion_timestamp is not None else ""
        return (f"t={self.cluster.now:>4g}s rev {event.revision:>3} {event.type:<8} {p.name:<7} "
                f"node={p.spec.node_name or '-':<7} {p.status.phase:<8} labels={p.metadata.labels}{deleting}")


def watch_widget(cluster: Cluster | None = None) -> widgets.VBox:
    """Create / label / delete / run buttons over `cluster` (by default a new 2-node one, seed 1)."""
    if cluster is None:
        from k8slite import Cluster
        cluster = Cluster(nodes=2, seed=1)
    log = WatchLog(cluster)
    events = widgets.HTML("<pre>(no events yet)</pre>")
    table = widgets.HTML("<pre>No resources found in default namespace.</pre>")

    def click(what: str) -> None:
        log.act(what)
        events.value = "<pre>" + ("\n".join(log.lines[-SHOWN:]) or "(no events yet)") + "</pre>"
        table.value = "<pre>" + cluster.kubectl("get pods -o wide") + "</pre>"

    buttons = []
    for what, label in ACTIONS.items():
        button = widgets.Button(description=label)
        button.on_click(lambda _, what=what: click(what))
        buttons.append(button)
    box = widgets.VBox([widgets.HBox(buttons), widgets.HTML("<b>watch events received</b>"), events, table])
    box.watch_log = log  # for tests and curious learners
    return box
