"""The endpoints controller: which pods stand behind each Service, right now.

Mirrors pkg/controller/endpoint. For every Service with a selector it
writes an Endpoints object of the same name listing the pods the selector
matches: a pod with an IP that is Ready goes under `addresses`, one that is
not (its readiness probe fails, or the node lifecycle controller marked it
not Ready because its node stopped reporting) under `not_ready_addresses`,
where kube-proxy does not send traffic. A terminating pod is left out. Each
Service port's `targetPort` is resolved pod by pod: a number is taken as it
is, a name is looked up among the pod's containerPorts, so two versions of
an app may serve the same named port on different numbers. Pods that serve
the same ports share a subset.

Level-based as every controller here: `sync` recomputes a Service's
Endpoints from the caches, whatever changed. A pod whose spec.subdomain
names the Service is listed with its spec.hostname (the DNS then answers
`<hostname>.<service>.<namespace>.svc.cluster.local` with its IP).
Simplified: no publishNotReadyAddresses tolerance timers.
"""

from __future__ import annotations

import ipaddress

from k8slite.api.meta import KubeObject, ObjectMeta, ObjectReference
from k8slite.api.pod import Pod
from k8slite.api.service import EndpointAddress, EndpointPort, Endpoints, EndpointSubset, Service, ServicePort
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.errors import NotFound
from k8slite.informer import object_key


def selects(svc: Service, pod: Pod) -> bool:
    """The Service's selector matches the pod (a Service without a selector selects nothing)."""
    selector = svc.spec.selector
    return bool(selector) and pod.namespace == svc.namespace and \
        all(pod.metadata.labels.get(k) == v for k, v in selector.items())


def resolve_port(pod: Pod, port: ServicePort) -> int | None:
    """The pod's port for a Service port: targetPort itself, or the containerPort of that name."""
    target = port.target_port if port.target_port is not None else port.port
    if isinstance(target, int):
        return target
    for container in pod.spec.containers:
        for cp in container.ports:
            if cp.name == target and cp.protocol == port.protocol:
                return cp.container_port
    return None


def serves(pod: Pod) -> bool:
    """A pod can be an endpoint once it has an IP, until it terminates or finishes."""
    return bool(pod.status.pod_ip) and pod.metadata.deletion_timestamp is None \
        and pod.status.phase not in ("Succeeded", "Failed")


def address_of(pod: Pod, svc: Service) -> EndpointAddress:
    """The pod as an endpoint of svc, with its hostname when its spec.subdomain names svc (ShouldSetHostname)."""
    ref = ObjectReference(kind="Pod", namespace=pod.namespace, name=pod.name, uid=pod.metadata.uid)
    hostname = pod.spec.hostname if pod.spec.subdomain == svc.name and pod.namespace == svc.namespace else ""
    return EndpointAddress(ip=pod.status.pod_ip, hostname=hostname, node_name=pod.spec.node_name or None,
                           target_ref=ref)


def endpoint_subsets(svc: Service, pods: list[Pod]) -> list[EndpointSubset]:
    """The Endpoints' subsets: selected pods grouped by the ports they serve, ready or not."""
    groups: dict[tuple[tuple[str, int, str], ...], EndpointSubset] = {}
    for pod in sorted(pods, key=lambda p: ipaddress.IPv4Address(p.status.pod_ip or "0.0.0.0")):
        if not selects(svc, pod) or not serves(pod):
            continue
        resolved = [(p.name, resolve_port(pod, p), p.protocol) for p in svc.spec.ports]
        ports = tuple((name, number, proto) for name, number, proto in resolved if number is not None)
        if svc.spec.ports and not ports:
            continue  # none of its ports resolve: nothing to send it
        subset = groups.setdefault(ports, EndpointSubset(ports=[EndpointPort(n, p, proto) for n, p, proto in ports]))
        ready = pod.is_ready() or bool(svc.spec.publish_not_ready_addresses)
        (subset.addresses if ready else subset.not_ready_addresses).append(address_of(pod, svc))
    return list(groups.values())


class ServiceController(Controller):
    """What the Endpoints and EndpointSlice controllers share: a Service is the key, its pods the input."""

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.services = self.informer("services", self.enqueue)
        self.pods = self.informer("pods", self.pod_changed)

    def pod_changed(self, event_type: str, pod: KubeObject) -> None:
        """A pod changed: every Service of its namespace may gain or lose it (its labels may have changed)."""
        for svc in self.services.list():
            if svc.namespace == pod.namespace and isinstance(svc, Service) and svc.spec.selector:
                self.queue.add(object_key(svc))

    def resync_keys(self) -> list[str]:
        return sorted(self.services.cache)


class EndpointsController(ServiceController):
    name = "endpoint-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.endpoints = self.informer("endpoints", lambda t, o: None)

    def sync(self, key: str) -> None:
        svc = self.services.get(key)
        if svc is None:
            self.delete_endpoints(key)
            return
        if not isinstance(svc, Service) or not svc.spec.selector:
            return  # a Service without a selector: its Endpoints are written by hand
        pods = [p for p in self.pods.list() if isinstance(p, Pod) and p.namespace == svc.namespace]
        subsets = endpoint_subsets(svc, pods)
        current = self.endpoints.get(key)
        if current is None:  # a stale cache (AlreadyExists, Conflict) raises: the queue tries again
            self.api.create(Endpoints(metadata=ObjectMeta(name=svc.name, namespace=svc.namespace,
                                                          labels=dict(svc.metadata.labels)), subsets=subsets))
        elif isinstance(current, Endpoints) and current.subsets != subsets:
            new = current.copy()
            new.subsets = subsets
            self.api.update(new)

    def delete_endpoints(self, key: str) -> None:
        current = self.endpoints.get(key)
        if current is None:
            return
        try:
            self.api.delete("endpoints", current.name, current.namespace)
        except NotFound:
            pass
