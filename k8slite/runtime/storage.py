"""Simulated network storage: the disks that PersistentVolumes stand for.

Mirrors what sits behind a CSI driver or an NFS server: volumes that live
outside every node, reached over the network, so their data outlives pods
and nodes and follows a claim to whichever node its pod lands on. The
provisioner creates a volume here, the deleter removes it, and a node's
runtime mounts it. In the fake runtime a volume is a `Volume` (a directory
tree in memory); with Docker it is a real directory under the cluster's
scratch folder (`root/<handle>`), bind-mounted into containers on any node.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from k8slite.api.pod import Volume as PodVolume
from k8slite.api.quantity import bytes_of
from k8slite.runtime.filesystem import Volume


@dataclass
class VolumeSource:
    """Where one pod volume's data is, as the runtime mounts it."""

    kind: str  # "hostPath" (on the node), "network" (cluster storage) or "files" (configMap, secret, projected)
    path: str = ""
    handle: str = ""
    files: dict[str, str] = field(default_factory=dict)


def memory_backed(volume: PodVolume) -> bool:
    """An emptyDir with `medium: Memory`: a tmpfs, in RAM, shared by the pod's containers."""
    return volume.empty_dir is not None and volume.empty_dir.medium == "Memory"


def tmpfs_size(volume: PodVolume) -> int | None:
    """Bytes a memory-backed emptyDir holds: its sizeLimit, or None (in Kubernetes, the node's memory)."""
    if volume.empty_dir is None or not volume.empty_dir.size_limit:
        return None
    return bytes_of(volume.empty_dir.size_limit)


class NetworkStorage:
    """Volumes by handle (a PersistentVolume's name or CSI volumeHandle)."""

    def __init__(self, root: Path | None = None) -> None:
        self.volumes: dict[str, Volume] = {}
        self.root = root

    def create(self, handle: str) -> None:
        self.volumes.setdefault(handle, Volume())
        if self.root is not None:
            self.path(handle)

    def volume(self, handle: str) -> Volume:
        """The shared directory tree of a volume (made on first use, as an admin's NFS export)."""
        return self.volumes.setdefault(handle, Volume())

    def path(self, handle: str) -> Path:
        """The host directory of a volume (real runtimes)."""
        assert self.root is not None, "network storage has no host directory in the fake runtime"
        path = self.root / handle
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o777)
        return path

    def delete(self, handle: str) -> None:
        """The data is gone for good (reclaimPolicy Delete)."""
        self.volumes.pop(handle, None)
        if self.root is not None:
            shutil.rmtree(self.root / handle, ignore_errors=True)

    def exists(self, handle: str) -> bool:
        return handle in self.volumes or (self.root is not None and (self.root / handle).exists())
