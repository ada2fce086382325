"""Taint-based eviction: delete pods that do not tolerate a node's NoExecute taints.

Mirrors pkg/controller/tainteviction (the "taint manager"). For each pod on
a node with NoExecute taints: a pod that does not tolerate one of them is
deleted at once; a pod that tolerates all of them for a limited time
(tolerationSeconds) is deleted when the shortest of those runs out, counted
from when the taint was added; a pod that tolerates them forever stays.
Every pod gets 300 s for `not-ready` and `unreachable` from the API server's
defaults, so a dead node's pods go five minutes after the node is tainted.
Before deleting a pod it sets the pod's condition DisruptionTarget (True,
reason DeletionByTaintManager), so whoever reads the pod later knows why it
went. A node update whose NoExecute taints did not change (a heartbeat) wakes
no pod (NodeUpdated returns early on equal taints).
"""

from __future__ import annotations

from contextlib import suppress

from k8slite.api.meta import KubeObject
from k8slite.api.node import Node
from k8slite.api.pod import Pod, Taint
from k8slite.apiserver import APIServer, set_pod_condition
from k8slite.controllers import Controller
from k8slite.errors import Conflict, NotFound
from k8slite.informer import object_key

DISRUPTION_REASON = "DeletionByTaintManager"
DISRUPTION_MESSAGE = "Taint manager: deleting due to NoExecute taint"


def eviction_time(pod: Pod, taints: list[Taint]) -> float | None:
    """When the pod must go (cluster seconds), or None to let it stay."""
    deadline: float | None = None
    for taint in taints:
        if taint.effect != "NoExecute":
            continue
        matching = [t for t in pod.spec.tolerations if t.tolerates(taint)]
        if not matching:
            return taint.time_added or 0.0
        limits = [t.toleration_seconds for t in matching if t.toleration_seconds is not None]
        if limits and len(limits) == len(matching):
            due = (taint.time_added or 0.0) + max(0, min(limits))
            deadline = due if deadline is None else min(deadline, due)
    return deadline


class TaintEvictionController(Controller):
    name = "taint-eviction-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.taints: dict[str, list[Taint]] = {}  # node name -> its NoExecute taints, as last seen
        self.nodes = self.informer("nodes", self.node_changed)
        self.pods = self.informer("pods", self.enqueue)
        self.pods.add_index("spec.nodeName", lambda pod: pod.spec.node_name)  # type: ignore[attr-defined]

    def node_changed(self, event_type: str, obj: KubeObject) -> None:
        assert isinstance(obj, Node)
        taints = [] if event_type == "DELETED" else [t for t in obj.spec.taints if t.effect == "NoExecute"]
        if self.taints.get(obj.name) == taints:
            return  # a heartbeat, a label: nothing for the taint manager
        if event_type == "DELETED":
            self.taints.pop(obj.name, None)
        else:
            self.taints[obj.name] = taints
        if not hasattr(self, "pods"):
            return  # Nodes already stored (a restart), told while the informers are made: pods come next, all queued
        for pod in self.pods.by_index("spec.nodeName", obj.name):  # the node's pods, not every pod
            if isinstance(pod, Pod):
                self.queue.add(object_key(pod))

    def sync(self, key: str) -> None:
        pod = self.pods.get(key)
        if not isinstance(pod, Pod) or not pod.spec.node_name or pod.metadata.deletion_timestamp is not None:
            return
        node = self.nodes.get(pod.spec.node_name)
        if not isinstance(node, Node):
            return
        due = eviction_time(pod, node.spec.taints)
        if due is None:
            return
        if due > self.clock.now:
            self.queue.add_after(key, due - self.clock.now)
            return
        self.recorder.normal(pod, "TaintManagerEviction", f"Marking for deletion Pod {pod.namespace}/{pod.name}")
        self.delete_pod(pod)

    def delete_pod(self, pod: Pod) -> None:
        """taint_eviction.go addConditionAndDeletePod: the DisruptionTarget condition first, then the delete."""
        new = pod.copy()
        if set_pod_condition(new, "DisruptionTarget", "True", DISRUPTION_REASON, DISRUPTION_MESSAGE, self.clock.now):
            with suppress(Conflict, NotFound):
                self.api.update_status(new)  # a stale copy: the delete below is what matters
        with suppress(NotFound):
            self.api.delete("pods", pod.name, pod.namespace)
