"""Services on the Docker runtime: kube-proxy's old userspace mode, with busybox.

Mirrors kube-proxy's `--proxy-mode=userspace` (removed in Kubernetes 1.26):
a real process accepts each connection for a Service and opens a second
connection to one ready pod, copying bytes both ways. Here that process is
one busybox container per Service on the pods' Docker network, labelled with
the cluster (so `c.close()` removes it), running `nc -ll -p PORT -e pick`
for each port: for every new connection, `pick` reads the current backends
from a file and connects to one at random. The component watches Services,
EndpointSlices and pods through the API server, on the cluster's clock (no
thread): it starts and removes proxy containers, rewrites their backend
files, and writes the Service names into every pod's /etc/hosts (the pod's
containers share the pause container's), `svc.ns`, `svc.ns.svc` and
`svc.ns.svc.cluster.local` for every pod, plain `svc` only for pods of the
Service's namespace, as the DNS search path would.

What differs from iptables mode: the names resolve to the proxy container's
Docker address, not to `spec.cluster_ip` (10.96.0.0/12 is not routed on a
Docker bridge); the pod sees the proxy as its client; connections to a
Service without endpoints are reset rather than refused; no NodePorts.
"""

from __future__ import annotations

from typing import Any

from k8slite.api.pod import Pod
from k8slite.api.service import SERVICE_NAME_LABEL, EndpointSlice, Service
from k8slite.apiserver import APIServer
from k8slite.informer import Informer
from k8slite.network.dns import CLUSTER_DOMAIN

HOSTS_MARK = "# k8slite Service"
PICK = ("#!/bin/sh\nset -- $(cat /tmp/backends-{port})\n[ $# -gt 0 ] || exit 1\n"
        "shift $((RANDOM % $#))\nexec nc ${{1%:*}} ${{1#*:}}\n")


def proxy_command(ports: list[int]) -> list[str]:
    """The proxy container's shell: for each port a `pick` script and a persistent nc server."""
    parts = []
    for port in ports:
        script = PICK.format(port=port).replace("\n", "\\n").replace("%", "%%")
        parts.append(f"printf '{script}' > /tmp/pick-{port}; chmod +x /tmp/pick-{port}; "
                     f"touch /tmp/backends-{port}; nc -ll -p {port} -e /tmp/pick-{port} &")
    return ["sh", "-c", " ".join(parts) + " trap 'exit 0' TERM; wait"]


def host_names(svc: Service, namespace: str) -> list[str]:
    names = [f"{svc.name}.{svc.namespace}", f"{svc.name}.{svc.namespace}.svc",
             f"{svc.name}.{svc.namespace}.svc.{CLUSTER_DOMAIN}"]
    return ([svc.name] if namespace == svc.namespace else []) + names


class DockerServiceProxy:
    """One proxy container per Service, and Service names in every pod's /etc/hosts."""

    def __init__(self, api: APIServer, client: Any, cluster_id: str) -> None:
        self.api, self.client, self.cluster_id, self.clock = api, client, cluster_id, api.clock
        self.proxies: dict[str, tuple[Any, str]] = {}  # namespace/name -> (container, its IP)
        self.backends: dict[tuple[str, int], str] = {}
        self.hosts: dict[str, str] = {}  # pod uid -> the Service lines written into its /etc/hosts
        self.scheduled = False
        self.services = Informer(api, "services", self.changed)
        self.slices = Informer(api, "endpointslices", self.changed)
        self.pods = Informer(api, "pods", self.changed)

    def changed(self, event_type: str, obj: object) -> None:
        if not self.scheduled:
            self.scheduled = True
            self.clock.call_later(0.2, self.sync)

    def address(self, name: str, namespace: str = "default") -> str | None:
        """The Docker address a Service's names resolve to in pods."""
        found = self.proxies.get(f"{namespace}/{name}")
        return found[1] if found else None

    def sync(self) -> None:
        self.scheduled = False
        wanted = {f"{s.namespace}/{s.name}": s for s in self.services.list()
                  if isinstance(s, Service) and not s.spec.headless() and s.spec.selector}
        for key in sorted(set(self.proxies) - set(wanted)):
            self.remove_proxy(key)
        for key, svc in sorted(wanted.items()):
            if key not in self.proxies:
                self.start_proxy(key, svc)
            self.write_backends(key, svc)
        self.write_hosts([s for _, s in sorted(wanted.items())])

    def start_proxy(self, key: str, svc: Service) -> None:
        ports = sorted({p.port for p in svc.spec.ports if p.protocol == "TCP"})
        labels = {"k8slite.cluster": self.cluster_id, "k8slite.role": "service-proxy",
                  "k8slite.service": key}
        container = self.client.containers.run("busybox:latest", proxy_command(ports), detach=True,
                                               labels=labels, name=f"k8slite-{self.cluster_id}-svc-"
                                               f"{svc.namespace}-{svc.name}"[:120])
        container.reload()
        self.proxies[key] = (container, container.attrs["NetworkSettings"]["IPAddress"])

    def remove_proxy(self, key: str) -> None:
        container, _ = self.proxies.pop(key)
        container.remove(force=True)

    def write_backends(self, key: str, svc: Service) -> None:
        container, _ = self.proxies[key]
        slices = [s for s in self.slices.list() if isinstance(s, EndpointSlice) and s.namespace == svc.namespace
                  and s.metadata.labels.get(SERVICE_NAME_LABEL) == svc.name]
        for port in (p for p in svc.spec.ports if p.protocol == "TCP"):
            backends = sorted(f"{a}:{sp.port}" for s in slices for sp in s.ports if sp.name == port.name
                              for e in s.endpoints if e.conditions.ready for a in e.addresses)
            text = " ".join(backends)
            if self.backends.get((key, port.port)) != text:
                container.exec_run(["sh", "-c", f"echo '{text}' > /tmp/backends-{port.port}"])
                self.backends[key, port.port] = text

    def write_hosts(self, services: list[Service]) -> None:
        """Rewrite the Service lines of every running pod's /etc/hosts that needs it."""
        for pod in self.pods.list():
            if not isinstance(pod, Pod) or pod.status.phase != "Running" or not pod.status.pod_ip:
                continue
            lines = "".join(f"{self.proxies[f'{s.namespace}/{s.name}'][1]}\t{' '.join(host_names(s, pod.namespace))}"
                            f"\t{HOSTS_MARK}\n" for s in services if f"{s.namespace}/{s.name}" in self.proxies)
            if self.hosts.get(pod.metadata.uid, "") == lines:
                continue  # nothing new for this pod: no call to the engine
            script = f"grep -v '{HOSTS_MARK}' /etc/hosts > /tmp/hosts; printf '{lines}' >> /tmp/hosts; " \
                     "cat /tmp/hosts > /etc/hosts"
            for pause in self.client.api.containers(filters={"label": [f"k8slite.cluster={self.cluster_id}",
                                                                       f"k8slite.pod-uid={pod.metadata.uid}",
                                                                       "k8slite.role=pause"]}):
                self.client.api.exec_start(self.client.api.exec_create(pause["Id"], ["sh", "-c", script]))
            self.hosts[pod.metadata.uid] = lines
