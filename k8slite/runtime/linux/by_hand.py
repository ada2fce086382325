"""One container by hand, as chapter 01 makes it: a bundle, an OCI runtime, and a look from both sides.

Mirrors what a shell session with `runc spec`, `runc run` and `/proc` shows: a
`Bench` lays out busybox's rootfs in a bundle (rootfs.py), writes config.json
(bundle.py), runs it under runc, crun or minirunc (oci.py), and while the
process runs, reads it twice: from inside (what the process prints about its
namespaces, pid, hostname, memory limit, mounts and network interfaces) and
from the host (its host pid and the links under /proc/<pid>/ns). `view` keeps
what two runtimes that follow the runtime spec must agree on: not the
namespace numbers, which are new each run, nor the mounts a runtime adds of
its own accord; tests/runtime/linux/test_linux_minirunc.py asks the same of
runc, crun and minirunc.

Root only: `reason` says why a machine cannot (K8SLITE_NEWCOMER=1 plays one
without root, as CI's second leg does). A Bench keeps everything under one
directory, as a cluster does (cleanup.py), so `close`, or the next Bench after
a killed kernel, leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from k8slite.runtime.linux import cgroups
from k8slite.runtime.linux.bundle import Isolation, config
from k8slite.runtime.linux.cleanup import claim, cluster_root, remove_cluster, remove_orphans
from k8slite.runtime.linux.oci import OciRuntime, missing
from k8slite.runtime.linux.rootfs import BUSYBOX, busybox_image, mount_overlay, unmount_overlay

NS_LINKS = {"pid": "pid", "network": "net", "uts": "uts", "ipc": "ipc", "mount": "mnt"}  # kind -> /proc/<pid>/ns
LOOK_LINES = (  # a busybox shell script, one thing it sees per line of output
    "for ns in pid net uts ipc mnt; do echo ns $ns $(readlink /proc/self/ns/$ns); done",
    "echo hostname $(hostname)",
    "echo pid $$",
    "grep CapEff /proc/self/status | sed 's/:\\t*/ /'",
    "echo memory $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)",
    "while read -r source point rest; do echo mount $point; done < /proc/self/mounts",
    "tail -n +3 /proc/net/dev | while read -r name rest; do echo interface ${name%:}; done",
)
LOOK = "; ".join(LOOK_LINES)
DONE = "look done"
CONFIG_MOUNTS = {"/", "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"}


def reason(oci: str = "minirunc") -> str:
    """Why this machine cannot run a container by hand with `oci`, naming the fix; empty when it can."""
    if os.environ.get("K8SLITE_NEWCOMER") == "1":
        return "a newcomer's machine (K8SLITE_NEWCOMER=1) has no root"
    if not os.path.exists("/proc/self/ns/pid"):
        return "this system has no Linux namespaces"
    if os.geteuid() != 0:
        return "creating namespaces, mounts and cgroups needs root (`sudo -E jupyter lab`)"
    if not BUSYBOX.exists():
        return "/bin/busybox is missing: apt-get install -y busybox-static"
    return missing(oci)


def look_isolation(hostname: str = "box", memory: int | None = 48 << 20, **more: Any) -> Isolation:
    """A busybox shell that prints what it sees, then sleeps until it is killed."""
    return Isolation(["sh", "-c", f"{LOOK}; echo {DONE}; exec sleep 600"], hostname=hostname, memory=memory, **more)


def with_namespaces(spec: dict[str, Any], kinds: set[str]) -> dict[str, Any]:
    """`spec` with new namespaces of `kinds` only: the others are the host's (runtime-spec config-linux.md:
    a kind not listed is inherited), and no hostname without a UTS namespace of its own (runc refuses it)."""
    changed = {**spec, "linux": {**spec["linux"], "namespaces": [{"type": k} for k in NS_LINKS if k in kinds]}}
    if "uts" not in kinds:
        changed.pop("hostname", None)
    return changed


def links(pid: int | str) -> dict[str, str]:
    """{"pid": "pid:[4026532...]", ...}: the namespace links of a process, read on the host."""
    return {name: os.readlink(f"/proc/{pid}/ns/{name}") for name in NS_LINKS.values()}


def interfaces() -> list[str]:
    """The network interfaces of this process's network namespace, as /proc/net/dev lists them."""
    with open("/proc/net/dev") as f:
        return sorted(line.split(":")[0].strip() for line in f.readlines()[2:])


@dataclass
class Look:
    """One run of a bundle, seen from inside and from the host."""

    runtime: str
    lines: list[str]
    """What the process printed ("ns net net:[4026532...]", "hostname box", "pid 1", ...)."""
    host_pid: int
    host_links: dict[str, str] = field(default_factory=dict)
    """/proc/<host_pid>/ns/* read on the host."""
    own_links: dict[str, str] = field(default_factory=dict)
    """/proc/self/ns/* of the Python process that looked: the host's namespaces."""
    memory_limit: str = ""
    """The cgroup's memory limit file, read on the host (memory.limit_in_bytes or memory.max)."""

    def seen(self, key: str) -> list[str]:
        return [line.split(" ", 1)[1] for line in self.lines if line.startswith(key + " ")]

    def inside_links(self) -> dict[str, str]:
        return dict(line.split(" ", 1) for line in self.seen("ns"))


def view(look: Look) -> dict[str, Any]:
    """What the process saw, without what differs by design: namespace numbers, the runtime's extra mounts
    (runc mounts every cgroup controller, minirunc binds device files where runc makes nodes)."""
    found: dict[str, Any] = {key: look.seen(key) for key in ("hostname", "pid", "memory", "CapEff", "interface")}
    found["mount"] = sorted(CONFIG_MOUNTS & set(look.seen("mount")))
    found["new namespaces"] = sorted(ns for ns, link in look.inside_links().items() if link != look.own_links[ns])
    return found


def memory_limit(spec: dict[str, Any]) -> str:
    """The memory limit the kernel holds for the container of `spec`, read on the host ("" if none)."""
    path = spec["linux"].get("cgroupsPath", "")
    name = "memory.limit_in_bytes" if cgroups.version() == 1 else "memory.max"
    limit = cgroups.directories(path)[0] / name if path else None
    return limit.read_text().strip() if limit and limit.exists() else ""


class Bench:
    """A directory for bundles, their overlays and the OCI runtimes' state; cgroups under /k8slite/<id>."""

    def __init__(self, name: str = "bench") -> None:
        remove_orphans()  # benches and clusters of dead kernels
        self.id = f"{name}-p{os.getpid()}"
        self.root = cluster_root(self.id)
        claim(self.root)
        self.image = busybox_image(self.root / "images")

    def bundle(self, name: str, iso: Isolation, kinds: set[str] | None = None) -> Path:
        """Mount a fresh rootfs and write config.json for `iso` (new namespaces of `kinds`, default all)."""
        layer = self.root / "bundles" / name
        unmount_overlay(layer)
        shutil.rmtree(layer, ignore_errors=True)
        mount_overlay(self.image, layer, iso.hostname or name)
        iso = replace(iso, cgroups_path=iso.cgroups_path or f"/k8slite/{self.id}/{name}")
        self.write(layer, config(iso) if kinds is None else with_namespaces(config(iso), kinds))
        return layer

    @staticmethod
    def write(layer: Path, spec: dict[str, Any]) -> None:
        (layer / "config.json").write_text(json.dumps(spec, indent=2) + "\n")

    def run(self, oci_name: str, bundle: Path, cid: str, timeout: float = 20.0) -> tuple[int, str]:
        """`run` to the end, attached: (exit code, what the process printed)."""
        oci = OciRuntime(oci_name, self.root / "state" / oci_name)
        log = self.root / "logs" / f"{cid}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "wb") as out:
            code = oci.run(bundle, cid, out).wait(timeout=timeout)
        oci.delete(cid)
        return code, log.read_text()

    def look(self, oci_name: str, bundle: Path, cid: str, timeout: float = 20.0) -> Look:
        """Start a look_isolation bundle, read it from the host while it sleeps, then kill and delete it."""
        oci = OciRuntime(oci_name, self.root / "state" / oci_name)
        log = self.root / "logs" / f"{cid}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "wb") as out:
            process = oci.run(bundle, cid, out)
        try:
            pid = oci.wait_running(cid, process, timeout)
            deadline = time.monotonic() + timeout
            while DONE not in log.read_text():
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{oci_name}: container {cid} did not finish looking: {log.read_text()!r}")
                time.sleep(0.02)
            found = Look(oci_name, log.read_text().splitlines(), pid, links(pid), links("self"),
                         memory_limit(json.loads((bundle / "config.json").read_text())))
        finally:
            oci.kill(cid, "KILL")
            process.wait(timeout=timeout)
            oci.delete(cid)
        return found

    def close(self) -> None:
        remove_cluster(self.root)
