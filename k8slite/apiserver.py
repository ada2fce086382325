"""The API server: the only way in or out of the cluster's state.

Mirrors kube-apiserver's request path for each object: decode, default,
validate, admit (the namespace must exist; then LimitRanger and
ResourceQuota, k8slite.admission), then write to the store with a
new resourceVersion; reads and watches come straight from the store. Every
other component (scheduler, kubelets, controllers) uses only these calls,
which is what lets each of them fail and come back independently.

Updates are optimistic: an object carries the resourceVersion it was read
at, and an update from a stale copy is a Conflict. Deleting a pod that runs
on a node is graceful: the server sets deletionTimestamp and the kubelet
finishes the deletion once the containers have stopped. Deleting a namespace
only marks it Terminating (k8slite.api.namespace_strategy); the namespace
controller empties it and removes its finalizer.

Simplified: one process, no HTTP, no authentication, no server-side apply;
objects returned by get/list are shared and must not be changed in place.
"""

from __future__ import annotations

import builtins
import copy
import dataclasses
import random
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from k8slite.admission import Admission, priority
from k8slite.api import daemonset, statefulset
from k8slite.api.coordination import NODE_LEASE_NAMESPACE
from k8slite.api.core import Namespace
from k8slite.api.daemonset import DaemonSet
from k8slite.api.defaults import apply_defaults, job_selector
from k8slite.api.job import Job
from k8slite.api.kinds import Kind, kind_of, lookup
from k8slite.api.meta import KubeObject, clone, shallow
from k8slite.api.namespace_strategy import awaits_finalize, prepare_for_create, terminating
from k8slite.api.pod import Pod, PodCondition, qos_class
from k8slite.api.service import Service
from k8slite.api.statefulset import StatefulSet
from k8slite.api.storage_admission import add_protection, admit_default_class
from k8slite.api.validation import POD_UPDATE_FORBIDDEN, validate
from k8slite.clock import VirtualClock
from k8slite.errors import (
    Conflict,
    FieldError,
    Forbidden,
    Invalid,
    already_exists,
    conflict,
    invalid_object,
    not_found,
)
from k8slite.network.clusterip import allocate, check_requested, keep_allocations
from k8slite.store import KeyExists, KeyMissing, RevisionMismatch, Store, Watch

T = TypeVar("T", bound=KubeObject)
FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"
GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
JOB_DELETE_WARNING = ("child pods are preserved by default when jobs are deleted; set propagationPolicy=Background "
                      "to remove them or set propagationPolicy=Orphan to suppress this warning")


class APIServer:
    """create / get / list / update / update_status / delete / watch / bind."""

    def __init__(self, clock: VirtualClock, rng: random.Random, store: Store | None = None) -> None:
        self.clock, self.rng = clock, rng
        self.dry_runs = 0  # dryRun=All requests so far: each draws from random sources of its own (server/dryrun.py)
        # The node Leases' uids come from their own stream: kubelets renewing leases on their own
        # rhythm must not move the random names, uids and ClusterIPs of what a learner makes.
        self.lease_rng = random.Random(NODE_LEASE_NAMESPACE)
        self.store = store or Store()
        self.admission = Admission(self)
        self.warnings: list[str] = []
        """Warnings the server sent back (HTTP `Warning` headers), oldest first; see `pop_warnings`."""

    def pop_warnings(self) -> list[str]:
        """The warnings sent since the last call, taken off the list.

        kube-apiserver attaches warnings to a response without failing the
        request (k8s.io/apiserver/pkg/warning); kubectl prints each as a
        `Warning: ...` line on stderr. Here the server appends them to
        `self.warnings` and a client (kubectl) takes them with this call."""
        taken, self.warnings = self.warnings, []
        return taken

    # ------------------------------------------------------------ keys
    @staticmethod
    def key(kind: Kind, namespace: str, name: str) -> str:
        return f"/registry/{kind.plural}/{namespace}/{name}" if kind.namespaced else f"/registry/{kind.plural}/{name}"

    @staticmethod
    def prefix(kind: Kind, namespace: str | None = None) -> str:
        if kind.namespaced and namespace:
            return f"/registry/{kind.plural}/{namespace}/"
        return f"/registry/{kind.plural}/"

    # ------------------------------------------------------------ reads
    def get(self, kind: str, name: str, namespace: str = "default") -> KubeObject:
        k = lookup(kind)
        found = self.store.get(self.key(k, namespace, name))
        if found is None:
            raise not_found(k.resource, name)
        return found[0]  # type: ignore[no-any-return]

    def list(self, kind: str, namespace: str | None = None,
             selector: Callable[[KubeObject], bool] | None = None) -> list[KubeObject]:
        """Objects of a kind (in one namespace, or all when None), sorted by namespace and name."""
        k = lookup(kind)
        items = [v for _, v, _ in self.store.list(self.prefix(k, namespace))]
        return [o for o in items if selector is None or selector(o)]

    def list_at(self, kind: str, namespace: str | None = None,
                selector: Callable[[KubeObject], bool] | None = None) -> tuple[builtins.list[KubeObject], int]:
        """list(), and the revision it was read at: where a watch that follows it starts (ListAndWatch)."""
        return self.list(kind, namespace, selector), self.store.revision

    def watch(self, kind: str, namespace: str | None = None, from_revision: int | None = None,
              notify: Callable[[], None] | None = None,
              match: Callable[[KubeObject], bool] | None = None) -> Watch:
        """Changes to a kind after from_revision; `match` is a field selector (e.g. spec.nodeName)."""
        return self.store.watch(self.prefix(lookup(kind), namespace), from_revision, notify, match)

    # ------------------------------------------------------------ writes
    def create(self, obj: T, owned: bool = False) -> T:
        """Store a new object: default, validate, admit, then write. The caller's object is not changed,
        unless it is `owned`: made for this call and let go (an EventRecorder's Event), it is stored as it
        is, as a real API server stores the object it decoded from the request, without a copy."""
        kind = kind_of(obj)
        new = self.prepare(obj, kind, owned)
        prepare_for_create(new)
        if isinstance(new, DaemonSet):
            daemonset.prepare_for_create(new)
        self.admit(new, kind)
        if isinstance(new, Pod):  # podStrategy.PrepareForCreate, after the admission plugins' defaults
            new.status.qos_class = qos_class(new)
        admit_default_class(new, lambda: self.list("storageclasses"))
        add_protection(new)  # StorageObjectInUseProtection
        if isinstance(new, Service):
            allocate(self, new, self.rng)  # clusterIP and nodePorts, as the Service REST storage does
        leases = NODE_LEASE_NAMESPACE in (new.namespace, new.name if isinstance(new, Namespace) else "")
        rng = self.lease_rng if leases else self.rng
        new.metadata.uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        new.metadata.creation_timestamp = self.clock.now
        new.metadata.generation = 1 if kind.generation else None
        new.metadata.resource_version = ""
        new.metadata.deletion_timestamp = None
        if isinstance(new, Job):
            job_selector(new)  # the selector is made from the uid, so only now
        try:
            rev = self.store.create(self.key(kind, new.namespace, new.name), new)
        except KeyExists:
            raise already_exists(kind.resource, new.name) from None
        new.metadata.resource_version = str(rev)
        return new

    def prepare(self, obj: T, kind: Kind, owned: bool = False) -> T:
        """A defaulted, validated copy of obj (the caller's object is never changed), or obj itself if `owned`."""
        new = obj if owned else obj.copy()
        if kind.namespaced:
            new.metadata.namespace = new.metadata.namespace or "default"
        else:
            new.metadata.namespace = ""
        if not new.metadata.name and new.metadata.generate_name:
            new.metadata.name = new.metadata.generate_name + self.random_suffix()
        apply_defaults(new)
        errors = validate(new)
        if errors:
            raise invalid_object(kind.group_kind, new.name, errors)
        return new

    def random_suffix(self, length: int = 5) -> str:
        return "".join(self.rng.choice(GENERATE_ALPHABET) for _ in range(length))

    def admit(self, obj: KubeObject, kind: Kind, charged: dict[str, KubeObject] | None = None) -> None:
        """The NamespaceLifecycle admission plugin: the namespace must exist and be Active; then
        LimitRanger and ResourceQuota (k8slite.admission; `charged` collects a dry run's quota usage)."""
        if not kind.namespaced:
            return
        found = self.store.get(self.key(lookup("namespaces"), "", obj.namespace))
        if found is None:
            raise not_found("namespaces", obj.namespace)
        if found[0].status.phase == "Terminating":
            raise Forbidden(f'{kind.resource} "{obj.name}" is forbidden: unable to '
                            f'create new content in namespace {obj.namespace} because it is being terminated')
        self.admission.admit(obj, kind, charged)
        if isinstance(obj, Service):
            check_requested(self, obj)

    def update(self, obj: T, owned: bool = False) -> T:
        """Replace spec and metadata (not status), if obj's resourceVersion is current; an `owned` object
        (made for this call and let go) is stored as it is, as in create().

        An object being deleted goes for good when its last finalizer is removed."""
        kind, current = self.current(obj)
        new = self.prepare(obj, kind, owned)
        if isinstance(new, Pod) and isinstance(current, Pod):
            priority.keep_on_update(current, new)
            self.check_pod_update(current, new)
        if isinstance(new, Service) and isinstance(current, Service):
            errors = keep_allocations(self, current, new, self.rng)
            if errors:
                raise invalid_object("Service", new.name, errors)
        if isinstance(new, DaemonSet) and isinstance(current, DaemonSet):
            daemonset.prepare_for_update(current, new)
        if isinstance(new, StatefulSet) and isinstance(current, StatefulSet) and \
                not statefulset.spec_update_allowed(current, new):
            raise invalid_object("StatefulSet.apps", new.name, [FieldError("spec", "Forbidden",
                                                                           statefulset.UPDATE_FORBIDDEN)])
        if hasattr(current, "status"):
            new.status = current.status  # type: ignore[attr-defined]
        if kind.generation and desired_state(new) != desired_state(current):
            new.metadata.generation = (current.metadata.generation or 1) + 1
        else:
            new.metadata.generation = current.metadata.generation
        stored = self.write(kind, current, new)
        if stored.metadata.deletion_timestamp is not None and not stored.metadata.finalizers \
                and not isinstance(stored, Pod) and not awaits_finalize(stored):
            self.store.delete(self.key(kind, stored.namespace, stored.name))
        return stored

    def update_status(self, obj: T, owned: bool = False) -> T:
        """Replace only the status (the /status subresource). An `owned` status, made for this call and let
        go (the kubelet's), is stored as it is: its parts may be the stored ones, which nobody changes."""
        kind, current = self.current(obj)
        new = shallow(current)  # the spec is shared: stored objects are never changed in place
        # write() sets only the metadata's scalars; meta.clone: deepcopy for API objects, several times faster
        new.metadata = shallow(current.metadata) if owned else clone(current.metadata)
        new.status = obj.status if owned else clone(obj.status)  # type: ignore[attr-defined]
        return self.write(kind, current, new)  # type: ignore[arg-type,return-value]

    def current(self, obj: KubeObject) -> tuple[Kind, KubeObject]:
        kind = kind_of(obj)
        found = self.store.get(self.key(kind, obj.namespace or ("default" if kind.namespaced else ""), obj.name))
        if found is None:
            raise not_found(kind.resource, obj.name)
        if obj.metadata.resource_version and obj.metadata.resource_version != str(found[1]):
            raise conflict(kind.resource, obj.name)
        return kind, found[0]

    def write(self, kind: Kind, current: KubeObject, new: T) -> T:
        for field_name in ("uid", "creation_timestamp", "deletion_timestamp", "deletion_grace_period_seconds"):
            setattr(new.metadata, field_name, getattr(current.metadata, field_name))
        try:
            rev = self.store.update(self.key(kind, current.namespace, current.name), new,
                                    int(current.metadata.resource_version))
        except RevisionMismatch:
            raise conflict(kind.resource, new.name) from None
        new.metadata.resource_version = str(rev)
        return new

    @staticmethod
    def check_pod_update(old: Pod, new: Pod) -> None:
        """Most of a pod's spec is immutable: only images, deadlines and tolerations may change."""
        a, b = copy.deepcopy(old.spec), new.spec
        for ca, cb in zip(a.containers, b.containers):
            ca.image = cb.image
        if all(t in b.tolerations for t in a.tolerations):
            a.tolerations = b.tolerations  # only additions to existing tolerations
        was, wanted = a.active_deadline_seconds, b.active_deadline_seconds
        if wanted is not None and (was is None or wanted <= was):
            a.active_deadline_seconds = wanted  # set, or shortened
        if a.node_name == "" and b.node_name:
            a.node_name = b.node_name
        if a != b:
            raise invalid_object("Pod", new.name, [FieldError("spec", "Forbidden", POD_UPDATE_FORBIDDEN)])

    def delete(self, kind: str, name: str, namespace: str = "default", grace_period: int | None = None,
               propagation_policy: str | None = None) -> KubeObject:
        """Delete; a pod on a node only gets deletionTimestamp, and its kubelet finishes.

        propagation_policy says what happens to what the object owns (the garbage
        collector does it): Background (the default: the owner goes now, its dependents
        after), Foreground (the owner waits, with the finalizer foregroundDeletion, until
        its dependents are gone) or Orphan (the dependents stay, without the owner reference).
        An object with finalizers only gets a deletionTimestamp until they are removed.
        A batch/v1 Job deleted with no policy orphans its pods (its
        DefaultGarbageCollectionPolicy is OrphanDependents), with a warning
        (pkg/registry/batch/job/storage/storage.go).
        """
        k = lookup(kind)
        obj = self.get(kind, name, namespace if k.namespaced else "")
        if isinstance(obj, Job) and propagation_policy is None:
            self.warnings.append(JOB_DELETE_WARNING)
            propagation_policy = "Orphan"
        finalizer = deletion_finalizer(propagation_policy)
        if obj.metadata.deletion_timestamp is not None and (obj.metadata.finalizers or awaits_finalize(obj)):
            return obj
        if isinstance(obj, Namespace) and awaits_finalize(obj):  # the namespace controller finishes
            ending = terminating(obj, self.clock.now)
            ending.metadata.resource_version = str(self.store.update(self.key(k, "", name), ending))
            return ending
        if (finalizer and not isinstance(obj, Pod)) or obj.metadata.finalizers:
            return self.mark_deleted(k, obj, finalizer)
        if isinstance(obj, Pod) and obj.spec.node_name and grace_period != 0:
            if obj.metadata.deletion_timestamp is not None:
                return obj
            grace = obj.spec.termination_grace_period_seconds if grace_period is None else grace_period
            marked = obj.copy()
            marked.metadata.deletion_timestamp = self.clock.now + grace
            marked.metadata.deletion_grace_period_seconds = grace
            rev = self.store.update(self.key(k, obj.namespace, name), marked)
            marked.metadata.resource_version = str(rev)
            return marked
        try:
            self.store.delete(self.key(k, obj.namespace, name))
        except KeyMissing:
            raise not_found(k.resource, name) from None
        return obj

    def mark_deleted(self, kind: Kind, obj: KubeObject, finalizer: str) -> KubeObject:
        """Set deletionTimestamp (and a finalizer); whoever owns the finalizer finishes the deletion."""
        marked = obj.copy()
        marked.metadata.deletion_timestamp = self.clock.now
        marked.metadata.deletion_grace_period_seconds = 0
        if finalizer and finalizer not in marked.metadata.finalizers:
            marked.metadata.finalizers.append(finalizer)
        rev = self.store.update(self.key(kind, obj.namespace, obj.name), marked)
        marked.metadata.resource_version = str(rev)
        return marked

    def bind(self, pod: Pod, node_name: str) -> Pod:
        """The pods/binding subresource: the scheduler's only write."""
        current = self.get("pods", pod.name, pod.namespace)
        assert isinstance(current, Pod)
        if current.spec.node_name:
            raise Conflict(f'Operation cannot be fulfilled on pods/binding "{pod.name}": pod {pod.name} '
                           f'is already assigned to node "{current.spec.node_name}"')
        if current.metadata.deletion_timestamp is not None:
            raise Invalid(f'pods "{pod.name}" is being deleted, cannot be assigned to a host')
        bound = shallow(current)  # a new pod sharing what binding does not change (never changed in place)
        bound.metadata = shallow(current.metadata)
        bound.spec = shallow(current.spec)
        bound.status = shallow(current.status)
        bound.status.conditions = [shallow(cond) for cond in current.status.conditions]
        bound.spec.node_name = node_name
        set_pod_condition(bound, "PodScheduled", "True", "", "", self.clock.now)
        rev = self.store.update(self.key(kind_of(bound), bound.namespace, bound.name), bound)
        bound.metadata.resource_version = str(rev)
        return bound


def deletion_finalizer(propagation_policy: str | None) -> str:
    """The finalizer a propagation policy puts on the owner ("" for Background)."""
    policies = {None: "", "Background": "", "Foreground": FOREGROUND, "Orphan": ORPHAN}
    if propagation_policy not in policies:
        raise Invalid(f'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: '
                      f'"{propagation_policy}": supported values: "Foreground", "Background", "Orphan"')
    return policies[propagation_policy]


def set_pod_condition(pod: Pod, type_: str, status: str, reason: str, message: str, now: float) -> bool:
    """Set a condition on a pod being changed; True when anything changed."""
    return set_condition(pod.status.conditions, type_, status, reason, message, now)


def set_condition(conditions: list[PodCondition], type_: str, status: str, reason: str, message: str,
                  now: float) -> bool:
    """Set one condition in a list, moving lastTransitionTime only when the status flips. A changed
    condition is a new object in the list (the old one may be shared with a stored object)."""
    for i, cond in enumerate(conditions):
        if cond.type == type_:
            if (cond.status, cond.reason, cond.message) == (status, reason, message):
                return False
            moved = now if cond.status != status else cond.last_transition_time
            conditions[i] = PodCondition(type_, status, reason, message, cond.last_probe_time, moved)
            return True
    conditions.append(PodCondition(type_, status, reason, message, None, now))
    return True


def desired_state(obj: KubeObject) -> Any:
    """What metadata.generation counts changes of: the spec, or for a kind without one (EndpointSlice)
    everything but the metadata."""
    if hasattr(obj, "spec"):
        return obj.spec
    return [getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name != "metadata"]  # type: ignore[arg-type]
