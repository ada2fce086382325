"""Cluster DNS for the linux runtime: CoreDNS's answers over real UDP, behind the kube-dns Service's 10.96.0.10.

Mirrors the three pieces that make `wget http://web` work in a real pod:

- the kubelet writes each container's /etc/resolv.conf (nameserver
  10.96.0.10, the pod's search path, ndots:5) and /etc/hosts, the same
  files network/services.py gives the fake runtime's containers
  (runtime.py writes them into the container's root);
- CoreDNS, which watches Services and EndpointSlices: here the cluster
  process keeps `records.json` (every Service's name to its ClusterIP, a
  headless Service's to its ready endpoints, and each of those endpoints'
  own name: k8slite.network.dns's answers) 0.2 s after a change, and a small server process, dnsd.py,
  answers from it on UDP port 53;
- kube-proxy, which sends 10.96.0.10:53 to CoreDNS: the server runs in the
  lan's network namespace at 172.18.0.1 (the machine that plays the API
  server's 172.18.0.1:6443 too), and the kube-dns Service gets an
  EndpointSlice naming that address, so every node's iptables rules
  (kube_proxy.py) DNAT to it; flannel's masquerade lets the answer find
  its way back.

Simplified: CoreDNS is a process, not a pod of kube-system; UDP only (the
dns-tcp port has no endpoint); A records only; no upstream resolvers (other
names are NXDOMAIN, as in network/dns.py).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from k8slite.api.meta import KubeObject, ObjectMeta
from k8slite.api.service import (
    SERVICE_NAME_LABEL,
    Endpoint,
    EndpointConditions,
    EndpointSlice,
    EndpointSlicePort,
    Service,
)
from k8slite.apiserver import APIServer
from k8slite.errors import AlreadyExists
from k8slite.informer import Informer
from k8slite.network.dns import CLUSTER_DOMAIN, ClusterDNS, endpoint_name
from k8slite.runtime.linux.nodenet import LAN_GATEWAY, NodeNetwork

DNSD = Path(__file__).with_name("dnsd.py")


def kube_dns_slice() -> EndpointSlice:
    """kube-dns's endpoint: the server on the lan, as the EndpointSlice controller would name CoreDNS's pods."""
    return EndpointSlice(metadata=ObjectMeta(name="kube-dns", namespace="kube-system",
                                             labels={SERVICE_NAME_LABEL: "kube-dns"}),
                         endpoints=[Endpoint(addresses=[LAN_GATEWAY], conditions=EndpointConditions(ready=True))],
                         ports=[EndpointSlicePort(name="dns", port=53, protocol="UDP")])


class LinuxClusterDNS:
    """CoreDNS for a cluster on the linux runtime: its records, its server process, its endpoint."""

    def __init__(self, api: APIServer, network: NodeNetwork, root: Path) -> None:
        self.clock, self.dns = api.clock, ClusterDNS(api)
        self.records = root / "dns" / "records.json"  # under the cluster's directory: cleanup.py finds the server
        self.records.parent.mkdir(parents=True, exist_ok=True)
        self.scheduled = False
        self.write()
        log = self.records.with_name("dnsd.log")
        with open(log, "w") as errors:
            self.server = subprocess.Popen(["ip", "netns", "exec", network.lan, sys.executable, str(DNSD),
                                            str(self.records)], stdout=subprocess.PIPE, stderr=errors, text=True)
        assert self.server.stdout is not None
        if self.server.stdout.readline() != "ready\n":
            raise RuntimeError(f"the cluster DNS server did not start: {log.read_text().strip()}")
        saved, api.rng = api.rng, random.Random("k8slite-coredns")  # its uid leaves the cluster's seeded draws be
        try:
            api.create(kube_dns_slice())
        except AlreadyExists:
            pass  # a restarted cluster's store has it already
        finally:
            api.rng = saved
        self.services = Informer(api, "services", self.changed)
        self.slices = Informer(api, "endpointslices", self.changed)

    def changed(self, event_type: str, obj: KubeObject) -> None:
        if not self.scheduled:
            self.scheduled = True
            self.clock.call_later(0.2, self.write)

    def write(self) -> None:
        """Every Service's name and its addresses, replaced at once (the server reads whole files only)."""
        self.scheduled = False
        names = {}
        for svc in self.dns.services.list():
            if isinstance(svc, Service):
                fqdn = f"{svc.name}.{svc.namespace}.svc.{CLUSTER_DOMAIN}"
                endpoints = [f"{endpoint_name(e)}.{fqdn}" for e in self.dns.ready_endpoints(svc.namespace, svc.name)
                             if svc.spec.headless()]  # a headless Service's pods, by hostname or dashed IP
                for name in [fqdn, *endpoints]:
                    found = self.dns.lookup(name)
                    if found:
                        names[name] = found
        staged = self.records.with_suffix(".new")
        staged.write_text(json.dumps(names, sort_keys=True))
        os.replace(staged, self.records)
