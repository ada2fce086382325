"""Nodes as network namespaces: a bridge per node, a veth per pod, host-gw routes between nodes.

Mirrors what a real cluster's network is made of, with the kernel's own
devices: each node is a network namespace (its "machine"), wired by a veth
pair to one bridge, `lan0`, in a namespace of its own that plays the
physical network (addresses 172.18.0.x, as kind's docker network). Inside a
node, the CNI bridge plugin's layout: a bridge `cni0` holding the first
address of the node's pod CIDR (10.244.<n>.1/24), and for each pod a veth
pair, `eth0` in the pod's network namespace (with the pod's IP and a default
route via cni0) and the other end enslaved to cni0. Between nodes, flannel's
host-gw backend: in each node, one route per other node, "10.244.<m>.0/24
via <that node's address>", with IP forwarding on. `ip route` in a node's
namespace shows exactly that.

Nothing touches the host's own network namespace: every address lives in a
namespace named k8slite-<cluster>-..., and deleting those namespaces (and
the pods' processes) removes every device.

Simplified: no VXLAN backend, no iptables (so no ClusterIP, no masquerade);
a node joins the network with its first pod; the pod CIDR is the /24 of
the pod's IP.
"""

from __future__ import annotations

import ipaddress
import itertools
import subprocess
from dataclasses import dataclass
from pathlib import Path

NETNS_DIR = Path("/run/netns")  # where `ip netns add` keeps the namespaces it names
LAN = "172.18.0.0/16"


def ip(*args: str, namespace: str = "") -> str:
    """Run iproute2's `ip` (in `namespace` when given); its output, or RuntimeError with its message."""
    argv = ["ip", *(["-n", namespace] if namespace else []), *args]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=10)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip()}")
    return done.stdout


@dataclass
class NodeNet:
    namespace: str
    address: str
    """On lan0, e.g. 172.18.0.2."""
    pod_cidr: str


class NodeNetwork:
    """The machines and their pod networks, for one cluster."""

    def __init__(self, cluster_id: str) -> None:
        self.prefix = f"k8slite-{cluster_id}"
        self.lan = f"{self.prefix}-lan"
        self.nodes: dict[str, NodeNet] = {}
        self.veths = itertools.count(1)
        self.addresses = itertools.count(2)  # 172.18.0.1 is the gateway's, as on a docker network
        ip("netns", "add", self.lan)
        ip("link", "add", "lan0", "type", "bridge", namespace=self.lan)
        ip("link", "set", "lan0", "up", namespace=self.lan)

    def node(self, name: str, pod_ip: str) -> NodeNet:
        """The node's namespace, made (and routed to every other node) the first time one of its pods asks."""
        if name in self.nodes:
            return self.nodes[name]
        made = NodeNet(f"{self.prefix}-{name}", f"172.18.0.{next(self.addresses)}",
                       str(ipaddress.ip_network(f"{pod_ip}/24", strict=False)))
        self.wire(made)
        for other in self.nodes.values():  # host-gw: each node routes the other's pod CIDR to its address
            ip("route", "add", other.pod_cidr, "via", other.address, namespace=made.namespace)
            ip("route", "add", made.pod_cidr, "via", made.address, namespace=other.namespace)
        self.nodes[name] = made
        return made

    def wire(self, node: NodeNet) -> None:
        """A new machine: plugged into lan0, with its cni0 bridge and IP forwarding on."""
        ns, port = node.namespace, f"n{len(self.nodes) + 1}"
        ip("netns", "add", ns)
        ip("link", "set", "lo", "up", namespace=ns)
        ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns, namespace=self.lan)
        ip("link", "set", port, "master", "lan0", "up", namespace=self.lan)
        ip("addr", "add", f"{node.address}/16", "dev", "eth0", namespace=ns)
        ip("link", "set", "eth0", "up", namespace=ns)
        gateway = ipaddress.ip_network(node.pod_cidr).network_address + 1
        ip("link", "add", "cni0", "type", "bridge", namespace=ns)
        ip("addr", "add", f"{gateway}/24", "dev", "cni0", namespace=ns)
        ip("link", "set", "cni0", "up", namespace=ns)
        subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1"], check=True)

    def attach_pod(self, node_name: str, pid: int, pod_ip: str) -> None:
        """The CNI bridge plugin's ADD: a veth from the node's cni0 to `eth0` in the network namespace of `pid`."""
        node = self.node(node_name, pod_ip)
        veth = f"veth{next(self.veths)}"
        ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", str(pid), namespace=node.namespace)
        ip("link", "set", veth, "master", "cni0", "up", namespace=node.namespace)
        gateway = str(ipaddress.ip_network(node.pod_cidr).network_address + 1)
        inside = ["nsenter", f"--net=/proc/{pid}/ns/net", "ip"]
        for args in (["addr", "add", f"{pod_ip}/24", "dev", "eth0"], ["link", "set", "eth0", "up"],
                     ["route", "add", "default", "via", gateway]):
            subprocess.run([*inside, *args], check=True, capture_output=True, timeout=10)

    def run_on(self, node_name: str, argv: list[str], timeout: float = 5.0) -> subprocess.CompletedProcess[str]:
        """A command on the node's "machine", e.g. ["ip", "route"] or busybox wget for a probe."""
        return subprocess.run(["ip", "netns", "exec", self.nodes[node_name].namespace, *argv], capture_output=True,
                              text=True, timeout=timeout, check=False)

    def close(self) -> None:
        remove_namespaces(self.prefix)


def namespaces_of(prefix: str) -> list[str]:
    return sorted(p.name for p in NETNS_DIR.iterdir() if p.name.startswith(prefix + "-")) if NETNS_DIR.exists() else []


def remove_namespaces(prefix: str) -> None:
    """`ip netns del` each of the cluster's namespaces: their devices, veths and routes go with them."""
    for name in namespaces_of(prefix):
        subprocess.run(["ip", "netns", "del", name], capture_output=True, check=False, timeout=10)
