"""One scheduler: the vectorised plugins decide exactly as the same plugins asked node by node.

The cycle asks a plugin that has filter_nodes/score_nodes about a whole batch
of nodes at once (framework.Nodes, NumPy); a plugin without them (a
learner's, in notebook 06) is asked node by node. These tests hide the
vectorised methods of every plugin and check the decisions, the statuses,
the records and the random draws do not change, on random clusters with
taints, cordons, full nodes, selectors, tolerations and spreading, at
sizes where percentageOfNodesToScore cuts the search short.
"""

import random

import numpy as np
import pytest
from builders import make_pod
from sched_builders import cache_of, make_node, placed, random_cluster

from k8slite.api.affinity import TopologySpreadConstraint
from k8slite.api.meta import LabelSelector
from k8slite.api.pod import Taint, Toleration
from k8slite.scheduler.cycle import new_state, schedule_pod
from k8slite.scheduler.framework import Nodes
from k8slite.scheduler.plugins import NodeResourcesBalancedAllocation, NodeResourcesFit
from k8slite.scheduler.plugins.node_resources_fit import least_allocated, most_allocated
from k8slite.scheduler.profile import Profile, bin_packing_profile, default_profile

VECTORISED = ("filter_nodes", "score_nodes", "normalize_nodes")
ZONE = "topology.kubernetes.io/zone"


class NodeByNode:
    """A plugin without its vectorised methods: the cycle has to ask it about one node at a time."""

    def __init__(self, plugin):
        self.plugin, self.NAME = plugin, plugin.NAME

    def __getattr__(self, name):
        if name in VECTORISED:
            raise AttributeError(name)
        return getattr(self.plugin, name)


def node_by_node(profile: Profile) -> Profile:
    return Profile(profile.scheduler_name, [NodeByNode(p) for p in profile.filters],
                   [(NodeByNode(p), w) for p, w in profile.scores], profile.percentage_of_nodes_to_score)


def random_pod(rng: random.Random, i: int):
    pod = make_pod(f"new-{i}", cpu=rng.choice([None, "100m", "1", "3"]), memory=rng.choice([None, "256Mi", "6Gi"]),
                   labels={"app": rng.choice("ab")})
    if rng.random() < 0.3:
        pod.spec.tolerations = [Toleration(key="dedicated", operator="Exists")]
    if rng.random() < 0.2:
        pod.spec.tolerations.append(Toleration(key="node.kubernetes.io/unschedulable", operator="Exists",
                                               effect="NoSchedule"))
    if rng.random() < 0.2:
        pod.spec.node_selector = {"disk": "ssd"}
    if rng.random() < 0.25:
        pod.spec.topology_spread_constraints = [TopologySpreadConstraint(
            2, rng.choice([ZONE, "kubernetes.io/hostname"]), rng.choice(["DoNotSchedule", "ScheduleAnyway"]),
            LabelSelector({"app": pod.metadata.labels["app"]}))]
    return pod


@pytest.mark.parametrize("seed, nodes, bin_packing", [(0, 12, False), (1, 150, False), (2, 150, True),
                                                      (3, 400, False)])
def test_vectorised_plugins_decide_as_the_same_plugins_asked_node_by_node(seed, nodes, bin_packing):
    rng = random.Random(seed)
    cluster, pods = random_cluster(rng, nodes, nodes * 2)
    for n in cluster:
        n.metadata.labels[ZONE] = f"z{rng.randrange(3)}"
    cache = cache_of(cluster, pods)
    profile = bin_packing_profile() if bin_packing else default_profile()
    profile.plugin("PodTopologySpread").selectors_for = lambda pod: [LabelSelector(dict(pod.metadata.labels))]
    slow = node_by_node(profile)
    start, fast_rng, slow_rng = 0, random.Random(seed), random.Random(seed)
    for i in range(40):
        pod = random_pod(rng, i)
        got = schedule_pod(profile, new_state(cache), pod, cache.node_list(), start, fast_rng)
        want = schedule_pod(slow, new_state(cache), pod, cache.node_list(), start, slow_rng)
        assert (got.node, got.processed, got.statuses) == (want.node, want.processed, want.statuses), i
        assert (got.record.filters, got.record.scores, got.record.normalized) == \
            (want.record.filters, want.record.scores, want.record.normalized), i
        start = (start + got.processed) % len(cluster)
        if got.node:
            cache.set_pod(placed(pod, got.node))
    assert fast_rng.random() == slow_rng.random()  # the same tie-breaking draws


def test_a_filter_says_the_same_about_a_batch_as_about_each_node():
    rng = random.Random(7)
    cluster, pods = random_cluster(rng, 200, 600)
    cache = cache_of(cluster, pods)
    state = new_state(cache)
    every = Nodes(cache.node_list(), state["table"])
    for i in range(30):
        pod = random_pod(rng, i)
        for plugin in default_profile().filters:
            if hasattr(plugin, "filter_nodes"):
                if hasattr(plugin, "pre_filter"):
                    plugin.pre_filter(state, pod, cache.node_list())
                one_by_one = [plugin.filter(state, pod, n) is None for n in cache.node_list()]
                assert plugin.filter_nodes(state, pod, every).tolist() == one_by_one, plugin.NAME


def test_the_cache_table_follows_pods_and_nodes_as_they_change():
    cache = cache_of([make_node("a"), make_node("b", cpu="2")])
    cache.table()
    cache.set_pod(placed(make_pod("p", cpu="500m", memory="1Gi"), "b"))
    tainted = make_node("a", taints=[Taint("k", "v", "NoSchedule")])
    cache.set_node(tainted)
    table = cache.table()
    assert table["requested_cpu"].tolist() == [0, 500] and table["non_zero_cpu"].tolist() == [0, 500]
    assert table["tainted"].tolist() == [True, False] and table["allocatable_cpu"].tolist() == [4000, 2000]
    cache.set_node(make_node("c"))  # a new node: the table is made again, rows in name order
    assert cache.table()["allocatable_cpu"].tolist() == [4000, 2000, 4000]
    assert list(Nodes(cache.node_list(), cache.table()).requested_cpu) == [0, 500, 0]


def test_the_cache_counts_by_row_follow_pods_nodes_and_labels_as_they_change():
    """counts_by_row is kept current pod by pod; it must equal counting from scratch after any churn."""
    rng = random.Random(7)
    cache = cache_of([make_node(f"n{i}", labels={ZONE: f"z{i % 3}"}) for i in range(6)])
    apps = ("web", "db", "cache")

    def web(ns, labels):
        return ns == "default" and labels.get("app") == "web"

    for step in range(300):
        action = rng.random()
        names = [n.name for n in cache.node_list()]
        if action < 0.6:
            pod = placed(make_pod(f"p{step}", labels={"app": rng.choice(apps)}), rng.choice(names + ["late"]))
            cache.set_pod(pod)
        elif action < 0.85 and cache.pods:
            cache.delete_pod(cache.pods[rng.choice(sorted(cache.pods))])
        elif action < 0.92:
            cache.set_node(make_node(rng.choice(["late", f"n{rng.randrange(8)}"]),
                                     labels={ZONE: rng.choice(["z0", "z9"])}))
        elif len(names) > 2:
            cache.remove_node(rng.choice(names))
        if step % 7 == 0:
            counted = cache.counts_by_row(web).tolist()
            from_scratch = [sum(1 for p in n.pods.values() if p.metadata.labels["app"] == "web")
                            for n in cache.node_list()]
            assert counted == from_scratch, step
            column = cache.label_column(ZONE)
            assert [column.values[code] for code in column.codes] == \
                [n.node.metadata.labels.get(ZONE, "") for n in cache.node_list()], step


def test_one_formula_scores_one_node_or_an_array_of_them():
    assert least_allocated(2500, 4000) == 37 and least_allocated(5000, 4000) == 0 and least_allocated(0, 0) == 0
    assert most_allocated(1000, 4000) == 25 and most_allocated(5000, 4000) == 100 and most_allocated(1, 0) == 0
    requested, capacity = np.array([2500, 5000, 0]), np.array([4000, 4000, 0])
    assert least_allocated(requested, capacity).tolist() == [37, 0, 0]
    node = cache_of([make_node("n")], [placed(make_pod("p", cpu="1", memory="2Gi"), "n")]).nodes["n"]
    pod = make_pod("q", cpu="1", memory="1Gi")
    # (4000 - 2000) * 100 // 4000 = 50 for cpu, (8Gi - 3Gi) * 100 // 8Gi = 62 for memory: (50 + 62) // 2 = 56
    assert NodeResourcesFit().score({}, pod, node) == 56
    # cpu 2000/4000 = 0.5, memory 3Gi/8Gi = 0.375: int((1 - 0.125 / 2) * 100) = 93
    assert NodeResourcesBalancedAllocation().score({}, pod, node) == 93
