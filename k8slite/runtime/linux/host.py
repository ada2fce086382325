"""One cluster on this machine's kernel: its clock, its directory, its nodes' network, a LinuxRuntime per node.

Mirrors the Docker engine's part of k8slite.runtime.engine for
`Cluster(runtime="linux")`: it checks the machine first (root, the OCI
runtime installed), removes what clusters of dead processes left, makes the
network the nodes' namespaces hang on (nodenet.py), and closes everything
at exit.
"""

from __future__ import annotations

import atexit
import itertools
import os

from k8slite.clock import RealClock
from k8slite.runtime import registry
from k8slite.runtime.linux import LinuxUnavailable, unavailable_reason
from k8slite.runtime.linux.cleanup import claim, cluster_root, remove_cluster, remove_orphans
from k8slite.runtime.linux.nodenet import NodeNetwork
from k8slite.runtime.linux.runtime import LinuxRuntime

_serial = itertools.count(1)


class LinuxHost:
    """The clock and the per-node runtimes of one cluster; `oci` is "runc", "crun" or "minirunc", `network`
    flannel's backend between the nodes, "host-gw" or "vxlan".

    Shaped like RuntimeEngine (name, clock, client, runtime_for, close), so a Cluster can hold either."""

    name = "linux"
    client = None  # no engine to talk to: the kernel is the engine

    def __init__(self, oci: str = "runc", clock: RealClock | None = None, network: str = "host-gw") -> None:
        problem = unavailable_reason(oci)
        if problem:
            raise LinuxUnavailable(problem)
        remove_orphans()
        self.oci = oci
        self.clock = clock or RealClock()
        self.registry = registry.DEFAULT  # its nodes run busybox only (rootfs.py); the public images answer pulls
        self.cluster_id = f"p{os.getpid()}n{next(_serial)}"
        self.root = cluster_root(self.cluster_id)
        claim(self.root)
        self.network = NodeNetwork(self.cluster_id, network)  # nodes as network namespaces (nodenet.py)
        self.runtimes: list[LinuxRuntime] = []
        self.closed = False
        atexit.register(self.close)

    def runtime_for(self, node_name: str, network: object = None) -> LinuxRuntime:
        """A node's runtime. Of `network`, the fake runtime's, only its Services are used: the files the
        kubelet writes for cluster DNS (/etc/resolv.conf, /etc/hosts); pods here have a network of their own."""
        services = getattr(network, "services", None)
        runtime = LinuxRuntime(self.clock, node_name, self.cluster_id, self.root, self.oci, self.network,
                               pod_files=services.pod_files if services is not None else None)
        self.runtimes.append(runtime)
        return runtime

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for runtime in self.runtimes:
            runtime.close()
        remove_cluster(self.root)
        atexit.unregister(self.close)
