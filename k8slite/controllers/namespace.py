"""The namespace controller: empty a namespace that is being deleted, then let it go.

Mirrors pkg/controller/namespace (namespaced_resources_deleter.go). When a
namespace has a deletionTimestamp (the API server set it, and the phase
Terminating, on `kubectl delete namespace`), the controller deletes every
object of every namespaced kind in it, through the API server like any
client: pods are deleted gracefully, so their kubelets stop the containers
within the grace period and only then remove them. While anything is left
it looks again (when a pod goes, or after the longest remaining grace
period); once the namespace is empty it removes its finalizer `kubernetes`
from spec.finalizers, and the API server removes the namespace.
Meanwhile nothing new can be created in it (the NamespaceLifecycle
admission plugin). Simplified: no NamespaceDeletion* conditions, no
discovery (the kinds are k8slite's fixed list).
"""

from __future__ import annotations

from k8slite.api.core import Namespace
from k8slite.api.kinds import KINDS
from k8slite.api.meta import KubeObject
from k8slite.api.namespace_strategy import FINALIZER
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.errors import NotFound

RETRY = 1.0  # seconds before looking again when something is left and nothing says when it will go


class NamespaceController(Controller):
    name = "namespace-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.namespaces = self.informer("namespaces", self.enqueue)
        self.pods = self.informer("pods", self.pod_changed)

    def pod_changed(self, event_type: str, obj: KubeObject) -> None:
        """A pod gone from a terminating namespace may be the last thing it waited for."""
        ns = self.namespaces.get(obj.namespace)
        if event_type == "DELETED" and ns is not None and ns.metadata.deletion_timestamp is not None:
            self.queue.add(ns.name)

    def sync(self, key: str) -> None:
        ns = self.namespaces.get(key)
        if not isinstance(ns, Namespace) or ns.metadata.deletion_timestamp is None:
            return
        remaining = self.delete_all_content(ns.name)
        if remaining:
            self.queue.add_after(key, max(RETRY, self.estimate(ns.name)))
            return
        self.finalize(ns)

    def delete_all_content(self, namespace: str) -> int:
        """Delete every object in the namespace; how many are still there (pods stopping, say)."""
        remaining = 0
        for kind in KINDS:
            if not kind.namespaced:
                continue
            for obj in self.api.list(kind.plural, namespace):
                remaining += 1
                if obj.metadata.deletion_timestamp is None:
                    try:
                        self.api.delete(kind.plural, obj.name, namespace)
                    except NotFound:
                        remaining -= 1
        return remaining

    def estimate(self, namespace: str) -> float:
        """How long until the last pod's grace period is over (when to look again)."""
        ends = [p.metadata.deletion_timestamp or 0.0 for p in self.api.list("pods", namespace)]
        return max(ends, default=0.0) - self.clock.now

    def finalize(self, ns: Namespace) -> None:
        """The namespace is empty: take our finalizer off, and the API server removes it."""
        new = ns.copy()
        new.spec.finalizers = [f for f in ns.spec.finalizers if f != FINALIZER]
        self.api.update(new)  # a Conflict raises: the work queue tries again
