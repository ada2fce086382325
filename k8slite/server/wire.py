"""An object as the server writes it on the wire: `to_dict()`, plus the fields Go always writes, in Go's JSON.

k8slite's `to_dict()` leaves out empty values, as most Kubernetes fields
are `omitempty`. A few are not: a Node's `status.nodeInfo` always has its
ten strings (`machineID`, `bootID` ... k8s.io/api/core/v1/types.go), even
empty, and clients generated from the OpenAPI schema (the Python
`kubernetes` client) refuse an object without its required fields. This
module adds them back.

The text is what kube-apiserver's encoder (Go's encoding/json) writes:
compact, UTF-8, with `<`, `>` and `&` escaped. It matters where a client
keeps bytes as they came: a ControllerRevision's `data` is a
runtime.RawExtension, raw JSON that the controller wrote with json.Marshal
of a map (keys sorted at every level), and `kubectl rollout undo` compares
those bytes with the patch it makes from the current template to say
`skipped rollback`. Left out: any required field no client has been seen
to need yet.
"""

from __future__ import annotations

import json
from typing import Any

from k8slite.api.meta import KubeObject
from k8slite.api.serialize import key_sorted

GO_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                           "\u2029": "\\u2029"})  # json.Marshal's HTMLEscape, and the two line separators
NODE_INFO = ("machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion",
             "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture")


def encode(obj: KubeObject) -> dict[str, Any]:
    """The object's JSON as kube-apiserver would send it."""
    data = obj.to_dict()
    if obj.kind == "Node":
        info = data.setdefault("status", {}).setdefault("nodeInfo", {})
        for key in NODE_INFO:
            info.setdefault(key, "")
    if obj.kind == "ControllerRevision" and isinstance(data.get("data"), dict):
        data["data"] = key_sorted(data["data"])
    return data


def dumps(data: Any) -> str:
    """JSON text as Go's encoding/json writes it: no spaces, UTF-8 as it is, HTML's three characters escaped."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).translate(GO_ESCAPES)
