"""`docker exec` with standard input: what the CRI's Exec stream does for `kubectl exec -i`.

ExecSync (an exec probe, `kubectl exec` without -i) needs no input: the
engine runs the command and hands back its output. With input, the exec is
created with `stdin=True` and started on a *hijacked* connection: the HTTP
connection to the engine becomes a raw stream, the input is written to it,
its write side is shut (the process reads end-of-file, as from a closed
pipe), and the process's output comes back in the engine's multiplexed
frames (an 8-byte header: stream 1 or 2, then the length), read here as
one text with stdout and stderr together. Simplified: all the input is
written before any output is read, so a command that writes more than the
socket buffers before it has read its input would wait forever (the engine's
own timeout ends it).
"""

from __future__ import annotations

import socket
from typing import Any


def exec_with_stdin(api: Any, container_id: str, command: list[str], stdin: str) -> tuple[int, str]:
    """Run `command` in a running container with `stdin` as its input: (exit code, output)."""
    from docker.utils.socket import frames_iter  # docker is imported only when a Docker runtime is used
    exec_id = api.exec_create(container_id, command, stdin=True)["Id"]
    stream = api.exec_start(exec_id, socket=True)
    raw: socket.socket = getattr(stream, "_sock", stream)  # docker-py hands back a SocketIO around the socket
    try:
        raw.sendall(stdin.encode())
        raw.shutdown(socket.SHUT_WR)
        output = b"".join(data for _, data in frames_iter(stream, tty=False))
    finally:
        stream.close()
    code = api.exec_inspect(exec_id).get("ExitCode") or 0
    return int(code), output.decode(errors="replace")
