"""k8slite.machines on etcd: the control plane process stopped and started again under running kubelets.

Like test_etcd_serve.py, this module writes the session etcd's keys that
have no prefix (/registry/, /k8slite/), and clears them first.
"""

from __future__ import annotations

from pathlib import Path

from builders import deployment_yaml

from k8slite.etcd_client import EtcdClient
from k8slite.machines import Machines
from k8slite.remote import RemoteCluster


def running(r: RemoteCluster) -> list[str]:
    return sorted(p.name for p in r.get("pods")
                  if p.status.phase == "Running" and p.metadata.deletion_timestamp is None)


def test_machines_on_etcd_restart_their_control_plane_and_carry_on(etcd_url: str, tmp_path: Path) -> None:
    etcd = EtcdClient(etcd_url)
    for prefix in ("/registry/", "/k8slite/"):  # a cluster of its own, even if another test served one
        etcd.delete_range(prefix)
    with Machines(["node-1"], heartbeat=1, etcd=etcd_url, directory=tmp_path) as m:
        with RemoteCluster(m.admin, machines=m) as r:
            r.apply(deployment_yaml("web", 2))
            r.run_until(lambda r: len(running(r)) == 2, timeout=60)
            uid, before = r.get("deployment", "web").metadata.uid, running(r)
        kubelet = m.kubelets["node-1"]
        m.restart_control_plane()
        assert m.commands[-1] == m.commands[0]  # the same command line, port and all
        assert m.kubelets["node-1"] is kubelet and kubelet.poll() is None  # the kubelet kept running
        with RemoteCluster(m.admin, machines=m) as r:  # the admin's kubeconfig from before still works
            assert r.get("deployment", "web").metadata.uid == uid and running(r) == before  # kept in etcd
            r.apply(deployment_yaml("web", 3))
            r.run_until(lambda r: len(running(r)) == 3, timeout=60)  # the kubelet runs a pod made after it
