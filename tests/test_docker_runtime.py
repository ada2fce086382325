"""Real containers: the same kubelet on the Docker engine (marker `docker`)."""

import socket
import subprocess

import pytest
from builders import engine_containers, make_pod

from k8slite import Cluster
from k8slite.runtime.docker import RuntimeUnavailable

pytestmark = pytest.mark.docker

SHARED_POD = """
apiVersion: v1
kind: Pod
metadata: {name: shared}
spec:
  nodeName: node-1
  volumes: [{name: data, emptyDir: {}}]
  containers:
  - name: web
    image: busybox
    command: [sh, -c, "echo served > /www/index.html; httpd -f -p 8080 -h /www"]
    volumeMounts: [{name: data, mountPath: /www}]
  - name: sidecar
    image: busybox
    command: [sh, -c, "echo ipc > /dev/shm/note; sleep 3600"]
    volumeMounts: [{name: data, mountPath: /data}]
"""


@pytest.fixture
def c(docker_cluster: Cluster) -> Cluster:
    return docker_cluster


def test_containers_of_a_pod_share_network_ipc_uts_and_volumes(c):
    c.apply(SHARED_POD)
    c.run_until(lambda c: c.ready("pod/shared"), timeout=30)
    c.run(1)
    assert c.exec("shared", "hostname", container="web") == "shared\n"
    assert c.exec("shared", "hostname", container="sidecar") == "shared\n"
    assert c.exec("shared", "wget -qO- http://localhost:8080/", container="sidecar") == "served\n"
    assert c.exec("shared", "cat /dev/shm/note", container="web") == "ipc\n"
    assert c.exec("shared", "cat /data/index.html", container="sidecar") == "served\n"
    assert c.exec_code("shared", ["sh", "-c", "cat; exit 2"], container="web", stdin="typed\n") == (2, "typed\n")
    ip = c.get("pod", "shared").status.pod_ip
    assert c.exec("shared", "ip -4 addr show eth0", container="sidecar").count(ip) == 1


def test_pods_reach_each_other_by_ip_across_nodes(c):
    c.apply(SHARED_POD)
    client = make_pod("client")
    client.spec.node_name = "node-2"
    c.apply(client)
    c.run_until(lambda c: c.ready("pod/shared") and c.ready("pod/client"), timeout=30)
    ip = c.get("pod", "shared").status.pod_ip
    assert c.exec("client", f"wget -qO- http://{ip}:8080/") == "served\n"


def test_crash_loop_is_the_kubelets_not_dockers(c):
    c.apply(make_pod("crash", command="echo boom; echo bad config > /dev/termination-log; exit 3"))
    quiet = make_pod("quiet", command="echo first; echo last >&2; exit 1", restart_policy="Never")
    quiet.spec.containers[0].termination_message_policy = "FallbackToLogsOnError"
    c.apply(quiet)
    c.run_until(lambda c: c.get("pod", "crash").status.container_statuses
                and c.get("pod", "crash").status.container_statuses[0].restart_count >= 2, timeout=40)
    status = c.get("pod", "crash").status.container_statuses[0]
    assert status.last_state.terminated.exit_code == 3
    assert status.last_state.terminated.message == "bad config\n"  # the file the kubelet bound in
    assert c.logs("crash", previous=True) == "boom\n"
    assert "BackOff" in [e.reason for e in c.events()]
    ended = c.get("pod", "quiet").status.container_statuses[0].state.terminated
    assert ended.message in ("first\nlast\n", "last\nfirst\n")  # the log's tail (two streams: either order)


def test_failed_node_stops_its_containers(c):
    pod = make_pod("victim")
    pod.spec.node_name = "node-1"
    c.apply(pod)
    c.run_until(lambda c: c.ready("pod/victim"), timeout=30)
    c.node("node-1").fail()
    c.run(2)
    assert engine_containers(c.engine.cluster_id, "k8slite.node=node-1", running=True) == []


def test_missing_image_is_err_image_pull_then_back_off(c):
    pod = make_pod("nope", image="localhost:5999/k8slite/does-not-exist:1")  # refused on loopback
    c.apply(pod)
    c.run(12)
    reasons = [e.reason for e in c.events() if e.involved_object.name == "nope"]
    assert "Failed" in reasons and "BackOff" in reasons
    status = c.get("pod", "nope").status.container_statuses[0]
    assert status.state.waiting.reason in ("ErrImagePull", "ImagePullBackOff")
    assert status.restart_count == 0 and c.get("pod", "nope").status.phase == "Pending"


def test_close_removes_every_container():
    cluster = Cluster(nodes=1, runtime="docker")
    cluster.apply(make_pod("p"))
    cluster.run_until(lambda c: c.ready("pod/p"), timeout=30)
    assert len(engine_containers(cluster.engine.cluster_id)) == 2  # pause + app
    cluster.close()
    assert engine_containers(cluster.engine.cluster_id) == []


def test_containers_of_a_dead_kernel_are_cleaned_at_next_start():
    labels = ["--label", "k8slite.cluster=orphan-test", "--label", "k8slite.pid=999999999",
              "--label", f"k8slite.host={socket.gethostname()}"]
    subprocess.run(["docker", "create", *labels, "busybox", "true"], check=True, capture_output=True)
    assert len(engine_containers("orphan-test")) == 1
    Cluster(nodes=1, runtime="docker").close()
    assert engine_containers("orphan-test") == []


def test_no_engine_gives_one_clear_error(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(RuntimeUnavailable, match=r"Start the Docker engine .*docker info"):
        Cluster(nodes=1, runtime="docker")


test_no_engine_gives_one_clear_error.pytestmark = []  # runs everywhere: it needs no engine


def test_a_start_the_engine_refuses_is_start_error_then_a_restart(c):
    pod = make_pod("nocmd")
    pod.spec.containers[0].command = ["/no/such/binary"]  # the engine fails the start, not the process
    c.apply(pod)
    c.run_until(lambda c: c.get("pod", "nocmd").status.container_statuses
                and c.get("pod", "nocmd").status.container_statuses[0].restart_count >= 1, timeout=30)
    last = c.get("pod", "nocmd").status.container_statuses[0].last_state.terminated
    assert (last.exit_code, last.reason) == (128, "StartError")
    assert "Started" not in [e.reason for e in c.events() if e.involved_object.name == "nocmd"]


def test_an_image_built_by_k8slite_and_pushed_runs_on_the_engine(c, tmp_path):
    from k8slite.images import Builder, ImageLayout, ensure_busybox

    layout = ImageLayout(tmp_path / "images")
    ensure_busybox(layout)
    built = Builder(layout).build('FROM busybox\nRUN mkdir /app && echo built by k8slite > /app/greeting\n'
                                  'ENV WHO=learner\nWORKDIR /app\nCMD ["sh", "-c", "cat greeting; echo $WHO; pwd; '
                                  'sleep 3600"]\n', tag="hello").image
    reference = f"localhost:5000/k8slite-test/hello:{c.engine.cluster_id}"  # one tag per cluster: no stale image
    c.registry.push(reference, built)
    try:
        pod = make_pod("hello", image=reference)
        pod.spec.containers[0].command = []  # the image's CMD
        c.apply(pod)
        c.run_until(lambda c: c.ready("pod/hello"), timeout=60)
        c.run_until(lambda c: c.logs("hello").count("\n") == 3, timeout=10)
        assert c.logs("hello") == "built by k8slite\nlearner\n/app\n"  # its layer, ENV, WORKDIR and CMD
        pulled = [e.message for e in c.events() if e.reason == "Pulled"]
        assert pulled[0].startswith(f'Successfully pulled image "{reference}" in ')
    finally:
        c.delete("pod", "hello", grace_period=0)
        c.run(1)
        c.engine.client.images.remove(reference, force=True)


SECURITY_POD = """
apiVersion: v1
kind: Pod
metadata: {name: secure}
spec:
  nodeName: node-1
  securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000}
  volumes: [{name: data, emptyDir: {}}]
  containers:
  - name: app
    image: busybox
    command: [sh, -c, "echo hi > /hello; sleep 3600"]
    volumeMounts: [{name: data, mountPath: /data}]
    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: Pod
metadata: {name: nonroot}
spec:
  nodeName: node-1
  containers:
  - name: app
    image: busybox
    command: [sleep, "3600"]
    securityContext: {runAsNonRoot: true}
"""


def test_a_security_context_sets_the_user_groups_and_a_read_only_root(c):
    """The docs' "Configure a Security Context" on the engine: the same `id` as the fake runtime's, the emptyDir
    given to the fsGroup (drwxrwsrwx root 2000), no capabilities left, and the kubelet's runAsNonRoot refusal
    from the image's (empty) USER."""
    c.apply(SECURITY_POD)
    c.run_until(lambda c: c.ready("pod/secure"), timeout=30)
    c.run(1)
    assert c.exec("secure", "id") == "uid=1000 gid=3000 groups=2000,3000\n"
    assert c.kubectl("logs secure") == "sh: can't create /hello: Read-only file system\n"
    listed = c.exec("secure", "echo ok > /data/f; ls -ld /data; ls -ln /data/f").split()
    assert listed[0] == "drwxrwsrwx" and listed[2:4] == ["root", "2000"]
    assert listed[9] == "-rw-r--r--" and listed[11:13] == ["1000", "2000"]
    assert "CapEff:\t0000000000000000" in c.exec("secure", "grep CapEff /proc/self/status")
    waiting = c.get("pod", "nonroot").status.container_statuses[0].state.waiting
    assert waiting.reason == "CreateContainerConfigError"
    assert waiting.message.startswith("container has runAsNonRoot and image will run as root")
