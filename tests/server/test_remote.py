"""RemoteCluster against `k8slite serve`: the Cluster's methods through the official client and the real kubectl.

The served cluster is in this process, so every answer RemoteCluster gives
can be checked against what the cluster itself holds. Its clock is virtual:
a test moves it with `server.run(seconds)`, or, where RemoteCluster waits on
the wall clock (`run_until`), under `ticking(server)`, which runs it as
`k8slite serve --speed` does. One test runs a cluster of processes
(k8slite.machines) and kills a kubelet through `node(name).fail()`.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from matplotlib.text import Text

from k8slite import Cluster, Invalid, NotFound
from k8slite.api.serialize import EPOCH
from k8slite.client import KubeconfigError
from k8slite.machines import Machines
from k8slite.remote import ClusterUnreachable, RemoteCluster
from k8slite.remote_nodes import KIND_LABEL, NodeUnreachable
from k8slite.remote_objects import Translator, merge_patch, prune
from k8slite.server import Server, serve
from k8slite.widgets.dashboard import summary

TICK = 0.05  # wall seconds between two advances of the served cluster's clock under ticking()

WEB = """
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data: {greeting: hello}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: busybox:1.35
        command: ["sh", "-c", "echo serving; sleep 3600"]
"""

BAD_POD = """
apiVersion: v1
kind: ConfigMap
metadata: {name: never-stored}
data: {a: b}
---
apiVersion: v1
kind: Pod
metadata: {name: no-image}
spec:
  containers:
  - name: app
"""


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    c = Cluster(nodes=2)
    srv = serve(c, wall_clock=True)
    yield srv
    srv.close()
    c.close()


@pytest.fixture(scope="module")
def remote(server: Server) -> Iterator[RemoteCluster]:
    with RemoteCluster(server.kubeconfig) as r:
        yield r


@pytest.fixture(scope="module")
def web(server: Server, remote: RemoteCluster) -> list[object]:
    """The ConfigMap and Deployment of WEB, applied through the RemoteCluster; the pods running."""
    applied = remote.apply(WEB)
    server.run(20)
    return applied


@contextmanager
def ticking(server: Server, speed: float = 1.0) -> Iterator[None]:
    """The served cluster's clock follows the wall clock (`speed` times as fast) while inside."""
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(TICK):
            server.run(TICK * speed)

    thread = threading.Thread(target=tick, name="tick", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def cluster(server: Server) -> Cluster:
    return server.cluster  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the API
def test_apply_returns_the_stored_objects_and_get_reads_them_as_k8slite_objects(
        server: Server, remote: RemoteCluster, web: list[object]) -> None:
    c = cluster(server)
    assert [(o.kind, o.name) for o in web] == [("ConfigMap", "web-config"), ("Deployment", "web")]  # type: ignore
    pods, expected = remote.get("pods"), c.get("pods")
    assert [p.name for p in pods] == [p.name for p in expected] and len(pods) == 3
    assert [(p.status.phase, p.is_ready(), p.spec.node_name, p.status.pod_ip) for p in pods] == \
        [(p.status.phase, p.is_ready(), p.spec.node_name, p.status.pod_ip) for p in expected]
    deployment = remote.get("deploy", "web")
    assert deployment.status.ready_replicas == c.get("deployment", "web").status.ready_replicas == 3
    assert remote.get("configmap", "web-config").data == {"greeting": "hello"}
    assert [n.name for n in remote.get("nodes", namespace="elsewhere")] == ["node-1", "node-2"]


def test_apply_of_a_path_and_an_object_updates_what_is_there(server: Server, remote: RemoteCluster,
                                                             web: list[object], tmp_path: Path) -> None:
    changed = yaml.safe_load_all(WEB)
    config = next(changed)
    config["data"] = {"greeting": "bonjour"}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    assert remote.apply(path)[0].data == {"greeting": "bonjour"}  # type: ignore[attr-defined]
    assert cluster(server).get("configmap", "web-config").data == {"greeting": "bonjour"}
    again = remote.get("configmap", "web-config")
    again.data = {"greeting": "hello"}
    remote.apply(again)
    assert cluster(server).get("configmap", "web-config").data == {"greeting": "hello"}


def test_a_refusal_is_k8slites_error_in_the_servers_words(server: Server, remote: RemoteCluster) -> None:
    with pytest.raises(Invalid) as refused:
        remote.apply(BAD_POD)
    assert "spec.containers[0].image: Required value" in str(refused.value)
    with pytest.raises(NotFound) as missing:
        remote.get("pod", "no-such-pod")
    with pytest.raises(NotFound) as expected:
        cluster(server).get("pod", "no-such-pod")
    assert str(missing.value) == str(expected.value)
    with pytest.raises(NotFound, match=r'kind "ingresses": read it with c.kubectl\("get ingresses"\)'):
        remote.get("ingresses")


def test_one_bad_document_stores_none(server: Server, remote: RemoteCluster) -> None:
    with pytest.raises(Invalid):
        remote.apply(BAD_POD.replace("never-stored", "never-stored-either"))
    with pytest.raises(NotFound):
        cluster(server).get("configmap", "never-stored-either")


def test_ready_means_what_it_means_on_a_cluster(server: Server, remote: RemoteCluster, web: list[object]) -> None:
    c = cluster(server)
    pod = c.get("pods")[0].name
    for ref in ("deployment/web", f"pod/{pod}", "node/node-1", f"replicaset/{c.get('rs')[0].name}"):
        assert remote.ready(ref) == c.ready(ref) is True
    with pytest.raises(ValueError, match="cannot tell whether a ConfigMap is ready"):
        remote.ready("configmap/web-config")


def test_update_writes_only_what_changed(server: Server, remote: RemoteCluster, web: list[object]) -> None:
    deployment = remote.get("deployment", "web")
    scaled = deployment.copy()
    scaled.spec.replicas = 4
    remote.api.update(scaled)
    stored = cluster(server).get("deployment", "web")
    assert stored.spec.replicas == 4
    assert stored.spec.template.spec.containers[0].command == ["sh", "-c", "echo serving; sleep 3600"]
    server.run(10)
    scaled.spec.replicas = 3  # from the object read before: its resourceVersion is old
    with pytest.raises(Exception, match="the object has been modified"):
        remote.api.update(scaled)
    current = remote.get("deployment", "web")
    current.spec.replicas = 3
    remote.api.update(current)
    server.run(10)


def test_delete_with_its_options(server: Server, remote: RemoteCluster) -> None:
    c = cluster(server)
    remote.apply("""
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: orphans}
spec:
  replicas: 1
  selector: {matchLabels: {app: orphans}}
  template:
    metadata: {labels: {app: orphans}}
    spec: {containers: [{name: app, image: busybox:1.35, command: [sleep, "3600"]}]}
""")
    server.run(10)
    pod = next(p.name for p in c.get("pods") if p.name.startswith("orphans-"))
    gone = remote.delete("replicaset", "orphans", propagation_policy="Orphan")
    assert gone.name == "orphans"
    server.run(5)
    with pytest.raises(NotFound):
        c.get("replicaset", "orphans")
    assert c.get("pod", pod).metadata.owner_references == []  # orphaned, not deleted
    remote.delete("pod", pod, grace_period=0)
    with pytest.raises(NotFound):
        c.get("pod", pod)
    with pytest.raises(NotFound):
        remote.delete("pod", pod)


def test_events_are_the_clusters_in_time_order_on_the_remote_clock(server: Server, remote: RemoteCluster,
                                                                     web: list[object]) -> None:
    events = remote.events()
    expected = cluster(server).events()
    assert [(e.reason, e.involved_object.name, e.message) for e in events] == \
        [(e.reason, e.involved_object.name, e.message) for e in expected]
    assert {"ScalingReplicaSet", "SuccessfulCreate", "Scheduled", "Started"} <= {e.reason for e in events}
    times = [e.time for e in events]
    assert times == sorted(times) and times[-1] <= remote.now + 1


# ---------------------------------------------------------------- containers and kubectl
def test_logs_and_exec(server: Server, remote: RemoteCluster, web: list[object]) -> None:
    c = cluster(server)
    pod = c.get("pods")[0].name
    assert remote.logs(pod) == c.logs(pod) == "serving\n"
    assert remote.logs(pod, container="web") == "serving\n"
    assert remote.exec(pod, "echo $((6 * 7)); exit 3") == "42\n"
    assert remote.exec_code(pod, "echo out; exit 3") == c.exec_code(pod, "echo out; exit 3") == (3, "out\n")
    assert remote.exec_code(pod, ["cat"], stdin="typed in") == (0, "typed in")
    with pytest.raises(NotFound):
        remote.exec("no-such-pod", "true")
    with pytest.raises(NotFound):
        remote.logs("no-such-pod")


def test_kubectl_is_the_real_one(server: Server, remote: RemoteCluster, web: list[object]) -> None:
    if shutil.which("kubectl") is None:
        pytest.skip("the real kubectl is not installed")
    names = remote.kubectl("get pods -o name").split()
    assert names == [f"pod/{p.name}" for p in cluster(server).get("pods")]
    assert remote.kubectl("kubectl get deployment web -o jsonpath='{.spec.replicas}'") == "3"
    assert 'pods "nope" not found' in remote.kubectl("get pod nope")


# ---------------------------------------------------------------- time
def test_now_and_run_are_the_wall_clock(remote: RemoteCluster) -> None:
    before = remote.now
    assert remote.run(0.3) is remote
    assert 0.3 <= remote.now - before < 2


def test_run_until_waits_for_the_cluster_on_the_wall_clock(server: Server, remote: RemoteCluster) -> None:
    remote.apply("""
apiVersion: batch/v1
kind: Job
metadata: {name: count}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: count, image: busybox:1.35, command: [sh, -c, "sleep 20; echo done"]}]
""")
    with ticking(server, speed=10):
        took = remote.run_until(lambda r: r.ready("job/count"), timeout=30)
    assert 1 < took < 30  # 20 s of cluster time, 10 times as fast
    assert cluster(server).ready("job/count")
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"did not hold within 0.5 s of wall time \(now "):
        remote.run_until(lambda r: False, timeout=0.5)
    assert time.monotonic() - started < 2


# ---------------------------------------------------------------- pictures
def texts(figure: object) -> list[str]:
    return sorted(t.get_text() for t in figure.findobj(Text) if t.get_text())  # type: ignore[attr-defined]


def test_draw_shows_what_the_cluster_draws(server: Server, remote: RemoteCluster, web: list[object]) -> None:
    with server.lock:
        expected = texts(cluster(server).draw())
    drawn = texts(remote.draw())
    clock = "k8slite cluster at t = "  # the title: the cluster's clock, or the RemoteCluster's wall seconds
    assert [t for t in drawn if not t.startswith(clock)] == [t for t in expected if not t.startswith(clock)]
    assert sum(t.startswith(clock) for t in drawn) == 1
    assert any(name.startswith("web-") for name in drawn) and "node-1" in " ".join(drawn)


def test_dashboard_summarises_the_cluster(server: Server, remote: RemoteCluster, web: list[object]) -> None:
    board = remote.dashboard()
    found = [w for w in walk(board) if "k8slite-summary" in w._dom_classes]
    assert len(found) == 1
    with server.lock:
        expected = summary(cluster(server))
    assert expected in found[0].value and expected.startswith("2 nodes (2 Ready)")


def walk(widget: object) -> Iterator[object]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


# ---------------------------------------------------------------- machines
def test_a_node_nothing_can_stop_says_what_to_do(remote: RemoteCluster) -> None:
    with pytest.raises(NodeUnreachable, match='cannot stop node "node-1".*by hand'):
        remote.node("node-1").fail()
    with pytest.raises(NotFound):
        remote.node("node-9")


@pytest.mark.docker
def test_a_kind_node_is_stopped_and_started_as_its_docker_container(remote: RemoteCluster) -> None:
    import docker
    name = "k8slite-test-kind-worker"  # a stand-in for kind's node container: its name and kind's label
    container = docker.from_env().containers.run(
        "busybox", ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"], detach=True, name=name,
        labels={KIND_LABEL: "k8slite-test", "k8slite.test": "remote"})
    try:
        remote.apply({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}})
        remote.node(name).fail()
        container.reload()
        assert container.status == "exited" and remote.kubelets[name].running is False
        remote.node(name).recover()
        container.reload()
        assert container.status == "running" and remote.kubelets[name].running is True
    finally:
        container.remove(force=True)
        remote.delete("node", name)


def test_failing_a_machines_node_kills_its_kubelet(tmp_path: Path) -> None:
    with Machines(["node-1", "node-2"], grace=3, heartbeat=1, directory=tmp_path) as m, \
            RemoteCluster(m.admin, machines=m) as r:
        r.run_until(lambda r: r.ready("node/node-2"), timeout=30)
        failed_at = r.now
        r.node("node-2").fail()
        assert m.kubelets["node-2"].poll() is not None
        assert r.kubelets["node-2"].running is False and r.kubelets["node-1"].running is True
        r.run_until(lambda r: not r.ready("node/node-2"), timeout=30)
        assert r.ready("node/node-1")
        ready = next(c for c in r.get("node", "node-2").status.conditions if c.type == "Ready")
        assert (ready.status, ready.reason) == ("Unknown", "NodeStatusUnknown")  # the kubelet stopped posting
        not_ready = [e for e in r.events() if e.reason == "NodeNotReady" and e.involved_object.name == "node-2"]
        assert len(not_ready) == 1 and failed_at - 1 <= not_ready[0].time <= r.now + 1
        r.node("node-2").recover()
        assert m.kubelets["node-2"].poll() is None
        r.run_until(lambda r: r.ready("node/node-2"), timeout=30)


def test_machines_without_etcd_cannot_restart_their_control_plane(tmp_path: Path) -> None:
    with Machines(["node-1"], directory=tmp_path) as m, \
            pytest.raises(ValueError, match=r"Machines\(\.\.\., etcd=URL\)"):
        m.restart_control_plane()
    assert m.control_plane.poll() is not None  # closed, not restarted


# ---------------------------------------------------------------- translation
def test_fields_k8slite_does_not_model_are_pruned_and_times_count_from_the_start() -> None:
    started = EPOCH.timestamp() + 1000  # the RemoteCluster was made 1000 s after k8slite's epoch
    wire = {"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": "web", "creationTimestamp": "2025-01-01T00:16:30Z", "selfLink": "/x",
                         "somethingNew": 1},
            "spec": {"containers": [{"name": "web", "image": "nginx", "terminationMessagePath": "/dev/log",
                                     "futureField": {"a": 1}}], "newSpecField": True},
            "status": {"phase": "Running", "hostIPs": [{"ip": "10.0.0.1"}]}}
    pod = Translator(started).to_object(wire)
    assert pod.status.phase == "Running" and pod.spec.containers[0].image == "nginx"  # type: ignore[attr-defined]
    assert pod.metadata.creation_timestamp == -10.0  # 990 s after the epoch: 10 s before the start
    assert "futureField" not in json.dumps(pod.to_dict())
    assert Translator(started).to_wire(pod)["metadata"]["creationTimestamp"] == "2025-01-01T00:16:30Z"
    event = Translator(started).to_object({"kind": "Event", "apiVersion": "v1", "metadata": {"name": "e"},
                                           "eventTime": "2025-01-01T00:16:45.123456Z", "firstTimestamp": None})
    assert event.time == 5.0  # type: ignore[attr-defined]  # eventTime stands in for firstTimestamp


def test_a_merge_patch_carries_only_what_changed() -> None:
    before = {"spec": {"replicas": 3, "template": {"x": [1, 2]}}, "metadata": {"labels": {"a": "1", "b": "2"}}}
    after = {"spec": {"replicas": 4, "template": {"x": [1, 2]}}, "metadata": {"labels": {"a": "1", "c": "3"}}}
    assert merge_patch(before, after) == {"spec": {"replicas": 4}, "metadata": {"labels": {"b": None, "c": "3"}}}
    assert prune(dict[str, int], {"a": 1}) == {"a": 1}


# ---------------------------------------------------------------- errors
def test_an_unreadable_kubeconfig_is_one_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.kubeconfig"
    said = f"cannot use the kubeconfig {missing} \\(the current context\\): there is no such file. Give .*kubectl"
    with pytest.raises(KubeconfigError, match=said):
        RemoteCluster(missing)
    garbage = tmp_path / "garbage.kubeconfig"
    garbage.write_text("clusters: [this is not, a kubeconfig\n")
    with pytest.raises(KubeconfigError, match=str(garbage)):
        RemoteCluster(garbage)


def test_an_unknown_context_is_one_clear_error(server: Server) -> None:
    with pytest.raises(KubeconfigError, match='context "kind-nowhere"'):
        RemoteCluster(server.kubeconfig, context="kind-nowhere")


def test_a_refused_connection_names_the_server_and_the_fix(server: Server, tmp_path: Path) -> None:
    config = yaml.safe_load(Path(server.kubeconfig).read_text())
    config["clusters"][0]["cluster"]["server"] = "https://127.0.0.1:9"  # discard: nothing listens
    path = tmp_path / "refused.kubeconfig"
    path.write_text(yaml.safe_dump(config))
    started = time.monotonic()
    with pytest.raises(ClusterUnreachable, match=r"cannot reach the API server at https://127.0.0.1:9 "
                                                 rf"\(kubeconfig {path}\).*Is the cluster running"):
        RemoteCluster(path)
    assert time.monotonic() - started < 10


def test_a_wrong_token_is_refused_with_the_servers_words(server: Server, tmp_path: Path) -> None:
    config = yaml.safe_load(Path(server.kubeconfig).read_text())
    config["users"][0]["user"]["token"] = "not-the-token"
    path = tmp_path / "stale.kubeconfig"
    path.write_text(yaml.safe_dump(config))
    with pytest.raises(ClusterUnreachable, match="refused the request: 401"):
        RemoteCluster(path)


def test_kubeconfig_defaults_to_the_environment(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(server.kubeconfig))
    with RemoteCluster() as r:
        assert r.kubeconfig == str(server.kubeconfig)
        assert [n.name for n in r.get("nodes")] == ["node-1", "node-2"]
