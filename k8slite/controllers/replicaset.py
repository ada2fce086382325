"""The ReplicaSet controller: keep `spec.replicas` pods matching the selector.

Mirrors pkg/controller/replicaset. `sync` adopts ownerless pods its
selector matches, counts the active pods the ReplicaSet owns, then
`manage_replicas` creates or deletes the difference, and the status is
written back from the same counts. It never restarts a
container or moves a pod: a pod that is gone is replaced by a new pod, with
a new name and a new IP. Pods being deleted or finished do not count. A pod is available once it
has been Ready for `spec.minReadySeconds`; the status counts both.
When a create is refused (a quota, say) the controller records FailedCreate
on the ReplicaSet, creates no more pods in that instant, writes the status
with the condition ReplicaFailure (reason FailedCreate, the refusal as its
message), and raises: the work queue tries the ReplicaSet again 5 ms,
10 ms, 20 ms ... later (k8slite/workqueue.py). The condition goes once a
sync succeeds. Pods are found through an index of the pod informer by their
controller's uid (controllerUIDIndex, as FilterPodsByOwner does since 1.31),
so a sync reads the namespace's orphans, not every pod of the cluster; and
what Kubernetes counts by looking at each of the ReplicaSet's pods at every
sync (active, Ready, available) the pod informer keeps counted per owner
as pods change (OwnedPods), so that a sync of a ReplicaSet of 100,000 pods
reads a few numbers; only a scale-down lists its pods, to pick which go.
Simplified: no slow-start batches, no expectations cache (the informer is
updated synchronously enough in the simulation to make them unnecessary).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from sortedcontainers import SortedList

from k8slite.api.meta import KubeObject, ObjectMeta, OwnerReference
from k8slite.api.pod import Pod, PodSpec, PodTemplateSpec
from k8slite.api.replicaset import ReplicaSet, ReplicaSetCondition
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.errors import Aggregate, ApiError, NotFound
from k8slite.informer import Informer, object_key

REPLICA_FAILURE = "ReplicaFailure"  # the status condition of a sync whose create or delete was refused
CONTROLLER_UID = "controllerUID"  # the pod informer's index: controller's uid, or the namespace's orphan key


def orphans_of(namespace: str) -> str:
    """The index value of a namespace's pods that have no controller (OrphanPodIndexKeyForNamespace)."""
    return f"orphan/{namespace}"


def controlled_by_or_orphan(kind: str) -> Callable[[KubeObject], bool]:
    """A pod informer's match for a controller of `kind` that caches only its own pods and those without a
    controller (which it may adopt): the DaemonSet's and the StatefulSet's."""
    def match(obj: KubeObject) -> bool:
        ref = obj.metadata.controller_ref()
        return ref is None or ref.kind == kind
    return match


def controller_uid(obj: KubeObject) -> str:
    ref = obj.metadata.controller_ref()
    return ref.uid if ref is not None else orphans_of(obj.namespace)


def is_active(pod: Pod) -> bool:
    return pod.metadata.deletion_timestamp is None and pod.status.phase not in ("Succeeded", "Failed")


def ready_since(pod: Pod) -> float | None:
    """When the pod last became Ready, or None if it is not Ready."""
    ready = pod.status.condition("Ready")
    if ready is None or ready.status != "True":
        return None
    return ready.last_transition_time or 0.0


def deletion_rank(pod: Pod) -> tuple[int, int, int, float]:
    """Which pods go first when scaling down: unscheduled, pending, not ready, then the youngest."""
    return (1 if pod.spec.node_name else 0, {"Pending": 0, "Unknown": 1}.get(pod.status.phase, 2),
            1 if pod.is_ready() else 0, -(pod.metadata.creation_timestamp or 0.0))


class OwnedPods:
    """What calculateStatus counts among one owner's pods: the active ones, the active ones by label set,
    and when each Ready one became Ready."""

    def __init__(self) -> None:
        self.active = 0
        self.labels: Counter[frozenset[tuple[str, str]]] = Counter()  # few sets: the template's, mostly
        self.ready_since: SortedList = SortedList()

    def add(self, pod: Pod, sign: int) -> None:
        self.active += sign
        self.labels[frozenset(pod.metadata.labels.items())] += sign
        since = ready_since(pod)
        if since is not None:
            (self.ready_since.add if sign > 0 else self.ready_since.remove)(since)

    def counts(self, rs: ReplicaSet, now: float) -> PodCounts:
        """calculateStatus' numbers for `rs` at `now`; available: Ready for at least minReadySeconds
        (podutil.IsPodAvailable)."""
        template = rs.spec.template.metadata.labels.items()
        min_ready = rs.spec.min_ready_seconds or 0
        # the boundary compared as the sums themselves; the scan starts a hair before it (a margin far above a
        # float's rounding), not at every pod Ready within the last second (thousands, in a big rollout)
        waiting = [t + min_ready for t in self.ready_since.irange(now - min_ready - 1e-6) if t + min_ready > now]
        return PodCounts(active=self.active,
                         fully_labeled=sum(n for labels, n in self.labels.items() if template <= labels),
                         ready=len(self.ready_since), available=len(self.ready_since) - len(waiting),
                         next_available=min(waiting, default=None))


@dataclass(frozen=True)
class PodCounts:
    """One ReplicaSet's pods as a sync finds them, before it creates or deletes any."""

    active: int
    fully_labeled: int
    ready: int
    available: int
    next_available: float | None  # when the next Ready pod will have been Ready for minReadySeconds


class PodsByController:
    """The pod informer's Tally: an OwnedPods per controller uid, kept current as pods change (the
    pods a sync would count one by one are counted once, when they change)."""

    def __init__(self) -> None:
        self.owners: dict[str, OwnedPods] = {}

    def of(self, uid: str) -> OwnedPods:
        return self.owners.get(uid) or OwnedPods()

    def count(self, obj: KubeObject) -> None:
        if isinstance(obj, Pod) and is_active(obj):
            self.owners.setdefault(controller_uid(obj), OwnedPods()).add(obj, +1)

    def forget(self, obj: KubeObject) -> None:
        if isinstance(obj, Pod) and is_active(obj):
            uid = controller_uid(obj)
            owned = self.owners[uid]
            owned.add(obj, -1)
            if owned.active == 0:
                del self.owners[uid]


class ReplicaSetController(Controller):
    name = "replicaset-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.replicasets = self.informer("replicasets", self.enqueue)
        self.pods = self.informer("pods", self.pod_changed, own=True)
        self.pods.add_index(CONTROLLER_UID, controller_uid)
        self.owned = PodsByController()
        self.pods.cache.add_tally(self.owned)

    def resync_keys(self) -> list[str]:
        return sorted(self.replicasets.cache)

    def pod_changed(self, event_type: str, obj: KubeObject) -> None:
        """Wake the owner, or every ReplicaSet that could adopt an orphan."""
        owner = obj.metadata.controller_ref()
        if owner is not None and owner.kind == "ReplicaSet":
            self.queue.add(f"{obj.namespace}/{owner.name}")
            return
        for rs in self.replicasets.list():
            if isinstance(rs, ReplicaSet) and rs.namespace == obj.namespace and \
                    rs.spec.selector.matches(obj.metadata.labels):
                self.queue.add(object_key(rs))

    def sync(self, key: str) -> None:
        rs = self.replicasets.get(key)
        if not isinstance(rs, ReplicaSet) or rs.metadata.deletion_timestamp is not None:
            return
        self.adopt_orphans(rs)
        pods = self.owned.of(rs.metadata.uid).counts(rs, self.clock.now)  # kept by the pod informer
        failure = None  # manageReplicasErr: the status is written all the same, then the sync fails
        try:
            self.manage_replicas(rs, pods.active)
        except ApiError as err:
            failure = err
        self.update_status(rs, pods, failure)
        if failure is not None:
            raise failure

    def adopt_orphans(self, rs: ReplicaSet) -> None:
        """Take as its own the active ownerless pods of its namespace that its selector matches."""
        orphans = [p for p in self.pods.by_index(CONTROLLER_UID, orphans_of(rs.namespace)) if isinstance(p, Pod)]
        errors = Aggregate()
        for pod in orphans:
            if rs.spec.selector.matches(pod.metadata.labels) and is_active(pod):
                with errors, suppress(NotFound):  # a pod gone meanwhile is not adopted
                    self.adopt(rs, pod)
        errors.raise_first()

    def adopt(self, rs: ReplicaSet, pod: Pod) -> None:
        adopt(self.api, self.pods, rs, pod)

    def active_pods(self, rs: ReplicaSet) -> list[Pod]:
        """The pods it controls that count (not finished, not being deleted), sorted by name."""
        owned = self.pods.by_index(CONTROLLER_UID, rs.metadata.uid)
        return [p for p in owned if isinstance(p, Pod) and is_active(p)]

    def manage_replicas(self, rs: ReplicaSet, active: int) -> None:
        """Create the missing pods (the first refusal stops the rest) or delete the extra ones (each is
        tried); a refusal raises."""
        diff = active - rs.spec.replicas
        if diff < 0:
            for _ in range(-diff):
                self.create_pod(rs)
        elif diff > 0:
            errors = Aggregate()
            for pod in sorted(self.active_pods(rs), key=deletion_rank)[:diff]:
                with errors:
                    self.delete_pod(rs, pod)
            errors.raise_first()

    def create_pod(self, rs: ReplicaSet) -> None:
        create_controlled_pod(self, self.pods, rs, rs.spec.template, rs.spec.template.spec)

    def delete_pod(self, rs: ReplicaSet, pod: Pod) -> None:
        delete_controlled_pod(self, self.pods, rs, pod.name)

    def update_status(self, rs: ReplicaSet, pods: PodCounts, failure: ApiError | None = None) -> None:
        """calculateStatus from the pods as the sync found them, and write it if it changed (a Conflict
        raises: the queue tries again)."""
        new = rs.copy()
        status = new.status
        status.replicas, status.fully_labeled_replicas = pods.active, pods.fully_labeled
        status.ready_replicas, status.available_replicas = pods.ready, pods.available
        if pods.next_available is not None:  # look again when the next ready pod has been ready for minReadySeconds
            self.queue.add_after(object_key(rs), pods.next_available - self.clock.now)
        status.observed_generation = rs.metadata.generation
        status.conditions = failure_conditions(rs, pods.active, failure, self.clock.now)
        if status != rs.status:
            self.api.update_status(new)


def failure_conditions(rs: ReplicaSet, active: int, failure: ApiError | None,
                       now: float) -> list[ReplicaSetCondition]:
    """The conditions with ReplicaFailure set while creates or deletes are refused, and gone once a
    sync succeeds (calculateStatus): reason FailedCreate or FailedDelete, the refusal as the message."""
    others = [c for c in rs.status.conditions if c.type != REPLICA_FAILURE]
    if failure is None:
        return others
    if any(c.type == REPLICA_FAILURE for c in rs.status.conditions):
        return list(rs.status.conditions)  # set once, kept until a sync succeeds
    reason = "FailedCreate" if active < rs.spec.replicas else "FailedDelete"
    return [*others, ReplicaSetCondition(REPLICA_FAILURE, "True", now, reason, str(failure))]


def adopt(api: APIServer, cache: Informer, owner: KubeObject, obj: KubeObject) -> None:
    """ControllerRefManager's adoption: `owner` becomes the controller of an orphan (a pod, a ControllerRevision),
    which goes into the controller's cache at once (assumed: counted as its own from now on)."""
    new = obj.copy()
    new.metadata.owner_references.append(controller_ref(owner))
    adopted = api.update(new)
    cache.cache[object_key(adopted)] = adopted


def create_controlled_pod(controller: Controller, pods: Informer, owner: KubeObject, template: PodTemplateSpec,
                          spec: PodSpec) -> None:
    """RealPodControl.CreatePods: a pod `<owner>-xxxxx` from the template's metadata and `spec`, owned by `owner`,
    put in the controller's pod cache at once (assumed); an Event either way (a refusal raises)."""
    pod = Pod(metadata=ObjectMeta(generate_name=f"{owner.name}-", namespace=owner.namespace,
                                  labels=dict(template.metadata.labels),
                                  annotations=dict(template.metadata.annotations),
                                  owner_references=[controller_ref(owner)]), spec=spec)
    try:
        created = controller.api.create(pod)
    except ApiError as e:
        controller.recorder.warning(owner, "FailedCreate", f"Error creating: {e}")
        raise
    pods.cache[object_key(created)] = created
    controller.recorder.normal(owner, "SuccessfulCreate", f"Created pod: {created.name}")


def delete_controlled_pod(controller: Controller, pods: Informer, owner: KubeObject, name: str) -> None:
    """RealPodControl.DeletePod: delete one of `owner`'s pods (one already gone is fine), keep the cache current."""
    try:
        deleted = controller.api.delete("pods", name, owner.namespace)
    except NotFound:
        return  # gone already
    if deleted.metadata.deletion_timestamp is not None:
        pods.cache[object_key(deleted)] = deleted
    else:
        pods.cache.pop(object_key(deleted), None)
    controller.recorder.normal(owner, "SuccessfulDelete", f"Deleted pod: {name}")


def controller_ref(owner: KubeObject) -> OwnerReference:
    return OwnerReference(api_version=owner.api_version, kind=owner.kind, name=owner.name,
                          uid=owner.metadata.uid, controller=True, block_owner_deletion=True)
