"""`k8slite serve --etcd URL --cert-dir DIR` restarted under a kubelet process: nobody needs a new kubeconfig.

The control plane (`--nodes 0 --kubelet node-1`) and one `k8slite kubelet`
are processes of their own, as in tests/server/test_kubelet_process.py. The
control plane is stopped (SIGTERM) and started again with the same
arguments, the same port among them: kubectl's kubeconfig from before the
restart still works, the kubelet renews its Lease and runs a pod created
after it. Like test_etcd_serve.py, this module writes the session etcd's keys
that have no prefix (/registry/, /k8slite/), and clears them first.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from builders import free_port

from k8slite.etcd_client import EtcdClient
from k8slite.machines import die_with_parent, wait_until

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl is not installed")
HEARTBEAT = 1  # the kubelet's --node-status-update-frequency, seconds

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""


@dataclass
class ControlPlane:
    """The serve process's command line and where it keeps things; `process` is the one running."""

    directory: Path
    command: list[str]
    process: subprocess.Popen[str] | None = None

    @property
    def pki(self) -> Path:
        return self.directory / "pki"

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, text=True, preexec_fn=die_with_parent)
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        assert first.startswith("k8slite API server at https://127.0.0.1:"), first
        assert self.process.stdout.readline() == f"export KUBECONFIG={self.directory / 'admin.kubeconfig'}\n"
        assert self.process.stdout.readline().startswith("k8slite kubelet --kubeconfig ")

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=20) == 0


@pytest.fixture(scope="module")
def cluster(etcd_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlPlane]:
    """A control plane on etcd with its credentials in pki/, and node-1's kubelet process."""
    etcd = EtcdClient(etcd_url)
    for prefix in ("/registry/", "/k8slite/"):  # a cluster of its own, even if another test served one
        etcd.delete_range(prefix)
    directory = tmp_path_factory.mktemp("restart")
    plane = ControlPlane(directory, [
        sys.executable, "-m", "k8slite.cli", "serve", "--etcd", etcd_url, "--cert-dir", str(directory / "pki"),
        "--port", str(free_port()), "--nodes", "0", "--kubelet", "node-1",
        "--kubeconfig", str(directory / "admin.kubeconfig")])
    plane.start()
    with open(directory / "kubelet.log", "wb") as log:
        kubelet = subprocess.Popen([sys.executable, "-m", "k8slite.cli", "kubelet", "--kubeconfig",
                                    str(directory / "node-1.kubeconfig"), "--node", "node-1",
                                    "--node-status-update-frequency", str(HEARTBEAT)],
                                   stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
    try:
        yield plane
    finally:
        kubelet.terminate()
        kubelet.wait(timeout=20)
        if plane.process is not None and plane.process.poll() is None:
            plane.stop()


def kubectl(kubeconfig: Path, *args: str) -> str:
    """The real kubectl's output; a refusal (401, a certificate it no longer trusts) fails the test."""
    env = dict(os.environ, HOME=str(kubeconfig.parent), TZ="UTC")
    done = subprocess.run([str(KUBECTL), "--kubeconfig", str(kubeconfig), *args], capture_output=True, text=True,
                          env=env, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def get(kubeconfig: Path, *args: str) -> Any:
    return json.loads(kubectl(kubeconfig, "get", *args, "-o", "json"))


def running(kubeconfig: Path, *args: str) -> list[str]:
    """The names of the Running pods that `kubectl get pods ARGS` lists, on node-1."""
    items = get(kubeconfig, "pods", *args)["items"]
    return sorted(p["metadata"]["name"] for p in items
                  if p["status"].get("phase") == "Running" and p["spec"].get("nodeName") == "node-1")


def renewed(kubeconfig: Path) -> str:
    return str(get(kubeconfig, "lease", "node-1", "-n", "kube-node-lease")["spec"]["renewTime"])


def test_a_restarted_serve_keeps_its_certificate_and_tokens(cluster: ControlPlane) -> None:
    before = cluster.directory / "before.kubeconfig"  # the admin's kubeconfig as the first server wrote it
    shutil.copy(cluster.directory / "admin.kubeconfig", before)
    node_config = (cluster.directory / "node-1.kubeconfig").read_text()
    (cluster.directory / "web.yaml").write_text(WEB)
    kubectl(before, "apply", "-f", str(cluster.directory / "web.yaml"))
    wait_until(lambda: len(running(before, "-l", "app=web")) == 2, 60, "web's two pods Running on node-1")
    cluster.stop()
    cluster.start()
    assert [ln.split(",")[1] for ln in (cluster.pki / "tokens.csv").read_text().splitlines()] == [
        "kubernetes-admin", "system:node:node-1"]  # read again, not made again: no new token for node-1
    assert (cluster.directory / "node-1.kubeconfig").read_text() == node_config
    assert {p.name: p.stat().st_mode & 0o777 for p in (cluster.pki / "apiserver.key", cluster.pki / "tokens.csv")} \
        == {"apiserver.key": 0o600, "tokens.csv": 0o600}
    assert kubectl(before, "get", "deployment", "web", "-o", "name") == "deployment.apps/web\n"
    first = renewed(before)  # perhaps still the last renewal before the restart
    wait_until(lambda: renewed(before) > first, 30, "node-1's Lease renewed after the restart")
    kubectl(before, "run", "after", "--image=busybox", "--", "sleep", "3600")
    assert wait_until(lambda: running(before, "-l", "run=after"), 30, "the pod made after the restart") == ["after"]
