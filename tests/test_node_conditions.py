"""Conditions the control plane writes when a node dies: the node's (node_lifecycle_controller.go) and
the evicted pod's DisruptionTarget (pkg/controller/tainteviction/taint_eviction.go)."""

from builders import cluster_with_a_failed_node_and_a_pod_tolerating_it_10s, make_pod, replicaset_yaml

from k8slite import Cluster
from k8slite.api.pod import Taint, Toleration
from k8slite.controllers.node_lifecycle import NODE_MONITOR_GRACE_PERIOD
from k8slite.controllers.taint_eviction import TaintEvictionController, eviction_time

PRESSURE = ("MemoryPressure", "DiskPressure", "PIDPressure")


def test_the_grace_period_is_50_seconds_as_in_kubernetes_1_32():
    assert NODE_MONITOR_GRACE_PERIOD == 50.0  # kubernetes PR 126287: --node-monitor-grace-period 40s -> 50s
    c = Cluster(nodes=2)
    c.run(30)
    c.node("node-1").fail()
    c.run(54)
    assert c.get("node", "node-1").ready_status() == "True"  # 84 s: 54 s after the heartbeat at 30 s, within grace
    c.run(1)
    assert c.get("node", "node-1").ready_status() == "Unknown"


def test_a_silent_node_has_ready_and_pressure_conditions_unknown():
    c = Cluster(nodes=2)
    c.run(10)
    posted = {x.type: (x.status, x.reason) for x in c.get("node", "node-1").status.conditions}
    assert posted == {"MemoryPressure": ("False", "KubeletHasSufficientMemory"),  # nodestatus/setters.go
                      "DiskPressure": ("False", "KubeletHasNoDiskPressure"),
                      "PIDPressure": ("False", "KubeletHasSufficientPID"), "Ready": ("True", "KubeletReady")}
    c.node("node-1").fail()
    c.run(70)
    conditions = {x.type: x for x in c.get("node", "node-1").status.conditions}
    for type_ in ("Ready", *PRESSURE):  # node_lifecycle_controller.go tryUpdateNodeHealth
        assert (conditions[type_].status, conditions[type_].reason, conditions[type_].message) == (
            "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.")


def test_taint_eviction_marks_the_pod_as_a_disruption_target_before_deleting_it():
    c = cluster_with_a_failed_node_and_a_pod_tolerating_it_10s()
    evicted = c.get("pod", "quick")  # Terminating: nobody on node-1 finishes the deletion
    assert evicted.metadata.deletion_timestamp is not None
    condition = evicted.status.condition("DisruptionTarget")
    assert (condition.status, condition.reason, condition.message) == (
        "True", "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint")


def test_the_taint_manager_looks_at_a_nodes_pods_only_when_its_noexecute_taints_change():
    c = Cluster(nodes=2, seed=0)
    c.apply(replicaset_yaml(replicas=4))
    c.run(5)
    manager = next(x for x in c.controllers if isinstance(x, TaintEvictionController))
    woken = []
    manager.queue.add = woken.append
    c.run(60)  # six heartbeats per node: the taints stay the same
    assert woken == []
    node = c.get("node", "node-1").copy()
    node.spec.taints.append(Taint("maintenance", "", "NoExecute"))
    c.api.update(node)
    c.run(1)
    assert sorted(woken) == sorted(f"default/{p.name}" for p in c.get("pods") if p.spec.node_name == "node-1")


def test_a_pod_that_tolerates_a_taint_twice_goes_when_the_shorter_toleration_runs_out():
    # tainteviction's getMinTolerationTime: the smallest tolerationSeconds of the tolerations that match
    pod = make_pod("p")
    pod.spec.tolerations = [Toleration(key="k", operator="Exists", effect="NoExecute", toleration_seconds=600),
                            Toleration(key="k", operator="Exists", toleration_seconds=30)]
    taint = Taint("k", "v", "NoExecute", time_added=100.0)
    assert eviction_time(pod, [taint]) == 130.0
    other = Taint("other", "", "NoExecute", time_added=50.0)
    pod.spec.tolerations.append(Toleration(key="other", operator="Exists", toleration_seconds=20))
    assert eviction_time(pod, [taint, other]) == 70.0  # the earliest of the taints' deadlines


def test_a_cordoned_node_gets_the_unschedulable_taint_until_uncordoned():
    c = Cluster(nodes=2)
    c.kubectl("cordon node-1")
    c.run(1)
    node = c.get("node", "node-1")
    assert [(t.key, t.effect) for t in node.spec.taints] == [("node.kubernetes.io/unschedulable", "NoSchedule")]
    assert "Taints:             node.kubernetes.io/unschedulable:NoSchedule" in c.kubectl("describe node node-1")
    c.kubectl("uncordon node-1")
    c.run(1)
    assert c.get("node", "node-1").spec.taints == []
