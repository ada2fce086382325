"""kubectl get -w --request-timeout: the table, then a row per change while the cluster runs (watch.py).

The real kubectl printed, for a Deployment scaled from 1 to 2 (against a served cluster):
    NAME                   READY   STATUS    RESTARTS   AGE
    web-6ddc76c45d-z8lw5   1/1     Running   0          10s
    web-6ddc76c45d-wbd69   0/1     Pending   0          0s
    web-6ddc76c45d-wbd69   0/1     ContainerCreating   0          0s
    web-6ddc76c45d-wbd69   1/1     Running             0          1s
one row per change, no header again, and columns that only grow.
"""

from __future__ import annotations

from k8slite import Cluster
from k8slite.kubectl.watch import Lines


def test_a_watch_prints_a_row_per_change_with_columns_that_only_grow() -> None:
    c = Cluster(nodes=1)
    c.kubectl("create deployment web --image=nginx")
    c.run(10)
    c.kubectl("set image deploy/web nginx=nginx:1.16.1")
    lines = c.kubectl("get pods -w --request-timeout=60s").splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert not [line for line in lines[1:] if line.startswith("NAME")]  # the header once
    new = [line.split() for line in lines if line.startswith("web-5cd69797f9-")]
    assert [row[2] for row in new][:2] == ["ContainerCreating", "Running"] and new[0][4] == "0s"
    old = [line.split() for line in lines[1:] if line.startswith("web-6ddc76c45d-")]
    assert [row[2] for row in old] == ["Running", "Terminating", "Terminating"]  # listed, deleting, deleted


def test_columns_only_grow_as_kubectl_prints_them() -> None:
    lines = Lines()
    lines.add([["NAME", "READY", "STATUS", "AGE"], ["web-a", "1/1", "Running", "10s"]])
    lines.add([["web-b", "0/1", "Pending", "0s"]])
    lines.add([["web-b", "0/1", "ContainerCreating", "0s"]])
    lines.add([["web-b", "1/1", "Running", "1s"]])
    assert "".join(lines.text) == (
        "NAME    READY   STATUS    AGE\n"
        "web-a   1/1     Running   10s\n"
        "web-b   0/1     Pending   0s\n"
        "web-b   0/1     ContainerCreating   0s\n"
        "web-b   1/1     Running             1s\n")  # the real kubectl's rows, as in the docstring


def test_watch_events_and_a_single_kind() -> None:
    c = Cluster(nodes=1)
    c.kubectl("create deployment web --image=nginx")
    c.run(10)
    c.kubectl("scale deploy web --replicas=2")
    out = c.kubectl("get deploy -w --request-timeout=10s --output-watch-events").splitlines()
    assert out[0].split() == ["EVENT", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert out[1].split()[:3] == ["ADDED", "web", "1/2"] and out[-1].split()[:3] == ["MODIFIED", "web", "2/2"]
    assert c.kubectl("get pods,deploy -w --request-timeout=2s") == \
        "error: you may only specify a single resource type\n"
    before = c.now
    c.kubectl("get pods -w --request-timeout=1m")
    assert c.now == before + 60  # the watch ran the cluster for its timeout
