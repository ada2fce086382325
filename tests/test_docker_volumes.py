"""Volumes as real bind mounts on the Docker runtime (marker `docker`): the same lifetimes as the fake runtime."""


import subprocess

import pytest
from storage_builders import claim, pod_with, pvc

from k8slite import Cluster

pytestmark = pytest.mark.docker

CONFIG = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"greeting": "hello"}}
SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "sec"}, "stringData": {"password": "s3cret"}}


@pytest.fixture
def c(docker_cluster: Cluster) -> Cluster:
    return docker_cluster


def running(name):
    return lambda c: c.get("pod", name).status.phase == "Running"


def test_claim_data_follows_the_claim_to_another_node(c):
    c.apply([pvc("data"), pod_with("first", claim("data"), "echo kept > /data/f; sleep 3600", node="node-1")])
    c.run_until(running("first"), timeout=60)
    c.run(1)
    c.delete("pod", "first")
    c.run_until(lambda c: c.get("pods") == [], timeout=60)
    c.apply(pod_with("second", claim("data"), node="node-2"))
    c.run_until(running("second"), timeout=60)
    assert c.exec("second", "cat /data/f") == "kept\n"
    handle = c.get("pvc", "data").spec.volume_name
    assert (c.storage.root / handle / "f").read_text() == "kept\n"  # a real directory on the host


def test_a_memory_emptydir_is_a_real_tmpfs_shared_by_the_containers_and_removed_with_the_pod(c):
    pod = pod_with("ram", {"emptyDir": {"medium": "Memory", "sizeLimit": "1Ki"}}, "echo hi > /data/f; sleep 3600")
    pod["spec"]["containers"].append({"name": "reader", "image": "busybox", "command": ["sleep", "3600"],
                                      "volumeMounts": [{"name": "v", "mountPath": "/shared"}]})
    c.apply(pod)
    c.run_until(lambda c: c.ready("pod/ram"), timeout=60)
    c.run(1)
    assert c.exec("ram", "cat /shared/f", container="reader") == "hi\n"
    assert "tmpfs on /shared type tmpfs" in c.exec("ram", "mount", container="reader")
    fill = "i=0; s=x; while [ $i -lt 13 ]; do s=$s$s; i=$((i+1)); done; echo $s > /shared/big"  # 8 KiB > a page
    assert "No space left on device" in c.exec("ram", fill, container="reader")
    volumes = ["docker", "volume", "ls", "-q", "--filter", f"label=k8slite.cluster={c.engine.cluster_id}"]
    assert len(subprocess.run(volumes, capture_output=True, text=True, check=True).stdout.split()) == 1
    c.delete("pod", "ram")
    c.run_until(lambda c: c.get("pods") == [], timeout=60)
    assert subprocess.run(volumes, capture_output=True, text=True, check=True).stdout.split() == []


def test_hostpath_is_per_node_and_configmap_secret_files_are_written(c):
    host = {"hostPath": {"path": "/var/demo"}}
    env = [{"name": "PW", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "password"}}}]
    c.apply([CONFIG, SECRET, pod_with("a", host, "echo one > /data/f; sleep 3600", node="node-1"),
             pod_with("b", host, node="node-2"),
             pod_with("cm", {"configMap": {"name": "cfg"}}, mount="/etc/cfg", extra={"env": env})])
    for name in ("a", "b", "cm"):
        c.run_until(running(name), timeout=60)
    c.run(1)
    assert c.exec("a", "cat /data/f") == "one\n"
    assert "No such file" in c.exec("b", "cat /data/f 2>&1")
    assert c.exec("cm", "cat /etc/cfg/greeting") == "hello"
    assert c.exec("cm", "echo $PW") == "s3cret\n"


def test_a_changed_configmap_is_rewritten_in_the_running_container_but_not_in_a_subpath_file(c):
    pod = pod_with("cm", {"configMap": {"name": "cfg"}}, mount="/etc/cfg")
    pod["spec"]["containers"][0]["volumeMounts"].append({"name": "v", "mountPath": "/etc/app.conf",
                                                        "subPath": "greeting"})
    c.apply([{**CONFIG, "data": {"greeting": "hello", "color": "blue"}}, pod])
    c.run_until(running("cm"), timeout=60)
    assert c.exec("cm", "cat /etc/app.conf") == "hello"
    c.apply({**CONFIG, "data": {"greeting": "bonjour"}})
    c.run_until(lambda c: c.exec("cm", "cat /etc/cfg/greeting") == "bonjour", timeout=90)
    assert c.exec("cm", "ls /etc/cfg") == "greeting\n"
    assert c.exec("cm", "cat /etc/app.conf") == "hello"  # the bound file keeps its inode
