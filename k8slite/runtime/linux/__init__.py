"""Containers from scratch: a runtime on Linux namespaces, cgroups and overlayfs, behind the same kubelet.

Mirrors a real node's stack, one module per layer: `bundle` writes the OCI
runtime spec's config.json; `rootfs` lays out the image and mounts each
container's overlay (containerd's snapshotter); `oci` drives an OCI runtime's
command line (containerd's shim) with runc, crun or `minirunc`, the small
runtime in Python that does the system calls itself (`syscalls`, `cgroups`,
`minirunc_init`); `runtime` is the CRI side the kubelet calls, with
`volumes` and `probes`; `nodenet` makes each node a network namespace with a
bridge, `flannel` routes it to the other nodes (host-gw or VXLAN) and
masquerades what its pods send outside, `kube_proxy` writes a Service's
iptables rules in each, and `coredns` with its server `dnsd` answers the
cluster's names on 10.96.0.10; `host` holds one cluster's clock, network and
runtimes; `cleanup` leaves the machine as it was.

It needs root (namespaces, mounts and cgroups are the kernel's, and creating
them is a privilege): elsewhere `LinuxHost` raises LinuxUnavailable with the
fix, as the Docker runtime does without an engine.
"""

from __future__ import annotations

import os
import shutil

from k8slite.runtime.docker_engine import RuntimeUnavailable
from k8slite.runtime.linux.oci import missing

HOW_TO_FIX = ('run the notebook as root (`sudo -E jupyter lab`, or a container started with --privileged), '
              'or use Cluster(runtime="fake")')


class LinuxUnavailable(RuntimeUnavailable):
    """This machine cannot run the Linux runtime; the message says what to do."""


def unavailable_reason(oci: str = "runc") -> str:
    """Why the Linux runtime cannot run here, naming the fix; empty when it can."""
    if not os.path.exists("/proc/self/ns/net"):
        return "the Linux runtime needs Linux namespaces, which this system lacks; use Cluster(runtime=\"fake\")"
    if os.geteuid() != 0:
        return f"the Linux runtime needs root to create namespaces, mounts and cgroups: {HOW_TO_FIX}"
    for tool, package in (("/bin/busybox", "busybox-static"), ("ip", "iproute2"), ("nsenter", "util-linux"),
                          ("iptables", "iptables")):
        if shutil.which(tool) is None:
            return f"{tool} is missing: apt-get install -y {package}"
    return missing(oci)
