"""Per-cycle state from the cache's counts: the same decisions as counting every pod, and Skip.

kube-scheduler computes PreFilter/PreScore state once per cycle from its
cache (pkg/scheduler/framework/plugins/podtopologyspread/filtering.go,
interpodaffinity/filtering.go); a PreFilter with nothing to check returns
framework.Skip and its Filter is not run (framework/runtime/framework.go).
"""

import random

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
from k8slite.scheduler.cycle import new_state, schedule_pod
from k8slite.scheduler.framework import SKIP, CycleState
from k8slite.scheduler.plugins import InterPodAffinity, NodeAffinity, PodTopologySpread, VolumeBinding
from k8slite.scheduler.profile import bin_packing_profile, default_profile

ZONE, HOST = "topology.kubernetes.io/zone", "kubernetes.io/hostname"


def recount(cache, namespace, app, terminating):
    found = {}
    for node in cache.node_list():
        n = sum(1 for p in node.pods.values() if p.namespace == namespace and p.metadata.labels.get("app") == app
                and (terminating or p.metadata.deletion_timestamp is None))
        if n:
            found[node.name] = n
    return found


def test_the_cache_counts_pods_by_labels_per_node_as_they_come_and_go():
    cache = cache_of([make_node("a"), make_node("b")])
    pods = [placed(make_pod(f"web-{i}", labels={"app": "web"}), "ab"[i % 2]) for i in range(5)]
    for p in pods:
        cache.set_pod(p)
    ending = pods[0].copy()
    ending.metadata.deletion_timestamp = 5.0
    cache.set_pod(ending)  # terminating: not counted for spreading
    cache.remove_pod("default/web-1")
    cache.remove_node("b")
    web = lambda ns, labels: ns == "default" and labels.get("app") == "web"  # noqa: E731
    for terminating in (True, False):
        assert cache.count_pods(web, terminating) == recount(cache, "default", "web", terminating)
    assert cache.count_pods(web, terminating=False) == {"a": 2}
    cache.set_node(make_node("b"))  # its pods were waiting for it
    assert cache.count_pods(web) == {"a": 3, "b": 1} == recount(cache, "default", "web", True)


def test_a_status_update_keeps_every_count_and_a_label_change_moves_them():
    cache = cache_of([make_node("a"), make_node("b")])
    pod = placed(make_pod("web", labels={"app": "web"}, cpu="500m"), "a")
    pod.metadata.uid = "u1"
    cache.set_pod(pod)
    requested = cache.nodes["a"].requested
    running = pod.copy()
    running.status.phase = "Running"
    cache.set_pod(running)  # the kubelet's status write: same node, labels and uid
    assert cache.nodes["a"].pods["default/web"] is running and cache.pods["default/web"] is running
    assert cache.nodes["a"].requested == requested and requested.milli_cpu == 500
    web = lambda ns, labels: labels.get("app") == "web"  # noqa: E731
    assert cache.count_pods(web) == {"a": 1}
    relabelled = running.copy()
    relabelled.metadata.labels = {"app": "api"}
    cache.set_pod(relabelled)
    assert cache.count_pods(web) == {} and cache.nodes["a"].requested == requested
    done = relabelled.copy()
    done.status.phase = "Succeeded"  # a finished pod frees its node
    cache.set_pod(done)
    assert "default/web" not in cache.nodes["a"].pods and cache.nodes["a"].requested.milli_cpu == 0


def random_pod(rng, i):
    sel = LabelSelector({"app": rng.choice("abc")})
    pod = make_pod(f"p-{i}", cpu=rng.choice([None, "100m", "1"]), labels={"app": rng.choice("abc")},
                   namespace=rng.choice(["default", "other"]))
    r = rng.random()
    if r < 0.2:
        pod.spec.topology_spread_constraints = [TopologySpreadConstraint(
            1, rng.choice([ZONE, HOST]), rng.choice(["DoNotSchedule", "ScheduleAnyway"]), sel)]
    elif r < 0.35:
        pod.spec.affinity = Affinity(pod_anti_affinity=PodAntiAffinity([PodAffinityTerm(sel, [], HOST)]))
    elif r < 0.5:
        pod.spec.affinity = Affinity(pod_affinity=PodAffinity(
            preferred_during_scheduling_ignored_during_execution=[WeightedPodAffinityTerm(5, PodAffinityTerm(
                sel, [], ZONE))]))
    return pod


def test_counts_from_the_cache_decide_as_counting_every_pod_does():
    for seed in range(6):
        rng = random.Random(seed)
        nodes = [make_node(f"n-{i:03d}", labels={ZONE: f"z{i % 3}"}) for i in range(rng.choice([5, 40, 120]))]
        cache = cache_of(nodes)
        profile = bin_packing_profile() if seed % 2 else default_profile()
        profile.plugin("PodTopologySpread").selectors_for = lambda pod: [LabelSelector(dict(pod.metadata.labels))]
        start, indexed, walked = 0, random.Random(seed), random.Random(seed)
        for i in range(60):
            pod = random_pod(rng, i)
            want = schedule_pod(profile, CycleState(all_nodes=cache.node_list(), affinity_pods=cache.affinity_pods()),
                                pod, cache.node_list(), start, walked)
            got = schedule_pod(profile, new_state(cache), pod, cache.node_list(), start, indexed)
            assert (got.node, got.processed, got.statuses) == (want.node, want.processed, want.statuses)
            assert got.record.normalized == want.record.normalized, f"seed {seed}, pod {i}"
            start = (start + got.processed) % len(nodes)
            if got.node:
                cache.set_pod(placed(pod, got.node))
        assert indexed.random() == walked.random()  # the same tie-breaking draws


def test_a_pre_filter_with_nothing_to_check_says_skip_and_its_filter_still_shows_passed():
    cache = cache_of([make_node("a")])
    pod, state = make_pod("bare"), new_state(cache)
    for plugin in (NodeAffinity(), PodTopologySpread(), InterPodAffinity(), VolumeBinding()):
        assert plugin.pre_filter(state, pod, cache.node_list()) == SKIP == "Skip"  # framework.Skip's code name
    result = schedule_pod(default_profile(), new_state(cache), pod, cache.node_list(), 0, random.Random(0))
    assert result.record.filters["a"]["PodTopologySpread"] == "passed"
    pod.spec.node_selector = {"disk": "ssd"}
    assert NodeAffinity().pre_filter(state, pod, cache.node_list()) is None
    result = schedule_pod(default_profile(), new_state(cache), pod, cache.node_list(), 0, random.Random(0))
    assert result.record.filters["a"]["NodeAffinity"] == "node(s) didn't match Pod's node affinity/selector"


def test_without_records_the_cycle_keeps_none():
    cache = cache_of([make_node("a"), make_node("b")])
    result = schedule_pod(default_profile(), new_state(cache), make_pod("p"), cache.node_list(), 0,
                          random.Random(0), keep_record=False)
    assert result.node in ("a", "b") and result.record is None
