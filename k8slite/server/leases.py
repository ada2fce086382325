"""Node Leases, as `kubectl describe node` reads them (coordination.k8s.io/v1, kube-node-lease namespace).

A kubelet renews a Lease named after its node every 10 s, and describe node
shows its holder and renew time. k8slite's kubelets heartbeat through the
Node's status instead and keep no Lease objects, so this answers a Lease
with an empty spec for each Node, which describe prints as `<unset>`, the
same as `c.kubectl("describe node ...")`. Left out: real Lease objects
(listing, watching, writing them).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

PATH = re.compile(r"/apis/coordination\.k8s\.io/v1/namespaces/kube-node-lease/leases/(?P<name>[^/]+)")


def lease_name(path: str) -> str:
    """The node a lease path names ("" when the path is not a node lease's)."""
    match = PATH.fullmatch(path)
    return match["name"] if match else ""


def lease(cluster: Cluster, name: str) -> dict[str, Any]:
    """The Lease of an existing Node (NotFound for a node that does not exist)."""
    node = cluster.api.get("nodes", name, "")
    return {"kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
            "metadata": {"name": name, "namespace": "kube-node-lease", "uid": node.metadata.uid,
                         "resourceVersion": node.metadata.resource_version}, "spec": {}}
