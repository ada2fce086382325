"""The Services every cluster starts with: `kubernetes` and `kube-dns`.

Mirrors the API server's bootstrap controller (pkg/controlplane, which
creates the `kubernetes` Service in `default` at 10.96.0.1, port 443, with
Endpoints naming the API server itself) and the `kube-dns` Service that
kubeadm installs in `kube-system` at 10.96.0.10 in front of CoreDNS.
Simplified: k8slite's API server and DNS are not pods, so kube-dns has no
selector and no endpoints (DNS is answered by network/dns.py directly), and
the API server's address, 172.18.0.1:6443, is where no node is. These
objects draw their uids from their own rng, so adding them changes none of
the names and uids the cluster's seeded rng gives everything else.
"""

from __future__ import annotations

import random

from k8slite.api.meta import ObjectMeta
from k8slite.api.service import (
    SERVICE_NAME_LABEL,
    Endpoint,
    EndpointAddress,
    EndpointConditions,
    EndpointPort,
    Endpoints,
    EndpointSlice,
    EndpointSlicePort,
    EndpointSubset,
    Service,
    ServicePort,
    ServiceSpec,
)
from k8slite.apiserver import APIServer
from k8slite.network.clusterip import DNS_SERVICE_IP, KUBERNETES_SERVICE_IP

API_SERVER_ADDRESS = "172.18.0.1"


def default_services() -> list[Service | Endpoints | EndpointSlice]:
    kubernetes = Service(metadata=ObjectMeta(name="kubernetes", namespace="default",
                                             labels={"component": "apiserver", "provider": "kubernetes"}),
                         spec=ServiceSpec(cluster_ip=KUBERNETES_SERVICE_IP,
                                          ports=[ServicePort(name="https", port=443, target_port=6443)]))
    endpoints = Endpoints(metadata=ObjectMeta(name="kubernetes", namespace="default",
                                              labels={"endpointslice.kubernetes.io/skip-mirror": "true"}),
                          subsets=[EndpointSubset(addresses=[EndpointAddress(ip=API_SERVER_ADDRESS)],
                                                  ports=[EndpointPort(name="https", port=6443)])])
    api_slice = EndpointSlice(metadata=ObjectMeta(name="kubernetes", namespace="default",
                                                  labels={SERVICE_NAME_LABEL: "kubernetes"}),
                              endpoints=[Endpoint(addresses=[API_SERVER_ADDRESS],
                                                  conditions=EndpointConditions(ready=True))],
                              ports=[EndpointSlicePort(name="https", port=6443)])
    dns = Service(metadata=ObjectMeta(name="kube-dns", namespace="kube-system",
                                      labels={"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                              "kubernetes.io/name": "CoreDNS"}),
                  spec=ServiceSpec(cluster_ip=DNS_SERVICE_IP,
                                   ports=[ServicePort(name="dns", port=53, protocol="UDP", target_port=53),
                                          ServicePort(name="dns-tcp", port=53, target_port=53),
                                          ServicePort(name="metrics", port=9153, target_port=9153)]))
    return [kubernetes, endpoints, api_slice, dns]


def create_default_services(api: APIServer) -> None:
    """Create them with uids from a separate rng (the bootstrap controller is its own process)."""
    saved, api.rng = api.rng, random.Random("k8slite-bootstrap")
    try:
        for obj in default_services():
            api.create(obj)
    finally:
        api.rng = saved
