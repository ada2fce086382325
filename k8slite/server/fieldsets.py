"""The fields of an object, and how an applied configuration merges into one
(sigs.k8s.io/structured-merge-diff: typed/merge.go, typed/remove.go, the schema's list and map types).

structured-merge-diff reads each field's kind from the OpenAPI schema; here
a few rules by field name stand in for it:

- a map or struct is granular: each of its fields is a field of its own;
  a struct is not itself a member of a set, only its fields are;
- a list of maps that carry a merge key is associative (`listType=map`):
  each item is a field (`k:{"name":"nginx"}`), and so are the item's
  fields. The keys are the ones k8slite's strategic merge knows
  (k8slite.strategicpatch.merge_key: `name`, `mountPath`, `type`,
  `containerPort`, `port`), and ports add `protocol`, defaulted to "TCP"
  as the schema defaults it; owner references go by `uid`;
- `metadata.finalizers` is a set: each value is a field (`v:"x"`);
- every other list, and the atomic structs and maps (`selector`,
  `nodeSelector`), is one value that is replaced whole.

`members` lists the fields a value sets, `merge` merges an applied
configuration into the live object (maps key by key, associative lists
item by item, the rest replaced), `remove` takes a field out. Left out:
the schema itself (a field unknown to these rules is granular if it is a
map, atomic if it is a list), `listType=set` lists other than finalizers,
and `x-kubernetes-map-type: atomic` maps other than the two above.
"""

from __future__ import annotations

import json
from typing import Any

from k8slite.server.managedfields import Path, field_element, key_element, value_element
from k8slite.strategicpatch import merge_key

ITEM = object()
"""What `members` maps an associative list's item (or a set's value) to: it has no value of its own to compare."""

ATOMIC = frozenset({"selector", "nodeSelector"})
SETS = frozenset({"finalizers"})
SYSTEM_METADATA = ("name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                   "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink")


def list_keys(name: str, items: list[Any]) -> tuple[str, ...]:
    """The keys of an associative list's items, () when the list is atomic."""
    if name == "ownerReferences":
        return ("uid",)
    key = merge_key(name, items) if items and all(isinstance(i, dict) for i in items) else ""
    if not key:
        return ()
    return (key, "protocol") if key in ("containerPort", "port") else (key,)


def item_keys(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: item.get(k, "TCP" if k == "protocol" else None) for k in keys}


def members(value: dict[str, Any], prefix: Path = ()) -> dict[Path, Any]:
    """Every field a map sets, mapped to its value (or ITEM for a list's item): a struct's fields, not the struct."""
    found: dict[Path, Any] = {}
    for name, child in value.items():
        path = prefix + (field_element(name),)
        if isinstance(child, dict) and child and name not in ATOMIC:
            found.update(members(child, path))
        elif isinstance(child, list) and name in SETS:
            found.update({path + (value_element(v),): ITEM for v in child})
        elif isinstance(child, list) and list_keys(name, child):
            found.update(item_members(child, list_keys(name, child), path))
        elif child is not None:
            found[path] = child
    return found


def item_members(items: list[dict[str, Any]], keys: tuple[str, ...], prefix: Path) -> dict[Path, Any]:
    found: dict[Path, Any] = {}
    for item in items:
        path = prefix + (key_element(item_keys(item, keys)),)
        found[path] = ITEM
        found.update(members(item, path))
    return found


def stripped(data: dict[str, Any], subresource: str = "") -> dict[str, Any]:
    """The part of an object whose fields are owned: no apiVersion, kind or system metadata (stripmeta.go);
    through a subresource only its part (status; scale: spec.replicas), else everything but the status."""
    if subresource == "status":
        return {"status": data["status"]} if "status" in data else {}
    if subresource == "scale":
        replicas = (data.get("spec") or {}).get("replicas")
        return {} if replicas is None else {"spec": {"replicas": replicas}}
    kept = {k: v for k, v in data.items() if k not in ("apiVersion", "kind", "status")}
    if isinstance(kept.get("metadata"), dict):
        kept["metadata"] = {k: v for k, v in kept["metadata"].items() if k not in SYSTEM_METADATA}
    return {k: v for k, v in kept.items() if v != {}}


def merge(live: Any, applied: Any, name: str = "") -> Any:
    """The applied configuration merged into the live value (neither is changed)."""
    if isinstance(live, dict) and isinstance(applied, dict) and name not in ATOMIC:
        merged = dict(live)
        for key, value in applied.items():
            merged[key] = merge(live.get(key), value, key)
        return merged
    if isinstance(live, list) and isinstance(applied, list):
        if name in SETS:
            return live + [v for v in applied if v not in live]
        keys = list_keys(name, live + applied)
        if keys:
            return merge_items(live, applied, keys)
    return applied


def merge_items(live: list[Any], applied: list[Any], keys: tuple[str, ...]) -> list[Any]:
    """Associative lists merge item by item: each applied item is merged into the live item with its keys.
    The items both have come in the applied order, in the places the live list had them; live-only items
    keep their place, and an applied-only item follows the applied item before it (or ends the list)."""
    def key(item: Any) -> str:
        return key_element(item_keys(item, keys))
    by_key = {key(i): i for i in live}
    merged = [merge(by_key.get(key(i)), i) for i in applied]
    groups: list[list[Any]] = [[]]  # each shared item with the applied-only items after it
    for item in merged:
        if key(item) in by_key:
            groups.append([item])
        else:
            groups[-1].append(item)
    lead, shared = groups[0], groups[1:]
    if not shared:
        return live + lead
    shared[0] = lead + shared[0]
    applied_keys = {key(i) for i in merged}
    out: list[Any] = []
    for item in live:
        if key(item) not in applied_keys:
            out.append(item)
        elif shared:
            out += shared.pop(0)
    return out


def remove(data: dict[str, Any], path: Path) -> None:
    """Take a field (a map's field, a list's item, a set's value) out of an object, if it is there."""
    parent: Any = data
    for element in path[:-1]:
        parent = child_of(parent, element)
        if parent is None:
            return
    last = path[-1]
    if isinstance(parent, dict) and last.startswith("f:"):
        parent.pop(last[2:], None)
    elif isinstance(parent, list):
        parent[:] = [i for i in parent if not matches(i, last)]


def child_of(value: Any, element: str) -> Any:
    if isinstance(value, dict) and element.startswith("f:"):
        return value.get(element[2:])
    if isinstance(value, list):
        return next((i for i in value if matches(i, element)), None)
    return None


def matches(item: Any, element: str) -> bool:
    """Is this list item the one the element names (`k:{...}` by its keys, `v:...` by its value)?"""
    if element.startswith("v:"):
        return value_element(item) == element
    if element.startswith("k:") and isinstance(item, dict):
        keys = json.loads(element[2:])
        return key_element(item_keys(item, tuple(keys))) == element
    return False
