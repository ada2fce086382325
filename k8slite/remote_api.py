"""The APIServer's calls on a real cluster, through the official Python client's DynamicClient.

Mirrors what `kubectl` does with a discovery-driven client: the resource's
path comes from the server's discovery documents (`/api`, `/apis`), and
every answer is read into k8slite's own objects (remote_objects.py), so the
pictures and widgets that read `cluster.api` in the simulation read a real
cluster the same way. `get`, `list`, `update` and `delete` have the
signatures of k8slite.apiserver.APIServer; a refused request raises the
k8slite ApiError subclass named by the answer's Status reason (`NotFound`,
`Invalid`, `Conflict` ...), as k8slite.client does.

`apply` is server-side apply (field manager "k8slite", conflicts forced, as
`kubectl apply --server-side --force-conflicts`): every document is first
sent with `dryRun=All`, so one bad document stores none, as `Cluster.apply`
promises. Simplified: no watch (the RemoteCluster polls), no paging of lists.
"""

from __future__ import annotations

import builtins
import json
from typing import Any
from urllib.parse import urlsplit

from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import DynamicApiError, ResourceNotFoundError
from urllib3.exceptions import HTTPError as Urllib3Error

from k8slite import errors
from k8slite.api.kinds import Kind, kind_of
from k8slite.api.kinds import lookup as lookup_kind
from k8slite.api.meta import KubeObject
from k8slite.errors import ApiError, NotFound, dial_tcp
from k8slite.remote_objects import Translator, merge_patch

FIELD_MANAGER = "k8slite"
MERGE_PATCH = "application/merge-patch+json"


class ClusterAPI:
    """get / list / update / delete / apply on a real API server, answered with k8slite objects."""

    def __init__(self, client: ApiClient, translator: Translator) -> None:
        self.client, self.translator = client, translator
        self.server = client.configuration.host
        self.dynamic = self.call(DynamicClient, client)  # reads discovery: the first request

    def call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        """One client call; a refusal as k8slite's ApiError, a lost connection as client-go words it."""
        try:
            return method(*args, **kwargs)
        except (ApiException, DynamicApiError) as e:
            raise refusal(e.status, e.body) from None
        except Urllib3Error as e:
            address = urlsplit(self.server).netloc
            raise ApiError(f'Get "{self.server}": {dial_tcp(address, getattr(e, "reason", None) or e)}') from None

    def resource(self, kind: Kind) -> Any:
        try:
            return self.dynamic.resources.get(api_version=kind.api_version, kind=kind.kind)
        except ResourceNotFoundError:
            raise NotFound(f'the server doesn\'t have a resource type "{kind.plural}"') from None

    # ------------------------------------------------------------ the APIServer's calls
    def get(self, kind: str, name: str, namespace: str = "default") -> KubeObject:
        k = lookup(kind)
        answer = self.call(self.dynamic.get, self.resource(k), name=name, namespace=scope(k, namespace))
        return self.translator.to_object(answer.to_dict(), k)

    def list(self, kind: str, namespace: str | None = None) -> list[KubeObject]:
        """Every object of the kind (in `namespace`, or in all namespaces when it is None)."""
        k = lookup(kind)
        answer = self.call(self.dynamic.get, self.resource(k), namespace=scope(k, namespace or None))
        return [self.translator.to_object(item, k) for item in answer.to_dict().get("items") or []]

    def update(self, obj: KubeObject) -> KubeObject:
        """Write what changed in `obj` since it was read, as a merge patch that carries its resourceVersion:
        a Conflict if someone wrote the object meanwhile, as an update would be."""
        k = kind_of(obj)
        current = self.get(k.plural, obj.name, obj.namespace)
        patch = merge_patch(self.translator.to_wire(current), self.translator.to_wire(obj))
        patch.setdefault("metadata", {})["resourceVersion"] = obj.metadata.resource_version
        answer = self.call(self.dynamic.patch, self.resource(k), body=patch, name=obj.name,
                           namespace=scope(k, obj.namespace), content_type=MERGE_PATCH,
                           field_manager=FIELD_MANAGER)
        return self.translator.to_object(answer.to_dict(), k)

    def delete(self, kind: str, name: str, namespace: str = "default", grace_period: int | None = None,
               propagation_policy: str | None = None) -> KubeObject:
        """Delete; the object as the server answered (with its deletionTimestamp), or as it was just before."""
        k = lookup(kind)
        before = self.get(k.plural, name, namespace)
        answer = self.call(self.dynamic.delete, self.resource(k), name=name, namespace=scope(k, namespace),
                           grace_period_seconds=grace_period, propagation_policy=propagation_policy)
        data = answer.to_dict() if answer is not None else {}
        return self.translator.to_object(data, k) if data.get("kind") == k.kind else before

    def apply(self, documents: builtins.list[dict[str, Any]]) -> builtins.list[KubeObject]:
        """Server-side apply of every document, all sent with dryRun=All first."""
        for document in documents:
            self.apply_one(document, dry_run=True)
        return [self.apply_one(document) for document in documents]

    def apply_one(self, document: dict[str, Any], dry_run: bool = False) -> KubeObject:
        k = lookup(str(document.get("kind", "")))
        namespace = (document.get("metadata") or {}).get("namespace") or "default"
        answer = self.call(self.dynamic.server_side_apply, self.resource(k), body=document,
                           name=document["metadata"]["name"], namespace=scope(k, namespace),
                           field_manager=FIELD_MANAGER, force_conflicts=True, dry_run="All" if dry_run else None)
        return self.translator.to_object(answer.to_dict(), k)


def lookup(kind: str) -> Kind:
    """The kind, if k8slite models it; else NotFound that says so (the real cluster may well have it)."""
    try:
        return lookup_kind(kind)
    except NotFound:
        raise NotFound(f'k8slite has no objects for the kind "{kind}": read it with c.kubectl("get {kind}") '
                       "or apply it with c.kubectl (kubectl apply -f FILE)") from None


def scope(kind: Kind, namespace: str | None) -> str | None:
    """The namespace for a request: none for cluster-scoped kinds (Node, Namespace, PersistentVolume ...)."""
    return namespace if kind.namespaced else None


def refusal(code: int | None, body: Any) -> ApiError:
    """The k8slite ApiError for a refused request, from the Status in the answer's body."""
    try:
        status = json.loads(body) if isinstance(body, (str, bytes)) else dict(body or {})
    except ValueError:
        status = {}
    if not isinstance(status, dict) or "reason" not in status:
        status = {"code": code or 500, "message": str(body or "").strip() or f"the server answered {code}"}
    error = REASONS.get(str(status.get("reason", "")), ApiError)(str(status.get("message", "")))
    error.code = int(status.get("code") or error.code)
    return error


def reasons() -> dict[str, type[ApiError]]:
    """Status reason -> the class in k8slite.errors for it (the first, most general, of those that share one)."""
    found: dict[str, type[ApiError]] = {}
    for cls in vars(errors).values():
        if isinstance(cls, type) and issubclass(cls, ApiError) and cls.__module__ == errors.__name__:
            if cls.reason not in found or issubclass(found[cls.reason], cls):
                found[cls.reason] = cls
    return found


REASONS = reasons()
