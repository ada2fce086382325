"""Admission: the plugins a create passes after validation and before it is stored.

Mirrors kube-apiserver's admission chain (k8s.io/apiserver/pkg/admission),
in its order: NamespaceLifecycle (in APIServer.admit: the namespace must
exist and not be Terminating), then LimitRanger, which may change the
object (defaults), then ServiceAccount, which gives a pod its account and
token volume, then Priority, which gives it its priority, then
ResourceQuota, which only says yes or no (and charges the quota). A refusal is Forbidden: `pods "x" is forbidden: ...`.
Like the real plugins, they read LimitRanges and ResourceQuotas from a
cache kept by a watch, here drained at each request so it is never stale.
Left out: every other plugin (PodSecurity, webhooks ...);
updates are not admitted here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.admission import limitranger, priority, resourcequota, serviceaccount
from k8slite.api.meta import KubeObject
from k8slite.api.pod import Pod
from k8slite.store import DELETED

if TYPE_CHECKING:
    from k8slite.api.kinds import Kind
    from k8slite.apiserver import APIServer


class PolicyCache:
    """The objects of one kind (LimitRanges or ResourceQuotas) by namespace, from list + watch."""

    def __init__(self, api: APIServer, plural: str) -> None:
        prefix = f"/registry/{plural}/"
        self.by_namespace: dict[str, dict[str, KubeObject]] = {}
        for _, obj, _ in api.store.list(prefix):
            self.by_namespace.setdefault(obj.namespace, {})[obj.name] = obj
        self.watch = api.store.watch(prefix)

    def in_namespace(self, namespace: str) -> list[KubeObject]:
        if self.watch.events:  # asked at every create: most often nothing changed since
            for event in self.watch.drain():
                objs = self.by_namespace.setdefault(event.value.namespace, {})
                if event.type == DELETED:
                    objs.pop(event.value.name, None)
                else:
                    objs[event.value.name] = event.value
        found = self.by_namespace.get(namespace)
        return [found[name] for name in sorted(found)] if found else []


class Admission:
    """The admission chain of one API server."""

    def __init__(self, api: APIServer) -> None:
        self.api = api
        self.limit_ranges = PolicyCache(api, "limitranges")
        self.quotas = PolicyCache(api, "resourcequotas")

    def service_account(self, namespace: str, name: str) -> KubeObject | None:
        """The ServiceAccount, read through (the plugin falls back to a live lookup when its cache misses)."""
        found = self.api.store.get(f"/registry/serviceaccounts/{namespace}/{name}")
        return found[0] if found else None

    def admit(self, obj: KubeObject, kind: Kind, charged: dict[str, KubeObject] | None = None) -> None:
        """LimitRanger and ServiceAccount (mutating), then ResourceQuota (validating); a dry run passes `charged`."""
        if not kind.namespaced:
            return
        self.mutate(obj, kind)
        resourcequota.admit(self.api, obj, kind.plural, self.quotas.in_namespace(obj.namespace), charged)

    def mutate(self, obj: KubeObject, kind: Kind) -> KubeObject:
        """Only the mutating plugins: what a create would store, e.g. to tell whether an apply changes anything."""
        if kind.namespaced:
            if isinstance(obj, Pod):  # what LimitRanger, ServiceAccount and Priority change
                limitranger.admit(obj, kind.plural, self.limit_ranges.in_namespace(obj.namespace))
                serviceaccount.admit(obj, self.service_account)
                priority.admit(obj)
        return obj
