"""The processes a container sees: its PID namespace, as `ps` lists it.

A container is a PID namespace of its own: its first process is PID 1 there, whatever the node calls it, and
it sees nothing of its neighbours. With the pod's `shareProcessNamespace: true` the pod's containers share
one namespace, whose PID 1 is the pause container's `/pause`, and each sees the others' processes.

The fake runtime keeps a counter per namespace: PID 1 for the first process, then one more for each
process started in it (a shared namespace's containers, each `kubectl exec`). Simplified: only the
containers' first processes and the `ps` itself are listed (a script's own children, and the shells of
other `kubectl exec` sessions, are not), and every process has used 0:00 of CPU time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from k8slite.runtime.users import ProcessUser

SHELLS = ("sh", "/bin/sh", "bash", "/bin/bash")
SIMPLE = re.compile(r"[^;&|<>()`$\n]+")


@dataclass(frozen=True, slots=True)
class ProcessEntry:
    pid: int
    user: ProcessUser
    command: str


def shown_command(argv: list[str]) -> str:
    """The command line `ps` shows for a container's first process. `sh -c "sleep 3600"` shows `sleep 3600`:
    a shell given one simple command runs it in its own place (exec), as busybox ash and bash do."""
    if len(argv) == 3 and argv[0] in SHELLS and argv[1] == "-c" and SIMPLE.fullmatch(argv[2].strip()):
        return argv[2].strip()
    return " ".join(argv)
