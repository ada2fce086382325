"""Cluster DNS: names for Services and pods, as CoreDNS's kubernetes plugin answers them.

Mirrors the DNS specification for Services and Pods
(kubernetes/dns docs/specification.md) and what the kubelet writes into a
pod's /etc/resolv.conf. A Service `web` in namespace `shop` is
`web.shop.svc.cluster.local`, whose A record is its clusterIP; for a
headless Service (`clusterIP: None`) it is the IPs of its ready pods,
one record each, and each of those pods has a name of its own under the
Service: `db-0.db.shop.svc.cluster.local` when the pod's spec.hostname is
`db-0` and its spec.subdomain names the Service (the endpoint controllers
copy the hostname into the endpoint; a StatefulSet's or an Indexed Job's
pods are found so), else its IP with dashes, `10-244-1-5.db.shop.svc...`.
Any pod IP has the record `10-244-1-5.shop.pod.cluster.local`.

A pod's resolv.conf names the cluster DNS Service (10.96.0.10) and a search
path from the pod's own namespace, `shop.svc.cluster.local svc.cluster.local
cluster.local`, with `ndots:5`: a name with fewer than five dots is tried
with each suffix first. That is why `web` works only from pods of `shop`,
while `web.shop` and `web.shop.svc` work from anywhere.

Like CoreDNS, it learns Services and EndpointSlices through watches on the
API server. Simplified: A records only (no SRV, PTR, CNAME, AAAA), no
upstream resolvers: other names are NXDOMAIN.
"""

from __future__ import annotations

import ipaddress

from k8slite.api.pod import Pod
from k8slite.api.service import SERVICE_NAME_LABEL, Endpoint, EndpointSlice, Service
from k8slite.apiserver import APIServer
from k8slite.informer import Informer
from k8slite.network.clusterip import DNS_SERVICE_IP

CLUSTER_DOMAIN = "cluster.local"
NDOTS = 5


def search_path(namespace: str) -> list[str]:
    return [f"{namespace}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN]


def resolv_conf(namespace: str) -> str:
    """The /etc/resolv.conf the kubelet writes for a pod with dnsPolicy ClusterFirst."""
    return (f"search {' '.join(search_path(namespace))}\n"
            f"nameserver {DNS_SERVICE_IP}\noptions ndots:{NDOTS}\n")


def candidates(name: str, namespace: str) -> list[str]:
    """The fully qualified names a resolver tries for `name`, in order (ndots and the search path)."""
    if name.endswith("."):
        return [name[:-1]]
    expanded = [f"{name}.{suffix}" for suffix in search_path(namespace)]
    return expanded + [name] if name.count(".") < NDOTS else [name, *expanded]


def pod_hostname(pod: Pod) -> str:
    """The pod's hostname: spec.hostname, else its name cut to 63 characters (GeneratePodHostNameAndDomain)."""
    return pod.spec.hostname or pod.name[:63]


def endpoint_name(endpoint: Endpoint) -> str:
    """CoreDNS's name of a headless Service's endpoint: its hostname, else its IP with dashes."""
    return endpoint.hostname or (endpoint.addresses[0].replace(".", "-") if endpoint.addresses else "")


def pod_record(labels: list[str]) -> list[str] | None:
    """`10-244-1-5` -> ["10.244.1.5"]: pod A records are the IP itself, spelled with dashes."""
    if len(labels) != 1:
        return None
    try:
        return [str(ipaddress.IPv4Address(labels[0].replace("-", ".")))]
    except ValueError:
        return None


class ClusterDNS:
    """CoreDNS at 10.96.0.10: `lookup` answers one fully qualified name, `resolve` what a pod asks."""

    def __init__(self, api: APIServer) -> None:
        self.services = Informer(api, "services", lambda t, o: None)
        self.slices = Informer(api, "endpointslices", lambda t, o: None)

    def lookup(self, fqdn: str) -> list[str] | None:
        """The A records of a fully qualified name; None for NXDOMAIN."""
        suffix = "." + CLUSTER_DOMAIN
        if not fqdn.endswith(suffix):
            return None
        labels = fqdn[: -len(suffix)].split(".")
        if len(labels) >= 3 and labels[-1] == "pod":
            return pod_record(labels[:-2])
        if len(labels) == 3 and labels[-1] == "svc":
            return self.service_record(labels[1], labels[0])
        if len(labels) == 4 and labels[-1] == "svc":
            return self.endpoint_record(labels[2], labels[1], labels[0])
        return None

    def service_record(self, namespace: str, name: str) -> list[str] | None:
        svc = self.services.get(f"{namespace}/{name}")
        if not isinstance(svc, Service):
            return None
        if not svc.spec.headless():
            return [svc.spec.cluster_ip]
        ips = {a for e in self.ready_endpoints(namespace, name) for a in e.addresses}
        return sorted(ips, key=ipaddress.IPv4Address) or None

    def endpoint_record(self, namespace: str, service: str, endpoint: str) -> list[str] | None:
        """`db-0.db.shop.svc.cluster.local`: one ready endpoint of a headless Service, by its name."""
        svc = self.services.get(f"{namespace}/{service}")
        if not isinstance(svc, Service) or not svc.spec.headless():
            return None
        ips = {a for e in self.ready_endpoints(namespace, service) if endpoint_name(e) == endpoint for a in e.addresses}
        return sorted(ips, key=ipaddress.IPv4Address) or None

    def ready_endpoints(self, namespace: str, service: str) -> list[Endpoint]:
        return [e for s in self.slices.list() if isinstance(s, EndpointSlice) and s.namespace == namespace
                and s.metadata.labels.get(SERVICE_NAME_LABEL) == service for e in s.endpoints if e.conditions.ready]

    def resolve(self, name: str, namespace: str) -> tuple[str, list[str]] | None:
        """What a pod in `namespace` gets for `name`: (the name that answered, its addresses), or None."""
        try:
            return name, [str(ipaddress.IPv4Address(name))]
        except ValueError:
            pass
        for fqdn in candidates(name.lower(), namespace):
            found = self.lookup(fqdn)
            if found:
                return fqdn, found
        return None
