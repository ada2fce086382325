"""Seeded clusters, asserted as timelines of events."""

import pytest
from builders import cluster_with_a_failed_node_and_a_pod_tolerating_it_10s, make_pod, replicaset_yaml

from k8slite import Cluster


def times(c, reason, name=None):
    return [e.time for e in c.events() if e.reason == reason and (name is None or e.involved_object.name == name)]


def containers_started(c, name):
    statuses = c.get("pod", name).status.container_statuses
    return statuses[0].restart_count + 1 if statuses and statuses[0].container_id else 0


def start_times(c, name, until):
    """When the pod's container started, each time: Events fold repeated Started events into one
    (client-go's EventCorrelator), so count containers: the first, plus restartCount."""
    starts = []
    while True:
        try:
            c.run_until(lambda c, n=len(starts): containers_started(c, name) > n, timeout=until - c.now)
        except TimeoutError:
            return starts
        starts += [c.now] * (containers_started(c, name) - len(starts))


def test_node_failure_timeline():
    """NotReady 50 s after the last heartbeat, eviction 300 s later, replacements Running elsewhere."""
    c = Cluster(nodes=3)
    c.apply(replicaset_yaml(replicas=3))
    c.run(30)
    victims = [p.name for p in c.get("pods") if p.spec.node_name == "node-2"]
    assert victims, "the spread put a pod on node-2"
    c.node("node-2").fail()
    last_heartbeat = c.get("lease", "node-2", namespace="kube-node-lease").spec.renew_time
    c.run(400)
    (not_ready,) = times(c, "NodeNotReady", "node-2")
    assert 50 < not_ready - last_heartbeat <= 55  # grace period (50 s since 1.32), checked every 5 s
    assert c.get("node", "node-2").ready_status() == "Unknown"
    taints = {(t.key, t.effect) for t in c.get("node", "node-2").spec.taints}
    assert taints == {("node.kubernetes.io/unreachable", "NoExecute"), ("node.kubernetes.io/unreachable", "NoSchedule")}
    evicted = times(c, "TaintManagerEviction")
    assert evicted == [not_ready + 300] * len(victims)
    created_after = [t for t in times(c, "SuccessfulCreate") if t > 30]
    assert created_after == [not_ready + 300] * len(victims)
    running = [p for p in c.get("pods") if p.metadata.deletion_timestamp is None]
    assert len(running) == 3 and all(p.status.phase == "Running" and p.spec.node_name != "node-2" for p in running)
    terminating = [p for p in c.get("pods") if p.metadata.deletion_timestamp is not None]
    assert [p.name for p in terminating] == victims  # stuck Terminating: nobody on node-2 to finish it
    c.node("node-2").recover()
    c.run(15)
    assert c.get("node", "node-2").is_ready() and not c.get("node", "node-2").spec.taints
    assert sorted(p.name for p in c.get("pods")) == sorted(p.name for p in running)


def test_short_toleration_evicts_early():
    c = cluster_with_a_failed_node_and_a_pod_tolerating_it_10s()
    (not_ready,) = times(c, "NodeNotReady", "node-1")
    assert times(c, "TaintManagerEviction", "quick") == [not_ready + 10]


def test_deleted_pods_are_replaced_with_new_names():
    c = Cluster(nodes=3)
    c.apply(replicaset_yaml(replicas=2))
    c.run(10)
    old = {p.name for p in c.get("pods")}
    for name in old:
        c.delete("pod", name)
    c.run(40)  # busybox sleep ignores SIGTERM: 30 s grace, then SIGKILL
    new = {p.name for p in c.get("pods")}
    assert len(new) == 2 and not (new & old)
    assert all(p.status.phase == "Running" for p in c.get("pods"))


@pytest.mark.parametrize("policy, phase, restarts", [
    ("Always", "Running", 3), ("OnFailure", "Running", 3), ("Never", "Failed", 0)])
def test_restart_policy_on_failure(policy, phase, restarts):
    c = Cluster(nodes=1)
    c.apply(make_pod("p", command="exit 1", restart_policy=policy))
    c.run(45)  # exits at 0; restarts at 0, 10, 30 (back-off 10 s, then 20 s)
    pod = c.get("pod", "p")
    assert pod.status.phase == phase
    assert pod.status.container_statuses[0].restart_count == restarts


@pytest.mark.parametrize("policy, phase, restarts", [
    ("Always", "Running", 3), ("OnFailure", "Succeeded", 0), ("Never", "Succeeded", 0)])
def test_restart_policy_on_success(policy, phase, restarts):
    c = Cluster(nodes=1)
    c.apply(make_pod("p", command="true", restart_policy=policy))
    c.run(45)
    pod = c.get("pod", "p")
    assert pod.status.phase == phase
    assert pod.status.container_statuses[0].restart_count == restarts


def test_crash_loop_back_off_doubles_to_the_cap():
    c = Cluster(nodes=1)
    c.apply(make_pod("crash", command="exit 1", image="busybox:1.36"))  # IfNotPresent: no pull before a restart
    starts = start_times(c, "crash", 1500)
    gaps = [round(b - a, 6) for a, b in zip(starts, starts[1:])]  # (times after 1.013 s: float sums)
    assert gaps[:7] == [0, 10, 20, 40, 80, 160, 300] and set(gaps[7:]) == {300}
    waiting = c.get("pod", "crash").status.container_statuses[0].state.waiting
    # doBackOff, pkg/kubelet/kuberuntime/kuberuntime_manager.go: "back-off %s ..." of a Go time.Duration
    assert waiting.reason == "CrashLoopBackOff"
    assert waiting.message.startswith("back-off 5m0s restarting failed container=main pod=crash_default(")


def test_crash_loop_back_off_message_names_each_delay_as_go_prints_it():
    c = Cluster(nodes=1)
    c.apply(make_pod("crash", command="exit 1"))
    delays = []
    for _ in range(130):  # starts at 0, 0, 10, 30, 70, 150, 310 and 610 s
        c.run(5)
        waiting = c.get("pod", "crash").status.container_statuses[0].state.waiting
        delay = waiting.message.split()[1] if waiting and waiting.reason == "CrashLoopBackOff" else None
        if delay and delay not in delays:
            delays.append(delay)
    # time.Duration.String (Go's time package), as doBackOff's message prints backOff.Get(key)
    assert delays == ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s"]


def test_back_off_resets_after_ten_minutes_of_running():
    c = Cluster(nodes=1)
    c.apply(make_pod("flaky", command="sleep 700; exit 1", image="busybox:1.36"))
    starts = start_times(c, "flaky", 2200)
    assert [round(b - a, 6) for a, b in zip(starts, starts[1:])] == [700, 700, 700]


def test_insufficient_cpu_is_reported_in_kube_scheduler_words():
    c = Cluster(nodes=3)
    c.apply(make_pod("big", cpu="5"))
    c.run(1)
    (event,) = [e for e in c.events() if e.reason == "FailedScheduling"]
    assert event.message == ("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: "
                             "3 No preemption victims found for incoming pod.")
    assert event.type == "Warning"
    cond = c.get("pod", "big").status.condition("PodScheduled")
    assert (cond.status, cond.reason) == ("False", "Unschedulable")


def test_a_pod_fits_on_one_node_not_on_the_sum():
    c = Cluster(nodes=3)
    for i in range(3):
        c.apply(make_pod(f"filler-{i}", cpu="3"))
    c.run(1)
    c.apply(make_pod("two", cpu="2"))
    c.run(1)
    assert not c.get("pod", "two").spec.node_name  # 3 x 1 free CPU is not 2 CPU anywhere


def test_unschedulable_pod_is_placed_when_a_node_joins():
    from k8slite.cluster import default_node
    c = Cluster(nodes=1)
    c.apply(make_pod("big", cpu="5"))
    c.run(5)
    node = default_node(2)
    node.status.capacity = node.status.allocatable = {"cpu": "8", "memory": "16Gi", "pods": "110"}
    c.add_node(node)
    c.run(5)
    assert c.get("pod", "big").spec.node_name == "node-2"


def test_replicaset_adopts_a_matching_bare_pod():
    c = Cluster(nodes=2)
    c.apply(replicaset_yaml(replicas=2))
    c.run(5)
    c.apply(make_pod("stray", labels={"app": "web"}))
    c.run(40)
    pods = [p for p in c.get("pods") if p.metadata.deletion_timestamp is None]
    assert len(pods) == 2
    assert all(p.metadata.owner_references[0].name == "web" for p in c.get("pods"))


def test_deleting_a_replicaset_deletes_its_pods():
    c = Cluster(nodes=2)
    c.apply(replicaset_yaml(replicas=2))
    c.run(5)
    c.delete("rs", "web")
    c.run(40)
    assert c.get("pods") == []


def test_scheduler_off_leaves_pods_pending():
    c = Cluster(nodes=2, scheduler=None)
    c.apply(replicaset_yaml(replicas=2))
    c.run(60)
    assert [p.status.phase for p in c.get("pods")] == ["Pending", "Pending"]
    assert not any(p.spec.node_name for p in c.get("pods"))


def test_apply_stores_without_running():
    c = Cluster(nodes=1)
    (pod,) = c.apply(make_pod("p"))
    assert pod.status.phase == "Pending" and not pod.spec.node_name
    c.run(2)  # scheduled at once, then the image pull (1.013 s)
    assert c.get("pod", "p").status.phase == "Running"


def test_container_kill_is_restarted_by_the_kubelet_with_the_same_ip():
    c = Cluster(nodes=1)
    c.apply(make_pod("p"))
    c.run(5)
    ip = c.get("pod", "p").status.pod_ip
    c.pod("p").kill()
    c.run(1)
    pod = c.get("pod", "p")
    status = pod.status.container_statuses[0]
    assert status.restart_count == 1 and status.last_state.terminated.exit_code == 137
    assert pod.status.pod_ip == ip


def test_pods_talk_by_ip_across_nodes():
    c = Cluster(nodes=2)
    web = make_pod("web", image="nginx")
    web.spec.containers[0].command = []
    web.spec.node_name = "node-1"
    client = make_pod("client")
    client.spec.node_name = "node-2"
    c.apply([web, client])
    c.run(5)
    ip = c.get("pod", "web").status.pod_ip
    assert ip.startswith("10.244.1.") and c.get("pod", "client").status.pod_ip.startswith("10.244.2.")
    assert "Welcome to nginx!" in c.exec("client", f"wget -qO- http://{ip}/")
