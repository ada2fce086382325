"""The Docker runtime's volumes: host directories bind-mounted into a pod's containers.

Mirrors the kubelet's volume plugins on a real node: an emptyDir, a
configMap or a secret volume is a directory under the pod's folder (files
written there by the kubelet), a hostPath is a directory of the simulated
node's own disk (each node has its own folder, so another node does not
find it), and a claim's volume is the cluster storage's directory, the same
on every node (simulated network storage). The containers see them through
Docker bind mounts (see `DockerRuntime.host_config`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from k8slite.runtime.storage import VolumeSource


class Sandbox(Protocol):
    uid: str
    volume_dirs: dict[str, Path]


class DockerVolumes:
    """Volume methods of DockerRuntime (a mixin: it uses the runtime's root, node name and sandboxes)."""

    root: Path
    node_name: str
    sandboxes: Mapping[str, Sandbox]

    def mount_volume(self, sandbox_id: str, name: str, source: VolumeSource) -> None:
        """A host directory for the volume: the node's (hostPath), the network storage's, or files written here."""
        box = self.sandboxes[sandbox_id]
        if source.kind == "hostPath":
            path = self.host_dir(source.path)
        elif source.kind == "network":
            path = self.root / "storage" / source.handle
        else:
            path = self.root / "pods" / box.uid / "volumes" / name
            for rel, content in source.files.items():
                (path / rel).parent.mkdir(parents=True, exist_ok=True)
                (path / rel).write_text(content)
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o777)
        box.volume_dirs[name] = path

    def volume_usage(self, sandbox_id: str, name: str) -> int:
        path = self.sandboxes[sandbox_id].volume_dirs[name]
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())

    def write_host_file(self, path: str, content: str) -> None:
        target = self.host_dir(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)

    def host_dir(self, path: str) -> Path:
        """Where this simulated node's own disk keeps `path` (every node has its own folder)."""
        return self.root / "nodes" / self.node_name / path.lstrip("/")
