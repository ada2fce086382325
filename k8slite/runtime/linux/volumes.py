"""The Linux runtime's volumes: host directories that each container's config.json bind-mounts.

Mirrors the kubelet's volume plugins with containerd: an emptyDir, configMap,
secret or projected volume is a directory under the pod's folder
(/var/lib/kubelet/pods/<uid>/volumes on a node), a hostPath is a directory of
the simulated node's own disk, a claim's volume is the cluster storage's
directory; each volumeMount becomes an OCI mount of type "bind" with
`rbind` and `ro` or `rw` in its options, which runc and minirunc mount before
pivot_root.

Simplified: an emptyDir with `medium: Memory` is a directory like the others
(not a tmpfs), and a subPath is a folder of the volume (made if missing).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from k8slite.api.pod import Container, Pod
from k8slite.runtime.docker_volumes import write_files
from k8slite.runtime.node_disk import NodeDisk, directory_bytes
from k8slite.runtime.storage import VolumeSource


class LinuxVolumes(NodeDisk):
    """Mixed into LinuxRuntime: the pod folders and their volume directories."""

    root: Path
    node_name: str
    pod_dirs: dict[str, Path]  # sandbox id -> the pod's folder
    volume_dirs: dict[str, dict[str, Path]]  # sandbox id -> volume name -> its directory

    def pod_dir(self, pod: Pod) -> Path:
        return self.root / "pods" / f"{pod.namespace}_{pod.name}_{pod.metadata.uid}"

    def make_volumes(self, sandbox_id: str, pod: Pod) -> None:
        """Every volume of the pod gets its directory before any container starts (emptyDirs stay empty)."""
        self.pod_dirs[sandbox_id] = self.pod_dir(pod)
        self.volume_dirs[sandbox_id] = self.make_volume_dirs(pod, self.pod_dir(pod))

    def mount_volume(self, sandbox_id: str, name: str, source: VolumeSource) -> None:
        """A host directory for the volume: the node's (hostPath), the network storage's, or files written here."""
        if source.kind == "hostPath":
            path = self.host_dir(source.path)
        elif source.kind == "network":
            path = self.root / "storage" / source.handle
        else:
            path = self.pod_dirs[sandbox_id] / "volumes" / name
            write_files(path, source.files)
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o777)
        self.volume_dirs[sandbox_id][name] = path

    def volume_usage(self, sandbox_id: str, name: str) -> int:
        path = self.volume_dirs[sandbox_id][name]
        return directory_bytes(path)


    def bind_mounts(self, sandbox_id: str, container: Container) -> list[dict[str, Any]]:
        """The container's volumeMounts as OCI mounts."""
        mounts = []
        for mount in container.volume_mounts:
            source = self.volume_dirs[sandbox_id][mount.name]
            if mount.sub_path.strip("/"):
                source = source / mount.sub_path.strip("/")
                source.mkdir(parents=True, exist_ok=True)
            mounts.append({"destination": mount.mount_path, "type": "bind", "source": str(source),
                           "options": ["rbind", "ro" if mount.read_only else "rw"]})
        return mounts

    def forget_volumes(self, sandbox_id: str) -> None:
        self.volume_dirs.pop(sandbox_id, None)
        pod_dir = self.pod_dirs.pop(sandbox_id, None)
        if pod_dir is not None:
            shutil.rmtree(pod_dir, ignore_errors=True)
