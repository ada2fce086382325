"""A simulated node's own disk, for the runtimes whose volumes are real directories (Docker, Linux).

Each node of a cluster has its own folder under the cluster's root, so a hostPath written on one
node is not found on another, as on separate machines. Mixed into the runtimes' volume classes.

A pod's emptyDir is a folder anyone may write (0777, as the kubelet's emptyDir plugin makes it); with
the pod's fsGroup it belongs to that group and keeps it for what is made inside (setgid: drwxrwsrwx,
as the kubelet's SetVolumeOwnership leaves it). Simplified: only emptyDirs get the fsGroup (a real
kubelet also gives it configMap, secret, projected and most persistent volumes).
"""

from __future__ import annotations

import os
from pathlib import Path

from k8slite.api.pod import Pod


def directory_bytes(path: Path) -> int:
    """Bytes in the files under a directory (what the kubelet's volume usage counts)."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


class NodeDisk:
    root: Path
    node_name: str

    def make_volume_dirs(self, pod: Pod, pod_dir: Path) -> dict[str, Path]:
        """Every volume of the pod gets its directory before any container starts (emptyDirs stay empty)."""
        fs_group = pod.spec.security_context.fs_group if pod.spec.security_context else None
        dirs = {}
        for volume in pod.spec.volumes:
            path = (self.host_dir(volume.host_path.path) if volume.host_path is not None
                    else pod_dir / "volumes" / volume.name)
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(0o777)
            if fs_group is not None and volume.empty_dir is not None:
                os.chown(path, -1, fs_group)
                path.chmod(0o2777)
            dirs[volume.name] = path
        return dirs

    def host_dir(self, path: str) -> Path:
        """Where this simulated node's own disk keeps `path` (every node has its own folder)."""
        return self.root / "nodes" / self.node_name / path.lstrip("/")

    def write_host_file(self, path: str, content: str) -> None:
        target = self.host_dir(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
