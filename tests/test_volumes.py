"""What survives what: emptyDir, hostPath and claims across container restarts, pod deletion, node failure."""

from storage_builders import claim, messages, pod_with, pvc

from k8slite import Cluster

EMPTY = {"emptyDir": {}}


def two_containers() -> dict:
    pod = pod_with("pair", EMPTY, "echo from-writer > /data/note; sleep 3600")
    pod["spec"]["containers"].append({"name": "reader", "image": "busybox", "command": ["sh", "-c", "sleep 3600"],
                                      "volumeMounts": [{"name": "v", "mountPath": "/shared"}]})
    return pod


def test_emptydir_is_shared_by_the_pods_containers():
    c = Cluster(nodes=1)
    c.apply(two_containers())
    c.run(5)
    assert c.exec("pair", "cat /shared/note", container="reader") == "from-writer\n"
    assert "No such file" in c.exec("pair", "cat /data/note", container="reader")


def memory_pair() -> dict:
    pod = two_containers()
    pod["spec"]["volumes"] = [{"name": "v", "emptyDir": {"medium": "Memory", "sizeLimit": "1Ki"}}]
    return pod


FILL = "i=0; s=x; while [ $i -lt 11 ]; do s=$s$s; i=$((i+1)); done; echo $s > /data/big"  # 2,049 bytes


def test_a_memory_emptydir_is_a_tmpfs_of_its_size_limit_shared_by_the_pods_containers():
    c = Cluster(nodes=1)
    c.apply(memory_pair())
    c.run(5)
    assert c.exec("pair", "cat /shared/note", container="reader") == "from-writer\n"
    assert c.exec("pair", FILL) == "sh: write error: No space left on device\n"
    assert c.exec("pair", "echo small > /data/ok; cat /data/ok") == "small\n"  # what fits still fits
    assert c.get("pod", "pair").status.phase == "Running"  # full, not evicted: the tmpfs refuses the bytes


def test_a_memory_emptydir_without_a_size_limit_takes_what_is_written():
    c = Cluster(nodes=1)
    c.apply(pod_with("p", {"emptyDir": {"medium": "Memory"}}))
    c.run(5)
    assert c.exec("p", FILL + "; wc -c < /data/big").split()[-1] == "2049"


def test_emptydir_survives_a_container_restart_but_the_container_filesystem_does_not():
    c = Cluster(nodes=1)
    c.apply(pod_with("p", EMPTY, "sleep 3600"))
    c.run(5)
    c.exec("p", "echo in-volume > /data/a; echo in-container > /tmp/b")
    c.pod("p").kill()
    c.run(15)
    assert c.get("pod", "p").status.container_statuses[0].restart_count == 1
    assert c.exec("p", "cat /data/a") == "in-volume\n"
    assert "No such file" in c.exec("p", "cat /tmp/b")


def test_emptydir_is_gone_with_the_pod():
    c = Cluster(nodes=1)
    c.apply(pod_with("p", EMPTY))
    c.run(5)
    c.exec("p", "echo x > /data/a")
    c.delete("pod", "p")
    c.run(40)
    c.apply(pod_with("p", EMPTY))
    c.run(5)
    assert "No such file" in c.exec("p", "cat /data/a")


def test_hostpath_lives_on_one_node():
    c = Cluster(nodes=2)
    host = {"hostPath": {"path": "/var/demo"}}
    c.apply(pod_with("a", host, "echo on-node-1 > /data/f; sleep 3600", node="node-1"))
    c.run(5)
    c.delete("pod", "a")
    c.run(40)
    c.apply([pod_with("b", host, node="node-2"), pod_with("c", host, node="node-1")])
    c.run(5)
    assert "No such file" in c.exec("b", "cat /data/f")
    assert c.exec("c", "cat /data/f") == "on-node-1\n"


def test_claim_data_follows_the_pod_to_another_node_after_a_node_failure():
    c = Cluster(nodes=3)
    c.apply([pvc("data"), pod_with("db", claim("data"), "echo precious > /data/f; sleep 3600")])
    c.run(10)
    first = c.get("pod", "db").spec.node_name
    volume = c.get("pvc", "data").spec.volume_name
    c.node(first).fail()
    c.run(60)
    c.delete("pods", "db", grace_period=0)  # kubectl delete pod db --force --grace-period=0
    other = next(n for n in ("node-1", "node-2", "node-3") if n != first)
    c.apply(pod_with("db", claim("data"), "sleep 3600", node=other))
    c.run(60)
    assert messages(c, "FailedAttachVolume") == [
        f'Multi-Attach error for volume "{volume}" Volume is already exclusively attached to one node '
        "and can't be attached to another"]
    assert c.get("pod", "db").status.container_statuses[0].state.waiting.reason == "ContainerCreating"
    c.run(360)  # maxWaitForUnmountDuration: 6 minutes, then the volume is detached from the dead node
    assert c.get("pod", "db").status.phase == "Running"
    assert c.exec("db", "cat /data/f") == "precious\n"


def test_readwriteonce_is_one_node_not_one_pod():
    c = Cluster(nodes=2)
    c.apply([pvc("shared"), pod_with("one", claim("shared"), node="node-1")])
    c.run(10)
    c.apply([pod_with("same-node", claim("shared"), node="node-1"),
             pod_with("other-node", claim("shared"), node="node-2")])
    c.run(10)
    assert c.get("pod", "same-node").status.phase == "Running"
    volume = c.get("pvc", "shared").spec.volume_name
    assert messages(c, "FailedAttachVolume", "other-node") == [
        f'Multi-Attach error for volume "{volume}" Volume is already used by pod(s) one, same-node']
    assert c.get("pod", "other-node").status.phase == "Pending"


def test_readwriteoncepod_is_one_pod():
    c = Cluster(nodes=2)
    c.apply([pvc("solo", modes=("ReadWriteOncePod",)), pod_with("one", claim("solo"))])
    c.run(10)
    c.apply(pod_with("two", claim("solo")))
    c.run(5)
    assert c.get("pod", "two").spec.node_name == ""
    assert messages(c, "FailedScheduling", "two")[0] == (
        "0/2 nodes are available: node has pod using PersistentVolumeClaim with the same name and "
        "ReadWriteOncePod access mode. preemption: 0/2 nodes are available: 2 No preemption victims found "
        "for incoming pod.")


def test_a_deployment_on_a_claim_sees_the_same_data_from_every_pod_on_the_node():
    c = Cluster(nodes=1)
    c.apply(pvc("logs"))
    c.apply(pod_with("w1", claim("logs"), "echo 1 >> /data/log; sleep 3600"))
    c.run(10)
    c.apply(pod_with("w2", claim("logs"), "echo 2 >> /data/log; sleep 3600"))
    c.run(10)
    assert c.exec("w2", "cat /data/log") == "1\n2\n"


def test_an_emptydir_over_its_size_limit_gets_the_pod_evicted():
    c = Cluster(nodes=1)
    c.apply(pod_with("hog", {"emptyDir": {"sizeLimit": "16"}},
                     "while true; do echo 0123456789 >> /data/junk; sleep 1; done"))
    c.run(30)
    pod = c.get("pod", "hog")
    message = 'Usage of EmptyDir volume "v" exceeds the limit "16". '
    assert (pod.status.phase, pod.status.reason, pod.status.message) == ("Failed", "Evicted", message)
    assert messages(c, "Evicted", "hog") == [message]
    assert "Evicted" in c.kubectl("get pods")


def test_a_subpath_shows_one_folder_of_a_volume_made_if_missing():
    c = Cluster(nodes=1)
    pod = pod_with("p", {"emptyDir": {}}, "mkdir -p /data/logs; sleep 3600")
    pod["spec"]["containers"].append({"name": "writer", "image": "busybox", "command": ["sh", "-c", "sleep 3600"],
                                      "volumeMounts": [{"name": "v", "mountPath": "/logs", "subPath": "logs"}]})
    c.apply(pod)
    c.run(5)
    c.exec("p", "echo line > /logs/app.log", container="writer")
    assert c.exec("p", "cat /data/logs/app.log", container="app") == "line\n"
    assert c.exec("p", "ls /logs", container="writer") == "app.log\n"
