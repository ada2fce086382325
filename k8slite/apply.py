"""`kubectl apply`'s three-way merge, simplified.

Mirrors client-side apply: the manifest is merged into the live object, so
fields that others set (the scheduler's nodeName, a controller's
annotations) stay; and a field that the *previous* apply set but the new
manifest leaves out is deleted, since the one who applies owns what they
wrote before. kubectl keeps that previous manifest in the annotation
`kubectl.kubernetes.io/last-applied-configuration`; k8slite keeps it in
the cluster beside the store, so printed objects stay short. Applying to
an object that no apply made (`kubectl create`, `run`) warns as kubectl
does ("... is missing the kubectl.kubernetes.io/last-applied-configuration
annotation ...") and merges as if nothing had been applied before.

Lists of items with a merge key (containers, env, volumes ...) are merged
as kubectl's strategic merge patch merges them (strategicpatch.py): kubectl
sends `$setElementOrder/<field>` with the manifest's order, so the applied
items come in the manifest's order, items only the server has keep their
place among them, and an item the last apply had and this one drops is
removed (`$patch: delete`). Other lists are replaced whole. Left out:
server-side apply and field managers.

`Applier` is the client around it: `c.apply(...)` and `kubectl apply/create`
decode every document, dry-run them all against the API server (defaults,
validation, admission, quota, nothing stored), warn once about fields
k8slite accepts but does not model, then create each object or merge it
into the live one.
"""

from __future__ import annotations

import sys
from typing import Any

from k8slite import strategicpatch
from k8slite.api.core import Namespace
from k8slite.api.kinds import Kind, decode, kind_of
from k8slite.api.manifest import read_documents
from k8slite.api.meta import LAST_APPLIED, KubeObject
from k8slite.apiserver import APIServer
from k8slite.errors import NotFound
from k8slite.strategicpatch import ORDER, merge_key


def merge(base: Any, patch: Any) -> Any:
    """Mappings merge key by key; keyed lists merge by key in the patch's order; other values are replaced."""
    return strategicpatch.merge(base, apply_patch(None, patch))


def three_way(live: dict[str, Any], last: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """The object after applying `new` over `live`, where `last` is what was applied before (None: never)."""
    merged = strategicpatch.merge(live, apply_patch(last, new))
    if last is not None:
        prune(merged, last, new)
    return merged


def apply_patch(last: Any, new: Any) -> Any:
    """`new` as the patch kubectl sends: keyed lists carry their order, and deletes of dropped items."""
    if not isinstance(new, dict):
        return new
    last = last if isinstance(last, dict) else {}
    patch: dict[str, Any] = {}
    for field, value in new.items():
        before = last.get(field)
        key = merge_key(field, value) if isinstance(value, list) else ""
        if not key:
            patch[field] = apply_patch(before, value)
            continue
        old = {i.get(key): i for i in before if isinstance(i, dict)} if isinstance(before, list) else {}
        patch[field] = [apply_patch(old.get(i[key]), i) for i in value]
        patch[field] += [{key: k, "$patch": "delete"} for k in old if k not in {i[key] for i in value}]
        patch[ORDER + field] = [{key: i[key]} for i in value]
    return patch


def prune(merged: dict[str, Any], last: dict[str, Any], new: dict[str, Any]) -> None:
    """Delete what the last apply set and this one leaves out, mapping by mapping (and item by keyed item)."""
    for field, value in last.items():
        if field not in new:
            merged.pop(field, None)
        elif isinstance(value, dict) and isinstance(new[field], dict) and isinstance(merged.get(field), dict):
            prune(merged[field], value, new[field])
        elif isinstance(value, list) and isinstance(new[field], list) and isinstance(merged.get(field), list):
            prune_items(field, merged[field], value, new[field])


def prune_items(field: str, merged: list[Any], last: list[Any], new: list[Any]) -> None:
    """Prune inside the items of a keyed list that both applies wrote."""
    key = merge_key(field, last, new)
    if not key:
        return
    before, now = {i[key]: i for i in last}, {i[key]: i for i in new}
    for item in merged:
        if isinstance(item, dict) and item.get(key) in before and item.get(key) in now:
            prune(item, before[item[key]], now[item[key]])


def missing_last_applied(plural: str, name: str) -> str:
    """kubectl apply's warning for an object that no apply made (warningNoLastAppliedConfigAnnotation)."""
    return (f"resource {plural}/{name} is missing the {LAST_APPLIED} annotation which is required by kubectl "
            "apply. kubectl apply should only be used on resources created declaratively by either kubectl "
            "create --save-config or kubectl apply. The missing annotation will be patched automatically.")


class Applier:
    """kubectl's client-side apply against one API server: dry-run everything, then create or
    three-way merge each object; it remembers what each apply set (the last-applied configuration)."""

    def __init__(self, api: APIServer) -> None:
        self.api = api
        self.last_applied: dict[tuple[str, str, str], dict[str, Any]] = {}  # (plural, namespace, name) -> manifest
        self.warned: set[str] = set()  # each "not modelled" warning is printed once

    def apply(self, src: Any) -> list[KubeObject]:
        """Create or update every object in src; all are validated first, so one bad one stores none."""
        ignored: list[str] = []
        documents = read_documents(src)
        objects = [d if isinstance(d, KubeObject) else decode(d, ignored) for d in documents]
        self.dry_run(objects)
        self.warn_ignored(objects, ignored)
        applied = [d.to_dict() if isinstance(d, KubeObject) else d for d in documents]
        return [self.apply_one(obj, doc) for obj, doc in zip(objects, applied)]

    def dry_run(self, objects: list[KubeObject]) -> None:
        """Prepare and admit every object as the server would, storing nothing: the first error raises."""
        new_namespaces = {o.name for o in objects if isinstance(o, Namespace)}
        charged: dict[str, KubeObject] = {}  # quota usage the documents so far would take
        for obj in objects:
            kind = kind_of(obj)
            prepared = self.api.prepare(obj, kind)
            if kind.namespaced and prepared.namespace not in new_namespaces and not self.exists(prepared):
                self.api.admit(prepared, kind, charged)  # only creates are admitted; apply updates the others

    def exists(self, obj: KubeObject) -> bool:
        return self.api.store.get(self.api.key(kind_of(obj), obj.namespace, obj.name)) is not None

    def applied(self, kind: Kind, obj: KubeObject) -> bool:
        """Whether an apply made or last changed obj (it has a last-applied configuration)."""
        return (kind.plural, obj.namespace if kind.namespaced else "", obj.name) in self.last_applied

    def apply_one(self, obj: KubeObject, document: dict[str, Any] | None = None) -> KubeObject:
        """Create, or merge the manifest into what is stored (fields others set, like nodeName, stay)."""
        kind = kind_of(obj)
        namespace = (obj.namespace or "default") if kind.namespaced else ""
        document = {k: v for k, v in (obj.to_dict() if document is None else document).items() if k != "status"}
        key = (kind.plural, namespace, obj.name)
        try:
            current = self.api.get(kind.plural, obj.name, namespace)
        except NotFound:
            created = self.api.create(obj)
            self.last_applied[key] = document
            return created
        if key not in self.last_applied:  # made by `kubectl create`, `run`, a controller: kubectl warns
            self.api.warnings.append(missing_last_applied(kind.plural, obj.name))
        new = decode(three_way(current.to_dict(), self.last_applied.get(key), document))
        new.metadata.resource_version = current.metadata.resource_version
        updated = self.api.update(new)
        self.last_applied[key] = document
        return updated

    def warn_ignored(self, objects: list[KubeObject], ignored: list[str]) -> None:
        notes = [f"{path}: accepted, but k8slite does not model it" for path in ignored]
        notes += [f"{o.kind} objects are stored, but no k8slite controller acts on them yet"
                  for o in objects if not kind_of(o).modelled]
        for note in notes:
            if note not in self.warned:
                self.warned.add(note)
                print(f"Warning: {note}", file=sys.stderr)
