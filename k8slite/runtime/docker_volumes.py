"""The Docker runtime's volumes: host directories bind-mounted into a pod's containers.

Mirrors the kubelet's volume plugins on a real node: an emptyDir, a
configMap or a secret volume is a directory under the pod's folder (files
written there by the kubelet), a hostPath is a directory of the simulated
node's own disk (each node has its own folder, so another node does not
find it), and a claim's volume is the cluster storage's directory, the same
on every node (simulated network storage). An emptyDir with `medium: Memory`
is a Docker volume on tmpfs, in RAM, sized by its sizeLimit. The containers see them through
Docker bind mounts (see `DockerRuntime.host_config`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from k8slite.api.pod import Pod, VolumeMount
from k8slite.runtime.node_disk import NodeDisk, directory_bytes
from k8slite.runtime.storage import VolumeSource, memory_backed, tmpfs_size


class Sandbox(Protocol):
    uid: str
    volume_dirs: dict[str, Path]
    memory_volumes: dict[str, str]


def bind_source(box: Sandbox, name: str) -> str:
    """What Docker binds for a pod volume: a tmpfs volume's name, or a host directory."""
    return box.memory_volumes.get(name) or str(box.volume_dirs[name])


def bind_spec(box: Sandbox, mount: VolumeMount) -> str:
    """`source:target:rw` for one volumeMount; a `subPath` binds that folder (made if missing) or file of the
    volume (a file bound alone keeps its inode: a ConfigMap update, which replaces the file, never reaches it,
    as in Kubernetes). Simplified: a tmpfs (medium: Memory) volume is bound whole."""
    source = bind_source(box, mount.name)
    sub_path = mount.sub_path.strip("/")
    if sub_path and mount.name not in box.memory_volumes:
        path = Path(source) / sub_path
        if not path.exists():
            path.mkdir(parents=True)
            path.chmod(0o777)
        source = str(path)
    return f"{source}:{mount.mount_path}:{'ro' if mount.read_only else 'rw'}"


class DockerVolumes(NodeDisk):
    """Volume methods of DockerRuntime (a mixin: it uses the runtime's root, node name and sandboxes)."""

    root: Path
    node_name: str
    cluster_id: str
    client: Any
    sandboxes: Mapping[str, Sandbox]

    def labels(self, pod: Pod, role: str, container: str = "") -> dict[str, str]:
        raise NotImplementedError  # DockerRuntime's

    def memory_volumes(self, pod: Pod) -> dict[str, str]:
        """A Docker volume on tmpfs (RAM) for each emptyDir with medium Memory, sized by its sizeLimit.

        One volume, not Docker's per-container `tmpfs` option, so that the pod's containers share it."""
        names = {}
        for volume in pod.spec.volumes:
            if memory_backed(volume):
                size = tmpfs_size(volume)
                options = {"type": "tmpfs", "device": "tmpfs", **({"o": f"size={size}"} if size else {})}
                created = self.client.api.create_volume(
                    name=f"k8slite-{self.cluster_id}-{pod.metadata.uid[:8]}-{volume.name}", driver="local",
                    driver_opts=options, labels=self.labels(pod, "volume", volume.name))
                names[volume.name] = str(created["Name"])
        return names

    def remove_memory_volumes(self, names: Iterable[str]) -> None:
        import docker.errors

        for name in names:
            try:
                self.client.api.remove_volume(name, force=True)
            except docker.errors.NotFound:
                pass

    def mount_volume(self, sandbox_id: str, name: str, source: VolumeSource) -> None:
        """A host directory for the volume: the node's (hostPath), the network storage's, or files written here."""
        box = self.sandboxes[sandbox_id]
        if source.kind == "hostPath":
            path = self.host_dir(source.path)
        elif source.kind == "network":
            path = self.root / "storage" / source.handle
        else:
            path = self.root / "pods" / box.uid / "volumes" / name
            write_files(path, source.files)
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o777)
        box.volume_dirs[name] = path

    def volume_usage(self, sandbox_id: str, name: str) -> int:
        """Bytes in a volume's directory (a tmpfs volume enforces its own size: writes fail when full)."""
        if name in self.sandboxes[sandbox_id].memory_volumes:
            return 0
        path = self.sandboxes[sandbox_id].volume_dirs[name]
        return directory_bytes(path)



def write_files(folder: Path, files: dict[str, str]) -> None:
    """A configMap or secret volume's files, each replaced whole (write, then rename); files of keys that
    are gone are removed, so a running container sees the object's new contents."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in [f for f in folder.rglob("*") if f.is_file() and str(f.relative_to(folder)) not in files]:
        old.unlink()
    for rel, content in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(f".{target.name}.new")
        staged.write_text(content)
        staged.chmod(0o644)
        os.replace(staged, target)
