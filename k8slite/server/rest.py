"""The REST verbs on one resource, as the API server's handlers do them (k8s.io/apiserver/pkg/endpoints/handlers).

Each function takes the cluster, the Target the path names and the decoded
request, calls the cluster's APIServer (k8slite.apiserver: defaulting,
validation, admission and the store are all there) and returns the answer
as a dict. The caller holds the server's lock: the simulation is
single-threaded. Lists filter with `labelSelector` and `fieldSelector` and
come in etcd's key order, by namespace and name, Events too (a real
`kubectl get events` is grouped by object, not by time). A PATCH reads the object, applies the patch to its JSON
(strategic merge, JSON merge or RFC 6902 JSON patch, with kubectl's own
helpers) and writes the result back as an update, which is what
kube-apiserver's patcher does. Subresources: `status` (update and patch
only the status), `scale` (autoscaling/v1 Scale) and `log`
(subresources.py); a long list is cut into pages by the handler (paging.py).
A PATCH whose Content-Type is `application/apply-patch+yaml` is
server-side apply (apply.py); every other write records its manager in
metadata.managedFields (apply.record_update). A write with `dryRun=All`
comes here with an APIServer whose writes are dropped (dryrun.py), so
every verb runs as it would and stores nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from k8slite.api.defaults import apply_defaults
from k8slite.api.kinds import Kind, decode
from k8slite.api.meta import KubeObject, clone
from k8slite.apiserver import APIServer
from k8slite.errors import ApiError, BadRequest, Expired, Invalid, NotFound
from k8slite.kubectl.command import Command
from k8slite.kubectl.patch import PatchRejected, json_patch, merge_patch
from k8slite.kubectl.resources import fetch
from k8slite.kubectl.selectors import fields_match, selector_matches
from k8slite.server import apply, paging, wire
from k8slite.server.paths import Target

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

STRATEGIC, MERGE, JSON_PATCH = ("application/strategic-merge-patch+json", "application/merge-patch+json",
                                "application/json-patch+json")


MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024  # kube-apiserver's --max-request-body-bytes default (3 MiB)


class RequestEntityTooLarge(ApiError):
    """413: a request body over MAX_REQUEST_BODY_BYTES (not read, not decoded)."""

    reason = "RequestEntityTooLarge"
    code = 413


class UnsupportedMediaType(BadRequest):
    """415: a PATCH whose Content-Type is not one of the patch types served."""

    reason = "UnsupportedMediaType"
    code = 415


def list_objects(cluster: Cluster, target: Target, query: dict[str, str]) -> list[KubeObject]:
    """The objects of a collection, filtered by labelSelector and fieldSelector, in kubectl's order."""
    if query.get("continue"):
        return list_at_first_page(cluster, target, query)
    flags: dict[str, Any] = {"selector": query.get("labelSelector", ""),
                             "field_selector": query.get("fieldSelector", "")}
    if target.namespace is None:
        flags["all_namespaces"] = True
    else:
        flags["namespace"] = target.namespace
    objects, _ = fetch(cluster, Command("get", [], flags), target.kind, [])
    return objects


def list_at_first_page(cluster: Cluster, target: Target, query: dict[str, str]) -> list[KubeObject]:
    """A later page's collection: as it was at the first page's revision (the token's), as etcd reads it,
    so that an object created, changed or deleted between pages neither shows up nor goes missing."""
    revision, _ = paging.decode_token(query["continue"])
    prefix = APIServer.prefix(target.kind, target.namespace)
    try:
        values = [value for _, value in cluster.api.store.snapshot(prefix, int(revision))]
    except Expired:
        raise Expired(paging.TOO_OLD) from None
    return [o for o in values if selector_matches(query.get("labelSelector", ""), o.metadata.labels)
            and fields_match(query.get("fieldSelector", ""), o)]


def list_body(kind: Kind, objects: list[KubeObject], resource_version: str) -> dict[str, Any]:
    """A PodList, DeploymentList ...: the items and the revision the list was read at."""
    return {"kind": f"{kind.kind}List", "apiVersion": kind.api_version,
            "metadata": {"resourceVersion": resource_version}, "items": [wire.encode(o) for o in objects]}


def get_object(api: APIServer, target: Target) -> KubeObject:
    return api.get(target.kind.plural, target.name, target.namespace or "")


def decode_body(target: Target, body: Any) -> KubeObject:
    """The object a POST or PUT sends; its namespace must be the path's (or empty), its kind the resource's.

    A body without kind and apiVersion gets the resource's, as the server decodes it with the path's
    GroupVersionKind as the default (the Python client sends none unless they are set)."""
    if not isinstance(body, dict):
        raise BadRequest("the body of the request was in an unknown format")
    body.setdefault("kind", target.kind.kind)
    body.setdefault("apiVersion", target.kind.api_version)
    metadata = body.setdefault("metadata", {})
    if target.kind.namespaced:
        if metadata.get("namespace") not in (None, "", target.namespace):
            raise BadRequest("the namespace of the provided object does not match the namespace sent on the request")
        metadata["namespace"] = target.namespace
    obj = decode(body)
    if obj.kind != target.kind.kind:
        raise BadRequest(f"the API version in the data ({body.get('apiVersion')}) does not match the expected "
                         f"API version ({target.kind.api_version})")
    return obj


def create(api: APIServer, target: Target, body: Any, manager: str) -> KubeObject:
    obj = decode_body(target, body)
    apply.record_update(None, obj, manager, "", api.clock.now)
    return api.create(obj)


def update(api: APIServer, target: Target, body: Any, manager: str) -> KubeObject:
    obj = decode_body(target, body)
    if obj.name != target.name:
        raise BadRequest(f"the name of the object ({obj.name}) does not match the name on the URL ({target.name})")
    return write(api, target, get_object(api, target), obj, manager)


def write(api: APIServer, target: Target, current: KubeObject, new: KubeObject, manager: str) -> KubeObject:
    """Store an Update of the object (or of its status), its managedFields brought up to date."""
    apply.record_update(current, new, manager, target.subresource, api.clock.now)
    if target.subresource == "status":
        return update_status(api, current, new)
    return api.update(new)


def update_status(api: APIServer, current: KubeObject, new: KubeObject) -> KubeObject:
    """Replace the status; APIServer.update_status keeps the stored metadata, so a write that changed the
    managedFields stores the object with both (the status subresource's strategy does the same)."""
    if new.metadata.managed_fields == current.metadata.managed_fields:
        return api.update_status(new)
    kind, current = api.current(new)
    stored = current.copy()
    stored.status = clone(new.status)  # type: ignore[attr-defined]
    stored.metadata.managed_fields = new.metadata.managed_fields
    return api.write(kind, current, stored)


def patched(current: dict[str, Any], patch: Any, content_type: str) -> Any:
    """The object's JSON with the patch applied, by the patch type the Content-Type names."""
    media = content_type.split(";")[0].strip()
    if media == JSON_PATCH:
        try:
            return json_patch(current, patch)
        except PatchRejected as e:
            raise Invalid(str(e)) from None
    if media in (STRATEGIC, MERGE):
        if not isinstance(patch, dict):
            raise BadRequest("json: cannot unmarshal array into Go value of type map[string]interface {}")
        return without_directives(merge_patch(current, patch, media == STRATEGIC))
    raise UnsupportedMediaType(f'the body of the request was in an unknown format - accepted media types include: '
                               f'{JSON_PATCH}, {MERGE}, {STRATEGIC}, {apply.APPLY}')


def without_directives(data: Any) -> Any:
    """The merged JSON without strategic merge's `$retainKeys`, `$patch` ... keys that were left in it."""
    if isinstance(data, dict):
        return {k: without_directives(v) for k, v in data.items() if not k.startswith("$")}
    if isinstance(data, list):
        return [without_directives(v) for v in data]
    return data


def patch(api: APIServer, target: Target, raw: bytes, content_type: str, query: dict[str, str],
          manager: str) -> tuple[int, KubeObject]:
    """Patch an object (or its status): read, apply the patch to its JSON, write it back as an update;
    an applied configuration goes to server-side apply (apply.py). (HTTP code, the object)."""
    if content_type.split(";")[0].strip() == apply.APPLY:
        return server_side_apply(api, target, raw, query)
    current = get_object(api, target)
    try:
        body = json.loads(raw or b"null")
    except ValueError as e:
        raise BadRequest(f"error decoding patch: {e}") from None
    before = current.to_dict()
    after = patched(before, body, content_type)
    if after == before:
        return 200, current
    new = decode_body(target, after)
    if not new.metadata.resource_version:  # a patch is unconditional unless it names a resourceVersion
        new.metadata.resource_version = current.metadata.resource_version
    return 200, write(api, target, current, new, manager)


def server_side_apply(api: APIServer, target: Target, raw: bytes, query: dict[str, str]) -> tuple[int, KubeObject]:
    """PATCH with an applied configuration (apply.py): (201, the object it created), or (200, the live object
    with the configuration merged in)."""
    manager, force = apply.field_manager(query), query.get("force") == "true"
    config = apply.parse(raw, target)
    now, version = api.clock.now, target.kind.api_version
    try:
        live = get_object(api, target)
    except NotFound:
        obj = decode_body(target, config)
        obj.metadata.managed_fields = apply.created(config, manager, now, version)
        return 201, api.create(obj)
    before = live.to_dict()
    after = apply.merged(before, config, live.metadata.managed_fields, manager, force, now, version)
    new = decode_body(target, after)
    if unchanged(live, new):
        return 200, live
    if not (config.get("metadata") or {}).get("resourceVersion"):
        new.metadata.resource_version = live.metadata.resource_version
    return 200, api.update(new)


def unchanged(live: KubeObject, new: KubeObject) -> bool:
    """Is `new`, once defaulted, what is stored, with the same managers of the same fields? Then there is
    nothing to write (the storage skips a no-op update: the resourceVersion stays), as when an atomic list
    that defaulting adds to (a pod's tolerations) is applied again."""
    defaulted = new.copy()
    apply_defaults(defaulted)
    return timeless(defaulted) == timeless(live)


def timeless(obj: KubeObject) -> dict[str, Any]:
    """The object's JSON, its managedFields without their times."""
    data = obj.to_dict()
    for entry in data["metadata"].get("managedFields", []):
        entry.pop("time", None)
    return data


def delete(api: APIServer, target: Target, query: dict[str, str], body: Any) -> KubeObject:
    """Delete with DeleteOptions from the body (kubectl sends them there) or the query."""
    options = body if isinstance(body, dict) else {}
    policy = options.get("propagationPolicy") or query.get("propagationPolicy")
    orphan = options.get("orphanDependents")
    if policy is None and orphan is not None:
        policy = "Orphan" if orphan else "Background"
    grace = options.get("gracePeriodSeconds", query.get("gracePeriodSeconds"))
    return api.delete(target.kind.plural, target.name, target.namespace or "",
                      grace_period=None if grace is None else int(grace), propagation_policy=policy)
