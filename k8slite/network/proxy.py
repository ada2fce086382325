"""kube-proxy: turning a connection to a Service into a connection to a pod.

Mirrors kube-proxy in iptables mode (pkg/proxy/iptables). One runs on every
node. It watches Services and EndpointSlices through the API server and
keeps a table, ClusterIP:port -> the ready pods behind it (`rules()`); the
kernel then rewrites (DNATs) each new connection to the virtual IP into a
connection to one pod. Nothing listens on a ClusterIP: it answers TCP on the
Service's ports because of these rules, and does not answer ping at all.

The choice is random, per connection, as iptables' chain of `statistic
--mode random --probability` rules makes it: the first of n backends with
probability 1/n, else the second with 1/(n-1), ... the last always, which
gives each backend 1/n. A long-lived connection stays on the pod it got;
only new connections spread. With `sessionAffinity: ClientIP` the `recent`
module remembers each client's pod for timeoutSeconds (10800 by default).
A NodePort Service is also reachable at every node's IP on its nodePort:
each kube-proxy opens it on its own node's addresses (it watches only its
own Node, with the field selector metadata.name=<node>, as kube-proxy does).
A Service without ready endpoints rejects connections (Connection refused).

Randomness comes from the cluster's seeded rng: same seed, same choices.
Simplified: TCP only in effect, no masquerading, no conntrack table beyond
the affinity memory, no topology or traffic policies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from k8slite.api.meta import KubeObject
from k8slite.api.node import Node
from k8slite.api.service import SERVICE_NAME_LABEL, EndpointSlice, Service, ServicePort
from k8slite.apiserver import APIServer
from k8slite.informer import Informer
from k8slite.store import FieldMatch

Backend = tuple[str, int]  # pod IP, port


def name_of(obj: KubeObject) -> str:
    return obj.metadata.name


@dataclass
class ServiceRule:
    """One Service port as kube-proxy programs it."""

    service: str
    """namespace/name:port-name, as kube-proxy names its chains' comments."""
    backends: list[Backend] = field(default_factory=list)
    affinity_seconds: int = 0
    """0: no session affinity; else ClientIP affinity for that long."""


def pick(backends: list[Backend], rng: random.Random) -> Backend:
    """iptables' probability chain: backend i matches with probability 1/(n-i); the last always."""
    n = len(backends)
    for i, backend in enumerate(backends[:-1]):
        if rng.random() < 1.0 / (n - i):
            return backend
    return backends[-1]


def ready_backends(port: ServicePort, slices: list[EndpointSlice]) -> list[Backend]:
    """(ip, port) of every ready endpoint for a Service port, in address order."""
    found = []
    for s in slices:
        number = next((p.port for p in s.ports if p.name == port.name and p.protocol == port.protocol), None)
        if number is None:
            continue
        found += [(a, number) for e in s.endpoints if e.conditions.ready for a in e.addresses]
    return sorted(set(found))


class KubeProxy:
    """The proxy of one node: its rules table, and the choice for each new connection."""

    def __init__(self, api: APIServer, node_name: str, rng: random.Random) -> None:
        self.api, self.node_name, self.rng, self.clock = api, node_name, rng, api.clock
        self.dirty = True
        self.table: dict[tuple[str, int], ServiceRule] = {}
        self.affinity: dict[tuple[str, str], tuple[Backend, float]] = {}
        self.services = Informer(api, "services", self.changed)
        self.slices = Informer(api, "endpointslices", self.changed)
        self.nodes = Informer(api, "nodes", self.node_changed, match=FieldMatch("metadata.name", name_of, node_name))

    def changed(self, event_type: str, obj: object) -> None:
        self.dirty = True  # syncProxyRules runs before the next connection

    def node_changed(self, event_type: str, obj: object) -> None:
        if event_type != "MODIFIED":
            self.dirty = True  # its node registered (or went): NodePort rules on its address

    def rules(self) -> dict[tuple[str, int], ServiceRule]:
        """(virtual IP or node IP, port) -> the rule for it: syncProxyRules."""
        if self.dirty:
            self.table, self.dirty = self.sync_proxy_rules(), False
        return self.table

    def sync_proxy_rules(self) -> dict[tuple[str, int], ServiceRule]:
        table: dict[tuple[str, int], ServiceRule] = {}
        node_ips = [a.address for n in self.nodes.list() if isinstance(n, Node)
                    for a in n.status.addresses if a.type == "InternalIP"]
        for svc in self.services.list():
            if not isinstance(svc, Service) or svc.spec.headless() or not svc.spec.cluster_ip:
                continue
            slices = [s for s in self.slices.list() if isinstance(s, EndpointSlice) and s.namespace == svc.namespace
                      and s.metadata.labels.get(SERVICE_NAME_LABEL) == svc.name]
            affinity = svc.affinity_timeout() if svc.spec.session_affinity == "ClientIP" else 0
            for port in (p for p in svc.spec.ports if p.protocol == "TCP"):  # what the course connects with
                rule = ServiceRule(f"{svc.namespace}/{svc.name}:{port.name}", ready_backends(port, slices), affinity)
                table[svc.spec.cluster_ip, port.port] = rule
                if port.node_port:
                    table.update({(ip, port.node_port): rule for ip in node_ips})
        return table

    def connect(self, client_ip: str, ip: str, port: int) -> Backend | None:
        """Where a new connection to ip:port goes: a pod, or None when no rule matches (route it as is).

        ConnectionRefusedError when the Service has no ready endpoints (iptables REJECTs it)."""
        rule = self.rules().get((ip, port))
        if rule is None:
            return None
        if not rule.backends:
            raise ConnectionRefusedError(f"{rule.service} has no endpoints")
        return self.choose(rule, client_ip)

    def choose(self, rule: ServiceRule, client_ip: str) -> Backend:
        now = self.clock.now
        remembered = self.affinity.get((rule.service, client_ip))
        if rule.affinity_seconds and remembered is not None:
            backend, last_seen = remembered
            if backend in rule.backends and now - last_seen <= rule.affinity_seconds:
                self.affinity[rule.service, client_ip] = (backend, now)
                return backend
        backend = pick(rule.backends, self.rng)
        if rule.affinity_seconds:
            self.affinity[rule.service, client_ip] = (backend, now)
        return backend

    def iptables(self) -> str:
        """The rules as `iptables-save` would show their gist: one line per virtual address and backend."""
        lines = []
        for (ip, port), rule in sorted(self.rules().items()):
            n = len(rule.backends)
            if not n:
                lines.append(f"-d {ip}/32 -p tcp --dport {port} -j REJECT  # {rule.service} has no endpoints")
            for i, (pod_ip, pod_port) in enumerate(rule.backends):
                chance = f"-m statistic --mode random --probability {1 / (n - i):.5f} " if i < n - 1 else ""
                lines.append(f"-d {ip}/32 -p tcp --dport {port} {chance}-j DNAT --to-destination {pod_ip}:{pod_port}")
        return "\n".join(lines) + "\n"

