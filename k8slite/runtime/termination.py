"""The termination-message file of a container on a real runtime (Docker, Linux).

Mirrors the kubelet's makeMounts (kuberuntime_container.go): for each container it makes an empty file in
the pod's folder, `containers/<name>/<n>`, writable by any user, and has the runtime bind it at the
container's terminationMessagePath (`/dev/termination-log` unless the pod says otherwise). Whatever the
container writes there outlives it; once it has exited, the kubelet reads the last 4,096 bytes
(MaxContainerTerminationMessageLength) into the terminated state's message (kubelet/status.py). A new
container, as after a restart, gets a new file.
"""

from __future__ import annotations

import itertools
from pathlib import Path

MAX_MESSAGE_BYTES = 4096
_serial = itertools.count(1)


def message_file(pod_dir: Path, container: str) -> Path:
    """A new, empty file for one container, as the kubelet makes it before the container is created."""
    folder = pod_dir / "containers" / container
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{next(_serial):08x}"
    path.write_bytes(b"")
    path.chmod(0o666)
    return path


def read_message(path: Path | None) -> str | None:
    """The file's last 4,096 bytes as text; None if there is no file."""
    if path is None or not path.is_file():
        return None
    return last_bytes(path.read_bytes(), MAX_MESSAGE_BYTES)


def last_bytes(data: bytes, limit: int) -> str:
    """The last `limit` bytes as text (tail.ReadAtMost; a character cut in two is replaced)."""
    return data[-limit:].decode(errors="replace")
