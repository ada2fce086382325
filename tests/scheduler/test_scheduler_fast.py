"""The vectorized path makes the reference path's decisions, on random clusters (a property test)."""

import random

import pytest
from builders import make_pod
from sched_builders import cache_of, placed, random_cluster

from k8slite.api.pod import Toleration
from k8slite.scheduler.cycle import schedule_pod
from k8slite.scheduler.fast import FastPath
from k8slite.scheduler.framework import CycleState
from k8slite.scheduler.profile import bin_packing_profile, default_profile


def random_pod(rng: random.Random, i: int):
    pod = make_pod(f"new-{i}", cpu=rng.choice([None, "100m", "250m", "1", "3"]),
                   memory=rng.choice([None, "64Mi", "512Mi", "2Gi"]))
    if rng.random() < 0.2:
        pod.spec.node_selector = {"disk": rng.choice(["ssd", "hdd"])}
    if rng.random() < 0.3:
        pod.spec.tolerations = [Toleration("dedicated", "Exists")]
    pod.metadata.namespace = "default"
    return pod


@pytest.mark.parametrize("seed", range(24))
def test_fast_and_reference_agree(seed):
    rng = random.Random(seed)
    n_nodes = rng.choice([1, 3, 20, 99, 130, 260])
    nodes, pods = random_cluster(rng, n_nodes, rng.randrange(0, 3 * n_nodes))
    profile = bin_packing_profile() if seed % 3 == 0 else default_profile()
    reference, vectorized = cache_of(nodes, pods), cache_of(nodes, pods)
    fast = FastPath(vectorized, profile)
    rng_ref, rng_fast = random.Random(seed), random.Random(seed)
    start_ref = start_fast = 0
    for i in range(40):
        pod = random_pod(rng, i)
        assert fast.handles(pod)
        ref_nodes = reference.node_list()
        state = CycleState(all_nodes=ref_nodes, affinity_pods=[])
        want = schedule_pod(profile, state, pod, ref_nodes, start_ref, rng_ref)
        got = fast.schedule(pod, start_fast, rng_fast, keep_record=(i % 5 == 0))
        assert (got.node, got.processed) == (want.node, want.processed), f"pod {i}"
        if got.record is not None:
            assert got.record.filters.keys() == want.record.filters.keys()
            assert got.record.normalized == want.record.normalized
        if not want.node:  # the diagnosis only matters when nothing fits
            assert got.statuses == want.statuses
        start_ref = (start_ref + want.processed) % n_nodes
        start_fast = (start_fast + got.processed) % n_nodes
        if want.node:
            reference.set_pod(placed(pod.copy(), want.node))
            vectorized.set_pod(placed(pod.copy(), got.node))
    assert rng_ref.random() == rng_fast.random()  # the same number of draws
