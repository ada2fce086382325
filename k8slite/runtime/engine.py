"""Choosing a runtime: the fake one on a virtual clock, or Docker (or Linux itself) on the real one.

Mirrors the kubelet's --container-runtime-endpoint: every kubelet of a
cluster talks to one kind of runtime. "fake" simulates containers on a
VirtualClock (deterministic, instant); "docker" runs real containers on the
local engine, so time is real too. For Docker this also cleans up after
clusters whose Python process died, and makes the busybox image if the
engine does not have it. "linux" runs containers as OCI bundles on the host's
namespaces and cgroups, with runc (runtime/linux/host.py, root needed).
"""

from __future__ import annotations

import atexit
import itertools
import os
import time
from typing import Any

from k8slite.clock import RealClock, VirtualClock
from k8slite.runtime.cri import ContainerRuntime
from k8slite.runtime.fake import FakeNetwork, FakeRuntime
from k8slite.runtime.registry import Registry

RUNTIMES = ("fake", "docker", "linux")
_serial = itertools.count(1)


def make_engine(name: str) -> Any:
    """The engine a cluster's kubelets use: RuntimeEngine for fake and docker, LinuxHost for linux."""
    if name == "linux":
        from k8slite.runtime.linux.host import LinuxHost
        return LinuxHost()
    return RuntimeEngine(name)


class RuntimeEngine:
    """The clock and the per-node runtimes of one cluster."""

    def __init__(self, name: str) -> None:
        if name not in RUNTIMES or name == "linux":
            raise ValueError(f'unknown runtime "{name}": use one of {", ".join(RUNTIMES)}')
        self.name = name
        self.client: Any = None
        self.runtimes: list[Any] = []
        self.registry = Registry()  # the cluster's registries: what its nodes pull from
        if name == "fake":
            self.clock: VirtualClock = VirtualClock()
            return
        from k8slite.runtime.busybox import ensure_busybox
        from k8slite.runtime.docker_engine import cluster_root, connect, remove_orphans

        self.client = connect()
        remove_orphans(self.client)
        ensure_busybox(self.client)
        self.clock = RealClock()
        self.wall_origin = time.time()
        self.cluster_id = f"p{os.getpid()}n{next(_serial)}"
        self.root = cluster_root(self.cluster_id)
        atexit.register(self.close)

    def runtime_for(self, node_name: str, network: FakeNetwork) -> ContainerRuntime:
        runtime: ContainerRuntime
        if self.name == "fake":
            runtime = FakeRuntime(self.clock, network, node_name, self.registry)
        else:
            from k8slite.runtime.docker import DockerRuntime

            assert isinstance(self.clock, RealClock)
            runtime = DockerRuntime(self.clock, self.client, node_name, self.cluster_id, self.root,
                                    self.wall_origin, self.registry)
        self.runtimes.append(runtime)
        return runtime

    def close(self) -> None:
        if self.client is not None:
            from k8slite.runtime.docker_engine import remove_cluster

            for runtime in self.runtimes:
                runtime.down = True
                runtime.workers.shutdown(wait=True, cancel_futures=True)  # no start races the removal
            remove_cluster(self.client, self.cluster_id)
