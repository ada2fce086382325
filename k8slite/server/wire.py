"""An object as the server writes it on the wire: `to_dict()`, plus the fields Go always writes.

k8slite's `to_dict()` leaves out empty values, as most Kubernetes fields
are `omitempty`. A few are not: a Node's `status.nodeInfo` always has its
ten strings (`machineID`, `bootID` ... k8s.io/api/core/v1/types.go), even
empty, and clients generated from the OpenAPI schema (the Python
`kubernetes` client) refuse an object without its required fields. This
module adds them back. Left out: any required field no client has been
seen to need yet.
"""

from __future__ import annotations

from typing import Any

from k8slite.api.meta import KubeObject

NODE_INFO = ("machineID", "systemUUID", "bootID", "kernelVersion", "osImage", "containerRuntimeVersion",
             "kubeletVersion", "kubeProxyVersion", "operatingSystem", "architecture")


def encode(obj: KubeObject) -> dict[str, Any]:
    """The object's JSON as kube-apiserver would send it."""
    data = obj.to_dict()
    if obj.kind == "Node":
        info = data.setdefault("status", {}).setdefault("nodeInfo", {})
        for key in NODE_INFO:
            info.setdefault(key, "")
    return data
