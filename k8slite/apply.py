"""`kubectl apply`'s three-way merge, simplified.

Mirrors client-side apply: the manifest is merged into the live object, so
fields that others set (the scheduler's nodeName, a controller's
annotations) stay; and a field that the *previous* apply set but the new
manifest leaves out is deleted, since the one who applies owns what they
wrote before. kubectl keeps that previous manifest in the annotation
`kubectl.kubernetes.io/last-applied-configuration`; k8slite keeps it in
the cluster beside the store, so printed objects stay short.

Lists of items with a merge key (containers, env, volumes ...) are merged
as kubectl's strategic merge patch merges them (strategicpatch.py): kubectl
sends `$setElementOrder/<field>` with the manifest's order, so the applied
items come in the manifest's order, items only the server has keep their
place among them, and an item the last apply had and this one drops is
removed (`$patch: delete`). Other lists are replaced whole. Left out:
server-side apply and field managers.
"""

from __future__ import annotations

from typing import Any

from k8slite import strategicpatch
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
