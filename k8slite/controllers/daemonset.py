"""The DaemonSet controller: one pod on every node that should run one.

Mirrors pkg/controller/daemon. A sync of a DaemonSet:

1. finds its history (`construct_history`): the ControllerRevision whose
   patch is the current template, made if there is none (named
   `<name>-<hash>`, the hash every new pod carries as `controller-revision-hash`);
2. `manage`s the nodes: for each node, `node_should_run` says whether a pod
   of the DaemonSet should start there and whether one already there may
   stay (the pod's nodeSelector and required node affinity must match the
   node, and no NoSchedule or NoExecute taint go untolerated: NoExecute
   alone decides whether a pod may stay). A node that should run a pod and has
   none gets one; a failed pod is deleted (with a back-off per node: 1 s,
   doubling to 15 minutes), extra pods beyond the oldest go, and pods on nodes
   that should not run them go;
3. rolls out a changed template (`rolling_update`, RollingUpdate only, and
   only in a sync that created or deleted nothing): delete old pods while at
   most maxUnavailable nodes are without an available pod; `manage` then
   starts the new pod once the old one is gone. With maxSurge the new pod
   starts first and the old one goes when the new one is available;
4. drops the oldest revisions beyond revisionHistoryLimit, and writes the status.

The controller does not place pods itself: since 1.12 the default scheduler
does, because each pod asks for its node by name (a required node affinity
on `metadata.name`). Every pod also tolerates the taints of a node in
trouble: not-ready and unreachable (NoExecute, forever, so a dead node's
daemon pod is never evicted), disk/memory/PID pressure and unschedulable
(NoSchedule: a cordoned node still gets its daemon pod).
Simplified: no expectations cache and no slow-start batches (the controller
puts the pods it creates in its cache at once, as the ReplicaSet controller
does); nodes are visited in name order (Go ranges over a map).
"""

from __future__ import annotations

import copy
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from k8slite.api.affinity import Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm
from k8slite.api.daemonset import (
    CONTROLLER_REVISION_HASH,
    POD_TEMPLATE_GENERATION,
    ControllerRevision,
    DaemonSet,
)
from k8slite.api.meta import KubeObject, ObjectMeta
from k8slite.api.node import NOT_READY, UNREACHABLE, UNSCHEDULABLE, Node
from k8slite.api.pod import Pod, PodSpec, PodTemplateSpec, Toleration
from k8slite.api.serialize import to_dict
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.controllers.deployment_util import compute_hash
from k8slite.controllers.replicaset import (
    CONTROLLER_UID,
    adopt,
    controlled_by_or_orphan,
    controller_ref,
    controller_uid,
    create_controlled_pod,
    delete_controlled_pod,
    orphans_of,
)
from k8slite.errors import Aggregate, ApiError, NotFound
from k8slite.informer import Informer, object_key
from k8slite.scheduler.plugins.node_affinity import required_matches
from k8slite.scheduler.plugins.taint_toleration import untolerated

# The taints every daemon pod tolerates (util.AddOrUpdateDaemonPodTolerations), in the order it adds them
DAEMON_TOLERATIONS = [(NOT_READY, "NoExecute"), (UNREACHABLE, "NoExecute"),
                      ("node.kubernetes.io/disk-pressure", "NoSchedule"),
                      ("node.kubernetes.io/memory-pressure", "NoSchedule"),
                      ("node.kubernetes.io/pid-pressure", "NoSchedule"),
                      (UNSCHEDULABLE, "NoSchedule")]
FAILED_BACKOFF_INITIAL, FAILED_BACKOFF_MAX = 1.0, 900.0  # failedPodsBackoff: 1 s, doubling to 15 minutes


def add_daemon_tolerations(spec: PodSpec) -> None:
    """AddOrUpdateDaemonPodTolerations: each toleration replaces one with the same key and effect, or is added.
    (A hostNetwork pod would tolerate node.kubernetes.io/network-unavailable too: k8slite has no hostNetwork.)"""
    for key, effect in DAEMON_TOLERATIONS:
        toleration = Toleration(key=key, operator="Exists", effect=effect)
        same = [i for i, t in enumerate(spec.tolerations) if t.key == key and t.effect == effect]
        if same:
            spec.tolerations[same[0]] = toleration
        else:
            spec.tolerations.append(toleration)


def node_name_affinity(affinity: Affinity | None, node: str) -> Affinity:
    """ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes "the node called `node`"."""
    term = NodeSelectorTerm(match_fields=[NodeSelectorRequirement("metadata.name", "In", [node])])
    affinity = affinity or Affinity()
    if affinity.node_affinity is None:
        affinity.node_affinity = NodeAffinity()
    affinity.node_affinity.required_during_scheduling_ignored_during_execution = NodeSelector([term])
    return affinity


def target_node(pod: Pod) -> str:
    """GetTargetNodeName: spec.nodeName, or before scheduling the node its affinity names."""
    if pod.spec.node_name:
        return pod.spec.node_name
    affinity = pod.spec.affinity.node_affinity if pod.spec.affinity else None
    required = affinity.required_during_scheduling_ignored_during_execution if affinity else None
    for term in required.node_selector_terms if required else []:
        for field in term.match_fields:
            if field.key == "metadata.name" and field.operator == "In" and len(field.values) == 1:
                return field.values[0]
    return ""


def node_should_run(node: Node, ds: DaemonSet) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (should a pod start there, may a pod already there stay)."""
    template = ds.spec.template.spec
    if template.node_name not in ("", node.name):
        return False, False
    if not required_matches(Pod(spec=template), node.metadata.labels, node.name):
        return False, False
    spec = copy.copy(template)
    spec.tolerations = list(template.tolerations)
    add_daemon_tolerations(spec)
    if untolerated(node.spec.taints, spec.tolerations, ("NoSchedule", "NoExecute")):
        return False, not untolerated(node.spec.taints, spec.tolerations, ("NoExecute",))
    return True, True


def by_age(pods: list[Pod]) -> list[Pod]:
    """podByCreationTimestampAndPhase: scheduled pods first, then the oldest, then by name."""
    return sorted(pods, key=lambda p: (0 if p.spec.node_name else 1, p.metadata.creation_timestamp or 0.0, p.name))


def is_available(pod: Pod, min_ready_seconds: int, now: float) -> bool:
    """podutil.IsPodAvailable: Ready for at least minReadySeconds."""
    ready = pod.status.condition("Ready")
    if ready is None or ready.status != "True":
        return False
    return min_ready_seconds == 0 or (ready.last_transition_time or 0.0) + min_ready_seconds <= now


def is_updated(pod: Pod, hash_: str) -> bool:
    """util.IsPodUpdated: the pod carries the current revision's hash. (Kubernetes also compares the
    pod-template-generation label, with a Go pointer printed as a number: that never matches.)"""
    return bool(hash_) and pod.metadata.labels.get(CONTROLLER_REVISION_HASH) == hash_


def scaled(value: int | str | None, total: int) -> int:
    """GetScaledValueFromIntOrPercent, rounding up: 1, or "10%" of total."""
    if isinstance(value, str):
        return -(-int(value.rstrip("%")) * total // 100)
    return value or 0


def template_patch(template: PodTemplateSpec) -> dict[str, Any]:
    """getPatch (the DaemonSet's and the StatefulSet's): the patch that restores the template,
    `{"spec": {"template": {..., "$patch": "replace"}}}`, what a ControllerRevision keeps and rollout undo applies."""
    data = to_dict(template)
    data["$patch"] = "replace"
    return {"spec": {"template": data}}


@dataclass
class Plan:
    """What one node needs (podsShouldBeOnNode): start a pod there, and the pods to delete."""

    create: bool
    delete: list[str]


class DaemonSetController(Controller):
    name = "daemonset-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.shown: dict[str, Any] = {}  # node name -> what decides where daemon pods run (not heartbeats)
        self.daemonsets = self.informer("daemonsets", self.enqueue)
        self.nodes = self.informer("nodes", self.node_changed)
        self.revisions = self.informer("controllerrevisions", self.revision_changed)
        self.revisions.add_index(CONTROLLER_UID, controller_uid)
        # its own cache of the pods that are a DaemonSet's or nobody's: the pods it creates go in at once
        self.pods = Informer(api, "pods", self.pod_changed, match=controlled_by_or_orphan("DaemonSet"))
        self.pods.add_index(CONTROLLER_UID, controller_uid)
        self.backoff: dict[str, tuple[float, float]] = {}  # failed-pod back-off per DaemonSet and node

    def resync_keys(self) -> list[str]:
        return sorted(self.daemonsets.cache)

    # ------------------------------------------------------------ handlers
    def pod_changed(self, event_type: str, obj: KubeObject) -> None:
        ref = obj.metadata.controller_ref()
        if ref is not None:
            self.queue.add(f"{obj.namespace}/{ref.name}")
            return
        for ds in self.daemonsets.list():  # an orphan: every DaemonSet that could adopt it
            if isinstance(ds, DaemonSet) and ds.namespace == obj.namespace and \
                    ds.spec.selector.matches(obj.metadata.labels):
                self.queue.add(object_key(ds))

    def node_changed(self, event_type: str, obj: KubeObject) -> None:
        """A node added or gone, or one whose labels, taints or conditions changed (shouldIgnoreNodeUpdate:
        a heartbeat changes nothing here)."""
        if not isinstance(obj, Node):
            return
        shown = None if event_type == "DELETED" else (
            obj.metadata.labels, obj.spec.taints, obj.spec.unschedulable,
            [(c.type, c.status) for c in obj.status.conditions])
        if self.shown.get(obj.name) == shown:
            return
        self.shown[obj.name] = shown
        if shown is None:
            del self.shown[obj.name]
        for key in sorted(self.daemonsets.cache):
            self.queue.add(key)

    def revision_changed(self, event_type: str, obj: KubeObject) -> None:
        ref = obj.metadata.controller_ref()
        if ref is not None and ref.kind == "DaemonSet":
            self.queue.add(f"{obj.namespace}/{ref.name}")

    # ------------------------------------------------------------ sync
    def sync(self, key: str) -> None:
        ds = self.daemonsets.get(key)
        if not isinstance(ds, DaemonSet) or ds.metadata.deletion_timestamp is not None:
            return
        nodes = [n for n in self.nodes.list() if isinstance(n, Node)]
        self.adopt_orphans(ds)
        current, old = self.construct_history(ds)
        hash_ = current.metadata.labels.get(CONTROLLER_REVISION_HASH, "")
        failure = None
        try:
            changed = self.manage(ds, nodes, hash_)
            if not changed and ds.spec.update_strategy.type == "RollingUpdate":
                self.rolling_update(ds, nodes, hash_)
            self.cleanup_history(ds, old)
        except ApiError as err:
            failure = err
        self.update_status(ds, nodes, hash_)
        if failure is not None:
            raise failure

    def adopt_orphans(self, ds: DaemonSet) -> None:
        """ClaimPods: take the namespace's ownerless active pods that the selector matches."""
        errors = Aggregate()
        for pod in self.pods.by_index(CONTROLLER_UID, orphans_of(ds.namespace)):
            if isinstance(pod, Pod) and pod.metadata.deletion_timestamp is None and \
                    ds.spec.selector.matches(pod.metadata.labels):
                with errors, suppress(NotFound):
                    adopt(self.api, self.pods, ds, pod)
        errors.raise_first()

    def daemon_pods(self, ds: DaemonSet) -> dict[str, list[Pod]]:
        """getNodesToDaemonPods: its pods (not finished and deleted) by the node they are for, oldest first."""
        by_node: dict[str, list[Pod]] = {}
        for pod in self.pods.by_index(CONTROLLER_UID, ds.metadata.uid):
            if isinstance(pod, Pod) and not (pod.metadata.deletion_timestamp is not None
                                             and pod.status.phase in ("Succeeded", "Failed")):
                by_node.setdefault(target_node(pod), []).append(pod)
        return {node: by_age(pods) for node, pods in by_node.items()}

    # ------------------------------------------------------------ history
    def construct_history(self, ds: DaemonSet) -> tuple[ControllerRevision, list[ControllerRevision]]:
        """The current revision (made, or renumbered to be the newest) and the old ones."""
        self.adopt_revisions(ds)
        patch = template_patch(ds.spec.template)
        current: list[ControllerRevision] = []
        old: list[ControllerRevision] = []
        for revision in self.revisions.by_index(CONTROLLER_UID, ds.metadata.uid):
            if isinstance(revision, ControllerRevision):
                (current if revision.data == patch else old).append(revision)
        newest = max((r.revision for r in old), default=0) + 1
        if not current:
            return self.snapshot(ds, patch, newest), old
        keep = max(current, key=lambda r: r.revision)
        if keep.revision < newest:  # a rollback to this template: it becomes the newest revision
            renumbered = keep.copy()
            renumbered.revision = newest
            keep = self.api.update(renumbered)
        return keep, old

    def adopt_revisions(self, ds: DaemonSet) -> None:
        """ClaimControllerRevisions: take the namespace's ownerless revisions that the selector matches (those
        of a DaemonSet deleted with --cascade=orphan, whose pods the new one adopts too)."""
        for revision in self.revisions.by_index(CONTROLLER_UID, orphans_of(ds.namespace)):
            if isinstance(revision, ControllerRevision) and ds.spec.selector.matches(revision.metadata.labels):
                with suppress(NotFound):
                    adopt(self.api, self.revisions, ds, revision)

    def snapshot(self, ds: DaemonSet, patch: dict[str, Any], revision: int) -> ControllerRevision:
        hash_ = compute_hash(ds.spec.template, ds.status.collision_count)
        history = ControllerRevision(
            metadata=ObjectMeta(name=f"{ds.name}-{hash_}", namespace=ds.namespace,
                                labels={**ds.spec.template.metadata.labels, CONTROLLER_REVISION_HASH: hash_},
                                annotations=dict(ds.metadata.annotations), owner_references=[controller_ref(ds)]),
            data=patch, revision=revision)
        created = self.api.create(history)
        self.revisions.cache[object_key(created)] = created
        return created

    def cleanup_history(self, ds: DaemonSet, old: list[ControllerRevision]) -> None:
        """Delete the oldest revisions beyond revisionHistoryLimit, unless a pod still runs them."""
        to_kill = len(old) - (ds.spec.revision_history_limit or 0)
        if to_kill <= 0:
            return
        live = {p.metadata.labels.get(CONTROLLER_REVISION_HASH) for pods in self.daemon_pods(ds).values()
                for p in pods}
        for revision in sorted(old, key=lambda r: r.revision):
            if to_kill <= 0:
                break
            if revision.metadata.labels.get(CONTROLLER_REVISION_HASH) in live:
                continue
            with suppress(NotFound):
                self.api.delete("controllerrevisions", revision.name, revision.namespace)
            self.revisions.cache.pop(object_key(revision), None)
            to_kill -= 1

    # ------------------------------------------------------------ manage
    def manage(self, ds: DaemonSet, nodes: list[Node], hash_: str) -> bool:
        """Create and delete pods so that each node has the pod it should; whether anything was asked."""
        by_node = self.daemon_pods(ds)
        create: list[str] = []
        delete: list[str] = []
        for node in nodes:
            plan = self.pods_should_be_on_node(node, by_node.get(node.name), ds, hash_)
            create += [node.name] if plan.create else []
            delete += plan.delete
        names = {n.name for n in nodes}  # pods for nodes that are gone and were never scheduled
        delete += [p.name for node, pods in by_node.items() if node not in names for p in pods if not p.spec.node_name]
        self.sync_nodes(ds, delete, create, hash_)
        return bool(create or delete)

    def pods_should_be_on_node(self, node: Node, pods: list[Pod] | None, ds: DaemonSet, hash_: str) -> Plan:
        """podsShouldBeOnNode: start one if it should run and has none; delete failed, extra or unwanted ones."""
        should_run, should_continue = node_should_run(node, ds)
        if should_run and pods is None:
            return Plan(create=True, delete=[])
        if pods is None:
            return Plan(create=False, delete=[])
        if not should_continue:
            return Plan(create=False, delete=[p.name for p in pods if p.metadata.deletion_timestamp is None])
        delete: list[str] = []
        running: list[Pod] = []
        for pod in pods:
            if pod.metadata.deletion_timestamp is not None:
                continue
            if pod.status.phase == "Failed":
                if self.in_backoff(ds, node.name):
                    continue
                self.recorder.warning(ds, "FailedDaemonPod", f"Found failed daemon pod {pod.namespace}/{pod.name} "
                                                              f"on node {node.name}, will try to kill it")
                delete.append(pod.name)
            elif pod.status.phase == "Succeeded":
                self.recorder.normal(ds, "SucceededDaemonPod", f"Found succeeded daemon pod {pod.namespace}/"
                                                               f"{pod.name} on node {node.name}, will try to delete it")
                delete.append(pod.name)
            else:
                running.append(pod)
        if scaled(self.max_surge(ds), 1) == 0:  # no surge: one pod per node, the oldest
            return Plan(create=False, delete=delete + [p.name for p in by_age(running)[1:]])
        if len(running) <= 1:
            return Plan(create=not running and should_run, delete=delete)
        return Plan(create=False, delete=delete + self.surge_extras(ds, by_age(running), hash_))

    def surge_extras(self, ds: DaemonSet, running: list[Pod], hash_: str) -> list[str]:
        """With surge, a node keeps its oldest new pod and oldest old pod while the new one is not available."""
        newest: Pod | None = None
        oldest: Pod | None = None
        extra: list[str] = []
        for pod in running:
            if is_updated(pod, hash_) and newest is None:
                newest = pod
            elif not is_updated(pod, hash_) and oldest is None:
                oldest = pod
            else:
                extra.append(pod.name)
        if newest is not None and oldest is not None and (
                not oldest.is_ready() or is_available(newest, ds.spec.min_ready_seconds, self.clock.now)):
            extra.append(oldest.name)
        return extra

    def in_backoff(self, ds: DaemonSet, node: str) -> bool:
        """failedPodsBackoff: a failed pod on a node is deleted at once, then after 1 s, 2 s ... 15 min."""
        key = f"{ds.metadata.uid}/{ds.status.observed_generation or 0}/{node}"
        now = self.clock.now
        delay, last = self.backoff.get(key, (0.0, 0.0))
        if delay and now - last < delay and now - last <= 2 * FAILED_BACKOFF_MAX:
            self.queue.add_after(object_key(ds), delay)
            return True
        expired = not delay or now - last > 2 * FAILED_BACKOFF_MAX
        self.backoff[key] = (FAILED_BACKOFF_INITIAL if expired else min(2 * delay, FAILED_BACKOFF_MAX), now)
        return False

    def sync_nodes(self, ds: DaemonSet, delete: list[str], create: list[str], hash_: str) -> None:
        """Create a pod for each node of `create` (the first refusal stops the rest), then delete `delete`."""
        template = self.pod_template(ds, hash_)
        errors = Aggregate()
        for node in create:
            with errors:
                self.create_pod(ds, template, node)
            if errors.errors:
                break
        for name in delete:
            with errors:
                self.delete_pod(ds, name)
        errors.raise_first()

    @staticmethod
    def pod_template(ds: DaemonSet, hash_: str) -> PodTemplateSpec:
        """CreatePodTemplate: the template with the daemon tolerations and the generation and hash labels."""
        template = copy.deepcopy(ds.spec.template)
        add_daemon_tolerations(template.spec)
        generation = ds.template_generation()
        labels = template.metadata.labels
        if generation is not None:
            labels[POD_TEMPLATE_GENERATION] = str(generation)
        if hash_:
            labels[CONTROLLER_REVISION_HASH] = hash_
        return template

    def create_pod(self, ds: DaemonSet, template: PodTemplateSpec, node: str) -> None:
        spec = copy.deepcopy(template.spec)
        spec.affinity = node_name_affinity(spec.affinity, node)
        create_controlled_pod(self, self.pods, ds, template, spec)

    def delete_pod(self, ds: DaemonSet, name: str) -> None:
        delete_controlled_pod(self, self.pods, ds, name)

    # ------------------------------------------------------------ rolling update
    @staticmethod
    def max_surge(ds: DaemonSet) -> int | str | None:
        rolling = ds.spec.update_strategy.rolling_update
        return rolling.max_surge if ds.spec.update_strategy.type == "RollingUpdate" and rolling else 0

    def rolling_update(self, ds: DaemonSet, nodes: list[Node], hash_: str) -> None:
        """Replace old pods: without surge, delete as many as maxUnavailable allows (manage starts the new
        ones); with surge, start new pods beside the old, and delete an old one when its new one is available."""
        by_node = self.daemon_pods(ds)
        wanted = [n for n in nodes if node_should_run(n, ds)[0]]
        for node in wanted:
            by_node.setdefault(node.name, [])
        rolling = ds.spec.update_strategy.rolling_update
        max_unavailable = scaled(rolling.max_unavailable if rolling else 0, len(wanted))
        max_surge = scaled(self.max_surge(ds), len(wanted))
        if wanted and max_unavailable == 0 and max_surge == 0:
            max_unavailable = 1
        now, min_ready = self.clock.now, ds.spec.min_ready_seconds
        if max_surge == 0:
            unavailable = 0
            replace: list[str] = []
            candidates: list[str] = []
            for name in sorted(by_node):
                found = updated_and_old(by_node[name], hash_)
                if found is None:
                    unavailable += 1
                    continue
                new, old = found
                if (old is None) == (new is None):
                    unavailable += 1
                elif new is not None:
                    unavailable += 0 if is_available(new, min_ready, now) else 1
                elif old is not None and not is_available(old, min_ready, now):
                    replace.append(old.name)
                    unavailable += 1
                elif old is not None and unavailable < max_unavailable:
                    candidates.append(old.name)
            room = min(max(max_unavailable - unavailable, 0), len(candidates))
            self.sync_nodes(ds, replace + candidates[:room], [], hash_)
            return
        self.surge(ds, by_node, {n.name for n in wanted}, max_surge, len(wanted), hash_)

    def surge(self, ds: DaemonSet, by_node: dict[str, list[Pod]], wanted: set[str], max_surge: int, desired: int,
              hash_: str) -> None:
        """rollingUpdate with maxSurge: new pods beside old ones, at most maxSurge not yet available."""
        now, min_ready = self.clock.now, ds.spec.min_ready_seconds
        delete: list[str] = []
        leaving: list[str] = []  # old pods on nodes that should no longer run one
        allowed: list[str] = []
        candidates: list[str] = []
        surging = available = 0
        for node in sorted(by_node):
            found = updated_and_old(by_node[node], hash_)
            if found is None:
                surging += 1
                continue
            new, old = found
            shown = old if old is not None else new
            available += 1 if shown is not None and is_available(shown, min_ready, now) else 0
            if old is None:
                continue
            if new is None:
                if not is_available(old, min_ready, now) and node not in wanted:
                    delete.append(old.name)  # unavailable, on a node that should not run it: it goes
                elif not is_available(old, min_ready, now):
                    allowed.append(node)  # unavailable: its replacement starts at once
                elif node not in wanted:
                    leaving.append(old.name)
                elif surging < max_surge:
                    candidates.append(node)
            elif not is_available(new, min_ready, now):
                surging += 1
            else:
                delete.append(old.name)
        delete += leaving[:max(min(available - desired, len(leaving)), 0)]
        room = min(max(max_surge - surging, 0), len(candidates))
        self.sync_nodes(ds, delete, allowed + candidates[:room], hash_)

    # ------------------------------------------------------------ status
    def update_status(self, ds: DaemonSet, nodes: list[Node], hash_: str) -> None:
        """updateDaemonSetStatus: count the nodes from the oldest pod on each, and write it if it changed."""
        by_node = self.daemon_pods(ds)
        desired = current = misscheduled = ready = updated = available = 0
        now = self.clock.now
        for node in nodes:
            should_run, _ = node_should_run(node, ds)
            pods = by_node.get(node.name)
            if not should_run:
                misscheduled += 1 if pods else 0
                continue
            desired += 1
            if not pods:
                continue
            current += 1
            pod = pods[0]
            if pod.is_ready():
                ready += 1
                available += 1 if is_available(pod, ds.spec.min_ready_seconds, now) else 0
            updated += 1 if is_updated(pod, hash_) else 0
        new = ds.copy()
        status = new.status
        status.desired_number_scheduled, status.current_number_scheduled = desired, current
        status.number_misscheduled, status.number_ready = misscheduled, ready
        status.updated_number_scheduled, status.number_available = updated, available
        status.number_unavailable = desired - available
        status.observed_generation = ds.metadata.generation
        if status != ds.status:
            self.api.update_status(new)
        if ds.spec.min_ready_seconds > 0 and ready != available:
            self.queue.add_after(object_key(ds), ds.spec.min_ready_seconds)


def updated_and_old(pods: list[Pod], hash_: str) -> tuple[Pod | None, Pod | None] | None:
    """findUpdatedPodsOnNode: (the new pod, the old pod) among those not being deleted, or None if there are
    two of either (manage will remove the extra one)."""
    new: Pod | None = None
    old: Pod | None = None
    for pod in pods:
        if pod.metadata.deletion_timestamp is not None:
            continue
        if is_updated(pod, hash_):
            if new is not None:
                return None
            new = pod
        else:
            if old is not None:
                return None
            old = pod
    return new, old
