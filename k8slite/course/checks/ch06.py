"""Checks for notebook 06, the scheduler: a Filter plugin, a Score plugin, a FailedScheduling message.

06.1 a Filter plugin that lets at most two pods of the same app (same
namespace, same ``app`` label) onto one node. Probed first on hand-made
nodes (one of them runs another namespace's pods of the same app label), it
is then put into the default profile and must place the pods of random
clusters exactly where a reference plugin does, with the same
FailedScheduling messages.
06.2 a Score plugin that prefers the node with the most free memory (in
bytes, not percent: nodes differ in size). In a profile whose only score
plugin it is, every pod of a random cluster must land on the feasible node
with the most memory left unrequested.
06.3 ``explain(pod, nodes)``: the reasons and counts of the FailedScheduling
message for a pod that fits nowhere, predicted from the nodes alone and
compared with what the real scheduler writes, on random clusters. Each has a
node with exactly as much memory (or CPU) free as the pod asks, which fits
that resource: "insufficient" means less than asked.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from k8slite.api.meta import ObjectMeta
from k8slite.api.node import Node
from k8slite.api.pod import Container, Pod, PodSpec, ResourceRequirements, Taint, Toleration
from k8slite.api.quantity import bytes_of
from k8slite.cluster import Cluster, default_node
from k8slite.course.checks import exercise
from k8slite.scheduler.framework import CycleState, NodeInfo, Status, unschedulable
from k8slite.scheduler.profile import Profile, default_profile
from k8slite.scheduler.record import PASSED
from k8slite.scheduler.resources import pod_requests

MI = 1024 * 1024
APPS = ("web", "api", "db")


def make_node(index: int, cpu: str = "4", memory: str = "8Gi", pods: int = 110,
              labels: dict[str, str] | None = None, taints: list[Taint] | None = None,
              unschedulable: bool = False) -> Node:
    node = default_node(index)
    capacity: dict[str, str | int] = {"cpu": cpu, "memory": memory, "pods": str(pods)}
    node.status.capacity, node.status.allocatable = dict(capacity), dict(capacity)
    node.metadata.labels.update(labels or {})
    node.spec.taints = list(taints or [])
    node.spec.unschedulable = unschedulable
    return node


def make_pod(name: str, cpu: str = "", memory: str = "", labels: dict[str, str] | None = None,
             node_name: str = "", node_selector: dict[str, str] | None = None,
             tolerations: list[Toleration] | None = None) -> Pod:
    requests: dict[str, str | int | float] = {}
    if cpu:
        requests["cpu"] = cpu
    if memory:
        requests["memory"] = memory
    container = Container(name="app", image="busybox:1.36", command=["sleep", "3600"],
                          resources=ResourceRequirements(requests=requests))
    return Pod(metadata=ObjectMeta(name=name, labels=dict(labels or {})),
               spec=PodSpec(containers=[container], node_name=node_name, node_selector=dict(node_selector or {}),
                            tolerations=list(tolerations or [])))


def node_info(node: Node, pods: list[Pod]) -> NodeInfo:
    """A NodeInfo as the scheduler's cache would hold it (for probing a plugin directly)."""
    from k8slite.scheduler.cache import SchedulerCache
    cache = SchedulerCache()
    cache.set_node(node)
    for pod in pods:
        bound = pod.copy()
        bound.spec.node_name = node.name
        cache.set_pod(bound)
    return cache.nodes[node.name]


def run_cluster(nodes: list[Node], pods: list[Pod], seed: int, profile: Profile | None) -> Cluster:
    c = Cluster(nodes=nodes, seed=seed, scheduler_profile=profile)
    for pod in pods:
        c.api.create(pod.copy())
    c.run(2)
    return c


def placements(c: Cluster) -> dict[str, str]:
    return {p.name: p.spec.node_name or "<pending>" for p in c.get("pods")}


def failures(c: Cluster) -> dict[str, str]:
    """The last FailedScheduling message of each pod that has one."""
    return {e.involved_object.name: e.message for e in c.events() if e.reason == "FailedScheduling"}


# ------------------------------------------------------------------ 06.1

MAX_PER_APP = 2
REASON_06_1 = "node(s) already run 2 pods of this app"


class ReferenceMaxTwoPerApp:
    NAME = "MaxTwoPerApp"

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        app = pod.metadata.labels.get("app")
        if app is None:
            return None
        same = sum(1 for p in node.pods.values()
                   if p.namespace == pod.namespace and p.metadata.labels.get("app") == app)
        return unschedulable(REASON_06_1) if same >= MAX_PER_APP else None


def with_filter(plugin: Any) -> Profile:
    profile = default_profile()
    profile.filters.append(plugin)
    return profile


def probe_filter(plugin: Any) -> None:
    assert isinstance(getattr(plugin, "NAME", None), str) and plugin.NAME, "give the plugin a NAME (a string)"
    assert callable(getattr(plugin, "filter", None)), "the plugin needs a method filter(self, state, pod, node)"
    web = [make_pod(f"web-{i}", labels={"app": "web"}) for i in range(3)]
    full = node_info(make_node(1), web[:2])
    verdict = plugin.filter(CycleState(), web[2], full)
    assert isinstance(verdict, Status), (
        f"a node that already runs 2 pods with app=web must reject a third: filter returned {verdict!r}; "
        "return unschedulable(REASON) to say no, None to say yes")
    assert verdict.reasons == (REASON_06_1,), f"say no with unschedulable(REASON), REASON = {REASON_06_1!r}"
    one = node_info(make_node(1), web[:1] + [make_pod("api-0", labels={"app": "api"})])
    verdict = plugin.filter(CycleState(), web[2], one)
    assert verdict is None, f"a node with one web pod (and one api pod) has room for another web pod; got {verdict!r}"
    loner = make_pod("tool", labels={"team": "x"})
    assert plugin.filter(CycleState(), loner, full) is None, "a pod without an app label is never rejected"
    elsewhere = [make_pod(f"web-b{i}", labels={"app": "web"}) for i in range(2)]
    for pod in elsewhere:
        pod.metadata.namespace = "team-b"
    verdict = plugin.filter(CycleState(), web[2], node_info(make_node(1), elsewhere))
    assert verdict is None, (
        "a node running two app=web pods of namespace team-b has room for an app=web pod of namespace default: "
        f"labels are scoped by namespace (another team's 'web' is another app); got {verdict!r}")


def scenario_06_1(seed: int) -> tuple[list[Node], list[Pod]]:
    rng = random.Random(seed)
    nodes = [make_node(i, cpu=rng.choice(["2", "4"]), memory=rng.choice(["4Gi", "8Gi"]))
             for i in range(1, rng.randint(2, 3) + 1)]
    apps = APPS[:rng.randint(1, 2)]
    pods = []
    for i in range(rng.randint(6, 12)):
        labels = {"app": rng.choice(apps)} if rng.random() < 0.85 else {"team": "ops"}
        pods.append(make_pod(f"pod-{i:02d}", cpu=rng.choice(["100m", "250m", "500m"]),
                             memory=rng.choice(["64Mi", "128Mi"]), labels=labels))
    return nodes, pods


@exercise("06.1")
def check_06_1(plugin_class: Any) -> str:
    assert callable(plugin_class), "pass the class (MaxTwoPerApp), not an instance or None"
    probe_filter(plugin_class())
    seeds = range(12)
    for seed in seeds:
        nodes, pods = scenario_06_1(seed)
        expected = run_cluster(nodes, pods, seed, with_filter(ReferenceMaxTwoPerApp()))
        got = run_cluster(nodes, pods, seed, with_filter(plugin_class()))
        assert placements(got) == placements(expected), (
            f"cluster {seed} ({len(nodes)} nodes, {len(pods)} pods): placements differ\n"
            f"expected {placements(expected)}\ngot      {placements(got)}")
        assert failures(got) == failures(expected), (
            f"cluster {seed}: FailedScheduling messages differ\nexpected {failures(expected)}\n"
            f"got      {failures(got)}")
    return f"{len(seeds)} random clusters placed as expected."


# ------------------------------------------------------------------ 06.2

def free_memory(node: NodeInfo) -> int:
    return node.allocatable.memory - node.requested.memory


def probe_score(plugin: Any) -> None:
    assert isinstance(getattr(plugin, "NAME", None), str) and plugin.NAME, "give the plugin a NAME (a string)"
    assert callable(getattr(plugin, "score", None)), "the plugin needs a method score(self, state, pod, node)"
    pod = make_pod("new", memory="512Mi")
    nodes = [node_info(make_node(1, memory="4Gi"), [make_pod("a", memory="1Gi")]),
             node_info(make_node(2, memory="16Gi"), [make_pod("b", memory="10Gi")]),
             node_info(make_node(3, memory="8Gi"), [])]
    raw = {n.name: plugin.score(CycleState(), pod, n) for n in nodes}
    for name, value in raw.items():
        assert isinstance(value, int) and not isinstance(value, bool), (
            f"score() must return an int; on {name} it returned {value!r}")
    scores = raw
    if callable(getattr(plugin, "normalize_score", None)):
        scores = plugin.normalize_score(CycleState(), pod, dict(raw))
        assert isinstance(scores, dict) and set(scores) == set(raw), (
            f"normalize_score() must return a dict with a score for every node, got {scores!r}")
    assert all(isinstance(s, int) and 0 <= s <= 100 for s in scores.values()), (
        f"final scores must be integers 0..100 (normalize them), got {scores}")
    assert scores["node-3"] == 100, (
        f"node-3 has 8Gi free, node-2 6Gi (of 16Gi), node-1 3Gi (of 4Gi): node-3 must score 100, got {scores}")
    assert scores["node-3"] > scores["node-2"] > scores["node-1"], (
        f"more free memory (in bytes, not percent) must score higher; got {scores}")


def scenario_06_2(seed: int) -> tuple[list[Node], list[Pod]]:
    rng = random.Random(seed)
    count = rng.randint(3, 6)
    nodes = [make_node(i, cpu="8", memory=f"{rng.choice([2, 4, 8, 16])}Gi") for i in range(1, count + 1)]
    pods = []
    for i, node in enumerate(nodes):
        if rng.random() < 0.6:
            pods.append(make_pod(f"old-{i}", cpu="100m", memory=f"{rng.choice([256, 512, 1024])}Mi",
                                 node_name=node.name))
    for i in range(rng.randint(4, 10)):
        pods.append(make_pod(f"pod-{i:02d}", cpu="100m", memory=f"{rng.choice([128, 256, 512, 768])}Mi"))
    return nodes, pods


@exercise("06.2")
def check_06_2(plugin_class: Any) -> str:
    assert callable(plugin_class), "pass the class (MostFreeMemory), not an instance or None"
    probe_score(plugin_class())
    seeds, decisions = range(12), 0
    for seed in seeds:
        nodes, pods = scenario_06_2(seed)
        profile = default_profile()
        profile.scores = [(plugin_class(), 1)]
        c = run_cluster(nodes, pods, seed, profile)
        assert c.scheduler is not None
        free = {n.name: bytes_of(n.status.allocatable["memory"]) for n in nodes}
        for pod in pods:
            if pod.spec.node_name:
                free[pod.spec.node_name] -= pod_requests(pod).memory
        for pod in pods:
            if pod.spec.node_name:
                continue
            record = c.scheduler.records[f"default/{pod.name}"]
            feasible = [n for n, verdicts in record.filters.items() if all(v == PASSED for v in verdicts.values())]
            if not record.selected:
                continue
            best = max(free[n] for n in feasible)
            assert free[record.selected] == best, (
                f"cluster {seed}: {pod.name} went to {record.selected} with {free[record.selected] // MI}Mi free, "
                f"but {[n for n in feasible if free[n] == best]} had {best // MI}Mi free")
            free[record.selected] -= pod_requests(pod).memory
            decisions += 1
    return f"{decisions} placements in {len(seeds)} random clusters chose the most free memory."


# ------------------------------------------------------------------ 06.3

def reasons_in(message: str) -> dict[str, int]:
    """'0/3 nodes are available: 1 Insufficient cpu, 2 node(s) ... . preemption: ...' -> {reason: count}."""
    filters = message.split(" nodes are available: ", 1)[1].split(". preemption: ", 1)[0]
    counts = {}
    for item in filters.split(", "):
        number, reason = item.split(" ", 1)
        counts[reason] = int(number)
    return counts


PROBLEMS = ["cordon", "taint", "taint", "label", "label", "label", "pods", "cpu", "cpu", "memory", "memory"]


def scenario_06_3(seed: int) -> tuple[list[Node], list[Pod], Pod]:
    """Nodes that all reject the pod, each for one or more reasons, plus harmless distractions and a node
    with exactly enough of one resource (and too little of the other)."""
    rng = random.Random(seed)
    gpu, team = Taint("dedicated", "gpu", "NoSchedule"), Taint("team", "ml", "NoSchedule")
    soft = Taint("spot", "true", "PreferNoSchedule")
    pod = make_pod("stuck", cpu="1500m", memory="2Gi", node_selector={"disk": "ssd"} if rng.random() < 0.7 else {},
                   tolerations=[Toleration(key="team", operator="Exists")] if rng.random() < 0.5 else [])
    nodes, pods = [], []
    for i in range(1, rng.randint(3, 7) + 1):
        problems = [p for p in rng.sample(PROBLEMS, rng.randint(1, 3)) if pod.spec.node_selector or p != "label"]
        problems = problems or ["cpu"]
        taints = [t for t in (team, soft) if rng.random() < 0.3] + ([gpu] if "taint" in problems else [])
        rng.shuffle(taints)
        labels = {"disk": "ssd"} if "label" not in problems else ({"disk": "hdd"} if rng.random() < 0.5 else {})
        nodes.append(make_node(i, cpu="2", memory="4Gi", pods=2 if "pods" in problems else 110, labels=labels,
                               taints=taints, unschedulable="cordon" in problems))
        used = [("pods", "100m", "64Mi")] * 2 if "pods" in problems else []
        if "cpu" in problems:
            used.append(("cpu", "1", "256Mi"))
        if "memory" in problems:
            used.append(("memory", "100m", "3Gi"))
        pods += [make_pod(f"n{i}-{what}-{j}", cpu=cpu, memory=memory, node_name=f"node-{i}")
                 for j, (what, cpu, memory) in enumerate(used)]
    edge = len(nodes) + 1  # exactly as much free as asked of one resource fits; short of the other
    nodes.append(make_node(edge, cpu="2", memory="4Gi", labels={"disk": "ssd"}))
    exact = ([("cpu", "1", "256Mi"), ("exact-memory", "100m", "1792Mi")] if seed % 2 == 0
             else [("memory", "100m", "3Gi"), ("exact-cpu", "400m", "64Mi")])
    pods += [make_pod(f"n{edge}-{what}", cpu=cpu, memory=memory, node_name=f"node-{edge}")
             for what, cpu, memory in exact]
    return nodes, pods, pod


@exercise("06.3")
def check_06_3(explain: Callable[[Pod, list[NodeInfo]], dict[str, int]]) -> str:
    assert callable(explain), "define explain(pod, nodes) returning {reason: count}"
    seeds = range(16)
    for seed in seeds:
        nodes, placed, pod = scenario_06_3(seed)
        c = run_cluster(nodes, [*placed, pod], seed, None)
        assert c.scheduler is not None
        message = failures(c)[pod.name]
        answer = explain(c.get("pods", pod.name), c.scheduler.cache.node_list())
        assert isinstance(answer, dict), f"explain() must return a dict {{reason: count}}, not {answer!r}"
        expected = reasons_in(message)
        assert answer == expected, (
            f"cluster {seed}: the scheduler said\n  {message}\nwhich counts {expected}\nyour explain() gave {answer}")
    return f"{len(seeds)} FailedScheduling messages explained."
