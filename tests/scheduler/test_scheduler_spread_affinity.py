"""PodTopologySpread and InterPodAffinity on small hand-made clusters."""

from builders import make_pod
from sched_builders import cache_of, make_node, placed

from k8slite.api.affinity import (
    Affinity,
    PodAffinity,
    PodAffinityTerm,
    PodAntiAffinity,
    TopologySpreadConstraint,
    WeightedPodAffinityTerm,
)
from k8slite.api.meta import LabelSelector
from k8slite.scheduler.cycle import new_state
from k8slite.scheduler.plugins import InterPodAffinity, PodTopologySpread

WEB = LabelSelector(match_labels={"app": "web"})


def zoned_cache(pods_per_node):
    """Nodes a1, a2 in zone a; b1 in zone b; with that many web pods each."""
    nodes = [make_node(n, labels={"topology.kubernetes.io/zone": n[0]}) for n in pods_per_node]
    pods = [placed(make_pod(f"{n}-{i}", labels={"app": "web"}), n)
            for n, count in pods_per_node.items() for i in range(count)]
    return cache_of(nodes, pods)


def state_for(cache):
    return new_state(cache)  # counts from the cache's index (test_scheduler_cycle_state.py: the same as walking pods)


def test_spread_filter_max_skew_one_across_zones():
    cache = zoned_cache({"a1": 1, "a2": 1, "b1": 0})  # zone a has 2, zone b has 0
    pod = make_pod("new", labels={"app": "web"})
    pod.spec.topology_spread_constraints = [TopologySpreadConstraint(1, "topology.kubernetes.io/zone",
                                                                     "DoNotSchedule", WEB)]
    plugin, state = PodTopologySpread(), state_for(cache)
    plugin.pre_filter(state, pod, cache.node_list())
    verdicts = {n.name: plugin.filter(state, pod, n) for n in cache.node_list()}
    # zone a: 2 + 1 - 0 = 3 > 1 rejected; zone b: 0 + 1 - 0 = 1 <= 1 fits
    assert verdicts["b1"] is None
    assert verdicts["a1"].reasons == ("node(s) didn't match pod topology spread constraints",)


def test_default_spreading_prefers_the_emptier_node():
    cache = zoned_cache({"a1": 2, "a2": 0, "b1": 1})
    plugin = PodTopologySpread(lambda pod: [WEB])  # as if a ReplicaSet selected app=web
    pod, nodes = make_pod("new", labels={"app": "web"}), cache.node_list()
    state = state_for(cache)
    assert plugin.pre_score(state, pod, nodes)
    raw = {n.name: plugin.score(state, pod, n) for n in nodes}
    # hostname weight log(3 + 2), zone weight log(2 + 2); zone a holds 2 pods, zone b 1
    # a1: 2*1.609 + 2 + 2*1.386 + 4 = 11.99 -> 12; a2: 0 + 2 + 2.77 + 4 = 8.77 -> 9; b1: 1.61 + 2 + 1.39 + 4 = 9.0 -> 9
    assert raw == {"a1": 12, "a2": 9, "b1": 9}
    # 100 * (max + min - score) // max: a1 100 * 9 // 12 = 75; others 100 * 12 // 12 = 100
    assert plugin.normalize_score(state, pod, raw) == {"a1": 75, "a2": 100, "b1": 100}


def test_a_bare_pod_is_not_spread():
    cache = zoned_cache({"a1": 1})
    assert not PodTopologySpread().pre_score(state_for(cache), make_pod("bare"), cache.node_list())


def term(key="topology.kubernetes.io/zone"):
    return PodAffinityTerm(label_selector=WEB, topology_key=key)


def test_required_affinity_and_anti_affinity():
    cache = zoned_cache({"a1": 1, "a2": 0, "b1": 0})
    plugin = InterPodAffinity()
    near, far = make_pod("near"), make_pod("far")
    near.spec.affinity = Affinity(pod_affinity=PodAffinity([term()]))
    far.spec.affinity = Affinity(pod_anti_affinity=PodAntiAffinity([term()]))
    for pod, fits in ((near, {"a1", "a2"}), (far, {"b1"})):
        state = state_for(cache)
        plugin.pre_filter(state, pod, cache.node_list())
        assert {n.name for n in cache.node_list() if plugin.filter(state, pod, n) is None} == fits
    state = state_for(cache)
    plugin.pre_filter(state, far, cache.node_list())
    assert plugin.filter(state, far, cache.nodes["a2"]).reasons == ("node(s) didn't match pod anti-affinity rules",)


def test_existing_pods_anti_affinity_keeps_newcomers_out():
    loner = placed(make_pod("loner", labels={"app": "db"}), "a1")
    loner.spec.affinity = Affinity(pod_anti_affinity=PodAntiAffinity([term("kubernetes.io/hostname")]))
    cache = cache_of([make_node("a1"), make_node("b1")], [loner])
    plugin, pod = InterPodAffinity(), make_pod("web", labels={"app": "web"})
    state = state_for(cache)
    plugin.pre_filter(state, pod, cache.node_list())
    assert plugin.filter(state, pod, cache.nodes["a1"]).reasons == (
        "node(s) didn't satisfy existing pods anti-affinity rules",)
    assert plugin.filter(state, pod, cache.nodes["b1"]) is None


def test_preferred_affinity_scores_min_max():
    cache = zoned_cache({"a1": 2, "a2": 0, "b1": 1})
    pod = make_pod("new")
    pod.spec.affinity = Affinity(pod_affinity=PodAffinity(
        preferred_during_scheduling_ignored_during_execution=[WeightedPodAffinityTerm(10, term())]))
    plugin, state, nodes = InterPodAffinity(), state_for(cache), cache.node_list()
    assert plugin.pre_score(state, pod, nodes)
    raw = {n.name: plugin.score(state, pod, n) for n in nodes}
    assert raw == {"a1": 20, "a2": 20, "b1": 10}  # zone a: 2 pods x 10; zone b: 1 x 10
    assert plugin.normalize_score(state, pod, raw) == {"a1": 100, "a2": 100, "b1": 0}  # (s - 10) / 10 * 100
