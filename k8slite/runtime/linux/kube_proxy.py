"""kube-proxy's iptables mode, in each node's network namespace: a Service's ClusterIP for real packets.

Mirrors pkg/proxy/iptables/proxier.go: in the nat table, PREROUTING and
OUTPUT jump to KUBE-SERVICES; there, one rule per Service port matches the
ClusterIP and port and jumps to that port's KUBE-SVC-<hash> chain, which
picks an endpoint at random (`-m statistic --mode random --probability
1/n`, then 1/(n-1), ..., the last one always) and jumps to its KUBE-SEP-<hash>
chain, which DNATs to the pod's IP and port. Chain names are kube-proxy's:
"KUBE-SVC-" + the first 16 characters of base32(sha256(port name +
protocol)), and likewise for endpoints. Every sync writes the whole table
with iptables-restore, as kube-proxy does, in every node's namespace (it
runs on every node), on the cluster's clock.

Simplified: TCP only; no KUBE-MARK-MASQ / masquerade, so a pod reaching a
Service whose chosen endpoint is on its own node's bridge gets no answer
(the reply skips the node's nat table: real clusters load br_netfilter and
masquerade hairpin traffic); no NodePorts, no session affinity.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess

from k8slite.api.service import SERVICE_NAME_LABEL, EndpointSlice, Service
from k8slite.apiserver import APIServer
from k8slite.informer import Informer
from k8slite.runtime.linux.nodenet import NodeNetwork


def chain(prefix: str, *parts: str) -> str:
    """kube-proxy's portProtoHash: KUBE-SVC-/KUBE-SEP- plus 16 characters of base32(sha256)."""
    digest = hashlib.sha256("".join(parts).encode()).digest()
    return prefix + base64.b32encode(digest).decode()[:16]


def service_rules(svc: Service, slices: list[EndpointSlice]) -> list[str]:
    """The nat rules of one Service: its ports' KUBE-SERVICES rules and their KUBE-SVC/KUBE-SEP chains."""
    rules: list[str] = []
    for port in (p for p in svc.spec.ports if p.protocol == "TCP"):
        name = f"{svc.namespace}/{svc.name}:{port.name}"
        svc_chain = chain("KUBE-SVC-", name, "tcp")
        backends = sorted(f"{address}:{sp.port}" for s in slices for sp in s.ports if sp.name == port.name
                          for e in s.endpoints if e.conditions.ready for address in e.addresses)
        rules += [f":{svc_chain} - [0:0]",
                  f'-A KUBE-SERVICES -d {svc.spec.cluster_ip}/32 -p tcp -m comment --comment "{name} cluster IP" '
                  f"-m tcp --dport {port.port} -j {svc_chain}"]
        for index, backend in enumerate(backends):
            sep = chain("KUBE-SEP-", name, "tcp", backend)
            left = len(backends) - index
            pick = f"-m statistic --mode random --probability {1 / left:.10f} " if left > 1 else ""
            rules += [f":{sep} - [0:0]", f'-A {svc_chain} -m comment --comment "{name} -> {backend}" {pick}-j {sep}',
                      f"-A {sep} -p tcp -m tcp -j DNAT --to-destination {backend}"]
    return rules


class LinuxServiceProxy:
    """kube-proxy for every node of a cluster on the Linux runtime."""

    def __init__(self, api: APIServer, network: NodeNetwork) -> None:
        self.api, self.network, self.clock = api, network, api.clock
        self.written: dict[str, str] = {}  # node namespace -> the table last restored there
        self.scheduled = False
        self.services = Informer(api, "services", self.changed)
        self.slices = Informer(api, "endpointslices", self.changed)
        self.pods = Informer(api, "pods", self.changed)  # a pod's first sandbox may bring its node's namespace

    def changed(self, event_type: str, obj: object) -> None:
        if not self.scheduled:
            self.scheduled = True
            self.clock.call_later(0.2, self.sync)

    def table(self) -> str:
        """The whole nat table, as iptables-restore reads it."""
        lines = ["*nat", ":PREROUTING ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":KUBE-SERVICES - [0:0]",
                 "-A PREROUTING -j KUBE-SERVICES", "-A OUTPUT -j KUBE-SERVICES"]
        slices = [s for s in self.slices.list() if isinstance(s, EndpointSlice)]
        services = [s for s in self.services.list() if isinstance(s, Service)]
        for svc in sorted(services, key=lambda s: (s.namespace, s.name)):
            if svc.spec.cluster_ip and svc.spec.cluster_ip != "None" and svc.spec.selector:
                mine = [s for s in slices if s.namespace == svc.namespace
                        and s.metadata.labels.get(SERVICE_NAME_LABEL) == svc.name]
                lines += service_rules(svc, mine)
        return "\n".join([*lines, "COMMIT", ""])

    def sync(self) -> None:
        self.scheduled = False
        table = self.table()
        for node in self.network.nodes.values():
            if self.written.get(node.namespace) != table:
                subprocess.run(["ip", "netns", "exec", node.namespace, "iptables-restore"], input=table, text=True,
                               check=True, capture_output=True, timeout=10)
                self.written[node.namespace] = table
