"""A simulated node's own disk, for the runtimes whose volumes are real directories (Docker, Linux).

Each node of a cluster has its own folder under the cluster's root, so a hostPath written on one
node is not found on another, as on separate machines. Mixed into the runtimes' volume classes.
"""

from __future__ import annotations

from pathlib import Path


def directory_bytes(path: Path) -> int:
    """Bytes in the files under a directory (what the kubelet's volume usage counts)."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


class NodeDisk:
    root: Path
    node_name: str

    def host_dir(self, path: str) -> Path:
        """Where this simulated node's own disk keeps `path` (every node has its own folder)."""
        return self.root / "nodes" / self.node_name / path.lstrip("/")

    def write_host_file(self, path: str, content: str) -> None:
        target = self.host_dir(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
