"""Services on a traced path: where kube-proxy's DNAT turns a Service into one pod.

Mirrors, for `c.trace(src, "who")`, what happens before routing on the
source node: the name resolves through cluster DNS from the source pod's
namespace (`who` -> `who.default.svc.cluster.local` -> its ClusterIP), then
the node's kube-proxy rules rewrite the destination of the new connection to
one ready pod, drawn as iptables does (so tracing a Service twice may reach
two different pods: each trace is a new connection). A NodePort on a node's
IP is rewritten by that node's rules. Registered on the pod network by the
Cluster as a trace *resolver*; a Service without ready pods cannot be traced
(its connections are refused) and a headless Service resolves to its first pod.
"""

from __future__ import annotations

import ipaddress

from k8slite.api.pod import Pod
from k8slite.api.service import Service
from k8slite.network.clusterip import SERVICE_CIDR
from k8slite.network.services import ServiceNetwork
from k8slite.network.trace import Hop, Resolution, Resolver


def service_of(network: ServiceNetwork, ip: str) -> Service | None:
    return next((s for s in network.dns.services.list() if isinstance(s, Service) and s.spec.cluster_ip == ip), None)


def service_resolver(network: ServiceNetwork) -> Resolver:
    """A trace resolver for Service names and ClusterIPs (trace.py's extension point)."""

    def resolve(source: Pod, destination: str) -> Resolution | None:
        host, _, port_text = destination.partition(":")
        found = network.dns.resolve(host, source.namespace)
        if found is None:
            return None
        fqdn, addresses = found
        ip = addresses[0]
        if ipaddress.IPv4Address(ip) not in SERVICE_CIDR:
            return None  # a pod IP (headless, pod record): the pod network knows it
        svc = service_of(network, ip)
        if svc is None or not svc.spec.ports:
            return None
        port = int(port_text) if port_text else svc.spec.ports[0].port
        proxy = network.proxies[source.spec.node_name]
        try:
            target = proxy.connect(source.status.pod_ip, ip, port)
        except ConnectionRefusedError:
            raise ValueError(f"service {svc.namespace}/{svc.name} has no ready endpoints: kube-proxy rejects "
                             "the connection (Connection refused)") from None
        if target is None:
            raise ValueError(f"service {svc.namespace}/{svc.name} has no port {port}")
        hops = []
        if fqdn != host:
            hops.append(Hop(source.spec.node_name, "cluster DNS", "10.96.0.10",
                            f"{host} -> {fqdn} -> {ip}"))
        hops.append(Hop(source.spec.node_name, "kube-proxy (iptables)", f"{ip}:{port}",
                        f"DNAT to {target[0]}:{target[1]}, one of {len(proxy.rules()[ip, port].backends)} ready pods"))
        return Resolution(ip, target[0], tuple(hops), f"service {svc.namespace}/{svc.name}")

    return resolve
