"""Strategic merge patch, k8s.io/apimachinery/pkg/util/strategicpatch (patch.go), the part people meet.

A JSON merge patch replaces a list whole; a strategic merge patch merges a
list of items that have a merge key (containers, env, volumes by `name`,
volumeMounts by `mountPath`, container ports by `containerPort`) item by
item, and keeps their order:

- an item of the patch whose key is already in the list is merged into it;
  one whose key is new is added; `{"name": "x", "$patch": "delete"}` removes x;
- the order is patch.go's normalizeElementOrder: the patch's items in the
  patch's order (or in `$setElementOrder/<field>`'s, which kubectl apply
  sends), with the items only the server has slid in where the live list
  had them (mergeSortedSlice). So patching container `a` of [a, b] keeps
  [a, b]; a patch with only a new item `c` gives [c, a, b] (the server-only
  items come after a patch item they cannot be compared with);
- `"$patch": "replace"` in a map makes the map the patch's, not a merge
  (what `kubectl rollout undo` of a DaemonSet sends for spec.template, the
  ControllerRevision's data); in a map, `"$patch": "delete"` empties it; a
  list item `{"$patch": "replace"}` makes the list the patch's other items.

Left out: `$retainKeys`, `$deleteFromPrimitiveList`, the error for an unknown directive,
merge keys read from the OpenAPI schema (here a small table by field name),
and lists of scalars with the merge strategy (they are replaced).
"""

from __future__ import annotations

from typing import Any

ORDER = "$setElementOrder/"
DIRECTIVE = "$patch"
MERGE_KEYS = {"volumeMounts": "mountPath", "volumeDevices": "devicePath", "conditions": "type"}


def merge_key(field: str, *lists: list[Any]) -> str:
    """The patchMergeKey of a list field ("" when its items are not maps that carry it)."""
    items = [i for items in lists for i in items]
    if field == "ports":
        key = "containerPort" if all(isinstance(i, dict) and "containerPort" in i for i in items) else "port"
    else:
        key = MERGE_KEYS.get(field, "name")
    return key if items and all(isinstance(i, dict) and key in i for i in items) else ""


def merge(base: Any, patch: Any) -> Any:
    """`patch` applied to `base` (neither is changed): maps key by key, None deletes, keyed lists by key."""
    if not isinstance(patch, dict):
        return patch
    if patch.get(DIRECTIVE) == "replace":  # handleDirectiveInMergeMap: the patch, without the directive
        return {k: v for k, v in patch.items() if k != DIRECTIVE}
    if patch.get(DIRECTIVE) == "delete":
        return {}
    base = base if isinstance(base, dict) else {}  # as RFC 7386 does: a map patches an empty map
    merged = dict(base)
    for field, value in patch.items():
        if field.startswith(ORDER):
            continue
        if value is None:
            merged.pop(field, None)
        elif isinstance(value, list):
            live = base.get(field)
            merged[field] = merge_list(field, live if isinstance(live, list) else [], value, patch.get(ORDER + field))
        else:
            merged[field] = merge(base.get(field), value)
    for field in (f[len(ORDER):] for f in patch if f.startswith(ORDER) and f[len(ORDER):] not in patch):
        if isinstance(base.get(field), list):  # an order alone reorders what is there
            merged[field] = merge_list(field, base[field], [], patch[ORDER + field])
    return merged


def merge_list(field: str, live: list[Any], patch: list[Any], order: list[Any] | None = None) -> list[Any]:
    """mergeSlice: merge the patch's items into the live ones by merge key, then normalizeElementOrder."""
    if {DIRECTIVE: "replace"} in patch:  # mergeSliceWithSpecialElements: the live items are dropped
        return [i for i in patch if i != {DIRECTIVE: "replace"}]
    key = merge_key(field, live, patch, order or [])
    if not key:
        return patch
    gone = {i[key] for i in patch if i.get("$patch") == "delete"}
    by_key = {i[key]: i for i in live}
    for item in patch:
        if item.get("$patch") != "delete":
            by_key[item[key]] = merge(by_key.get(item[key]), item)
    wanted = [i[key] for i in (order if order is not None else patch) if i.get("$patch") != "delete"]
    in_patch = [by_key[k] for k in wanted if k in by_key and k not in gone]
    server_only = [i for k, i in by_key.items() if k not in wanted and k not in gone]
    return merge_sorted(server_only, in_patch, [i[key] for i in live], key)


def merge_sorted(left: list[Any], right: list[Any], server_order: list[Any], key: str) -> list[Any]:
    """patch.go's mergeSortedSlice: interleave server-only items (left) into the patch's (right),
    a left item going first only when the live list had both and had it in front."""
    result: list[Any] = []
    i = j = 0
    while i < len(left) or j < len(right):
        if j >= len(right):
            result.append(left[i])
            i += 1
        elif i >= len(left) or not in_front(left[i][key], right[j][key], server_order):
            result.append(right[j])
            j += 1
        else:
            result.append(left[i])
            i += 1
    return result


def in_front(first: Any, second: Any, order: list[Any]) -> bool:
    """Both are in the live list and `first` comes before `second` there."""
    return first in order and second in order and order.index(first) < order.index(second)
