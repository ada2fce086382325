"""A cluster of processes: `k8slite serve` as the control plane and one `k8slite kubelet` per machine.

Mirrors how a real cluster is laid out (kubeadm's, say): the control plane
is one program, each node runs its own kubelet, and they share nothing but
the network: the kubelets reach the API server over HTTPS, each with its own
credential. Here every "machine" is a process on this computer, started
with the two commands a learner could type in a terminal:

    k8slite serve --nodes 0 --kubeconfig admin.kubeconfig --kubelet node-1 ...
    k8slite kubelet --kubeconfig node-1.kubeconfig --node node-1

    >>> m = Machines(["node-1", "node-2", "node-3"], grace=10, heartbeat=2)
    >>> m.api.list("nodes")             # the control plane, through k8slite.client
    >>> m.kill("node-2")                # SIGKILL: the machine is gone, without a word
    >>> m.start_kubelet("node-2")       # it comes back
    >>> m.close()

`grace` is the control plane's --node-monitor-grace-period and `heartbeat`
the kubelets' --node-status-update-frequency (50 s and 10 s by default),
so that a failure shows in seconds; `runtime="docker"` runs the pods as
Docker containers. With `etcd="http://127.0.0.1:2379"` the control plane
keeps the cluster in that etcd and its certificate and tokens in `pki/`, on
a port of its own, so that it can be stopped and started again
(`m.restart_control_plane()`) as a kubeadm control plane restarts: the
kubelets, kubectl and `m.api` carry on with the credentials they have, and
the cluster with what etcd kept. The processes end with this one (on
Linux they get SIGTERM when it dies, even by SIGKILL), and their output is
in `logs/`. Time is the wall clock: what happens depends on how fast this
computer is, so nothing here is deterministic.
"""

from __future__ import annotations

import ctypes
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from k8slite.client import Credentials, RemoteAPI
from k8slite.clock import RealClock
from k8slite.errors import ApiError

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the process that started it ends (Linux's prctl)."""
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: close() still stops them


def wait_until(condition: Callable[[], Any], timeout: float = 60, what: str = "the cluster") -> Any:
    """Poll `condition` until it returns something true (which is returned); TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise TimeoutError(f"{what}: not done after {timeout:g} s")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Machines:
    """A control plane process and a kubelet process per node; `api` talks to it as the admin."""

    def __init__(self, nodes: list[str], grace: float | None = None, heartbeat: float | None = None,
                 directory: str | Path | None = None, runtime: str = "fake", etcd: str | None = None) -> None:
        self.nodes, self.heartbeat, self.runtime = list(nodes), heartbeat, runtime
        self.directory = Path(directory or tempfile.mkdtemp(prefix="k8slite-machines-"))
        self.owns_directory = directory is None
        (self.directory / "logs").mkdir(parents=True, exist_ok=True)
        self.admin = self.directory / "admin.kubeconfig"
        self.commands: list[str] = []
        """The command lines started, as one would type them."""
        grace_flag = ["--node-monitor-grace-period", f"{grace:g}"] if grace is not None else []
        self.kubelets: dict[str, subprocess.Popen[bytes]] = {}
        self.api: RemoteAPI | None = None
        self.serve_args = ["serve", "--nodes", "0", "--kubeconfig", str(self.admin), *grace_flag,
                           *[arg for node in self.nodes for arg in ("--kubelet", node)]]
        if etcd:  # restartable: the objects in etcd, the credentials in pki/, the same port each time
            self.serve_args += ["--etcd", etcd, "--cert-dir", str(self.directory / "pki"), "--port", str(free_port())]
        self.control_plane = self.start(*self.serve_args)
        try:
            wait_until(lambda: all(self.kubeconfig(node).exists() for node in self.nodes), what="k8slite serve")
            for node in self.nodes:
                self.start_kubelet(node)
            self.api = RemoteAPI(Credentials.from_kubeconfig(str(self.admin)), RealClock())
            wait_until(lambda: len(self.admin_api.list("nodes")) == len(self.nodes), what="the kubelets to register")
        except BaseException:
            self.close()
            raise

    @property
    def admin_api(self) -> RemoteAPI:
        assert self.api is not None, "the machines are closed"
        return self.api

    def kubeconfig(self, node: str) -> Path:
        return self.directory / f"{node}.kubeconfig"

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """`k8slite <args>` as a process of its own."""
        self.commands.append(" ".join(["k8slite", *args]).replace(str(self.directory) + "/", ""))
        log = open(self.directory / "logs" / f"{len(self.commands):02d}-{args[0]}.log", "wb")
        return subprocess.Popen([sys.executable, "-m", "k8slite.cli", *args], stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=die_with_parent)

    def start_kubelet(self, node: str) -> subprocess.Popen[bytes]:
        """The node's kubelet starts (again): it finds its Node registered and carries on."""
        beat = ["--node-status-update-frequency", f"{self.heartbeat:g}"] if self.heartbeat else []
        runtime = ["--runtime", self.runtime] if self.runtime != "fake" else []
        process = self.start("kubelet", "--kubeconfig", str(self.kubeconfig(node)), "--node", node, *beat, *runtime)
        self.kubelets[node] = process
        return process

    def restart_control_plane(self) -> None:
        """Stop `k8slite serve` (SIGTERM) and start it again with the same command line; wait until it answers."""
        if "--etcd" not in self.serve_args:
            raise ValueError("a control plane without etcd keeps its cluster in memory: it cannot restart; "
                             "make the machines with Machines(..., etcd=URL)")
        self.control_plane.terminate()
        self.control_plane.wait(timeout=20)
        self.control_plane = self.start(*self.serve_args)
        wait_until(self.answers, what="k8slite serve to come back")

    def answers(self) -> bool:
        """Does the API server answer the admin's request?"""
        try:
            self.admin_api.list("namespaces")
        except ApiError:
            return False
        return True

    def kill(self, node: str) -> None:
        """The machine goes down at once: SIGKILL to its kubelet (its pods die with it)."""
        self.kubelets[node].kill()
        self.kubelets[node].wait()

    def close(self) -> None:
        """Stop every process (SIGTERM, then SIGKILL after 10 s) and remove the directory this made."""
        if self.api is not None:
            self.api.close()
        processes = [*self.kubelets.values(), self.control_plane]
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Machines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
