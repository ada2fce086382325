"""OCI bundles: a directory holding `rootfs` and the `config.json` an OCI runtime executes.

Mirrors the OCI runtime specification 1.x (opencontainers/runtime-spec,
config.md and config-linux.md) as containerd writes it for the kubelet's
containers: `process` (args, env, cwd, user), `root`, `hostname`, `mounts`
(/proc, a tmpfs /dev with /dev/pts, /dev/shm and /dev/mqueue, a read-only
/sys and /sys/fs/cgroup), `linux.namespaces` (a kind with a `path` joins that
namespace, one without gets a new one: this is how a pod's containers share
the sandbox's network, IPC and UTS namespaces) and `linux.resources`
(memory limit, CPU shares and CFS quota, pids limit) under
`linux.cgroupsPath`. `runc spec` prints the same shape.

`process.capabilities` is containerd's default set, changed by the container's
securityContext (`capabilities` add and drop, `privileged`: all of them), as
are `process.user` (runAsUser, runAsGroup, fsGroup and supplementalGroups as
`additionalGids`), `root.readonly` (readOnlyRootFilesystem) and
`process.noNewPrivileges` (allowPrivilegeEscalation: false). Simplified: no seccomp
profile, no masked or read-only paths, no user namespace, so a container's root is the host's root with fewer
things in sight; the same file runs under runc, crun and minirunc.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k8slite.runtime.capabilities import DEFAULT

OCI_VERSION = "1.0.2"
PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CFS_PERIOD = 100_000  # microseconds: the kubelet's default cpu.cfs_period_us
MOUNTS: list[dict[str, Any]] = [
    {"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
     "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
     "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
]
NAMESPACES = ("pid", "ipc", "uts", "mount", "network")


@dataclass
class Isolation:
    """What one container gets: its process, the namespaces it joins, its limits."""

    args: list[str]
    hostname: str = ""
    """Set only where the container has a UTS namespace of its own (a sandbox's)."""
    env: list[str] = field(default_factory=list)
    """NAME=value lines; PATH is added first."""
    cwd: str = "/"
    uid: int = 0
    gid: int = 0
    groups: list[int] = field(default_factory=list)
    """Supplementary groups (`additionalGids`), the primary one among them when there are any."""
    readonly_root: bool = False
    no_new_privileges: bool = False
    capabilities: list[str] = field(default_factory=lambda: list(DEFAULT))
    """containerd's default set (runtime/capabilities.py), or what the securityContext makes of it."""
    joins: dict[str, str] = field(default_factory=dict)
    """Namespace kind -> the path to join, e.g. {"network": "/proc/4242/ns/net"}; the rest are new."""
    memory: int | None = None
    """memory.limit in bytes (resources.limits.memory)."""
    cpu_millis: int | None = None
    """CPU limit in millicores: the CFS quota per 100 ms period."""
    cpu_shares: int | None = None
    """From requests.cpu: 1024 per CPU, as the kubelet converts it."""
    pids: int | None = None
    cgroups_path: str = ""
    volumes: list[dict[str, Any]] = field(default_factory=list)
    """OCI bind mounts of the pod's volumes, after the standard mounts."""


def resources(iso: Isolation) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if iso.memory is not None:
        found["memory"] = {"limit": iso.memory}
    cpu: dict[str, Any] = {}
    if iso.cpu_shares is not None:
        cpu["shares"] = iso.cpu_shares
    if iso.cpu_millis is not None:
        cpu.update(quota=iso.cpu_millis * CFS_PERIOD // 1000, period=CFS_PERIOD)
    if cpu:
        found["cpu"] = cpu
    if iso.pids is not None:
        found["pids"] = {"limit": iso.pids}
    return found


def config(iso: Isolation) -> dict[str, Any]:
    """config.json for `iso`, per the OCI runtime spec."""
    spec: dict[str, Any] = {
        "ociVersion": OCI_VERSION,
        "process": {"terminal": False,
                    "user": {"uid": iso.uid, "gid": iso.gid, **({"additionalGids": iso.groups} if iso.groups else {})},
                    "args": iso.args, "env": [PATH, *iso.env], "cwd": iso.cwd,
                    "noNewPrivileges": iso.no_new_privileges,
                    "capabilities": {kind: list(iso.capabilities) for kind in ("bounding", "effective", "permitted")}},
        "root": {"path": "rootfs", "readonly": iso.readonly_root},
        "mounts": [dict(m) for m in MOUNTS] + iso.volumes,
        "linux": {"namespaces": [{"type": kind, **({"path": iso.joins[kind]} if kind in iso.joins else {})}
                                 for kind in NAMESPACES],
                  "resources": resources(iso)},
    }
    if iso.hostname and "uts" not in iso.joins:
        spec["hostname"] = iso.hostname
    if iso.cgroups_path:
        spec["linux"]["cgroupsPath"] = iso.cgroups_path
    return spec


def write_bundle(directory: Path, iso: Isolation) -> Path:
    """Write config.json into `directory` (whose rootfs is mounted already); returns the bundle."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(config(iso), indent=2) + "\n")
    return directory
