"""A connection from a pod to a Service, end to end: DNS, kube-proxy, the chosen pod's server.

Mirrors what happens in a real node's kernel and in CoreDNS when a pod
runs `wget http://my-nginx`: the name resolves (cluster DNS, through the
pod's search path), the connection to the virtual IP is rewritten by the
kube-proxy rules *of the node the pod runs on* to one ready pod, and the
packet travels to that pod. A connection to a node's IP on a nodePort is
rewritten by *that* node's rules. A ClusterIP on a port no Service
declares matches no rule; the packet goes nowhere and the client times out.

`ServiceNetwork` is what the Cluster hands to the fake runtime's network:
it holds the cluster DNS and one KubeProxy per node, each fed only by
watches on the API server. It also writes the files the kubelet puts in a
pod's containers: /etc/resolv.conf and /etc/hosts.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.apiserver import APIServer
from k8slite.network.clusterip import SERVICE_CIDR
from k8slite.network.dns import CLUSTER_DOMAIN, ClusterDNS, pod_hostname, resolv_conf
from k8slite.network.proxy import Backend, KubeProxy

HttpGet = Callable[[str, int, str], "tuple[int, str]"]


class ServiceNetwork:
    """Cluster DNS plus every node's kube-proxy."""

    def __init__(self, api: APIServer, rng: random.Random) -> None:
        self.api, self.rng = api, rng
        self.dns = ClusterDNS(api)
        self.proxies: dict[str, KubeProxy] = {}

    def add_node(self, node_name: str) -> KubeProxy:
        """kube-proxy starts on a node that joins (a DaemonSet in a real cluster)."""
        self.proxies[node_name] = KubeProxy(self.api, node_name, self.rng)
        return self.proxies[node_name]

    def resolve(self, name: str, namespace: str) -> list[str] | None:
        found = self.dns.resolve(name, namespace)
        return found[1] if found else None

    def node_with_ip(self, ip: str) -> str | None:
        for node in self.api.list("nodes"):
            if isinstance(node, Node) and any(a.address == ip for a in node.status.addresses):
                return node.name
        return None

    def destination(self, node_name: str, client_ip: str, ip: str, port: int) -> Backend:
        """Where a new connection from a pod on node_name to ip:port really goes (kube-proxy's DNAT)."""
        rewriter = self.proxies.get(self.node_with_ip(ip) or node_name)
        chosen = rewriter.connect(client_ip, ip, port) if rewriter else None
        if chosen is not None:
            return chosen
        if ipaddress.IPv4Address(ip) in SERVICE_CIDR:
            raise TimeoutError(f"{ip}:{port}: no Service port there, nothing answers")
        return ip, port

    def request(self, node_name: str, client_ip: str, ip: str, port: int, path: str,
                http_get: HttpGet) -> tuple[int, str]:
        """An HTTP GET from a pod: through the proxy rules to a pod's server.

        ConnectionError when refused (a Service without ready endpoints), TimeoutError when lost."""
        try:
            target_ip, target_port = self.destination(node_name, client_ip, ip, port)
        except ConnectionRefusedError:
            raise ConnectionError(f"dial tcp {ip}:{port}: connect: connection refused") from None
        return http_get(target_ip, target_port, path)

    def ping(self, node_name: str, ip: str) -> int | None:
        """The TTL of an echo reply from ip to a pod on node_name: a pod or a node answers, a ClusterIP never.

        64 minus the routers on the way: none on the same node's bridge, each node's routing across nodes."""
        for pod in self.api.list("pods"):
            if isinstance(pod, Pod) and pod.status.pod_ip == ip and pod.status.phase == "Running":
                return 64 if pod.spec.node_name == node_name else 62
        owner = self.node_with_ip(ip)
        if owner is not None:
            return 64 if owner == node_name else 63
        return None

    @staticmethod
    def pod_files(pod: Pod, ip: str) -> dict[str, str]:
        """/etc/resolv.conf and /etc/hosts, as the kubelet writes them into every container of a pod: the pod's
        line is `<ip> <hostname>`, or, with spec.subdomain, `<ip> <hostname>.<subdomain>.<ns>.svc.cluster.local
        <hostname>` (managedHostsFileContent); the hostname is spec.hostname, else the pod's name."""
        hostname = pod_hostname(pod)
        names = f"{hostname}.{pod.spec.subdomain}.{pod.namespace}.svc.{CLUSTER_DOMAIN}\t{hostname}" \
            if pod.spec.subdomain else hostname
        hosts = ("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                 f"{ip}\t{names}\n")
        return {"/etc/resolv.conf": resolv_conf(pod.namespace), "/etc/hosts": hosts}
