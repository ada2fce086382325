"""The vectorized scheduling path: the same decisions as cycle.py, with NumPy over all nodes.

kube-scheduler makes 5,000-node clusters fast with goroutines over nodes
and a cache of per-node sums; Python loops over 5,000 nodes per pod would
take seconds. This path keeps, per node, arrays of allocatable and
requested cpu, memory and pods (refreshed from the cache only for nodes
that changed) and computes NodeResourcesFit's filter, LeastAllocated or
MostAllocated, and BalancedAllocation for all nodes at once. Nodes with
taints or cordons (usually few) go through the reference plugins one by
one; nodeSelector uses a mask per label pair.

It handles only "simple" pods: no nodeName, no affinity, no topology
spread constraints (own or default, i.e. not selected by a ReplicaSet), and
no placed pod carries pod affinity; every other pod takes the reference
path. tests/scheduler/test_fast.py checks both agree on random clusters,
tie-breaking (same rng draws) and round-robin start included.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from k8slite.api.pod import Pod
from k8slite.scheduler.cache import SchedulerCache
from k8slite.scheduler.cycle import Result, num_feasible_nodes_to_find, run_filters, schedule_pod
from k8slite.scheduler.framework import MAX_NODE_SCORE, CycleState
from k8slite.scheduler.plugins import (
    InterPodAffinity,
    NodeAffinity,
    NodeName,
    NodeResourcesBalancedAllocation,
    NodeResourcesFit,
    NodeUnschedulable,
    PodTopologySpread,
    TaintToleration,
    VolumeBinding,
    VolumeRestrictions,
)
from k8slite.scheduler.plugins.node_resources_fit import LEAST_ALLOCATED
from k8slite.scheduler.plugins.volume_binding import claim_names
from k8slite.scheduler.profile import Profile
from k8slite.scheduler.record import PASSED, SchedulingRecord
from k8slite.scheduler.resources import pod_requests

KNOWN = (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodeResourcesFit, PodTopologySpread,
         InterPodAffinity, NodeResourcesBalancedAllocation, VolumeBinding, VolumeRestrictions)
CPU, MEM, PODS = 0, 1, 2


class FastPath:
    def __init__(self, cache: SchedulerCache, profile: Profile) -> None:
        self.cache, self.profile = cache, profile
        self.usable = all(type(p) in KNOWN for p in profile.filters + [p for p, _ in profile.scores])
        self.filter_names = {p.NAME for p in profile.filters}
        self.generation = -1
        self.node_version = -1
        self.masks: dict[tuple[str, str], np.ndarray] = {}

    def handles(self, pod: Pod) -> bool:
        if not self.usable or pod.spec.node_name or pod.spec.affinity is not None:
            return False
        if pod.spec.topology_spread_constraints or self.cache.affinity or claim_names(pod):
            return False
        plugins = self.profile.filters + [p for p, _ in self.profile.scores]
        spread = [p for p in plugins if isinstance(p, PodTopologySpread)]
        return not any(s.constraints(pod, "ScheduleAnyway") for s in spread[:1])

    # ------------------------------------------------------------ arrays
    def refresh(self) -> None:
        cache = self.cache
        if cache.generation != self.generation:
            n = len(cache.order)
            self.names = list(cache.order)
            self.index = {name: i for i, name in enumerate(self.names)}
            self.alloc = np.zeros((n, 3), np.int64)
            self.req = np.zeros((n, 3), np.int64)
            self.nonzero = np.zeros((n, 2), np.int64)
            self.special = np.zeros(n, bool)
            self.generation, cache.dirty = cache.generation, set(cache.order)
        for name in cache.dirty:
            i = self.index.get(name)
            if i is not None:
                self.load_row(i, name)
        cache.dirty = set()
        if cache.node_version != self.node_version:
            self.masks, self.node_version = {}, cache.node_version
            self.special_idx = np.flatnonzero(self.special)

    def load_row(self, i: int, name: str) -> None:
        info = self.cache.nodes[name]
        a, r, z = info.allocatable, info.requested, info.non_zero_requested
        self.alloc[i] = (a.milli_cpu, a.memory, a.pods)
        self.req[i] = (r.milli_cpu, r.memory, r.pods)
        self.nonzero[i] = (z.milli_cpu, z.memory)
        self.special[i] = bool(info.node.spec.taints or info.node.spec.unschedulable)

    def mask(self, key: str, value: str) -> np.ndarray:
        if (key, value) not in self.masks:
            self.masks[(key, value)] = np.array(
                [self.cache.nodes[n].labels.get(key) == value for n in self.names], bool)
        return self.masks[(key, value)]

    # ------------------------------------------------------------ filter
    def feasible_mask(self, pod: Pod) -> np.ndarray:
        ok = np.ones(len(self.names), bool)
        state = CycleState()
        for i in self.special_idx:
            info = self.cache.nodes[self.names[i]]
            for plugin in self.profile.filters:
                if isinstance(plugin, NodeUnschedulable | TaintToleration) and plugin.filter(state, pod, info):
                    ok[i] = False
        if "NodeAffinity" in self.filter_names:
            for key, value in pod.spec.node_selector.items():
                ok &= self.mask(key, value)
        if "NodeResourcesFit" in self.filter_names:
            asked = pod_requests(pod)
            free = self.alloc - self.req
            ok &= self.req[:, PODS] + 1 <= self.alloc[:, PODS]
            if asked.milli_cpu:
                ok &= asked.milli_cpu <= free[:, CPU]
            if asked.memory:
                ok &= asked.memory <= free[:, MEM]
        return ok

    def schedule(self, pod: Pod, start: int, rng: random.Random, keep_record: bool) -> Result:
        self.refresh()
        n = len(self.names)
        ok = self.feasible_mask(pod)
        order = (start + np.arange(n)) % n
        ok_in_order = ok[order]
        counted = np.cumsum(ok_in_order)
        wanted = num_feasible_nodes_to_find(n, self.profile.percentage_of_nodes_to_score)
        processed = int(np.searchsorted(counted, wanted)) + 1 if counted[-1] >= wanted else n
        feasible = order[:processed][ok_in_order[:processed]]
        if len(feasible) == 0:  # failures are rare: let the reference path explain them
            nodes = self.cache.node_list()
            state = CycleState(all_nodes=nodes, affinity_pods=[])
            return schedule_pod(self.profile, state, pod, nodes, start, rng)
        record = self.filter_record(pod, order[:processed], ok) if keep_record else None
        if len(feasible) == 1:
            return self.done(self.names[int(feasible[0])], processed, record)
        totals = np.zeros(len(feasible), np.int64)
        for plugin, weight in self.profile.scores:
            raw, normalized = self.score(plugin, pod, feasible)
            totals += weight * normalized
            if record is not None:
                self.score_record(record, plugin.NAME, weight, feasible, raw, normalized)
        tied = np.sort(feasible[totals == totals.max()])
        return self.done(rng.choice(Names(self.names, tied)), processed, record)

    def done(self, node: str, processed: int, record: SchedulingRecord | None) -> Result:
        if record is not None:
            record.selected = node
        return Result(node, {}, processed, record)

    # ------------------------------------------------------------ score
    def score(self, plugin: Any, pod: Pod, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        zeros = np.zeros(len(idx), np.int64)
        if isinstance(plugin, NodeResourcesFit | NodeResourcesBalancedAllocation):
            asked = pod_requests(pod, non_zero=True)
            requested = self.nonzero[idx] + np.array([asked.milli_cpu, asked.memory], np.int64)
            capacity = self.alloc[idx, :2]
            if isinstance(plugin, NodeResourcesBalancedAllocation):
                raw = balanced(requested, capacity)
            else:
                raw = resource_scores(plugin.strategy, requested, capacity)
            return raw, raw
        if isinstance(plugin, TaintToleration):
            raw = zeros.copy()
            for j in np.flatnonzero(self.special[idx]):
                raw[j] = plugin.score(CycleState(), pod, self.cache.nodes[self.names[int(idx[j])]])
            highest = raw.max()
            return raw, (np.full_like(raw, MAX_NODE_SCORE) if highest == 0
                         else MAX_NODE_SCORE - MAX_NODE_SCORE * raw // highest)
        return zeros, zeros  # NodeAffinity without preferences; spread and pod affinity skip such pods

    # ------------------------------------------------------------ records
    def filter_record(self, pod: Pod, processed: np.ndarray, ok: np.ndarray) -> SchedulingRecord:
        record = SchedulingRecord(f"{pod.namespace}/{pod.name}")
        nodes = self.cache.node_list()
        state = CycleState(all_nodes=nodes, affinity_pods=[])
        for plugin in self.profile.filters:
            if hasattr(plugin, "pre_filter"):
                plugin.pre_filter(state, pod, nodes)
        for i in processed:
            name = self.names[int(i)]
            if ok[i]:
                record.filters[name] = {p.NAME: PASSED for p in self.profile.filters}
            else:
                run_filters(self.profile, state, pod, self.cache.nodes[name], record.filters.setdefault(name, {}))
        return record

    def score_record(self, record: SchedulingRecord, plugin: str, weight: int, idx: np.ndarray,
                     raw: np.ndarray, normalized: np.ndarray) -> None:
        record.weights[plugin] = weight
        for j, i in enumerate(idx):
            name = self.names[int(i)]
            record.scores.setdefault(name, {})[plugin] = int(raw[j])
            record.normalized.setdefault(name, {})[plugin] = int(normalized[j])


class Names:
    """The names of some node indices, as a sequence, without building the list (rng.choice needs only this)."""

    def __init__(self, names: list[str], idx: np.ndarray) -> None:
        self.names, self.idx = names, idx

    def __len__(self) -> int:
        return len(self.idx)

    def __getitem__(self, i: int) -> str:
        return self.names[int(self.idx[i])]


def resource_scores(strategy: str, requested: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """LeastAllocated or MostAllocated for cpu and memory columns, averaged (integers, as Go)."""
    safe = np.where(capacity == 0, 1, capacity)
    if strategy == LEAST_ALLOCATED:
        per = np.where((capacity == 0) | (requested > capacity), 0, (capacity - requested) * MAX_NODE_SCORE // safe)
    else:
        per = np.where(capacity == 0, 0, np.minimum(requested, capacity) * MAX_NODE_SCORE // safe)
    return (per[:, 0] + per[:, 1]) // 2


def balanced(requested: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """BalancedAllocation in float64, the same operations in the same order as the reference."""
    both = (capacity[:, 0] != 0) & (capacity[:, 1] != 0)
    safe = np.where(capacity == 0, 1, capacity).astype(np.float64)
    fractions = np.minimum(requested.astype(np.float64) / safe, 1.0)
    std = np.where(both, np.abs((fractions[:, 0] - fractions[:, 1]) / 2), 0.0)
    return ((1 - std) * MAX_NODE_SCORE).astype(np.int64)
