"""One scheduling cycle for one pod: filter, score, select (pkg/scheduler/schedule_one.go).

1. PreFilter, then Filter the nodes, starting where the previous cycle
   stopped (round-robin) and stopping once `num_feasible_nodes_to_find`
   nodes fit: percentageOfNodesToScore keeps big clusters fast, at the cost
   of sometimes missing the best node.
2. PreScore, Score and NormalizeScore each score plugin over the feasible
   nodes; a node's total is the sum of weight x normalized score.
3. Select the highest total; ties are broken at random (the seeded rng,
   choosing among the tied nodes sorted by name). A single feasible node is
   taken without scoring, as kube-scheduler does.

This is the readable reference; fast.py computes the same decisions with
NumPy for the common plugins.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from k8slite.api.pod import Pod
from k8slite.scheduler.framework import CycleState, NodeInfo, Status
from k8slite.scheduler.profile import Profile
from k8slite.scheduler.record import PASSED, SchedulingRecord

MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5


@dataclass
class Result:
    node: str = ""  # chosen node, or "" when none fits
    statuses: dict[str, Status] = field(default_factory=dict)  # why rejected nodes said no
    processed: int = 0  # nodes filtered this cycle (moves the round-robin start)
    record: SchedulingRecord | None = None


def num_feasible_nodes_to_find(num_nodes: int, percentage: int = 0) -> int:
    """All nodes below 100; else max(5, 50 - N/125)% of them, but at least 100.

    E.g. 5,000 nodes: 50 - 5000 // 125 = 10% -> 500 nodes; 1,000 nodes: 42% -> 420.
    """
    if num_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_nodes
    if percentage == 0:
        percentage = max(50 - num_nodes // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    return max(num_nodes * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


def run_filters(profile: Profile, state: CycleState, pod: Pod, node: NodeInfo,
                verdicts: dict[str, str] | None = None) -> Status | None:
    """The first filter that rejects the node decides; the rest are not asked."""
    for plugin in profile.filters:
        status = plugin.filter(state, pod, node)
        if verdicts is not None:
            verdicts[plugin.NAME] = PASSED if status is None else ", ".join(status.reasons)
        if status is not None:
            return Status(status.reasons, status.code, plugin.NAME, status.pre_filter)
    return None


def find_feasible(profile: Profile, state: CycleState, pod: Pod, nodes: list[NodeInfo], start: int,
                  record: SchedulingRecord) -> tuple[list[NodeInfo], dict[str, Status], int]:
    for plugin in profile.filters:
        if hasattr(plugin, "pre_filter"):
            plugin.pre_filter(state, pod, nodes)
    wanted = num_feasible_nodes_to_find(len(nodes), profile.percentage_of_nodes_to_score)
    feasible: list[NodeInfo] = []
    statuses: dict[str, Status] = {}
    for i in range(len(nodes)):
        node = nodes[(start + i) % len(nodes)]
        status = run_filters(profile, state, pod, node, record.filters.setdefault(node.name, {}))
        if status is None:
            feasible.append(node)
            if len(feasible) == wanted:
                break
        else:
            statuses[node.name] = status
    return feasible, statuses, len(feasible) + len(statuses)


def prioritize(profile: Profile, state: CycleState, pod: Pod, feasible: list[NodeInfo],
               record: SchedulingRecord) -> dict[str, int]:
    """Every score plugin over the feasible nodes; the weighted totals per node."""
    totals = {n.name: 0 for n in feasible}
    for plugin, weight in profile.scores:
        record.weights[plugin.NAME] = weight
        if hasattr(plugin, "pre_score") and not plugin.pre_score(state, pod, feasible):
            raw = normalized = {n.name: 0 for n in feasible}  # the plugin skips this pod
        else:
            raw = {n.name: plugin.score(state, pod, n) for n in feasible}
            normalized = plugin.normalize_score(state, pod, raw) if hasattr(plugin, "normalize_score") else raw
        for name in totals:
            record.scores.setdefault(name, {})[plugin.NAME] = raw[name]
            record.normalized.setdefault(name, {})[plugin.NAME] = normalized[name]
            totals[name] += weight * normalized[name]
    return totals


def select_host(totals: dict[str, int], rng: random.Random) -> str:
    best = max(totals.values())
    return rng.choice(sorted(name for name, total in totals.items() if total == best))


def schedule_pod(profile: Profile, state: CycleState, pod: Pod, nodes: list[NodeInfo], start: int,
                 rng: random.Random) -> Result:
    """Filter, score and select a node for pod; state must hold "all_nodes" and "affinity_pods"."""
    record = SchedulingRecord(f"{pod.namespace}/{pod.name}")
    feasible, statuses, processed = find_feasible(profile, state, pod, nodes, start, record)
    if not feasible:
        return Result("", statuses, processed, record)
    if len(feasible) == 1:
        record.selected = feasible[0].name
        return Result(record.selected, statuses, processed, record)
    record.selected = select_host(prioritize(profile, state, pod, feasible, record), rng)
    return Result(record.selected, statuses, processed, record)
