"""Driving an OCI runtime through its command line: runc, crun or minirunc, all alike.

Mirrors containerd's runc shim (containerd/go-runc): the shim never touches
namespaces itself, it runs the OCI runtime's verbs against a bundle and a
state directory (`--root`): `run` (create + start, attached, so the shim is
the parent that learns the exit code), `state`, `kill`, `exec`, `delete`.
Since all three runtimes take the same verbs and the same config.json,
swapping one for another is one word.

Simplified: `run --keep` in the foreground instead of create/start with a
shim reaping the detached process (so the cgroup, with its OOM counter,
outlives the exit until `delete`; crun has no --keep, so with crun an
unexplained SIGKILL of a memory-limited container counts as the OOM kill); the container's stdout and stderr go
straight to its log file, without the CRI log format's time stamps.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

RUNTIMES = ("runc", "crun", "minirunc")
PACKAGE = Path(__file__).resolve().parents[2]
# `python -m k8slite.runtime.linux.minirunc`, minus the import of the whole k8slite package (half a second
# per verb, and the shim calls many): an empty stand-in for k8slite, then the module itself.
MINIRUNC = ("import runpy, sys, types; k8slite = types.ModuleType('k8slite'); "
            f"k8slite.__path__ = [{str(PACKAGE)!r}]; sys.modules['k8slite'] = k8slite; "
            "runpy.run_module('k8slite.runtime.linux.minirunc', run_name='__main__', alter_sys=True)")


class OciRuntime:
    """One OCI runtime binary with its state directory."""

    def __init__(self, name: str, state_dir: Path) -> None:
        if name not in RUNTIMES:
            raise ValueError(f'unknown OCI runtime "{name}": use one of {", ".join(RUNTIMES)}')
        self.name, self.state_dir = name, state_dir
        self.keeps = name != "crun"  # crun's run has no --keep: its cgroup goes with the exit
        state_dir.mkdir(parents=True, exist_ok=True)

    @property
    def argv(self) -> list[str]:
        if self.name == "minirunc":
            return [sys.executable, "-c", MINIRUNC, "--root", str(self.state_dir)]
        return [self.name, "--root", str(self.state_dir)]

    def call(self, *args: str, timeout: float = 10.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.argv, *args], capture_output=True, text=True, timeout=timeout, check=False)

    def run(self, bundle: Path, cid: str, log: IO[bytes]) -> subprocess.Popen[bytes]:
        """`run --keep`, attached: its exit status is the container's (128 + signal when killed)."""
        keep = ["--keep"] if self.keeps else []
        return subprocess.Popen([*self.argv, "run", *keep, "--bundle", str(bundle), cid],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # a ^C in the notebook is not the container's

    def state(self, cid: str) -> dict[str, Any] | None:
        done = self.call("state", cid)
        return json.loads(done.stdout) if done.returncode == 0 else None

    def wait_running(self, cid: str, process: subprocess.Popen[bytes], timeout: float = 10.0) -> int:
        """The host pid of the container's init once it runs; RuntimeError if it exits or hangs first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            found = self.state(cid)
            if found and found.get("status") == "running" and found.get("pid"):
                return int(found["pid"])
            time.sleep(0.02)
        raise RuntimeError(f"{self.name} did not start container {cid} (exit status {process.poll()})")

    def kill(self, cid: str, sig: str, all_processes: bool = False) -> None:
        self.call("kill", *(["--all"] if all_processes else []), cid, sig)

    def exec(self, cid: str, command: list[str], timeout: float, stdin: str | None = None) -> tuple[int, str]:
        """`runc exec`: the process gets `stdin` (or nothing: never the caller's own stdin)."""
        given: dict[str, Any] = {"input": stdin.encode()} if stdin is not None else {"stdin": subprocess.DEVNULL}
        try:
            done = subprocess.run([*self.argv, "exec", cid, *command], capture_output=True, timeout=timeout,
                                  check=False, **given)
        except subprocess.TimeoutExpired:
            return 137, f"command timed out after {timeout:g}s\n"
        return done.returncode, (done.stdout + done.stderr).decode(errors="replace")

    def delete(self, cid: str) -> None:
        self.call("delete", "--force", cid)

    def containers(self) -> list[str]:
        """Ids of every container in the state directory (runc, crun and minirunc keep one folder each)."""
        return sorted(p.name for p in self.state_dir.iterdir() if p.is_dir()) if self.state_dir.exists() else []


def missing(name: str) -> str:
    """Why `name` cannot be used here (empty when it can), naming the fix."""
    if name != "minirunc" and shutil.which(name) is None:
        return f"{name} is not installed: apt-get install -y {name}"
    unified = Path("/sys/fs/cgroup/unified/cgroup.controllers")  # a hybrid host: v1 plus a v2 tree
    if name == "crun" and unified.exists() and unified.read_text().strip():
        fix = "; ".join(f"mkdir -p /sys/fs/cgroup/{c} && mount -t cgroup -o {c} cgroup /sys/fs/cgroup/{c}"
                        for c in unified.read_text().split())
        return (f"crun refuses a hybrid cgroup host whose v2 tree has controllers ({unified.read_text().strip()}): "
                f"bind them to v1 ({fix}), or use runc or minirunc")
    return ""
