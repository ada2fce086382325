"""k8slite: a small Kubernetes in Python, built to be read.

Start with `Cluster(nodes=3)`; everything a notebook needs hangs off it.

The Kubernetes core, in reading order: store, api, apiserver (with admission),
clock and informer, controllers, scheduler, kubelet, runtime, network, and
cluster, which wires them together. Around it: clients and servers (kubectl,
apply, server, images, registry_server, orchestrators, cli) and the course
(viz, widgets, course). docs/ARCHITECTURE.md is the map.
"""

from k8slite.api.core import Event, Namespace
from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.api.replicaset import ReplicaSet
from k8slite.clock import RealClock, VirtualClock
from k8slite.cluster import Cluster
from k8slite.errors import AlreadyExists, ApiError, BadRequest, Conflict, Expired, Forbidden, Gone, Invalid, NotFound
from k8slite.runtime.docker import RuntimeUnavailable

__all__ = [
    "Cluster", "VirtualClock", "RealClock",
    "Pod", "Node", "Namespace", "ReplicaSet", "Event",
    "ApiError", "BadRequest", "Invalid", "NotFound", "AlreadyExists", "Conflict", "Forbidden", "Expired", "Gone",
    "RuntimeUnavailable",
]
