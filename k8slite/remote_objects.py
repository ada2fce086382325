"""A real API server's JSON as k8slite's own objects, and k8slite's changes back as JSON patches.

Mirrors nothing in Kubernetes: this is the translation RemoteCluster
(remote.py) needs so that `c.get("pods")` on a real cluster gives the same
dataclasses as in the simulation, decoded by the same `k8slite.api.kinds.decode`
the HTTP server uses (`.status.phase`, `.is_ready()`, `.to_dict()` ...).

Three differences are bridged, and said here because they are simplifications:

- Fields. A real server sends fields k8slite does not model
  (`status.nominatedNodeName`, `spec.containers[0].stdin` ...).
  Decoding is strict, as `kubectl apply` is, so they are pruned first: each
  key that the dataclass at that place has no field for is left out. The
  objects read are therefore a subset of what the server holds.
- Time. k8slite's objects count seconds on the cluster clock, written as
  2025-01-01T00:00:00Z + t. Here t = 0 is the moment the RemoteCluster was
  made, so `event.time` and `pod.metadata.creation_timestamp` compare with
  `c.now` (an older object has a negative time). Events written through
  events.k8s.io carry only `eventTime`; it stands in for `firstTimestamp`.
- Writes. An object read here lacks what was pruned, so writing it back whole
  (PUT) would erase fields on the server. `merge_patch(before, after)` sends
  only what the caller changed, as a JSON merge patch (RFC 7386).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Union

from k8slite.api.generic import GenericObject
from k8slite.api.kinds import BY_KIND, Kind, decode
from k8slite.api.meta import KubeObject, ObjectMeta
from k8slite.api.serialize import EPOCH, fields_of
from k8slite.server.wallclock import shift


def prune(cls: Any, data: Any) -> Any:
    """`data` without the keys that the type `cls` (a dataclass, list, dict or union of them) has no field for."""
    origin, args = typing.get_origin(cls), typing.get_args(cls)
    if origin in (Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return prune(options[0], data) if len(options) == 1 else data
    if origin is list and isinstance(data, list):
        return [prune(args[0], item) for item in data]
    if origin is dict and isinstance(data, dict):
        return {key: prune(args[1], value) for key, value in data.items()}
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and isinstance(data, dict):
        known = {name: hint for _, hint, name in fields_of(cls)}
        kept: frozenset[str] = getattr(cls, "IGNORED", frozenset())
        return {key: prune(known[key], value) if key in known else value
                for key, value in data.items() if key in known or key in kept}
    return data


class Translator:
    """Wire JSON <-> k8slite objects for a client whose clock started at `started` (seconds since 1970)."""

    def __init__(self, started: float) -> None:
        self.offset = EPOCH.timestamp() - started  # wall-clock stamp + offset = k8slite's stamp for that moment

    def to_object(self, data: dict[str, Any], kind: Kind | None = None) -> KubeObject:
        """The object a server sent (an item of a list may lack apiVersion and kind: `kind` gives them)."""
        data = dict(data)
        if kind is not None:
            data.setdefault("apiVersion", kind.api_version)
            data.setdefault("kind", kind.kind)
        data = shift(data, self.offset)
        if data.get("kind") == "Event" and not data.get("firstTimestamp"):
            stamp = data.get("eventTime") or data.get("metadata", {}).get("creationTimestamp")
            data["firstTimestamp"] = stamp[:19] + "Z" if stamp else None
        known = BY_KIND.get(str(data.get("kind")))
        if known is not None and not issubclass(known.cls, GenericObject):
            data = prune(known.cls, data)
        elif "metadata" in data:
            data["metadata"] = prune(ObjectMeta, data["metadata"])
        return decode(data)

    def to_wire(self, obj: KubeObject) -> dict[str, Any]:
        """The object's JSON with its times on the wall clock, as a server reads them."""
        return dict(shift(obj.to_dict(), -self.offset))


def merge_patch(before: Any, after: Any) -> Any:
    """The JSON merge patch that turns `before` into `after`: changed keys, None for removed ones."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return after
    patch: dict[str, Any] = {key: None for key in before if key not in after}
    for key, value in after.items():
        if key not in before:
            patch[key] = value
        elif before[key] != value:
            patch[key] = merge_patch(before[key], value)
    return patch
