"""The garbage collector: delete objects whose owner is gone.

Mirrors pkg/controller/garbagecollector with background cascading deletion:
when a ReplicaSet is deleted, the pods whose ownerReferences name it (by
uid) have lost their owner, and are deleted too. An object with an owner
that still exists, or with no owner at all, is left alone. Simplified: it
scans the kinds it knows instead of building a dependency graph, and
orphaning (`--cascade=orphan`) is not offered.
"""

from __future__ import annotations

from k8slite.api.meta import KubeObject
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.errors import ApiError
from k8slite.informer import Informer, object_key

OWNER_KINDS = {"ReplicaSet": "replicasets"}
DEPENDENT_KINDS = ("pods",)


class GarbageCollector(Controller):
    name = "garbage-collector-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.owners = {kind: Informer(api, plural, self.owner_changed) for kind, plural in OWNER_KINDS.items()}
        self.dependents = {kind: Informer(api, kind, self.enqueue_dependent) for kind in DEPENDENT_KINDS}

    def owner_changed(self, event_type: str, obj: KubeObject) -> None:
        if event_type == "DELETED":
            for kind, informer in self.dependents.items():
                for dep in informer.list():
                    if any(r.uid == obj.metadata.uid for r in dep.metadata.owner_references):
                        self.queue.add(f"{kind}|{object_key(dep)}")

    def enqueue_dependent(self, event_type: str, obj: KubeObject) -> None:
        if obj.metadata.owner_references and event_type != "DELETED":
            kind = obj.kind.lower() + "s"
            self.queue.add(f"{kind}|{object_key(obj)}")

    def owner_uids(self) -> set[str]:
        return {o.metadata.uid for informer in self.owners.values() for o in informer.list()}

    def sync(self, key: str) -> None:
        kind, obj_key = key.split("|", 1)
        obj = self.dependents[kind].get(obj_key)
        if obj is None or obj.metadata.deletion_timestamp is not None or not obj.metadata.owner_references:
            return
        refs = [r for r in obj.metadata.owner_references if r.kind in OWNER_KINDS]
        alive = self.owner_uids()
        if not refs or any(r.uid in alive for r in refs):
            return  # owners of kinds it does not track are left alone
        try:
            self.api.delete(kind, obj.name, obj.namespace)
        except ApiError:
            pass
