"""percentageOfNodesToScore, FailedScheduling messages, back-off, and whole clusters."""

import pytest
from builders import make_pod

from k8slite import Cluster
from k8slite.scheduler.cycle import num_feasible_nodes_to_find
from k8slite.scheduler.framework import Status, unresolvable, unschedulable
from k8slite.scheduler.messages import fit_error
from k8slite.scheduler.queue import backoff


@pytest.mark.parametrize("nodes, expected", [
    (3, 3), (99, 99),             # below 100 nodes: all of them
    (100, 100),                   # 50 - 0 = 50% of 100 = 50, floor 100
    (1000, 420),                  # 50 - 1000 // 125 = 42%
    (5000, 500),                  # 50 - 40 = 10%
    (6000, 300),                  # 50 - 48 = 2% -> at least 5%: 300
])
def test_num_feasible_nodes_to_find(nodes, expected):
    assert num_feasible_nodes_to_find(nodes) == expected


def test_fit_error_in_kube_scheduler_words():
    statuses: dict[str, Status] = {
        "node-1": unschedulable("Insufficient cpu"),
        "node-2": unresolvable("node(s) had untolerated taint {example-key: v}"),
        "node-3": unresolvable("node(s) had untolerated taint {example-key: v}"),
    }
    assert fit_error(3, statuses) == (
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {example-key: v}. "
        "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "
        "2 Preemption is not helpful for scheduling.")
    assert fit_error(0, {}) == "no nodes available to schedule pods"


def test_backoff_doubles_to_ten_seconds():
    assert [backoff(n) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]


def test_taints_and_resources_in_one_message():
    c = Cluster(nodes=3)
    c.kubectl("taint nodes node-2 example-key=v:NoSchedule")
    c.kubectl("taint nodes node-3 example-key=v:NoSchedule")
    c.apply(make_pod("big", cpu="5"))
    c.run(1)
    (event,) = [e for e in c.events() if e.reason == "FailedScheduling"]
    assert event.message.startswith(
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {example-key: v}. ")


def test_a_deleted_pod_makes_room_after_the_back_off():
    c = Cluster(nodes=1)
    c.apply(make_pod("hog", cpu="3"))
    c.run(1)
    c.apply(make_pod("late", cpu="2"))
    c.run(0.5)
    c.delete("pod", "hog")
    c.run(60)
    assert c.get("pod", "late").spec.node_name == "node-1"


def test_records_show_every_plugin_and_bin_packing_fills_one_node():
    from k8slite.scheduler import bin_packing_profile
    spread, packed = Cluster(nodes=3), Cluster(nodes=3, scheduler_profile=bin_packing_profile())
    for c in (spread, packed):
        for i in range(3):
            c.apply(make_pod(f"p{i}", cpu="500m", memory="512Mi"))
            c.run(1)
    assert len({p.spec.node_name for p in spread.get("pods")}) == 3
    assert len({p.spec.node_name for p in packed.get("pods")}) == 1
    record = spread.scheduler.records["default/p2"]
    assert set(record.weights) == {"TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread",
                                   "InterPodAffinity", "NodeResourcesBalancedAllocation"}
    assert record.total(record.selected) == max(record.total(n) for n in record.normalized)
    assert record.annotations()["scheduler-simulator/selected-node"] == record.selected


def test_prefer_no_schedule_steers_pods_away():
    c = Cluster(nodes=2)
    c.kubectl("taint nodes node-1 spot=true:PreferNoSchedule")
    for i in range(3):
        c.apply(make_pod(f"p{i}"))
        c.run(1)
    assert {p.spec.node_name for p in c.get("pods")} == {"node-2"}
