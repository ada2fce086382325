"""flanneld in each node's network namespace: routes to the other nodes' pods (host-gw or vxlan) and masquerade.

Mirrors flannel's two backends as k8slite.network.podnet simulates them,
here with the kernel's own devices (flannel pkg/backend/hostgw and
pkg/backend/vxlan):

- **host-gw**: in each node, one route per other node, "10.244.<m>.0/24 via
  <that node's address>" on eth0. Plain routing: every node must sit on the
  one layer-2 network, lan0.
- **vxlan**: each node has a Linux `vxlan` device, `flannel.1` (VNI 1, UDP
  port 8472, `nolearning`, on top of eth0 with the node's address as its
  source), holding 10.244.<n>.0/32. For each other node, the three entries
  flanneld writes when it learns that node's lease: a route
  "10.244.<m>.0/24 via 10.244.<m>.0 dev flannel.1 onlink", a permanent
  neighbour entry (10.244.<m>.0 is that node's flannel.1 MAC address) and
  an fdb entry (that MAC lives behind the node's address on lan0). A pod's
  packet to another node is wrapped in UDP 8472 between the two nodes'
  addresses; the 50 bytes of outer headers leave pods an MTU of 1450.

And flannel's masquerade rules (pkg/trafficmngr/iptables, `--ip-masq`, on
in kube-flannel.yml): a chain FLANNEL-POSTRTG in the nat table's
POSTROUTING that leaves pod-to-pod traffic alone and rewrites the source of
what pods send outside the cluster CIDR to the node's address, so the
outside world answers a machine it knows.

`Flanneld` reads the Nodes as flannel's kube subnet manager does: a Node's
spec.podCIDR is its lease, its InternalIP the address its namespace gets on
lan0. Simplified: no flannel annotations on the Node (the VTEP MAC is
passed in memory, not through flannel.alpha.coreos.com/backend-data), no
DirectRouting, IPv4 only; a Node that leaves keeps its namespace until the
cluster closes.
"""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Protocol

from k8slite.api.meta import KubeObject
from k8slite.api.node import Node
from k8slite.apiserver import APIServer
from k8slite.informer import Informer
from k8slite.network import podnet
from k8slite.network.podnet import CLUSTER_CIDR, VXLAN_DEVICE, internal_ip, vtep_address

if TYPE_CHECKING:
    from k8slite.runtime.linux.nodenet import NodeNetwork

MASQ = '-m comment --comment "flanneld masq"'


class Machine(Protocol):
    """What flanneld needs to know of a node (nodenet.NodeNet)."""

    namespace: str
    address: str
    pod_cidr: str
    vtep_mac: str


def run(namespace: str, *argv: str, stdin: str | None = None) -> str:
    """A command in the node's namespace; its output, or RuntimeError with its message."""
    done = subprocess.run(["ip", "netns", "exec", namespace, *argv], input=stdin, capture_output=True, text=True,
                          check=False, timeout=10)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} in {namespace}: {done.stderr.strip()}")
    return done.stdout


def pod_mtu(backend: str) -> int:
    return podnet.VXLAN_MTU if backend == "vxlan" else podnet.ETHERNET_MTU


def check_backend(backend: str) -> str:
    if backend not in podnet.BACKENDS:
        raise ValueError(f'unknown network backend "{backend}": use one of {", ".join(podnet.BACKENDS)}')
    return backend


def add_vtep(node: Machine) -> str:
    """flannel.1 on the node, as pkg/backend/vxlan/device.go makes it; its MAC address."""
    ns = node.namespace
    run(ns, "ip", "link", "add", VXLAN_DEVICE, "type", "vxlan", "id", str(podnet.VXLAN_VNI), "dev", "eth0",
        "local", node.address, "dstport", str(podnet.VXLAN_PORT), "nolearning")
    run(ns, "ip", "addr", "add", f"{vtep_address(node.pod_cidr)}/32", "dev", VXLAN_DEVICE)
    run(ns, "ip", "link", "set", VXLAN_DEVICE, "up")
    shown = json.loads(run(ns, "ip", "-j", "link", "show", VXLAN_DEVICE))
    return str(shown[0]["address"])


def route_to(node: Machine, other: Machine, backend: str) -> None:
    """On `node`, what flanneld writes when `other`'s lease appears: the way to its pod CIDR."""
    ns = node.namespace
    if backend == "host-gw":
        run(ns, "ip", "route", "add", other.pod_cidr, "via", other.address, "dev", "eth0")
        return
    vtep = vtep_address(other.pod_cidr)
    run(ns, "ip", "neigh", "replace", vtep, "lladdr", other.vtep_mac, "dev", VXLAN_DEVICE, "nud", "permanent")
    run(ns, "bridge", "fdb", "append", other.vtep_mac, "dev", VXLAN_DEVICE, "dst", other.address)
    run(ns, "ip", "route", "add", other.pod_cidr, "via", vtep, "dev", VXLAN_DEVICE, "onlink")


def masquerade_rules(pod_cidr: str) -> list[str]:
    """flannel's FLANNEL-POSTRTG: pod-to-pod traffic keeps its addresses, pods to the outside leave as the node."""
    return [f"-A POSTROUTING {MASQ} -j FLANNEL-POSTRTG",
            f"-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 {MASQ} -j RETURN",  # kube-proxy masquerades those
            f"-A FLANNEL-POSTRTG -s {pod_cidr} -d {CLUSTER_CIDR} {MASQ} -j RETURN",
            f"-A FLANNEL-POSTRTG -s {CLUSTER_CIDR} -d {pod_cidr} {MASQ} -j RETURN",
            f"-A FLANNEL-POSTRTG ! -s {CLUSTER_CIDR} -d {pod_cidr} {MASQ} -j RETURN",
            f"-A FLANNEL-POSTRTG -s {CLUSTER_CIDR} ! -d 224.0.0.0/4 {MASQ} -j MASQUERADE --random-fully",
            f"-A FLANNEL-POSTRTG ! -s {CLUSTER_CIDR} -d {CLUSTER_CIDR} {MASQ} -j MASQUERADE --random-fully"]


def masquerade(node: Machine) -> None:
    """Write flannel's rules into the node's nat table, leaving the kube-proxy's chains as they are."""
    table = "\n".join(["*nat", ":FLANNEL-POSTRTG - [0:0]", *masquerade_rules(node.pod_cidr), "COMMIT", ""])
    run(node.namespace, "iptables-restore", "--noflush", stdin=table)


class Flanneld:
    """flanneld's kube subnet manager: a Node with a spec.podCIDR and an InternalIP joins the network as it
    registers, with that CIDR and that address, before any pod of it runs (kube-flannel is a DaemonSet)."""

    def __init__(self, api: APIServer, network: NodeNetwork) -> None:
        self.network = network
        self.nodes = Informer(api, "nodes", self.changed)

    def changed(self, event_type: str, obj: KubeObject) -> None:
        if event_type != "DELETED" and isinstance(obj, Node) and obj.spec.pod_cidr:
            self.network.join(obj.name, obj.spec.pod_cidr, internal_ip(obj))
