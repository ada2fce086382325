"""The scheduler: choose a node for every pod that has none.

Mirrors kube-scheduler's scheduling cycle (pkg/scheduler/schedule_one.go):
take a pending pod off the queue, run every filter on every node, score the
nodes that pass, pick the best (ties broken at random, from the seeded rng),
and bind: write the node's name into the pod through the API. That is all a
scheduler does; the kubelet on that node sees the binding and starts the
containers. A pod that fits nowhere gets a FailedScheduling event and waits
until something changes (a node is added or changed, a pod goes away).

Simplified: one profile, no preemption, no percentageOfNodesToScore yet
(the framework chapter adds it).
"""

from __future__ import annotations

import random

from k8slite.api.meta import KubeObject
from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.apiserver import APIServer, set_pod_condition
from k8slite.errors import ApiError
from k8slite.events import EventRecorder
from k8slite.informer import Informer, WorkQueue, object_key
from k8slite.scheduler.plugins import FILTERS, failure_message, least_allocated
from k8slite.scheduler.resources import Resources, occupies_node, pod_requests

RETRY_PERIOD = 60.0


def needs_scheduling(obj: KubeObject) -> bool:
    return (isinstance(obj, Pod) and not obj.spec.node_name and obj.metadata.deletion_timestamp is None
            and obj.spec.scheduler_name == "default-scheduler")


def node_shape(node: Node) -> tuple[object, ...]:
    """What about a node can make a waiting pod fit (not its heartbeat)."""
    return (node.spec, node.metadata.labels, node.status.allocatable, node.ready_status())


class Scheduler:
    """default-scheduler."""

    def __init__(self, api: APIServer, rng: random.Random) -> None:
        self.api, self.rng = api, rng
        self.recorder = EventRecorder(api, "default-scheduler")
        self.queue = WorkQueue(api.clock, self.schedule_one)
        self.unschedulable: set[str] = set()
        self.node_shapes: dict[str, tuple[object, ...]] = {}
        self.pods: Informer | None = None
        self.nodes: Informer | None = None

    def start(self) -> None:
        self.nodes = Informer(self.api, "nodes", self.node_changed)
        self.pods = Informer(self.api, "pods", self.pod_changed)
        self.api.clock.call_later(RETRY_PERIOD, self.flush)

    def pod_changed(self, event_type: str, obj: KubeObject) -> None:
        if needs_scheduling(obj) and event_type != "DELETED":
            if object_key(obj) not in self.unschedulable:
                self.queue.add(object_key(obj))
        elif event_type == "DELETED" and isinstance(obj, Pod) and obj.spec.node_name:
            self.retry_unschedulable()

    def node_changed(self, event_type: str, obj: KubeObject) -> None:
        assert isinstance(obj, Node)
        shape = node_shape(obj)
        if self.node_shapes.get(obj.name) != shape:
            self.node_shapes[obj.name] = shape
            self.retry_unschedulable()

    def retry_unschedulable(self) -> None:
        for key in sorted(self.unschedulable):
            self.queue.add(key)
        self.unschedulable.clear()

    def flush(self) -> None:
        """Retry pods left unschedulable for a while, as the queue's periodic flush does."""
        self.retry_unschedulable()
        self.api.clock.call_later(RETRY_PERIOD, self.flush)

    # ------------------------------------------------------------ the cycle
    def usage(self) -> tuple[dict[str, Resources], dict[str, Resources]]:
        """Requests per node (exact, and with the non-zero defaults used for scoring)."""
        assert self.pods is not None
        exact: dict[str, Resources] = {}
        non_zero: dict[str, Resources] = {}
        for pod in self.pods.list():
            if isinstance(pod, Pod) and occupies_node(pod):
                name = pod.spec.node_name
                exact[name] = exact.get(name, Resources()) + pod_requests(pod)
                non_zero[name] = non_zero.get(name, Resources()) + pod_requests(pod, non_zero=True)
        return exact, non_zero

    def schedule_one(self, key: str) -> None:
        assert self.pods is not None and self.nodes is not None
        pod = self.pods.get(key)
        if not isinstance(pod, Pod) or not needs_scheduling(pod):
            return
        nodes = [n for n in self.nodes.list() if isinstance(n, Node)]
        exact, non_zero = self.usage()
        feasible: list[Node] = []
        reasons: dict[str, int] = {}
        for node in nodes:
            why = [r for f in FILTERS for r in f(pod, node, exact.get(node.name, Resources()))]
            if why:
                for reason in why:
                    reasons[reason] = reasons.get(reason, 0) + 1
            else:
                feasible.append(node)
        if not feasible:
            self.fail(pod, failure_message(len(nodes), reasons) if nodes else "no nodes available to schedule pods")
            return
        scores = {n.name: least_allocated(pod, n, non_zero.get(n.name, Resources())) for n in feasible}
        best = max(scores.values())
        chosen = self.rng.choice(sorted(name for name, s in scores.items() if s == best))
        self.bind(pod, chosen)

    def bind(self, pod: Pod, node_name: str) -> None:
        try:
            bound = self.api.bind(pod, node_name)
        except ApiError:
            return  # deleted or bound meanwhile: the informer will tell us
        assert self.pods is not None
        self.pods.cache[object_key(bound)] = bound  # "assume" it, so the next pod sees the node's new usage
        self.recorder.normal(pod, "Scheduled", f"Successfully assigned {pod.namespace}/{pod.name} to {node_name}")

    def fail(self, pod: Pod, message: str) -> None:
        self.unschedulable.add(object_key(pod))
        self.recorder.warning(pod, "FailedScheduling", message)
        new = pod.copy()
        if set_pod_condition(new, "PodScheduled", "False", "Unschedulable", message, self.api.clock.now):
            try:
                self.api.update_status(new)
            except ApiError:
                pass
