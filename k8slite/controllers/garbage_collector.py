"""The garbage collector: delete what belongs to an owner that is gone.

Mirrors pkg/controller/garbagecollector. Controllers put an ownerReference
(the owner's kind, name and uid) on everything they create: a Deployment
owns ReplicaSets, a ReplicaSet or a Job owns pods, a DaemonSet its pods and
ControllerRevisions, a StatefulSet its pods and ControllerRevisions (and
its claims, or a pod its claims, when their retention policy is Delete), a
CronJob its Jobs. Deleting an owner
cascades, in one of three ways (`c.delete(..., propagation_policy=...)`,
`kubectl delete --cascade=...`):

- Background (the default): the owner goes at once; then each dependent
  whose owners are all gone is deleted, and so on down the chain.
- Foreground: the owner stays, with a deletionTimestamp and the finalizer
  `foregroundDeletion`, until its dependents are gone (deleted foreground
  too); then the collector removes the finalizer and the owner goes.
- Orphan: the owner gets the finalizer `orphan`; the collector removes the
  ownerReferences to it from its dependents, then the finalizer: the
  dependents stay, ownerless (a new owner with a matching selector adopts them).

Simplified: it scans the kinds it knows instead of keeping a dependency
graph, and every dependent blocks a foreground deletion (Kubernetes waits
only for those with blockOwnerDeletion, which controllers always set).
"""

from __future__ import annotations

from contextlib import suppress

from k8slite.api.meta import KubeObject
from k8slite.apiserver import FOREGROUND, ORPHAN, APIServer
from k8slite.controllers import Controller
from k8slite.errors import Aggregate, NotFound
from k8slite.informer import object_key

OWNER_KINDS = {"Deployment": "deployments", "Job": "jobs", "ReplicaSet": "replicasets", "DaemonSet": "daemonsets",
               "StatefulSet": "statefulsets", "CronJob": "cronjobs", "Node": "nodes", "Pod": "pods"}
# a Node owns its Lease; a StatefulSet or one of its pods may own claims (persistentVolumeClaimRetentionPolicy)
DEPENDENT_KINDS = ("replicasets", "pods", "controllerrevisions", "jobs", "persistentvolumeclaims", "leases")


class GarbageCollector(Controller):
    name = "garbage-collector-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        # the dependents first: an owner's informer, listing a restarted cluster's objects, asks for them
        self.dependents = {kind: self.informer(kind, self.dependent_changed) for kind in DEPENDENT_KINDS}
        self.owners = {kind: self.informer(plural, self.owner_changed) for kind, plural in OWNER_KINDS.items()}

    # ------------------------------------------------------------ what wakes it
    def owner_changed(self, event_type: str, obj: KubeObject) -> None:
        if event_type == "DELETED" or obj.metadata.deletion_timestamp is not None:
            for dep in self.dependents_of(obj.metadata.uid):
                self.queue.add(f"dependent|{plural(dep)}|{object_key(dep)}")
        if event_type != "DELETED" and {FOREGROUND, ORPHAN} & set(obj.metadata.finalizers):
            self.queue.add(f"owner|{plural(obj)}|{object_key(obj)}")

    def dependent_changed(self, event_type: str, obj: KubeObject) -> None:
        if event_type != "DELETED" and obj.metadata.owner_references:
            self.queue.add(f"dependent|{plural(obj)}|{object_key(obj)}")
        if event_type == "DELETED":  # an owner deleting in the foreground may be waiting for this one
            for ref in obj.metadata.owner_references:
                if ref.kind in OWNER_KINDS:
                    self.queue.add(f"owner|{OWNER_KINDS[ref.kind]}|{obj.namespace}/{ref.name}")

    def dependents_of(self, uid: str) -> list[KubeObject]:
        return [dep for informer in self.dependents.values() for dep in informer.list()
                if any(r.uid == uid for r in dep.metadata.owner_references)]

    def sync(self, key: str) -> None:
        role, kind, obj_key = key.split("|", 2)
        if role == "owner":
            self.process_deleting_owner(kind, obj_key)
        else:
            self.attempt_to_delete(kind, obj_key)

    # ------------------------------------------------------------ dependents
    def attempt_to_delete(self, kind: str, key: str) -> None:
        """Delete a dependent whose owners are all gone, or are being deleted in the foreground."""
        obj = self.dependents[kind].get(key)
        if obj is None or obj.metadata.deletion_timestamp is not None:
            return
        refs = [r for r in obj.metadata.owner_references if r.kind in OWNER_KINDS]
        states = [self.owner_state(r.kind, r.name, r.uid, obj.namespace) for r in refs]
        if not refs or "alive" in states:
            return  # owners of kinds it does not track are left alone
        policy = "Foreground" if "foreground" in states else "Background"
        with suppress(NotFound):  # already gone: done
            self.api.delete(kind, obj.name, obj.namespace, propagation_policy=policy)

    def owner_state(self, kind: str, name: str, uid: str, namespace: str) -> str:
        """"gone", "foreground" (being deleted, waiting for its dependents) or "alive" (asked live, not cached)."""
        try:
            owner = self.api.get(OWNER_KINDS[kind], name, namespace)
        except NotFound:
            return "gone"
        if owner.metadata.uid != uid:
            return "gone"  # a new object with the same name is not the owner
        if owner.metadata.deletion_timestamp is not None and FOREGROUND in owner.metadata.finalizers:
            return "foreground"
        return "alive"

    # ------------------------------------------------------------ owners being deleted
    def process_deleting_owner(self, kind: str, key: str) -> None:
        namespace, _, name = key.rpartition("/")
        try:
            owner = self.api.get(kind, name, namespace)
        except NotFound:
            return
        if owner.metadata.deletion_timestamp is None:
            return
        deps = [d for plural_ in DEPENDENT_KINDS for d in self.api.list(plural_, namespace)
                if any(r.uid == owner.metadata.uid for r in d.metadata.owner_references)]
        if ORPHAN in owner.metadata.finalizers:
            self.orphan(owner, deps)
            self.remove_finalizer(owner, ORPHAN)
        elif FOREGROUND in owner.metadata.finalizers:
            errors = Aggregate()
            for dep in deps:
                with errors:
                    self.attempt_to_delete(plural(dep), object_key(dep))
            errors.raise_first()
            if not deps:
                self.remove_finalizer(owner, FOREGROUND)

    def orphan(self, owner: KubeObject, deps: list[KubeObject]) -> None:
        """Take the owner's reference off every dependent; the finalizer stays until all of them are free."""
        errors = Aggregate()
        for dep in deps:
            new = dep.copy()
            new.metadata.owner_references = [r for r in new.metadata.owner_references if r.uid != owner.metadata.uid]
            with errors, suppress(NotFound):
                self.api.update(new)
        errors.raise_first()

    def remove_finalizer(self, owner: KubeObject, finalizer: str) -> None:
        new = owner.copy()
        new.metadata.finalizers = [f for f in new.metadata.finalizers if f != finalizer]
        with suppress(NotFound):
            self.api.update(new)


def plural(obj: KubeObject) -> str:
    return OWNER_KINDS.get(obj.kind) or obj.kind.lower() + "s"
