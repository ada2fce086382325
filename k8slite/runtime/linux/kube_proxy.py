"""kube-proxy's iptables mode, in each node's network namespace: a Service's ClusterIP and NodePorts for real packets.

Mirrors pkg/proxy/iptables/proxier.go: in the nat table, PREROUTING and
OUTPUT jump to KUBE-SERVICES; there, one rule per Service port matches the
ClusterIP and port and jumps to that port's KUBE-SVC-<hash> chain, which
picks an endpoint at random (`-m statistic --mode random --probability
1/n`, then 1/(n-1), ..., the last one always) and jumps to its KUBE-SEP-<hash>
chain, which DNATs to the pod's IP and port. The last rule of KUBE-SERVICES
sends packets for one of the node's own addresses (`-m addrtype --dst-type
LOCAL`) to KUBE-NODEPORTS, where a NodePort or LoadBalancer Service's node
port jumps to KUBE-EXT-<hash> and on to the same KUBE-SVC chain. Chain names
are kube-proxy's: "KUBE-SVC-" + the first 16 characters of
base32(sha256(port name + protocol)), and likewise for endpoints.

Masquerade as kube-proxy does it: what must leave with the node's address
is marked 0x4000 by KUBE-MARK-MASQ (traffic to a node port, to a ClusterIP
from outside the cluster CIDR, a pod reaching itself through its Service),
and KUBE-POSTROUTING, from POSTROUTING, MASQUERADEs marked packets; so an
answer from a pod on another node comes back through the node that DNATed
it. flannel's own rules for pods reaching outside (flannel.py) sit next to
these: every sync writes kube-proxy's chains with `iptables-restore
--noflush`, as kube-proxy does, leaving other chains alone and deleting its
chains of Services and endpoints that are gone; the jumps from the built-in
chains go in once per node. It runs in every node's namespace, on the
cluster's clock, and writes a node's rules as the node joins, before its
first pod starts.

TCP and UDP ports (kube-dns's 53/UDP leads to the cluster DNS server,
coredns.py); a Service without a selector gets rules too, from the
EndpointSlices someone else wrote (`kubernetes` -> 172.18.0.1:6443, where
nothing listens: connection refused).

In the filter table, a Service port without ready endpoints gets kube-
proxy's REJECT (`"<port> has no endpoints"`, ICMP port unreachable) in
KUBE-SERVICES, and its node port in KUBE-EXTERNAL-SERVICES, jumped to for
new connections from INPUT, FORWARD and OUTPUT: `wget` says "Connection
refused", as on the fake runtime.

Simplified: no SCTP; no KUBE-FORWARD, KUBE-PROXY-FIREWALL or
KUBE-PROXY-CANARY chains; a pod reaching
a Service whose chosen endpoint is another pod on its own node's bridge is
answered only where the kernel's br_netfilter module is loaded (Docker
loads it; nodenet.py turns it on in each node, as kubeadm's preflight asks):
without it the reply skips the node's nat table; no session affinity, no
externalTrafficPolicy Local, no LoadBalancer addresses.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess

from k8slite.api.service import SERVICE_NAME_LABEL, EndpointSlice, Service, ServicePort
from k8slite.apiserver import APIServer
from k8slite.informer import Informer
from k8slite.network.podnet import CLUSTER_CIDR
from k8slite.runtime.linux.nodenet import NodeNet, NodeNetwork

OWN_CHAINS = {"nat": ("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"),
              "filter": ("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES")}
PORTALS, EXTERNAL = '"kubernetes service portals"', '"kubernetes externally-visible service portals"'
NEW = "-m conntrack --ctstate NEW"
JUMPS = {"nat": [f"-I PREROUTING 1 -m comment --comment {PORTALS} -j KUBE-SERVICES",
                 f"-I OUTPUT 1 -m comment --comment {PORTALS} -j KUBE-SERVICES",
                 '-I POSTROUTING 1 -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING'],
         "filter": [f"-I INPUT 1 {NEW} -m comment --comment {EXTERNAL} -j KUBE-EXTERNAL-SERVICES",
                    f"-I FORWARD 1 {NEW} -m comment --comment {PORTALS} -j KUBE-SERVICES",
                    f"-I FORWARD 1 {NEW} -m comment --comment {EXTERNAL} -j KUBE-EXTERNAL-SERVICES",
                    f"-I OUTPUT 1 {NEW} -m comment --comment {PORTALS} -j KUBE-SERVICES"]}
REJECT = "-j REJECT --reject-with icmp-port-unreachable"
MASQUERADE_RULES = [  # a packet marked 0x4000 leaves with the node's address (kube-proxy's masqueradeMark)
    "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
    "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
    '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000"]
NODEPORTS_LAST = ('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last '
                  'rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS')


def chain(prefix: str, *parts: str) -> str:
    """kube-proxy's portProtoHash: KUBE-SVC-/KUBE-SEP- plus 16 characters of base32(sha256)."""
    digest = hashlib.sha256("".join(parts).encode()).digest()
    return prefix + base64.b32encode(digest).decode()[:16]


def port_name(svc: Service, port: ServicePort) -> str:
    """kube-proxy's ServicePortName: "namespace/name", then ":port name" when the port has one."""
    return f"{svc.namespace}/{svc.name}" + (f":{port.name}" if port.name else "")


def service_rules(svc: Service, slices: list[EndpointSlice]) -> list[str]:
    """The nat rules of one Service: its ports' KUBE-SERVICES (and KUBE-NODEPORTS) rules and their chains."""
    rules: list[str] = []
    for port in (p for p in svc.spec.ports if p.protocol in ("TCP", "UDP")):
        name, proto = port_name(svc, port), port.protocol.lower()
        svc_chain = chain("KUBE-SVC-", name, proto)
        portal = (f'-d {svc.spec.cluster_ip}/32 -p {proto} -m comment --comment "{name} cluster IP" '
                  f"-m {proto} --dport {port.port}")
        rules += [f":{svc_chain} - [0:0]", f"-A KUBE-SERVICES {portal} -j {svc_chain}",
                  f"-A {svc_chain} ! -s {CLUSTER_CIDR} {portal} -j KUBE-MARK-MASQ"]  # from outside the pods
        if port.node_port and svc.spec.type in ("NodePort", "LoadBalancer"):
            rules += node_port_rules(name, proto, port.node_port, svc_chain)
        rules += endpoint_rules(name, proto, svc_chain, ready_backends(port, slices))
    return rules


def ready_backends(port: ServicePort, slices: list[EndpointSlice]) -> list[str]:
    """"ip:port" of each ready endpoint of the Service port."""
    return sorted(f"{address}:{sp.port}" for s in slices for sp in s.ports if sp.name == port.name
                  for e in s.endpoints if e.conditions.ready for address in e.addresses)


def reject_rules(svc: Service, slices: list[EndpointSlice]) -> list[str]:
    """The filter table's rules for a Service port without ready endpoints: new connections are refused
    (ICMP port unreachable), at the ClusterIP and at the node port, instead of going nowhere."""
    rules: list[str] = []
    for port in (p for p in svc.spec.ports if p.protocol in ("TCP", "UDP") and not ready_backends(p, slices)):
        name, proto = port_name(svc, port), port.protocol.lower()
        why = f'-m comment --comment "{name} has no endpoints"'
        rules.append(f"-A KUBE-SERVICES -d {svc.spec.cluster_ip}/32 -p {proto} {why} -m {proto} --dport {port.port} "
                     + REJECT)
        if port.node_port and svc.spec.type in ("NodePort", "LoadBalancer"):
            rules.append(f"-A KUBE-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL -p {proto} {why} -m {proto} "
                         f"--dport {port.node_port} {REJECT}")
    return rules


def node_port_rules(name: str, proto: str, node_port: int, svc_chain: str) -> list[str]:
    """KUBE-NODEPORTS sends the node port to KUBE-EXT-<hash>, which marks the packet for masquerade (the answer
    must come back through this node) and goes on to the Service's chain."""
    ext = chain("KUBE-EXT-", name, proto)
    return [f":{ext} - [0:0]",
            f'-A KUBE-NODEPORTS -p {proto} -m comment --comment "{name}" -m {proto} --dport {node_port} -j {ext}',
            f'-A {ext} -m comment --comment "masquerade traffic for {name} external destinations" -j KUBE-MARK-MASQ',
            f"-A {ext} -j {svc_chain}"]


def endpoint_rules(name: str, proto: str, svc_chain: str, backends: list[str]) -> list[str]:
    """One KUBE-SEP-<hash> per endpoint, picked at random: 1/n, then 1/(n-1), ..., the last one always."""
    rules: list[str] = []
    for index, backend in enumerate(backends):
        sep = chain("KUBE-SEP-", name, proto, backend)
        left = len(backends) - index
        pick = f"-m statistic --mode random --probability {1 / left:.10f} " if left > 1 else ""
        rules += [f":{sep} - [0:0]", f'-A {svc_chain} -m comment --comment "{name} -> {backend}" {pick}-j {sep}',
                  f'-A {sep} -s {backend.split(":")[0]}/32 -m comment --comment "{name}" -j KUBE-MARK-MASQ',  # hairpin
                  f"-A {sep} -p {proto} -m {proto} -j DNAT --to-destination {backend}"]
    return rules


class LinuxServiceProxy:
    """kube-proxy for every node of a cluster on the Linux runtime."""

    def __init__(self, api: APIServer, network: NodeNetwork) -> None:
        self.api, self.network, self.clock = api, network, api.clock
        self.written: dict[str, dict[str, list[str]]] = {}  # node namespace -> table -> the rules restored there
        self.scheduled = False
        self.services = Informer(api, "services", self.changed)
        self.slices = Informer(api, "endpointslices", self.changed)
        network.on_join.append(self.write)  # a node's first pod waits for its kube-proxy's rules

    def changed(self, event_type: str, obj: object) -> None:
        if not self.scheduled:
            self.scheduled = True
            self.clock.call_later(0.2, self.sync)

    def tables(self) -> dict[str, list[str]]:
        """kube-proxy's chains of the nat and filter tables, as iptables-restore reads them."""
        nat = [*(f":{name} - [0:0]" for name in OWN_CHAINS["nat"]), *MASQUERADE_RULES]
        filtered = [f":{name} - [0:0]" for name in OWN_CHAINS["filter"]]
        slices = [s for s in self.slices.list() if isinstance(s, EndpointSlice)]
        services = [s for s in self.services.list() if isinstance(s, Service)]
        for svc in sorted(services, key=lambda s: (s.namespace, s.name)):
            if svc.spec.cluster_ip and svc.spec.cluster_ip != "None":  # with a selector or not: slices decide
                mine = [s for s in slices if s.namespace == svc.namespace
                        and s.metadata.labels.get(SERVICE_NAME_LABEL) == svc.name]
                nat += service_rules(svc, mine)
                filtered += reject_rules(svc, mine)
        return {"nat": [*nat, NODEPORTS_LAST], "filter": filtered}

    def sync(self) -> None:
        """Restore kube-proxy's chains in every node (--noflush: flannel's FLANNEL-POSTRTG stays), dropping the
        chains of Services and endpoints that are gone; the jumps from the built-in chains go in once."""
        self.scheduled = False
        for node in list(self.network.nodes.values()):
            self.write(node)

    def write(self, node: NodeNet) -> None:
        tables = self.tables()
        before = self.written.get(node.namespace)
        if before == tables:
            return
        text = []
        for table, rules in tables.items():
            stale = sorted(declared(before[table]) - declared(rules)) if before else []
            text += [f"*{table}", *rules, *(f":{name} - [0:0]" for name in stale), *(f"-X {name}" for name in stale),
                     *(JUMPS[table] if before is None else []), "COMMIT"]
        subprocess.run(["ip", "netns", "exec", node.namespace, "iptables-restore", "--noflush"],
                       input="\n".join([*text, ""]), text=True, check=True, capture_output=True, timeout=10)
        self.written[node.namespace] = tables


def declared(rules: list[str]) -> set[str]:
    """The chains a restore's lines declare (":KUBE-SVC-... - [0:0]")."""
    return {line[1:].split()[0] for line in rules if line.startswith(":")}
