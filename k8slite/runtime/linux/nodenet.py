"""Nodes as network namespaces: a bridge per node, a veth per pod, flannel's routes between nodes.

Mirrors what a real cluster's network is made of, with the kernel's own
devices: each node is a network namespace (its "machine"), wired by a veth
pair to one bridge, `lan0`, in a namespace of its own that plays the
physical network (addresses 172.18.0.x, as kind's docker network; lan0
holds the gateway's 172.18.0.1, the nodes' default route, so the lan's
namespace also plays "the outside world", and the control plane's machine
where the cluster DNS server listens, coredns.py). Inside a node, the CNI bridge
plugin's layout: a bridge `cni0` holding the first address of the node's
pod CIDR (10.244.<n>.1/24), and for each pod a veth pair, `eth0` in the
pod's network namespace (with the pod's IP and a default route via cni0)
and the other end enslaved to cni0. Between nodes, flannel (flannel.py):
host-gw routes "10.244.<m>.0/24 via <that node's address>", or with
backend "vxlan" a `flannel.1` device and routes "10.244.<m>.0/24 via
10.244.<m>.0 dev flannel.1 onlink"; and flannel's MASQUERADE rules, so
pods reach addresses outside the cluster as their node. `ip route`, `ip -d
link` and `iptables -t nat -S` in a node's namespace show exactly that; the
kube-proxy's rules (kube_proxy.py) sit next to flannel's.

Nothing touches the host's own network namespace: every address, device
and iptables rule lives in a namespace named k8slite-<cluster>-..., and
deleting those namespaces (and the pods' processes) removes all of them.

A node joins as its Node registers (flannel.Flanneld: its InternalIP on
lan0, its spec.podCIDR on cni0); used without an API server (the runtime's
own tests), a node joins with its first pod, with the next free address and
the /24 of the pod's IP. Simplified: no network policy, IPv4 only, a node
that leaves keeps its namespace until the cluster closes.
"""

from __future__ import annotations

import ipaddress
import itertools
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from k8slite.runtime.linux import flannel

NETNS_DIR = Path("/run/netns")  # where `ip netns add` keeps the namespaces it names
BRIDGE_NETFILTER = Path("/proc/sys/net/bridge/bridge-nf-call-iptables")  # there once br_netfilter is loaded
LAN = "172.18.0.0/16"
LAN_GATEWAY = "172.18.0.1"  # lan0's own address: the nodes' default route, as a docker network's gateway


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
    vtep_mac: str = ""
    """flannel.1's MAC address, with the vxlan backend."""


class NodeNetwork:
    """The machines and their pod networks, for one cluster."""

    def __init__(self, cluster_id: str, backend: str = "host-gw") -> None:
        self.prefix = f"k8slite-{cluster_id}"
        self.backend = flannel.check_backend(backend)  # "host-gw" or "vxlan", as Cluster(network=...)
        self.lan = f"{self.prefix}-lan"
        self.nodes: dict[str, NodeNet] = {}
        self.on_join: list[Callable[[NodeNet], None]] = []  # e.g. the kube-proxy, to write its rules on a new node
        self.veths = itertools.count(1)
        ip("netns", "add", self.lan)
        ip("link", "add", "lan0", "type", "bridge", namespace=self.lan)
        ip("addr", "add", f"{LAN_GATEWAY}/16", "dev", "lan0", namespace=self.lan)
        ip("link", "set", "lan0", "up", namespace=self.lan)

    def node(self, name: str, pod_ip: str) -> NodeNet:
        """The node's namespace; a node nobody announced (flannel.Flanneld) joins when its first pod asks."""
        if name in self.nodes:
            return self.nodes[name]
        return self.join(name, str(ipaddress.ip_network(f"{pod_ip}/24", strict=False)))

    def free_address(self, wanted: str = "") -> str:
        """`wanted` (the Node's InternalIP) if it is on the lan and free, else the next free 172.18.0.x."""
        taken = {LAN_GATEWAY, *(n.address for n in self.nodes.values())}
        if wanted and wanted not in taken and ipaddress.ip_address(wanted) in ipaddress.ip_network(LAN):
            return wanted
        return next(a for a in (f"172.18.{i // 256}.{i % 256}" for i in itertools.count(2)) if a not in taken)

    def join(self, name: str, pod_cidr: str, address: str = "") -> NodeNet:
        """A machine joins: its namespace on lan0, flannel's device and rules, routes to and from every other node."""
        if name in self.nodes:
            return self.nodes[name]
        made = NodeNet(f"{self.prefix}-{name}", self.free_address(address), pod_cidr)
        self.wire(made)
        if self.backend == "vxlan":
            made.vtep_mac = flannel.add_vtep(made)
        flannel.masquerade(made)
        for other in self.nodes.values():  # flanneld on each node hears of the other's lease
            flannel.route_to(made, other, self.backend)
            flannel.route_to(other, made, self.backend)
        self.nodes[name] = made
        for hook in self.on_join:
            hook(made)
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
        ip("route", "add", "default", "via", LAN_GATEWAY, namespace=ns)
        gateway = ipaddress.ip_network(node.pod_cidr).network_address + 1
        ip("link", "add", "cni0", "type", "bridge", namespace=ns)
        ip("addr", "add", f"{gateway}/24", "dev", "cni0", namespace=ns)
        ip("link", "set", "cni0", "up", namespace=ns)
        subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.ip_forward=1"], check=True)
        if BRIDGE_NETFILTER.exists():  # kubeadm's preflight wants it: cni0's traffic through iptables (hairpin)
            subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=1"],
                           check=False, capture_output=True)

    def attach_pod(self, node_name: str, pid: int, pod_ip: str) -> None:
        """The CNI bridge plugin's ADD: a veth from the node's cni0 to `eth0` in the network namespace of `pid`."""
        node = self.node(node_name, pod_ip)
        veth = f"veth{next(self.veths)}"
        mtu = str(flannel.pod_mtu(self.backend))  # flannel's subnet.env FLANNEL_MTU, which the CNI plugin sets
        ip("link", "add", veth, "mtu", mtu, "type", "veth", "peer", "name", "eth0", "mtu", mtu, "netns", str(pid),
           namespace=node.namespace)
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
