"""The EndpointSlice controller: the same answer as Endpoints, in slices.

Mirrors pkg/controller/endpointslice. Endpoints put every pod of a Service
in one object, rewritten whole on every change, which hurts with thousands
of pods; since Kubernetes 1.21 kube-proxy reads EndpointSlices instead: at
most 100 endpoints each, labelled `kubernetes.io/service-name`, owned by the
Service (so the garbage collector removes them with it). Each endpoint is
one pod with `conditions.ready` (not-ready pods stay in the slice, marked
so). Pods that serve the same ports share a slice. Simplified: one slice
per distinct set of ports (no 100-endpoint split), no topology hints.
"""

from __future__ import annotations

from k8slite.api.meta import ObjectMeta, OwnerReference
from k8slite.api.pod import Pod
from k8slite.api.service import (
    SERVICE_NAME_LABEL,
    Endpoint,
    EndpointConditions,
    EndpointSlice,
    EndpointSlicePort,
    Service,
)
from k8slite.apiserver import APIServer
from k8slite.controllers.endpoints import ServiceController, endpoint_subsets
from k8slite.errors import NotFound

MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
CONTROLLER_NAME = "endpointslice-controller.k8s.io"


def desired_slices(svc: Service, pods: list[Pod]) -> list[EndpointSlice]:
    """One slice (without a name yet) per set of ports, its endpoints ready or not."""
    slices = []
    for subset in endpoint_subsets(svc, pods):
        endpoints = [Endpoint(addresses=[a.ip], conditions=EndpointConditions(ready=ready, serving=ready,
                                                                              terminating=False),
                              hostname=a.hostname, target_ref=a.target_ref, node_name=a.node_name)
                     for ready, group in ((True, subset.addresses), (False, subset.not_ready_addresses))
                     for a in group]
        ports = [EndpointSlicePort(p.name, p.port, p.protocol, p.app_protocol) for p in subset.ports]
        slices.append(EndpointSlice(endpoints=endpoints, ports=ports))
    return slices or [EndpointSlice()]  # no pods: an empty placeholder slice, as Kubernetes keeps


class EndpointSliceController(ServiceController):
    name = "endpointslice-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.slices = self.informer("endpointslices", lambda t, o: None)

    def slices_of(self, namespace: str, name: str) -> list[EndpointSlice]:
        return [s for s in self.slices.list() if isinstance(s, EndpointSlice) and s.namespace == namespace
                and s.metadata.labels.get(SERVICE_NAME_LABEL) == name]

    def sync(self, key: str) -> None:
        namespace, _, name = key.partition("/")
        svc = self.services.get(key)
        if svc is None:  # the Service is gone: so are its slices (the garbage collector would do it too)
            self.reconcile_deleted(namespace, name)
            return
        if not isinstance(svc, Service) or not svc.spec.selector:
            return  # a Service without a selector: its slices are written by hand
        pods = [p for p in self.pods.list() if isinstance(p, Pod) and p.namespace == namespace]
        wanted = desired_slices(svc, pods)
        existing = self.slices_of(namespace, name)
        self.reconcile(svc, wanted, existing)

    def reconcile(self, svc: Service, wanted: list[EndpointSlice], existing: list[EndpointSlice]) -> None:
        """Reuse a slice with the same ports, create the missing ones, delete the rest."""
        unused = list(existing)
        for slice_ in wanted:
            match = next((s for s in unused if s.ports == slice_.ports), None)
            if match is None:
                self.api.create(self.named(svc, slice_))
                continue
            unused.remove(match)
            if match.endpoints != slice_.endpoints:
                new = match.copy()
                new.endpoints = slice_.endpoints
                self.api.update(new)
        for stale in unused:
            try:
                self.api.delete("endpointslices", stale.name, stale.namespace)
            except NotFound:
                pass

    def reconcile_deleted(self, namespace: str, name: str) -> None:
        for stale in self.slices_of(namespace, name):
            try:
                self.api.delete("endpointslices", stale.name, stale.namespace)
            except NotFound:
                pass

    @staticmethod
    def named(svc: Service, slice_: EndpointSlice) -> EndpointSlice:
        slice_.metadata = ObjectMeta(generate_name=f"{svc.name}-", namespace=svc.namespace,
                                     labels={SERVICE_NAME_LABEL: svc.name, MANAGED_BY: CONTROLLER_NAME},
                                     owner_references=[OwnerReference("v1", "Service", svc.name, svc.metadata.uid,
                                                                      controller=True, block_owner_deletion=True)])
        return slice_
