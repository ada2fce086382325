"""The kubelet: probes, readiness, status, heartbeats, logs and exec."""

from builders import make_pod

from k8slite import Cluster

READINESS = """
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: web
    image: busybox
    command: [sh, -c, "sleep 20; mkdir -p /www; echo ok > /www/index.html; httpd -f -p 8080 -h /www"]
    ports: [{name: http, containerPort: 8080}]
    readinessProbe:
      httpGet: {path: /index.html, port: http}
      periodSeconds: 5
"""


def test_readiness_probe_gates_ready_not_running():
    c = Cluster(nodes=1)
    c.apply(READINESS)
    c.run(10)
    pod = c.get("pod", "web")
    assert pod.status.phase == "Running" and not pod.is_ready()
    assert pod.status.condition("Ready").reason == "ContainersNotReady"
    failures = [e.message for e in c.events() if e.reason == "Unhealthy"]
    assert failures[0].startswith('Readiness probe failed: Get "http://10.244.1.2:8080/index.html": dial tcp')
    c.run(20)
    assert c.get("pod", "web").is_ready()
    assert c.get("pod", "web").status.container_statuses[0].restart_count == 0


def test_tcp_liveness_probe_restarts_a_silent_server():
    c = Cluster(nodes=1)
    c.apply("""
apiVersion: v1
kind: Pod
metadata: {name: tcp}
spec:
  containers:
  - name: app
    image: busybox
    command: [sh, -c, "sleep 3600"]
    livenessProbe: {tcpSocket: {port: 8080}, initialDelaySeconds: 3, periodSeconds: 3, failureThreshold: 2}
""")
    c.run(8)
    kills = [e for e in c.events() if e.reason == "Killing"]
    assert kills and kills[0].time == 7.013  # started at 1.013 s (after the pull), probes at +3 s and +6 s fail
    assert "failed liveness probe, will be restarted" in kills[0].message


def test_node_heartbeats_every_ten_seconds_through_its_lease():
    c = Cluster(nodes=1)
    c.run(35)
    assert c.get("lease", "node-1", namespace="kube-node-lease").spec.renew_time == 30
    ready = c.get("node", "node-1").status.condition("Ready")
    assert (ready.status, ready.last_heartbeat_time, ready.reason) == ("True", 0, "KubeletReady")  # unchanged


def test_logs_and_previous_logs():
    c = Cluster(nodes=1)
    c.apply(make_pod("p", command="echo run; sleep 5; exit 3"))
    c.run(7)
    assert c.logs("p") == "run\n"
    assert c.logs("p", previous=True) == "run\n"
    status = c.get("pod", "p").status.container_statuses[0]
    assert status.last_state.terminated.exit_code == 3 and status.last_state.terminated.reason == "Error"


def test_exec_sees_the_container_filesystem_and_hostname():
    c = Cluster(nodes=1)
    c.apply(make_pod("p", command="echo hi > /tmp/f; sleep 3600"))
    c.run(2)  # after the image pull
    assert c.exec("p", "cat /tmp/f; hostname") == "hi\np\n"
    assert c.exec_code("p", "cat /nope")[0] == 1


def test_each_pod_gets_the_next_ip_of_its_node():
    c = Cluster(nodes=1)
    for i in range(3):
        c.apply(make_pod(f"p{i}"))
    c.run(1)
    assert [p.status.pod_ip for p in c.get("pods")] == ["10.244.1.2", "10.244.1.3", "10.244.1.4"]


def test_a_resync_that_finds_nothing_changed_does_not_make_the_status_again(monkeypatch):
    """The kubelet looks at every pod each minute; a pod whose inputs (the stored pod, its containers'
    statuses, its IP) are those its stored status was made from is not recomputed, and one whose
    container changed is."""
    import k8slite.kubelet.agent as agent

    made = []
    real = agent.pod_status
    monkeypatch.setattr(agent, "pod_status", lambda pod, *rest: made.append(pod.name) or real(pod, *rest))
    c = Cluster(nodes=2)
    c.apply(make_pod("steady"))
    c.apply(make_pod("flaky", command="sleep 45; exit 1"))
    c.run(30)
    made.clear()
    c.run(120)  # two resyncs of every pod; flaky exits and is restarted meanwhile
    assert "steady" not in made
    assert "flaky" in made
    assert c.get("pod", "flaky").status.container_statuses[0].restart_count >= 1


def test_a_status_someone_else_wrote_is_made_again_at_the_next_sync():
    """The resync skip compares the informer's copy with the one the status was made from: a write by
    anyone else moves its resourceVersion, so the kubelet's status manager writes its own status back."""
    import copy

    c = Cluster(nodes=1)
    c.apply(make_pod("steady"))
    c.run(30)
    pod = c.get("pod", "steady")
    wrong = copy.deepcopy(pod)
    wrong.status.phase, wrong.status.container_statuses[0].ready = "Pending", False
    c.api.update_status(wrong)
    c.run(1)
    again = c.get("pod", "steady")
    assert (again.status.phase, again.status.container_statuses[0].ready) == ("Running", True)


def test_the_watch_bringing_back_the_kubelets_own_status_write_is_not_synced_again():
    # kubelet/config's checkAndUpdatePod: a status-only change is reconciled, not synced
    c = Cluster(nodes=1)
    c.apply(make_pod("web"))
    c.run(10)
    kubelet = c.kubelets["node-1"]
    synced: list[str] = []
    real_sync = kubelet.queue.process
    kubelet.queue.process = lambda key: (synced.append(key), real_sync(key))[-1]
    own = c.api.get("pods", "web")
    assert kubelet.pods["default/web"].written == own.metadata.resource_version  # the last write was its own
    kubelet.pod_changed("MODIFIED", own)
    c.run(0.1)
    assert synced == []
    labelled = own.copy()
    labelled.metadata.labels = {"tier": "web"}
    c.api.update(labelled)  # someone else's change: synced
    c.run(0.1)
    assert synced == ["default/web"]
