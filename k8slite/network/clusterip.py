"""Service virtual IPs and node ports: the API server's allocators.

Mirrors pkg/registry/core/service/ipallocator and portallocator. When a
Service is created the API server gives it a clusterIP from the service
range 10.96.0.0/12 (kube-apiserver's `--service-cluster-ip-range` as kubeadm
sets it) and, for NodePort and LoadBalancer Services, a nodePort from
30000-32767 for each port that does not name one. A requested address or
port must be free and in range, or the request is Invalid in Kubernetes'
words (`provided port is already allocated`). The clusterIP never changes
afterwards; an update that leaves nodePorts out keeps the allocated ones.

Like Kubernetes, addresses are picked at random, from the API server's
seeded rng (so the same seed gives the same addresses), above a low band
(10.96.0.1-10.96.1.0) kept for addresses chosen by hand: 10.96.0.1 is the
`kubernetes` Service, 10.96.0.10 the cluster DNS. Simplified: the
allocators read the Services in the store instead of keeping a bitmap.
"""

from __future__ import annotations

import ipaddress
import random
from typing import Any

from k8slite.api.service import Service
from k8slite.errors import FieldError, invalid, invalid_object

SERVICE_CIDR = ipaddress.IPv4Network("10.96.0.0/12")
KUBERNETES_SERVICE_IP = "10.96.0.1"
DNS_SERVICE_IP = "10.96.0.10"
STATIC_BAND = 256  # min(max(16, size/16), 256): the low addresses left for static allocation
NODE_PORTS = range(30000, 32768)
RESERVED = {KUBERNETES_SERVICE_IP, DNS_SERVICE_IP}


class GoStrings:
    """A value as Go's %#v prints a []string, for the clusterIPs errors: []string{"10.96.0.10"}."""

    def __init__(self, *items: str) -> None:
        self.items = items

    def __str__(self) -> str:
        return "[]string{" + ", ".join(f'"{i}"' for i in self.items) + "}"


def services_in(api: Any) -> list[Service]:
    return [s for s in api.list("services") if isinstance(s, Service)]


def ips_in_use(services: list[Service], skip: Service | None = None) -> set[str]:
    return {s.spec.cluster_ip for s in services if s is not skip and s.spec.cluster_ip not in ("", "None")} | RESERVED


def ports_in_use(services: list[Service], skip: Service | None = None) -> set[int]:
    return {p.node_port for s in services if s is not skip for p in s.spec.ports if p.node_port}


def check_requested(api: Any, svc: Service) -> None:
    """Admission-time check of what a new Service asks for by hand: in range and free."""
    errors = requested_errors(svc, services_in(api))
    if errors:
        raise invalid_object("Service", svc.name, errors)


def requested_errors(svc: Service, services: list[Service]) -> list[FieldError]:
    errors: list[FieldError] = []
    others = [s for s in services if (s.namespace, s.name) != (svc.namespace, svc.name)]
    ip = svc.spec.cluster_ip
    if ip and ip != "None":
        used = ips_in_use(others) - ({ip} if is_bootstrap(svc) else set())
        if ipaddress.IPv4Address(ip) not in SERVICE_CIDR:
            errors.append(invalid("spec.clusterIPs", GoStrings(ip), f"failed to allocate IP {ip}: "
                                  f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is "
                                  f"{SERVICE_CIDR}"))
        elif ip in used:
            errors.append(invalid("spec.clusterIPs", GoStrings(ip),
                                  f"failed to allocate IP {ip}: provided IP is already allocated"))
    taken = ports_in_use(others)
    for i, port in enumerate(svc.spec.ports):
        if not port.node_port:
            continue
        if port.node_port not in NODE_PORTS:
            errors.append(invalid(f"spec.ports[{i}].nodePort", port.node_port, "provided port is not in the valid "
                                  f"range. The range of valid ports is {NODE_PORTS[0]}-{NODE_PORTS[-1]}"))
        elif port.node_port in taken:
            errors.append(invalid(f"spec.ports[{i}].nodePort", port.node_port, "provided port is already allocated"))
        taken.add(port.node_port)
    return errors


def is_bootstrap(svc: Service) -> bool:
    return (svc.namespace, svc.name) in (("default", "kubernetes"), ("kube-system", "kube-dns"))


def allocate(api: Any, svc: Service, rng: random.Random) -> None:
    """At create: a clusterIP (unless headless or chosen) and the missing nodePorts, at random."""
    services = services_in(api)
    if not svc.spec.cluster_ip:
        svc.spec.cluster_ip = free_ip(ips_in_use(services), rng)
    svc.spec.cluster_ips = [svc.spec.cluster_ip]
    if svc.spec.type in ("NodePort", "LoadBalancer"):
        taken = ports_in_use(services)
        for port in svc.spec.ports:
            if not port.node_port:
                port.node_port = free_port(taken, rng)
            taken.add(port.node_port)


def free_ip(used: set[str], rng: random.Random) -> str:
    """A random free address above the static band, as the ipallocator's dynamic band does."""
    first = int(SERVICE_CIDR.network_address) + STATIC_BAND + 1
    last = int(SERVICE_CIDR.broadcast_address) - 1
    while True:
        ip = str(ipaddress.IPv4Address(rng.randint(first, last)))
        if ip not in used:
            return ip


def free_port(used: set[int], rng: random.Random) -> int:
    while True:
        port = rng.choice(NODE_PORTS)
        if port not in used:
            return port


def keep_allocations(api: Any, current: Service, new: Service, rng: random.Random) -> list[FieldError]:
    """At update: the clusterIP is immutable; nodePorts left out keep their allocated values."""
    if not new.spec.cluster_ip:
        new.spec.cluster_ip = current.spec.cluster_ip
    if new.spec.cluster_ip != current.spec.cluster_ip:
        return [invalid("spec.clusterIPs[0]", GoStrings(new.spec.cluster_ip), "may not change once set")]
    new.spec.cluster_ips = list(current.spec.cluster_ips)
    if new.spec.type in ("NodePort", "LoadBalancer"):
        old = {(p.port, p.protocol): p.node_port for p in current.spec.ports}
        for port in new.spec.ports:
            port.node_port = port.node_port or old.get((port.port, port.protocol))
        errors = requested_errors(new, services_in(api))
        if errors:
            return errors
        taken = ports_in_use(services_in(api))
        for port in new.spec.ports:
            if not port.node_port:
                port.node_port = free_port(taken, rng)
                taken.add(port.node_port)
    return []
