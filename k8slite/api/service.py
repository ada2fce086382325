"""Service, Endpoints and EndpointSlice: a stable name and address in front of changing pods.

Mirrors k8s.io/api/core/v1 Service and Endpoints and discovery.k8s.io/v1
EndpointSlice. A Service selects pods by label and gets a virtual IP (its
`spec.cluster_ip`, from 10.96.0.0/12) that never changes while pods come and
go; each port forwards `port` to the pods' `targetPort` (a number, or the
name of a containerPort, resolved pod by pod). `type: NodePort` also opens a
port (30000-32767) on every node; `LoadBalancer` is a NodePort Service whose
external IP stays `<pending>`, as on any cluster without a cloud provider.
`clusterIP: None` makes a headless Service: no virtual IP, DNS answers with
the pods' own IPs.

The endpoints controller writes, for each Service with a selector, an
Endpoints object (`subsets[].addresses[].ip/target_ref`, and
`not_ready_addresses`) and an EndpointSlice (`endpoints[].addresses`,
`conditions.ready`). Simplified: IPv4 only, no ExternalName, no
externalIPs, traffic policies or topology hints (accepted, not acted on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from k8slite.api.meta import KubeObject, ObjectReference

DEFAULT_AFFINITY_TIMEOUT = 10800  # sessionAffinityConfig.clientIP.timeoutSeconds: three hours
SERVICE_NAME_LABEL = "kubernetes.io/service-name"


@dataclass(slots=True)
class ServicePort:
    name: str = ""
    """Required when a Service has more than one port; Endpoints carry it."""
    protocol: str = "TCP"
    port: int = 0
    """The port of the Service's virtual IP."""
    target_port: int | str | None = None
    """The pods' port: a number, or a containerPort's name; defaulted to `port`."""
    node_port: int | None = None
    """NodePort and LoadBalancer: the port opened on every node (30000-32767)."""
    app_protocol: str = ""


@dataclass(slots=True)
class ClientIPConfig:
    timeout_seconds: int | None = None


@dataclass(slots=True)
class SessionAffinityConfig:
    client_ip: ClientIPConfig | None = None


@dataclass(slots=True)
class ServiceSpec:
    selector: dict[str, str] = field(default_factory=dict)
    ports: list[ServicePort] = field(default_factory=list)
    type: str = ""
    """ClusterIP (the default), NodePort or LoadBalancer."""
    cluster_ip: str = ""
    """Allocated by the API server at creation; "None" for a headless Service; immutable."""
    cluster_ips: list[str] = field(default_factory=list)
    session_affinity: str = ""
    """None (the default) or ClientIP: one client stays on one pod."""
    session_affinity_config: SessionAffinityConfig | None = None
    external_traffic_policy: str = ""
    internal_traffic_policy: str = ""
    ip_families: list[str] = field(default_factory=list)
    ip_family_policy: str = ""
    publish_not_ready_addresses: bool | None = None
    IGNORED: ClassVar[frozenset[str]] = frozenset({
        "externalIPs", "externalName", "loadBalancerIP", "loadBalancerSourceRanges", "loadBalancerClass",
        "healthCheckNodePort", "allocateLoadBalancerNodePorts", "trafficDistribution"})

    def headless(self) -> bool:
        return self.cluster_ip == "None"


@dataclass(slots=True)
class ServiceStatus:
    load_balancer: dict[str, Any] = field(default_factory=dict)
    conditions: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Service(KubeObject):
    KIND: ClassVar[str] = "Service"
    spec: ServiceSpec = field(default_factory=ServiceSpec)
    status: ServiceStatus = field(default_factory=ServiceStatus)

    def affinity_timeout(self) -> int:
        """How long a ClientIP session sticks (seconds)."""
        config = self.spec.session_affinity_config
        client = config.client_ip if config else None
        return client.timeout_seconds if client and client.timeout_seconds else DEFAULT_AFFINITY_TIMEOUT


# ---------------------------------------------------------------- Endpoints (core/v1)

@dataclass(slots=True)
class EndpointAddress:
    ip: str = ""
    hostname: str = ""
    node_name: str | None = None
    target_ref: ObjectReference | None = None


@dataclass(slots=True)
class EndpointPort:
    name: str = ""
    port: int = 0
    protocol: str = "TCP"
    app_protocol: str = ""


@dataclass(slots=True)
class EndpointSubset:
    addresses: list[EndpointAddress] = field(default_factory=list)
    not_ready_addresses: list[EndpointAddress] = field(default_factory=list)
    ports: list[EndpointPort] = field(default_factory=list)


@dataclass(slots=True)
class Endpoints(KubeObject):
    KIND: ClassVar[str] = "Endpoints"
    subsets: list[EndpointSubset] = field(default_factory=list)

    def ready_addresses(self, port_name: str = "") -> list[tuple[str, int]]:
        """(ip, port) of every ready address for the Service port named port_name."""
        return [(a.ip, p.port) for s in self.subsets for p in s.ports if p.name == port_name
                for a in s.addresses]


# ---------------------------------------------------------------- EndpointSlice (discovery.k8s.io/v1)

@dataclass(slots=True)
class EndpointConditions:
    ready: bool | None = None
    serving: bool | None = None
    terminating: bool | None = None


@dataclass(slots=True)
class Endpoint:
    addresses: list[str] = field(default_factory=list)
    conditions: EndpointConditions = field(default_factory=EndpointConditions)
    hostname: str = ""
    target_ref: ObjectReference | None = None
    node_name: str | None = None
    zone: str = ""
    IGNORED: ClassVar[frozenset[str]] = frozenset({"hints", "deprecatedTopology"})


@dataclass(slots=True)
class EndpointSlicePort:
    """discovery/v1 EndpointPort. Its name is a pointer there, and the controller always sets it, so an unnamed
    port reads `name: ""` (kubectl's describe of a Service dereferences it), where core/v1 leaves it out."""

    GO_NAME: ClassVar[str] = "EndpointPort"
    name: str = field(default="", metadata={"empty_string": True})
    port: int = 0
    protocol: str = "TCP"
    app_protocol: str = ""


@dataclass(slots=True)
class EndpointSlice(KubeObject):
    KIND: ClassVar[str] = "EndpointSlice"
    API_VERSION: ClassVar[str] = "discovery.k8s.io/v1"
    address_type: str = "IPv4"
    endpoints: list[Endpoint] = field(default_factory=list)
    ports: list[EndpointSlicePort] = field(default_factory=list)


__all__ = ["Service", "ServiceSpec", "ServicePort", "Endpoints", "EndpointSubset", "EndpointAddress",
           "EndpointPort", "EndpointSlice", "EndpointSlicePort", "Endpoint", "EndpointConditions", "SERVICE_NAME_LABEL"]
