"""Tracing a request from one pod to another, hop by hop, through the pod network's tables.

Mirrors what `ip route get`, `bridge fdb` and `tcpdump` on each machine would
show for the first packet of a connection. Computed only from API objects (the
pods' status.podIP, the nodes' spec.podCIDR and InternalIP) and the backend's
routes in podnet.py, so it needs no running containers:

    pod eth0 -> veth -> cni0 -> routing table -> eth0 (or flannel.1, then eth0)
      -> the wire -> other node's eth0 (or flannel.1) -> routing table -> cni0 -> veth -> pod eth0

Two pods on one node never reach a routing table: the source pod sees the
destination on its own /24 and the bridge switches the frame. A node cut off
the network (`c.node(n).disconnect()`) loses the packet on the wire.

Extension point: a *resolver* turns a destination the pod network does not
know (a Service name, a ClusterIP) into a pod IP, with hops of its own drawn on
the source node between the bridge and the routing table, where kube-proxy's
DNAT happens. Register one with `cluster.pod_network.resolvers.append(fn)`;
`fn(source_pod, destination) -> Resolution | None` (None: not mine).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.network.ipam import node_for_ip
from k8slite.network.podnet import (
    BRIDGE,
    CLUSTER_CIDR,
    VXLAN_DEVICE,
    VXLAN_PORT,
    VXLAN_VNI,
    PodNetwork,
    Route,
    gateway,
    internal_ip,
    lookup,
    pod_routes,
    veth_name,
    vtep_address,
)

LINK = "(wire)"   # the `node` of the hop between two machines
OUTBOUND, WIRE, INBOUND = 0, -1, 1


@dataclass(frozen=True)
class Hop:
    """One place the packet passes, and what that place decides."""

    node: str          # the machine the packet is on (LINK between machines)
    device: str        # "client eth0", "veth1a2b3c4d", "cni0", "routing table", "flannel.1", "eth0"
    address: str       # the device's address ("" if it has none)
    decision: str      # what happens here, in the kernel's words where it has some
    side: int = OUTBOUND  # OUTBOUND on the source side, WIRE, INBOUND on the destination side
    ok: bool = True    # False: the packet is dropped here


@dataclass(frozen=True)
class Resolution:
    """What a resolver made of a destination: the address the pod sends to and the pod IP it reaches."""

    address: str                 # what the source pod puts in the packet (a ClusterIP, or the pod IP itself)
    target: str                  # the pod IP the packet goes on to (after DNAT, if any)
    hops: tuple[Hop, ...] = ()   # e.g. kube-proxy's DNAT, on the source node before routing
    label: str = ""              # how to name the destination ("service default/web", "pod default/web")


Resolver = Callable[[Pod, str], "Resolution | None"]


@dataclass
class Trace:
    """The hops of one request; `print(trace)` shows them as a numbered table."""

    source: str
    destination: str
    backend: str
    hops: list[Hop] = field(default_factory=list)
    result: str = ""
    machines: list[str] = field(default_factory=list)  # the nodes on the path, source first

    @property
    def delivered(self) -> bool:
        return bool(self.hops) and self.hops[-1].ok and self.result.startswith("delivered")

    def lines(self) -> list[str]:
        widths = [max([len(str(getattr(h, a))) for h in self.hops] + [1]) for a in ("node", "device", "address")]
        rows = [f"{i:>2}  {h.node:<{widths[0]}}  {h.device:<{widths[1]}}  {h.address:<{widths[2]}}  "
                f"{h.decision}".rstrip() for i, h in enumerate(self.hops, 1)]
        return [f"{self.source} -> {self.destination} ({self.backend})", *rows, self.result]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return str(self)


def find_pod(pods: Iterable[Pod], ref: str, namespace: str) -> Pod | None:
    """"web" (in `namespace`) or "ns/web"."""
    ns, _, name = ref.rpartition("/")
    return next((p for p in pods if p.name == name and p.namespace == (ns or namespace)), None)


def describe(pod: Pod) -> str:
    return f"{pod.namespace}/{pod.name} {pod.status.pod_ip} on {pod.spec.node_name}"


def resolve(network: PodNetwork, pods: list[Pod], source: Pod, dst: str, namespace: str) -> Resolution:
    for resolver in network.resolvers:
        found = resolver(source, dst)
        if found is not None:
            return found
    try:
        ipaddress.ip_address(dst)
    except ValueError:
        pod = find_pod(pods, dst, namespace)
        if pod is None:
            raise ValueError(f'no pod "{dst}" in namespace "{namespace}" (nor an IP address)') from None
        if not pod.status.pod_ip:
            raise ValueError(f'pod "{pod.name}" has no IP yet (phase {pod.status.phase})') from None
        return Resolution(pod.status.pod_ip, pod.status.pod_ip, label=describe(pod))
    owner = next((p for p in pods if p.status.pod_ip == dst and p.spec.node_name), None)
    return Resolution(dst, dst, label=describe(owner) if owner else dst)


def trace(network: PodNetwork, nodes: list[Node], pods: list[Pod], src: str, dst: str,
          namespace: str = "default", cut_off: Iterable[str] = ()) -> Trace:
    """The path of a request from pod `src` to `dst` (a pod name, "ns/name", a pod IP, or what a resolver knows)."""
    source = find_pod(pods, src, namespace)
    if source is None:
        raise ValueError(f'no pod "{src}" in namespace "{namespace}"')
    if not source.status.pod_ip or not source.spec.node_name:
        raise ValueError(f'pod "{source.name}" has no IP yet (phase {source.status.phase})')
    resolution = resolve(network, pods, source, dst, namespace)
    path = Path(network, {n.name: n for n in nodes}, pods, set(cut_off))
    result = path.follow(source, resolution)
    machines = list(dict.fromkeys([source.spec.node_name, *path.peers]))
    return Trace(describe(source), resolution.label, network.backend, path.hops, result, machines)


class Path:
    """Walks the tables, appending a Hop per device; `follow` returns the one-line result."""

    def __init__(self, network: PodNetwork, nodes: dict[str, Node], pods: list[Pod], cut_off: set[str]) -> None:
        self.network, self.nodes, self.pods, self.cut_off = network, nodes, pods, cut_off
        self.hops: list[Hop] = []
        self.peers: list[str] = []

    def add(self, node: str, device: str, address: str, decision: str, side: int = OUTBOUND,
            ok: bool = True) -> None:
        self.hops.append(Hop(node, device, address, decision, side, ok))

    def follow(self, source: Pod, resolution: Resolution) -> str:
        node = self.nodes[source.spec.node_name]
        cidr, ip = node.spec.pod_cidr, source.status.pod_ip
        route = lookup(pod_routes(ip, cidr), resolution.address)
        self.add(node.name, f"{source.name} eth0", ip, f"route: {route}")
        self.add(node.name, veth_name(source), "", f"host end of the pod's veth pair, a port of {BRIDGE}")
        if route is not None and not route.via and not resolution.hops:
            return self.bridge(node, resolution.target, "same subnet: switched, not routed")
        self.add(node.name, BRIDGE, gateway(cidr), f"the pod's gateway: into {node.name}'s kernel")
        self.hops.extend(resolution.hops)
        return self.route(node, resolution.target, ip, OUTBOUND)

    def route(self, node: Node, target: str, inner_src: str, side: int) -> str:
        route = lookup(self.network.routes(self.nodes.values(), node), target)
        self.add(node.name, "routing table", "", f"route: {route}", side)
        in_cluster = ipaddress.ip_address(target) in ipaddress.ip_network(CLUSTER_CIDR)
        if route is None or route.dst == "default" or not in_cluster:
            return f"leaves the pod network by {node.name}'s default route: not traced further"
        if route.dev == BRIDGE:
            return self.bridge(node, target, "", INBOUND)
        return self.cross(node, route, target, inner_src)

    def cross(self, node: Node, route: Route, target: str, inner_src: str) -> str:
        """Leave `node` by eth0 (host-gw) or flannel.1 then eth0 (vxlan); cross the wire; arrive."""
        peer = node_for_ip(route.via, self.nodes.values())
        assert peer is not None, f"no node owns {route.via}"
        self.peers.append(peer.name)
        here, there = internal_ip(node), internal_ip(peer)
        inner = f"{inner_src} -> {target}"
        if route.dev == VXLAN_DEVICE:
            self.add(node.name, VXLAN_DEVICE, vtep_address(node.spec.pod_cidr),
                     f"VXLAN: wrap in UDP to {there}:{VXLAN_PORT}, VNI {VXLAN_VNI} (pod MTU {self.network.mtu})")
            self.add(node.name, "eth0", here, f"send to {there} ({peer.name})")
            wire = f"UDP {here} -> {there}:{VXLAN_PORT} [{inner}]"
        else:
            self.add(node.name, "eth0", here, f"next hop {there} ({peer.name}), packet unchanged")
            wire = f"{inner} (to {peer.name}'s MAC)"
        down = sorted({node.name, peer.name} & self.cut_off)
        if down:
            self.add(LINK, "network", "", f"lost: {down[0]} is disconnected (no answer: Connection timed out)",
                     WIRE, ok=False)
            return f"dropped: {down[0]} is cut off the network"
        self.add(LINK, "network", "", wire, WIRE)
        if route.dev == VXLAN_DEVICE:
            self.add(peer.name, "eth0", there, f"UDP port {VXLAN_PORT}: hand to {VXLAN_DEVICE}", INBOUND)
            self.add(peer.name, VXLAN_DEVICE, vtep_address(peer.spec.pod_cidr), f"VXLAN: unwrap [{inner}]", INBOUND)
        else:
            self.add(peer.name, "eth0", there, "not my address: forward (ip_forward=1)", INBOUND)
        return self.route(peer, target, inner_src, INBOUND)

    def bridge(self, node: Node, target: str, why: str, side: int = OUTBOUND) -> str:
        """cni0 hands the frame to the port whose pod owns `target`, or nobody answers ARP."""
        pod = next((p for p in self.pods if p.status.pod_ip == target and p.spec.node_name == node.name), None)
        if pod is None:
            self.add(node.name, BRIDGE, gateway(node.spec.pod_cidr), f"no pod here has {target}: ARP gets no "
                     "answer", side, ok=False)
            return f"dropped: no pod has {target} (No route to host)"
        self.add(node.name, BRIDGE, gateway(node.spec.pod_cidr), f"{target} is on port {veth_name(pod)}"
                 + (f" ({why})" if why else ""), side)
        self.add(node.name, veth_name(pod), "", "into the pod's network namespace", INBOUND)
        self.add(node.name, f"{pod.name} eth0", target, "delivered: the pod's own address", INBOUND)
        return f"delivered to {pod.namespace}/{pod.name} in {len(self.hops)} hops"


__all__ = ["Hop", "LINK", "Resolution", "Resolver", "Trace", "trace"]
