"""Leaving nothing behind: every process, mount, namespace and cgroup of a cluster, found from one directory.

Mirrors what `ctr`/`crictl rm` and a node's reboot do for containerd, and
the kubelet's cleanup of orphaned pods: a cluster keeps all its state under
one directory named after it (`cluster_root`), holding the OCI runtime's
state, the bundles with their overlay mounts and the logs, and its cgroups
under /k8slite/<cluster id>. Removing a cluster is: `delete --force` every
container the OCI runtime knows (it kills the cgroup's processes and removes
the cgroup), unmount whatever is still mounted below the directory, remove
the cgroup directories that are left, delete the directory, delete the
named network namespaces of its nodes and its lan (nodenet.py), which take
their devices (veths, bridges, flannel.1) and iptables rules along.
Processes outside containers name the directory on their command line (the
OCI runtimes' `run`, the cluster DNS server with its records file) and are
ended by that. Other namespaces need no step of their own: the kernel frees
one when its last process and its last mount are gone. A cluster's directory names the Python process that
made it (`owner`), so the next cluster removes those whose process died
(a killed notebook kernel), as the Docker runtime does with its labels.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

from k8slite.runtime.linux import cgroups
from k8slite.runtime.linux.nodenet import namespaces_of, remove_namespaces
from k8slite.runtime.linux.oci import RUNTIMES, OciRuntime, missing
from k8slite.runtime.linux.syscalls import umount

BASE = Path(tempfile.gettempdir()) / "k8slite-linux"


def cluster_root(cluster_id: str) -> Path:
    return BASE / cluster_id


def claim(root: Path) -> None:
    """Mark `root` as this process's cluster."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "owner").write_text(f"{os.getpid()}\n")


def mounts_under(root: Path) -> list[str]:
    """Mount points below `root`, as /proc/self/mounts lists them (oldest first)."""
    prefix = str(root) + "/"
    with open("/proc/self/mounts") as f:
        points = [line.split()[1].replace("\\040", " ") for line in f]
    return [p for p in points if p.startswith(prefix)]


def cgroup_dirs(cluster_id: str) -> list[Path]:
    """The cluster's cgroup directories in every hierarchy of the host (v1 controllers and v2)."""
    found = [h / "k8slite" / cluster_id for h in cgroups.ROOT.iterdir() if h.is_dir()]
    found.append(cgroups.ROOT / "k8slite" / cluster_id)
    return [d for d in found if d.is_dir()]


def cgroup_members(cluster_id: str) -> list[int]:
    """Every process in the cluster's cgroups, in any hierarchy."""
    found = []
    for directory in cgroup_dirs(cluster_id):
        for sub, _, _ in os.walk(directory):
            try:
                found += [int(pid) for pid in (Path(sub) / "cgroup.procs").read_text().split()]
            except OSError:
                continue  # removed meanwhile
    return found


def processes_of(root: Path) -> list[int]:
    """Pids whose command line names `root` (the OCI runtime's `run` processes and their inits)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(root) in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def leftovers(root: Path) -> list[str]:
    """What a cluster left on this machine: empty once it is cleaned up."""
    return ([f"mount {m}" for m in mounts_under(root)] + [f"cgroup {d}" for d in cgroup_dirs(root.name)]
            + [f"process {p} in a cgroup" for p in cgroup_members(root.name)]
            + [f"process {p}" for p in processes_of(root)] + ([f"directory {root}"] if root.exists() else [])
            + [f"network namespace {n}" for n in namespaces_of(f"k8slite-{root.name}")])


def remove_cluster(root: Path) -> None:
    """Remove everything of the cluster whose directory is `root`."""
    for name in RUNTIMES:  # each OCI runtime keeps its own state folder: root/state/<runtime>
        if (root / "state" / name).is_dir() and not missing(name):
            oci = OciRuntime(name, root / "state" / name)
            for cid in oci.containers():
                oci.delete(cid)
    end_processes(root)
    remove_namespaces(f"k8slite-{root.name}")  # the nodes' and the lan's network namespaces (nodenet.py)
    for point in reversed(mounts_under(root)):
        try:
            umount(point)
        except OSError:
            pass  # went with its parent
    for directory in cgroup_dirs(root.name):
        for sub in [*sorted((w[0] for w in os.walk(directory)), key=len, reverse=True), str(directory.parent)]:
            try:
                os.rmdir(sub)  # the shared /k8slite parent goes too once no other cluster is in it
            except OSError:
                pass
    shutil.rmtree(root, ignore_errors=True)


def end_processes(root: Path) -> None:
    """SIGKILL what is left: the OCI runtimes' `run` processes (a `run` killed while it was still creating its
    container never ran `delete`), then every process in the cluster's cgroups, until none is left."""
    for _ in range(100):
        pids = processes_of(root) + cgroup_members(root.name)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.05)


def remove_orphans() -> list[str]:
    """Remove the clusters whose Python process is gone; their ids."""
    gone = []
    for root in sorted(BASE.iterdir()) if BASE.exists() else []:
        owner = (root / "owner").read_text().strip() if (root / "owner").exists() else "0"
        if owner == "0" or not Path(f"/proc/{owner}").exists():
            remove_cluster(root)
            gone.append(root.name)
    return gone
