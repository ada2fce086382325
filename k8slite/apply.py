"""`kubectl apply`'s three-way merge, simplified.

Mirrors client-side apply: the manifest is merged into the live object, so
fields that others set (the scheduler's nodeName, a controller's
annotations) stay; and a field that the *previous* apply set but the new
manifest leaves out is deleted, since the one who applies owns what they
wrote before. kubectl keeps that previous manifest in the annotation
`kubectl.kubernetes.io/last-applied-configuration`; k8slite keeps it in
the cluster beside the store, so printed objects stay short.

Simplified: mappings merge key by key; lists are replaced whole (strategic
merge would merge `containers` by name); no server-side apply, no field
managers.
"""

from __future__ import annotations

from typing import Any


def merge(base: Any, patch: Any) -> Any:
    """Mappings merge key by key; lists and values are replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        return {**base, **{k: merge(base.get(k), v) for k, v in patch.items()}}
    return patch


def three_way(live: dict[str, Any], last: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """The object after applying `new` over `live`, where `last` is what was applied before (None: never)."""
    merged = merge(live, new)
    if last is not None:
        prune(merged, last, new)
    return merged


def prune(merged: dict[str, Any], last: dict[str, Any], new: dict[str, Any]) -> None:
    """Delete what the last apply set and this one leaves out, mapping by mapping."""
    for key, value in last.items():
        if key not in new:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(new[key], dict) and isinstance(merged.get(key), dict):
            prune(merged[key], value, new[key])
