"""The pod network: every pod its own IP, reachable from every node, with flannel's two backends.

Mirrors what a CNI plugin such as flannel sets up on each machine, read from the
API objects alone (Node spec.podCIDR and status.addresses, Pod status.podIP):

- Each node owns a podCIDR, 10.244.N.0/24, and gives pods addresses from it
  (network/ipam.py). Its bridge `cni0` holds the range's first address
  (10.244.N.1), the pods' gateway; each pod's `eth0` is one end of a veth pair
  whose other end is plugged into the bridge.
- A pod routes its own /24 straight onto the wire (the bridge switches it:
  same-node traffic never reaches the node's routing table) and everything else
  via the gateway, into the node's kernel.
- **host-gw**: the node has a route per other node's podCIDR *via that node's
  InternalIP* on eth0. Plain routing: no extra headers, MTU 1500, but every node
  must sit on one layer-2 network.
- **vxlan** (an overlay): a route per other node's podCIDR via the `flannel.1`
  device, which wraps the pod's packet in UDP port 8472 between the two nodes'
  InternalIPs (VXLAN, VNI 1). Works across any IP network; the 50-byte outer
  header leaves pods an MTU of 1450.

`PodNetwork.routes(nodes, node)` is that node's `ip route`; `trace.py` follows a
packet hop by hop through these tables.

With the Docker runtime none of this is simulated: every pod's pause container
sits on Docker's one default bridge (docker0) on one machine, Docker's IPAM
picks the address (172.17.0.x, not the node's podCIDR; status.podIP reports what
Docker chose), and no routes or tunnels are needed because all "nodes" share
that bridge. `c.node(n).disconnect()` there only stops the node's heartbeats;
its containers stay on the bridge. Simplified here: IPv4 only, no network
policy, no ARP/FDB tables.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from k8slite.api.node import Node
from k8slite.api.pod import Pod

BACKENDS = ("host-gw", "vxlan")
VXLAN_PORT, VXLAN_VNI, VXLAN_DEVICE = 8472, 1, "flannel.1"
ETHERNET_MTU, VXLAN_MTU = 1500, 1450   # VXLAN's outer Ethernet, IP, UDP and VXLAN headers take 50 bytes
BRIDGE = "cni0"
CLUSTER_CIDR = "10.244.0.0/16"
HOST_GATEWAY = "172.18.0.1"            # the machines' own network (kind's "kind" Docker network)


@dataclass(frozen=True)
class Route:
    """One line of `ip route`: where packets for `dst` go next."""

    dst: str           # "default" or a CIDR
    dev: str           # the device they leave by
    via: str = ""      # the next hop's address, if not directly connected
    onlink: bool = False  # the next hop needs no route of its own (flannel.1's peers)
    src: str = ""      # the address this node uses when it sends on that route itself

    def __str__(self) -> str:
        text = self.dst + (f" via {self.via}" if self.via else "") + f" dev {self.dev}"
        text += " onlink" if self.onlink else "" if self.via or self.dst == "default" else " scope link"
        return text + (f" src {self.src}" if self.src else "")

    def matches(self, ip: str) -> bool:
        return self.dst == "default" or ipaddress.ip_address(ip) in ipaddress.ip_network(self.dst)

    @property
    def prefix(self) -> int:
        return 0 if self.dst == "default" else ipaddress.ip_network(self.dst).prefixlen


def lookup(routes: Iterable[Route], ip: str) -> Route | None:
    """The kernel's choice: the matching route with the longest prefix."""
    found = [r for r in routes if r.matches(ip)]
    return max(found, key=lambda r: r.prefix) if found else None


def internal_ip(node: Node) -> str:
    return next((a.address for a in node.status.addresses if a.type == "InternalIP"), "")


def gateway(pod_cidr: str) -> str:
    """The bridge's address, the pods' default gateway: the range's first address."""
    return str(ipaddress.ip_network(pod_cidr).network_address + 1)


def vtep_address(pod_cidr: str) -> str:
    """flannel.1's address on a node: the podCIDR's network address, 10.244.N.0."""
    return str(ipaddress.ip_network(pod_cidr).network_address)


def veth_name(pod: Pod) -> str:
    """The host end of the pod's veth pair: `veth` and 8 hex digits, as the bridge plugin names it."""
    return "veth" + hashlib.sha256(f"{pod.namespace}/{pod.name}".encode()).hexdigest()[:8]


def pod_routes(pod_ip: str, pod_cidr: str) -> list[Route]:
    """Inside the pod: its own /24 is on the link; everything else goes to the bridge."""
    return [Route("default", "eth0", via=gateway(pod_cidr)), Route(pod_cidr, "eth0", src=pod_ip)]


class PodNetwork:
    """The cluster's pod network for one backend; pure functions of Node objects."""

    def __init__(self, backend: str = "host-gw") -> None:
        if backend not in BACKENDS:
            raise ValueError(f'unknown network backend "{backend}": use one of {", ".join(BACKENDS)}')
        self.backend = backend
        self.resolvers: list[Callable[..., Any]] = []  # trace's extension point: see trace.Resolver

    @property
    def mtu(self) -> int:
        """The pods' eth0 MTU."""
        return VXLAN_MTU if self.backend == "vxlan" else ETHERNET_MTU

    def routes(self, nodes: Iterable[Node], node: Node) -> list[Route]:
        """`ip route` on `node`: the default route, its own podCIDR on cni0, one route per other node."""
        table = [Route("default", "eth0", via=HOST_GATEWAY)]
        if node.spec.pod_cidr:
            table.append(Route(node.spec.pod_cidr, BRIDGE, src=gateway(node.spec.pod_cidr)))
        for other in sorted(nodes, key=lambda n: n.name):
            if other.name == node.name or not other.spec.pod_cidr or not internal_ip(other):
                continue
            if self.backend == "host-gw":
                table.append(Route(other.spec.pod_cidr, "eth0", via=internal_ip(other)))
            else:
                table.append(Route(other.spec.pod_cidr, VXLAN_DEVICE, via=vtep_address(other.spec.pod_cidr),
                                   onlink=True))
        return table

    def ip_route(self, nodes: Iterable[Node], node: Node) -> str:
        """The routing table as `ip route` prints it."""
        return "".join(f"{route}\n" for route in self.routes(nodes, node))

    def __repr__(self) -> str:
        return f"<PodNetwork {self.backend}, cluster CIDR {CLUSTER_CIDR}, pod MTU {self.mtu}>"


__all__ = ["BACKENDS", "BRIDGE", "PodNetwork", "Route", "VXLAN_DEVICE", "VXLAN_PORT", "gateway", "internal_ip",
           "lookup", "pod_routes", "veth_name", "vtep_address"]
