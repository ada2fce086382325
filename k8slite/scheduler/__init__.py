"""The scheduler: choose a node for every pod that has none (kube-scheduler).

Mirrors pkg/scheduler: informers feed a cache of nodes and the pods on them
(cache.py) and a scheduling queue of pending pods (queue.py); each turn
takes pods off the queue and runs one scheduling cycle per pod (cycle.py):
the profile's Filter plugins, then its Score plugins, then the best node,
and binds it through the API. That is all a scheduler does; the kubelet on
that node sees the binding and starts the containers. A pod that fits
nowhere gets a FailedScheduling event in kube-scheduler's words
(messages.py) and waits until the cluster changes.

For notebooks: `Scheduler(api, rng, profile=bin_packing_profile())` or
`Cluster(scheduler_profile=...)` picks the plugins and weights;
`scheduler.records["default/web-1"]` says what every plugin thought of every
node (record.py); `keep_records=False` skips them on big clusters. The
plugins that decide are the ones a learner reads, at every size: they are
fast because their PreFilter/PreScore read counts the cache keeps (cycle.py).

Simplified: one profile, no preemption (only its message), no extenders.
"""

from __future__ import annotations

import random

from k8slite.api.meta import KubeObject, LabelSelector
from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.api.replicaset import ReplicaSet
from k8slite.apiserver import APIServer, set_pod_condition
from k8slite.errors import ApiError
from k8slite.events import EventRecorder
from k8slite.informer import Informer, object_key
from k8slite.scheduler.cache import SchedulerCache
from k8slite.scheduler.cycle import Result, new_state, schedule_pod
from k8slite.scheduler.messages import fit_error
from k8slite.scheduler.plugins import DefaultBinder, PodTopologySpread, VolumeBinding, VolumeRestrictions
from k8slite.scheduler.profile import Profile, bin_packing_profile, default_profile
from k8slite.scheduler.queue import SchedulingQueue
from k8slite.scheduler.record import SchedulingRecord


def needs_scheduling(obj: KubeObject, scheduler_name: str = "default-scheduler") -> bool:
    return (isinstance(obj, Pod) and not obj.spec.node_name and obj.metadata.deletion_timestamp is None
            and obj.spec.scheduler_name == scheduler_name)


def node_shape(node: Node) -> tuple[object, ...]:
    """What about a node can make a waiting pod fit (not its heartbeat)."""
    return (node.spec, node.metadata.labels, node.status.allocatable, node.ready_status())


class Scheduler:
    """A kube-scheduler with one profile (default-scheduler unless the profile says otherwise)."""

    def __init__(self, api: APIServer, rng: random.Random, profile: Profile | None = None,
                 keep_records: bool = True) -> None:
        self.api, self.rng = api, rng
        self.profile = profile or default_profile()
        self.binder = DefaultBinder(api)
        self.recorder = EventRecorder(api, self.profile.scheduler_name)
        self.queue = SchedulingQueue(api.clock, self.schedule_one)
        self.cache = SchedulerCache()
        self.keep_records = keep_records
        self.records: dict[str, SchedulingRecord] = {}
        self.next_start = 0
        self.node_shapes: dict[str, tuple[object, ...]] = {}
        self.pods: Informer | None = None
        self.replicasets: Informer | None = None
        for plugin in self.profile.filters + [p for p, _ in self.profile.scores]:
            if isinstance(plugin, PodTopologySpread):
                plugin.selectors_for = self.controller_selectors
            if isinstance(plugin, VolumeBinding | VolumeRestrictions):
                plugin.api = api  # they read claims and classes

    def start(self) -> None:
        self.replicasets = Informer(self.api, "replicasets", lambda *_: None)
        Informer(self.api, "nodes", self.node_changed)
        self.pods = Informer(self.api, "pods", self.pod_changed)
        Informer(self.api, "persistentvolumeclaims", lambda *_: self.queue.move_all())  # a claim bound
        self.queue.start()

    # ------------------------------------------------------------ events
    def pod_changed(self, event_type: str, obj: KubeObject) -> None:
        assert isinstance(obj, Pod)
        key = object_key(obj)
        was_placed = key in self.cache.pods
        if event_type == "DELETED":
            self.cache.delete_pod(obj)
            self.queue.done(key)
        else:
            self.cache.set_pod(obj)
            if needs_scheduling(obj, self.profile.scheduler_name):
                self.queue.add(key)
            elif obj.spec.node_name:
                self.queue.done(key)
        if was_placed and key not in self.cache.pods:
            self.queue.move_all()  # room was freed

    def node_changed(self, event_type: str, obj: KubeObject) -> None:
        assert isinstance(obj, Node)
        if event_type == "DELETED":
            self.cache.remove_node(obj.name)
            self.node_shapes.pop(obj.name, None)
            return
        self.cache.set_node(obj)
        shape = node_shape(obj)
        if self.node_shapes.get(obj.name) != shape:
            self.node_shapes[obj.name] = shape
            self.queue.move_all()

    def controller_selectors(self, pod: Pod) -> list[LabelSelector]:
        """The selectors of the ReplicaSets that select this pod (for default topology spreading)."""
        if self.replicasets is None or not pod.metadata.labels:
            return []
        return [rs.spec.selector for rs in self.replicasets.list()
                if isinstance(rs, ReplicaSet) and rs.namespace == pod.namespace
                and not rs.spec.selector.is_empty() and rs.spec.selector.matches(pod.metadata.labels)]

    # ------------------------------------------------------------ the cycle
    def schedule_one(self, key: str) -> None:
        assert self.pods is not None
        pod = self.pods.get(key)
        if not isinstance(pod, Pod) or not needs_scheduling(pod, self.profile.scheduler_name):
            return
        result = self.find_node(pod)
        if result.record is not None and self.keep_records:
            self.records[key] = result.record
        if result.node:
            self.bind(pod, result.node)
        else:
            message = fit_error(len(self.cache.nodes), result.statuses)
            if result.record is not None:
                result.record.message = message
            self.fail(pod, message)

    def find_node(self, pod: Pod) -> Result:
        count = len(self.cache.order)
        if not count:
            return Result()
        start = self.next_start % count
        state = new_state(self.cache)
        result = schedule_pod(self.profile, state, pod, state["all_nodes"], start, self.rng, self.keep_records)
        self.next_start = (start + result.processed) % count
        return result

    def bind(self, pod: Pod, node_name: str) -> None:
        for plugin in self.profile.filters:
            if hasattr(plugin, "pre_bind"):
                plugin.pre_bind(pod, node_name)
        try:
            bound = self.binder.bind(pod, node_name)
        except ApiError:
            return  # deleted or bound meanwhile: the informer will tell us
        assert self.pods is not None
        self.pods.cache[object_key(bound)] = bound
        self.cache.set_pod(bound)  # "assume" it, so the next pod sees the node's new usage
        self.queue.done(object_key(bound))
        self.recorder.normal(pod, "Scheduled", f"Successfully assigned {pod.namespace}/{pod.name} to {node_name}")

    def fail(self, pod: Pod, message: str) -> None:
        self.queue.failed(object_key(pod))
        self.recorder.warning(pod, "FailedScheduling", message)
        new = pod.copy()
        if set_pod_condition(new, "PodScheduled", "False", "Unschedulable", message, self.api.clock.now):
            try:
                self.api.update_status(new)
            except ApiError:
                pass


__all__ = ["Profile", "Scheduler", "SchedulingRecord", "bin_packing_profile", "default_profile", "needs_scheduling"]
