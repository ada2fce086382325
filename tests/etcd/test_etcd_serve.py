"""`python -m k8slite.server --etcd URL`, stopped with SIGTERM and served again: the real kubectl sees one cluster.

This test owns the keys of the session's etcd that have no prefix (/registry/,
/k8slite/): `serve` writes there, as kube-apiserver does with its default
--etcd-prefix; test_etcd_serve_credentials.py uses them after it, and clears them
first too. The other tests keep theirs under prefixes of their own.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from k8slite.etcd_client import EtcdClient

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl is not installed")

MANIFEST = """
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {color: blue}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "busybox:1.35", command: [sleep, "3600"]}]}
"""


def start_serve(etcd_url: str, config: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-m", "k8slite.server", "--etcd", etcd_url, "--nodes", "2",
                                "--speed", "5", "--kubeconfig", str(config)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().startswith("k8slite API server at https://127.0.0.1:")
    assert process.stdout.readline() == f"export KUBECONFIG={config}\n"
    return process


def stop_serve(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0


def test_serve_on_etcd_stopped_and_started_again_loses_nothing(etcd_url: str, tmp_path: Path):
    etcd = EtcdClient(etcd_url)
    for prefix in ("/registry/", "/k8slite/"):  # a cluster of its own, even if the test ran before
        etcd.delete_range(prefix)
    config, manifest = tmp_path / "kubeconfig", tmp_path / "web.yaml"
    manifest.write_text(MANIFEST)
    env = dict(os.environ, HOME=str(tmp_path), TZ="UTC")

    def kubectl(*args: str) -> str:
        done = subprocess.run([str(KUBECTL), "--kubeconfig", str(config), *args], env=env, capture_output=True,
                              text=True, timeout=90)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    identity = ["get", "deployment/web", "configmap/settings", "-o",
                "jsonpath={range .items[*]}{.kind} {.metadata.uid} {.metadata.resourceVersion}{'\\n'}{end}"]
    process = start_serve(etcd_url, config)
    try:
        kubectl("apply", "-f", str(manifest))
        kubectl("rollout", "status", "deployment/web", "--timeout=60s")
        kubectl("set", "image", "deployment/web", "web=busybox:1.36")  # a rollout the restart interrupts
        before = kubectl(*identity).splitlines()
        _, configmap_rv = etcd.range("/registry/configmaps/default/settings")
        assert configmap_rv[0].mod_revision == int(before[1].split()[2])  # resourceVersions are etcd's
    finally:
        stop_serve(process)
    process = start_serve(etcd_url, config)
    try:
        after = kubectl(*identity).splitlines()
        assert after[0].split()[:2] == before[0].split()[:2]  # the same Deployment (its status moves on)
        assert after[1] == before[1]  # the ConfigMap: same uid, same resourceVersion
        kubectl("rollout", "status", "deployment/web", "--timeout=60s")
        pods = kubectl("get", "pods", "-l", "app=web", "-o", "jsonpath={range .items[*]}"
                       "{.spec.containers[0].image} {.metadata.deletionTimestamp}{'\\n'}{end}").splitlines()
        assert [line.split() for line in pods if len(line.split()) == 1] == [["busybox:1.36"]] * 3  # not deleted
    finally:
        stop_serve(process)
