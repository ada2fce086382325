"""Each plugin, table-driven; comments show the arithmetic."""

import pytest
from builders import make_pod
from sched_builders import info, make_node

from k8slite.api.affinity import (
    Affinity,
    NodeAffinity,
    NodeSelector,
    NodeSelectorRequirement,
    NodeSelectorTerm,
    PreferredSchedulingTerm,
)
from k8slite.api.pod import Taint, Toleration
from k8slite.scheduler.framework import UNRESOLVABLE, UNSCHEDULABLE, CycleState, default_normalize_score
from k8slite.scheduler.plugins import (
    NodeAffinity as NodeAffinityPlugin,
)
from k8slite.scheduler.plugins import (
    NodeName,
    NodeResourcesBalancedAllocation,
    NodeResourcesFit,
    NodeUnschedulable,
    TaintToleration,
)

STATE = CycleState()


@pytest.mark.parametrize("cpu, memory, on_node, reasons", [
    ("1", "1Gi", [], None),                                   # 1 of 4 cpu, 1Gi of 8Gi: fits
    ("5", None, [], ("Insufficient cpu",)),                   # 5 > 4
    ("2", None, ["3"], ("Insufficient cpu",)),                # 2 > 4 - 3
    ("1", "9Gi", [], ("Insufficient memory",)),              # 9Gi > 8Gi
    ("5", "9Gi", [], ("Insufficient cpu", "Insufficient memory")),
    (None, None, ["4"], None),                                 # no requests: only the pod count matters
])
def test_node_resources_fit_filter(cpu, memory, on_node, reasons):
    node = info(make_node("n"), *[make_pod(f"p{i}", cpu=c) for i, c in enumerate(on_node)])
    status = NodeResourcesFit().filter(STATE, make_pod("new", cpu=cpu, memory=memory), node)
    assert (status.reasons if status else None) == reasons
    assert status is None or status.code == UNSCHEDULABLE  # preemption could help


def test_too_many_pods_comes_first():
    node = info(make_node("n", pods=1), make_pod("there"))
    assert NodeResourcesFit().filter(STATE, make_pod("new", cpu="5"), node).reasons == (
        "Too many pods", "Insufficient cpu")


@pytest.mark.parametrize("strategy, cpu, memory, expected", [
    # cpu: 1000 + 1000 of 4000; memory 1Gi + 1Gi of 8Gi
    ("LeastAllocated", "1", "1Gi", (50 + 75) // 2),   # (4000-2000)*100//4000 = 50; (8-2)*100//8 = 75
    ("MostAllocated", "1", "1Gi", (50 + 25) // 2),    # 2000*100//4000 = 50; 2*100//8 = 25
    # no requests: 100m and 200Mi count (non-zero defaults), on top of the 1000m/1Gi pod already there
    ("LeastAllocated", None, None, (2900 * 100 // 4000 + (8192 - 1224) * 100 // 8192) // 2),  # (72 + 85) // 2
])
def test_node_resources_fit_scores(strategy, cpu, memory, expected):
    node = info(make_node("n"), make_pod("there", cpu="1", memory="1Gi"))
    assert NodeResourcesFit(strategy).score(STATE, make_pod("new", cpu=cpu, memory=memory), node) == expected


@pytest.mark.parametrize("cpu, memory, expected", [
    ("2", "2Gi", 87),  # fractions 0.5 and 0.25: (1 - 0.125) * 100 = 87.5 -> 87
    ("2", "4Gi", 100),  # 0.5 and 0.5: perfectly balanced
    ("4", "8Gi", 100),  # 1 and 1
    ("4", "0", 50),  # 1.0 and 0 (memory 0 is a request of 0 bytes, not the default): (1 - 0.5) * 100
])
def test_balanced_allocation(cpu, memory, expected):
    pod = make_pod("new", cpu=cpu, memory=memory)
    assert NodeResourcesBalancedAllocation().score(STATE, pod, info(make_node("n"))) == expected


@pytest.mark.parametrize("taints, tolerations, reason", [
    ([], [], None),
    ([Taint("example-key", "v", "NoSchedule")], [], "node(s) had untolerated taint {example-key: v}"),
    ([Taint("example-key", "v", "NoSchedule")], [Toleration("example-key", "Exists")], None),
    ([Taint("k", "v", "PreferNoSchedule")], [], None),  # only a preference: scoring's business
    ([Taint("k", "", "NoExecute")], [Toleration("k", "Equal", "other")], "node(s) had untolerated taint {k: }"),
])
def test_taint_toleration_filter(taints, tolerations, reason):
    pod = make_pod("p")
    pod.spec.tolerations = tolerations
    status = TaintToleration().filter(STATE, pod, info(make_node("n", taints=taints)))
    assert (status.reasons[0] if status else None) == reason
    assert status is None or status.code == UNRESOLVABLE


def test_taint_toleration_score_prefers_fewer_prefer_no_schedule_taints():
    plugin, pod = TaintToleration(), make_pod("p")
    nodes = {"a": [], "b": [Taint("x", "", "PreferNoSchedule")],
             "c": [Taint("x", "", "PreferNoSchedule"), Taint("y", "", "PreferNoSchedule")]}
    raw = {n: plugin.score(STATE, pod, info(make_node(n, taints=t))) for n, t in nodes.items()}
    assert raw == {"a": 0, "b": 1, "c": 2}
    assert plugin.normalize_score(STATE, pod, raw) == {"a": 100, "b": 50, "c": 0}  # 100 - 100 * count // 2


def test_default_normalize_score():
    assert default_normalize_score({"a": 3, "b": 1, "c": 0}) == {"a": 100, "b": 33, "c": 0}  # 100 * 1 // 3
    assert default_normalize_score({"a": 0, "b": 0}, reverse=True) == {"a": 100, "b": 100}


def expr(key, op, *values):
    return NodeSelectorRequirement(key, op, list(values))


@pytest.mark.parametrize("requirement, fits", [
    (expr("disk", "In", "ssd", "nvme"), True),
    (expr("disk", "NotIn", "ssd"), False),
    (expr("gpu", "NotIn", "a100"), True),  # a missing label is "not in"
    (expr("disk", "Exists"), True),
    (expr("disk", "DoesNotExist"), False),
    (expr("cores", "Gt", "8"), True),  # 16 > 8
    (expr("cores", "Lt", "8"), False),
    (expr("disk", "Gt", "1"), False),  # "ssd" is not a number
])
def test_node_affinity_required(requirement, fits):
    pod = make_pod("p")
    required = NodeSelector([NodeSelectorTerm([requirement])])
    pod.spec.affinity = Affinity(node_affinity=NodeAffinity(required))
    node = info(make_node("n", labels={"disk": "ssd", "cores": "16"}))
    assert (NodeAffinityPlugin().filter(STATE, pod, node) is None) == fits


def test_node_selector_and_preferred_weights():
    pod = make_pod("p")
    pod.spec.node_selector = {"disk": "ssd"}
    pod.spec.affinity = Affinity(node_affinity=NodeAffinity(preferred_during_scheduling_ignored_during_execution=[
        PreferredSchedulingTerm(30, NodeSelectorTerm([expr("zone", "In", "a")])),
        PreferredSchedulingTerm(70, NodeSelectorTerm([expr("cores", "Gt", "8")]))]))
    plugin = NodeAffinityPlugin()
    hdd = info(make_node("hdd", labels={"disk": "hdd"}))
    assert plugin.filter(STATE, pod, hdd).reasons == ("node(s) didn't match Pod's node affinity/selector",)
    scores = {n: plugin.score(STATE, pod, info(make_node(n, labels=labels))) for n, labels in
              {"both": {"zone": "a", "cores": "16"}, "zone": {"zone": "a"}, "none": {}}.items()}
    assert scores == {"both": 100, "zone": 30, "none": 0}  # 30 + 70; 30; 0
    assert plugin.normalize_score(STATE, pod, scores) == {"both": 100, "zone": 30, "none": 0}


def test_node_name_and_unschedulable():
    pod = make_pod("p")
    pod.spec.node_name = "other"
    assert NodeName().filter(STATE, pod, info(make_node("n"))).reasons == (
        "node(s) didn't match the requested node name",)
    cordoned = info(make_node("n", unschedulable=True))
    assert NodeUnschedulable().filter(STATE, make_pod("q"), cordoned).reasons == ("node(s) were unschedulable",)
    tolerant = make_pod("t")
    tolerant.spec.tolerations = [Toleration("node.kubernetes.io/unschedulable", "Exists", effect="NoSchedule")]
    assert NodeUnschedulable().filter(STATE, tolerant, cordoned) is None
