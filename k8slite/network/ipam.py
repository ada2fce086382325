"""Pod IP address management: the CNI host-local IPAM plugin, one range per node.

Mirrors containernetworking/plugins' host-local as flannel configures it:
the node's podCIDR (10.244.N.0/24) is the range, its first address
(10.244.N.1) is the gateway on the node's cni0 bridge and never handed to a
pod, and the rest are given out in order after the last one reserved,
wrapping round, skipping any still in use; a pod's address is released when
its sandbox is removed and can then be reused. When every address is taken,
sandbox creation fails in the plugin's words:

    failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254

Simplified: one range, IPv4 only, reservations kept in memory (host-local
keeps a file per IP under /var/lib/cni/networks/).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from k8slite.api.node import Node


class RangeExhausted(RuntimeError):
    """Every address of the node's range is in use."""


class HostLocalIPAM:
    """The addresses of one node's podCIDR: `allocate(owner)` and `release(ip)`."""

    def __init__(self, pod_cidr: str) -> None:
        self.cidr = ipaddress.IPv4Network(pod_cidr)
        hosts = self.cidr.num_addresses - 2  # no network or broadcast address
        self.range_start = self.cidr.network_address + 1
        self.range_end = self.cidr.network_address + max(hosts, 1)
        self.gateway = self.range_start
        self.last = self.range_start  # host-local starts looking after the last one reserved
        self.in_use: dict[str, str] = {}  # ip -> owner (the pod's namespace/name)

    @property
    def range_set(self) -> str:
        return f"{self.range_start}-{self.range_end}"

    def allocate(self, owner: str) -> str:
        """The next free address after the last one given out; RangeExhausted when none is left."""
        size = int(self.range_end) - int(self.range_start) + 1
        candidate = self.last
        for _ in range(size):
            candidate = candidate + 1 if candidate < self.range_end else self.range_start
            ip = str(candidate)
            if candidate != self.gateway and ip not in self.in_use:
                self.in_use[ip], self.last = owner, candidate
                return ip
        raise RangeExhausted(f"failed to allocate for range 0: no IP addresses available in range set: "
                             f"{self.range_set}")

    def release(self, ip: str) -> None:
        """The pod's sandbox is gone: its address may be given out again."""
        self.in_use.pop(ip, None)

    def owner(self, ip: str) -> str | None:
        return self.in_use.get(ip)


def node_for_ip(ip: str, nodes: Iterable[Node]) -> Node | None:
    """The node whose podCIDR holds `ip` (a pod address) or whose InternalIP it is; None if no node's."""
    address = ipaddress.ip_address(ip)
    for node in sorted(nodes, key=lambda n: n.name):
        cidrs = node.spec.pod_cidrs or ([node.spec.pod_cidr] if node.spec.pod_cidr else [])
        if any(address in ipaddress.ip_network(cidr) for cidr in cidrs):
            return node
        if any(a.type == "InternalIP" and a.address == ip for a in node.status.addresses):
            return node
    return None


__all__ = ["HostLocalIPAM", "RangeExhausted", "node_for_ip"]
