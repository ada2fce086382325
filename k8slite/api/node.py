"""The Node: a machine that runs pods, as the API sees it.

Mirrors k8s.io/api/core/v1 Node. A kubelet registers its machine as a Node
with its capacity (cpu, memory, pods), then posts `status.conditions` when
they change (or every 5 minutes), while its Lease (api/coordination.py),
renewed every 10 s, tells the control plane that the machine is alive.
`spec.taints` keep pods away; `spec.podCIDR` is the range its pods' IPs
come from. Simplified: the only conditions are Ready and the pressure trio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from k8slite.api.meta import OMITEMPTY, TIME_OR_NULL, KubeObject
from k8slite.api.pod import Taint

# k8s.io/api/core/v1 well_known_taints.go: the taints the control plane puts on nodes
NOT_READY = "node.kubernetes.io/not-ready"  # TaintNodeNotReady: Ready is False
UNREACHABLE = "node.kubernetes.io/unreachable"  # TaintNodeUnreachable: Ready is Unknown (no heartbeat)
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"  # TaintNodeUnschedulable: cordoned


@dataclass(slots=True)
class NodeSpec:
    pod_cidr: str = ""
    pod_cidrs: list[str] = field(default_factory=list)
    taints: list[Taint] = field(default_factory=list)
    unschedulable: bool | None = None
    provider_id: str = ""
    IGNORED: ClassVar[frozenset[str]] = frozenset({"configSource", "externalID"})


@dataclass(slots=True)
class NodeCondition:
    type: str = ""
    status: str = ""
    reason: str = ""
    message: str = ""
    last_heartbeat_time: float | None = field(default=None, metadata=TIME_OR_NULL)
    last_transition_time: float | None = field(default=None, metadata=TIME_OR_NULL)


@dataclass(slots=True)
class NodeAddress:
    type: str = ""
    address: str = ""


@dataclass(slots=True)
class ContainerImage:
    """An image on the node, as the kubelet lists it in status.images: its names and size."""

    names: list[str] = field(default_factory=list)
    """repository@sha256:... first, then repository:tag (at most 5)."""
    size_bytes: int = field(default=0, metadata=OMITEMPTY)


@dataclass(slots=True)
class AttachedVolume:
    """A volume the attach/detach controller attached to this node (kubernetes.io/csi/<driver>^<handle>)."""

    name: str = ""
    device_path: str = field(default="", metadata={"empty_string": True})  # "" for a CSI volume


@dataclass(slots=True)
class NodeStatus:
    capacity: dict[str, str | int] = field(default_factory=dict)
    allocatable: dict[str, str | int] = field(default_factory=dict)
    conditions: list[NodeCondition] = field(default_factory=list)
    addresses: list[NodeAddress] = field(default_factory=list)
    node_info: dict[str, Any] = field(default_factory=dict)
    volumes_attached: list[AttachedVolume] = field(default_factory=list)
    images: list[ContainerImage] = field(default_factory=list)
    daemon_endpoints: dict[str, Any] = field(default_factory=dict)  # {"kubeletEndpoint": {"Port": 10250}}
    IGNORED: ClassVar[frozenset[str]] = frozenset({
        "volumesInUse", "config",
        "phase", "runtimeHandlers", "features"})

    def condition(self, type_: str) -> NodeCondition | None:
        return next((c for c in self.conditions if c.type == type_), None)


@dataclass(slots=True)
class Node(KubeObject):
    KIND: ClassVar[str] = "Node"
    NAMESPACED: ClassVar[bool] = False
    spec: NodeSpec = field(default_factory=NodeSpec)
    status: NodeStatus = field(default_factory=NodeStatus)

    def ready_status(self) -> str:
        """"True", "False" or "Unknown" (a node that never reported is Unknown)."""
        ready = self.status.condition("Ready")
        return ready.status if ready else "Unknown"

    def is_ready(self) -> bool:
        return self.ready_status() == "True"
