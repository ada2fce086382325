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

Big clusters stay fast the way kube-scheduler stays fast: each plugin's
PreFilter and PreScore compute what it needs once per cycle (the pod's
requests, pod counts per domain from the cache's index), so Filter and
Score, called once per node, only look things up; a PreFilter that says
SKIP has its Filter left out. Records (what every plugin said about every
node) are kept only when asked for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from k8slite.api.pod import Pod
from k8slite.scheduler.cache import SchedulerCache
from k8slite.scheduler.framework import SKIP, CycleState, NodeInfo, Status
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


def new_state(cache: SchedulerCache) -> CycleState:
    """What every plugin may read this cycle: the nodes, the pods with affinity terms, the pod counts."""
    return CycleState(all_nodes=cache.node_list(), node_infos=cache.nodes, affinity_pods=cache.affinity_pods(),
                      pod_counts=cache.count_pods)


def run_filters(filters: list[Any], state: CycleState, pod: Pod, node: NodeInfo,
                verdicts: dict[str, str] | None = None) -> Status | None:
    """The first filter that rejects the node decides; the rest are not asked."""
    for plugin in filters:
        status = plugin.filter(state, pod, node)
        if verdicts is not None:
            verdicts[plugin.NAME] = PASSED if status is None else ", ".join(status.reasons)
        if status is not None:
            return Status(status.reasons, status.code, plugin.NAME, status.pre_filter)
    return None


def pre_filter(profile: Profile, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> list[Any]:
    """Run every PreFilter; the filters to call on each node (not those whose PreFilter said SKIP)."""
    skipped = set()
    for plugin in profile.filters:
        if hasattr(plugin, "pre_filter") and plugin.pre_filter(state, pod, nodes) == SKIP:
            skipped.add(plugin.NAME)
    return [Skipped(p) if p.NAME in skipped else p for p in profile.filters]


def find_feasible(profile: Profile, state: CycleState, pod: Pod, nodes: list[NodeInfo], start: int,
                  record: SchedulingRecord | None) -> tuple[list[NodeInfo], dict[str, Status], int]:
    filters = pre_filter(profile, state, pod, nodes)
    if record is None:  # nobody will read the verdicts: do not even call the skipped filters
        filters = [p for p in filters if not isinstance(p, Skipped)]
    wanted = num_feasible_nodes_to_find(len(nodes), profile.percentage_of_nodes_to_score)
    feasible: list[NodeInfo] = []
    statuses: dict[str, Status] = {}
    for i in range(len(nodes)):
        node = nodes[(start + i) % len(nodes)]
        verdicts = None if record is None else record.filters.setdefault(node.name, {})
        status = run_filters(filters, state, pod, node, verdicts)
        if status is None:
            feasible.append(node)
            if len(feasible) == wanted:
                break
        else:
            statuses[node.name] = status
    return feasible, statuses, len(feasible) + len(statuses)


def prioritize(profile: Profile, state: CycleState, pod: Pod, feasible: list[NodeInfo],
               record: SchedulingRecord | None) -> dict[str, int]:
    """Every score plugin over the feasible nodes; the weighted totals per node."""
    totals = {n.name: 0 for n in feasible}
    for plugin, weight in profile.scores:
        if hasattr(plugin, "pre_score") and not plugin.pre_score(state, pod, feasible):
            if record is not None:  # the plugin skips this pod: every node scores 0
                record.add_scores(plugin.NAME, weight, dict.fromkeys(totals, 0), dict.fromkeys(totals, 0))
            continue
        raw = {n.name: plugin.score(state, pod, n) for n in feasible}
        normalized = plugin.normalize_score(state, pod, raw) if hasattr(plugin, "normalize_score") else raw
        for name, score in normalized.items():
            totals[name] += weight * score
        if record is not None:
            record.add_scores(plugin.NAME, weight, raw, normalized)
    return totals


def select_host(totals: dict[str, int], rng: random.Random) -> str:
    best = max(totals.values())
    return rng.choice(sorted(name for name, total in totals.items() if total == best))


def schedule_pod(profile: Profile, state: CycleState, pod: Pod, nodes: list[NodeInfo], start: int,
                 rng: random.Random, keep_record: bool = True) -> Result:
    """Filter, score and select a node for pod; state comes from new_state(cache)."""
    record = SchedulingRecord(f"{pod.namespace}/{pod.name}") if keep_record else None
    feasible, statuses, processed = find_feasible(profile, state, pod, nodes, start, record)
    if not feasible:
        return Result("", statuses, processed, record)
    if len(feasible) == 1:
        return Result(feasible[0].name, statuses, processed, selected(record, feasible[0].name))
    node = select_host(prioritize(profile, state, pod, feasible, record), rng)
    return Result(node, statuses, processed, selected(record, node))


def selected(record: SchedulingRecord | None, node: str) -> SchedulingRecord | None:
    if record is not None:
        record.selected = node
    return record


class Skipped:
    """A filter whose PreFilter said SKIP: it passes every node without being asked."""

    def __init__(self, plugin: Any) -> None:
        self.NAME = plugin.NAME

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        return None
