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
Score only look things up; a PreFilter that says SKIP has its Filter left
out. Where kube-scheduler runs Filter and Score in 16 goroutines, k8slite
asks vectorised plugins about a whole batch of nodes at once
(framework.Nodes: one NumPy operation for all of them) and other plugins
node by node. Records (what every plugin said about every node) are kept
only when asked for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from k8slite.api.pod import Pod
from k8slite.scheduler.cache import SchedulerCache
from k8slite.scheduler.framework import SKIP, CycleState, NodeInfo, Nodes, Status
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
                      pod_counts=cache.count_pods, table=cache.table(), node_rows=cache.row,
                      row_counts=cache.counts_by_row, label_column=cache.label_column)


def batch(state: CycleState, nodes: list[NodeInfo]) -> Nodes:
    """The nodes as a batch for vectorised plugins, with the cache's columns when they are the cache's nodes."""
    if "table" in state and nodes is state.get("all_nodes"):
        return Nodes(nodes, state["table"])
    return Nodes(nodes)


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


def first_rejections(filters: list[Any], state: CycleState, pod: Pod, nodes: Nodes) -> np.ndarray:
    """Per node, the index of the first filter that rejects it, or -1 if all pass.

    A vectorised filter answers for every node at once; any other filter is
    asked node by node, only about nodes no earlier filter rejected."""
    first = np.full(len(nodes), -1)
    for k, plugin in enumerate(filters):
        if isinstance(plugin, Skipped):
            continue
        if hasattr(plugin, "filter_nodes"):
            passes = plugin.filter_nodes(state, pod, nodes)
        else:
            passes = np.array([first[i] >= 0 or plugin.filter(state, pod, nodes.info(i)) is None
                               for i in range(len(nodes))], bool)
        first[(first < 0) & ~passes] = k
    return first


def find_feasible(profile: Profile, state: CycleState, pod: Pod, nodes: Nodes, start: int,
                  record: SchedulingRecord | None) -> tuple[Nodes, dict[str, Status], int]:
    """The feasible nodes, why the others said no, and how many nodes were looked at.

    Nodes are taken from `start` on, round the list, in chunks of as many nodes
    as are wanted, until enough fit; the last chunk is cut at the node that
    made enough."""
    filters = pre_filter(profile, state, pod, nodes.every)
    if record is None:  # nobody will read the verdicts: do not even call the skipped filters
        filters = [p for p in filters if not isinstance(p, Skipped)]
    wanted = num_feasible_nodes_to_find(len(nodes), profile.percentage_of_nodes_to_score)
    feasible: list[int] = []
    statuses: dict[str, Status] = {}
    processed = 0
    while processed < len(nodes) and len(feasible) < wanted:
        size = min(wanted, len(nodes) - processed)
        positions = (start + processed + np.arange(size)) % len(nodes)
        first = first_rejections(filters, state, pod, nodes.subset(positions))
        fits = np.flatnonzero(first < 0)
        still = wanted - len(feasible)
        cut = int(fits[still - 1]) + 1 if len(fits) >= still else size
        feasible += positions[fits[fits < cut]].tolist()
        for i in np.flatnonzero(first[:cut] >= 0).tolist():  # why each rejected node said no
            node, k = nodes.info(positions[i]), int(first[i])
            status = run_filters(filters[k:k + 1], state, pod, node)
            assert status is not None, f"{filters[k].NAME}: filter and filter_nodes disagree on {node.name}"
            statuses[node.name] = status
        if record is not None:
            for i in range(cut):
                name = nodes.info(positions[i]).name
                record.filters[name] = verdicts(filters, int(first[i]), statuses.get(name))
        processed += cut
    return nodes.subset(np.array(feasible, int)), statuses, processed


def verdicts(filters: list[Any], first: int, status: Status | None) -> dict[str, str]:
    """What each filter said about a node: passed, up to the first that rejected it."""
    asked = filters if first < 0 else filters[:first + 1]
    said = {p.NAME: PASSED for p in asked}
    if status is not None:
        said[status.plugin] = ", ".join(status.reasons)
    return said


def plugin_scores(plugin: Any, state: CycleState, pod: Pod, nodes: Nodes) -> tuple[np.ndarray, np.ndarray]:
    """One score plugin's raw and normalized scores, an entry per node (vectorised, or node by node)."""
    if hasattr(plugin, "score_nodes"):
        raw = plugin.score_nodes(state, pod, nodes)
        if hasattr(plugin, "normalize_nodes"):
            return raw, plugin.normalize_nodes(state, pod, nodes, raw)
        if not hasattr(plugin, "normalize_score"):
            return raw, raw
        scores = dict(zip(nodes.names, raw.tolist()))
    else:
        scores = {n.name: plugin.score(state, pod, n) for n in nodes.infos}
        raw = np.array(list(scores.values()), np.int64)
    if not hasattr(plugin, "normalize_score"):
        return raw, raw
    normalized = plugin.normalize_score(state, pod, scores)
    return raw, np.array([normalized[name] for name in nodes.names], np.int64)


def prioritize(profile: Profile, state: CycleState, pod: Pod, feasible: Nodes,
               record: SchedulingRecord | None) -> np.ndarray:
    """Every score plugin over the feasible nodes; the weighted total of each."""
    totals = np.zeros(len(feasible), np.int64)
    for plugin, weight in profile.scores:
        if hasattr(plugin, "pre_score") and not plugin.pre_score(state, pod, feasible):
            if record is not None:  # the plugin skips this pod: every node scores 0
                zeros = dict.fromkeys(feasible.names, 0)
                record.add_scores(plugin.NAME, weight, zeros, zeros)
            continue
        raw, normalized = plugin_scores(plugin, state, pod, feasible)
        totals += weight * normalized
        if record is not None:
            record.add_scores(plugin.NAME, weight, dict(zip(feasible.names, raw.tolist())),
                              dict(zip(feasible.names, normalized.tolist())))
    return totals


def select_host(nodes: Nodes, totals: np.ndarray, rng: random.Random) -> str:
    """The node with the highest total; among ties, a random one (the seeded rng, names sorted)."""
    tied = nodes.subset(np.flatnonzero(totals == totals.max()))
    chosen: NodeInfo = rng.choice(tied.by_name())
    return chosen.name


def schedule_pod(profile: Profile, state: CycleState, pod: Pod, nodes: list[NodeInfo], start: int,
                 rng: random.Random, keep_record: bool = True) -> Result:
    """Filter, score and select a node for pod; state comes from new_state(cache)."""
    record = SchedulingRecord(f"{pod.namespace}/{pod.name}") if keep_record else None
    feasible, statuses, processed = find_feasible(profile, state, pod, batch(state, nodes), start, record)
    if not len(feasible):
        return Result("", statuses, processed, record)
    if len(feasible) == 1:
        return Result(feasible[0].name, statuses, processed, selected(record, feasible[0].name))
    node = select_host(feasible, prioritize(profile, state, pod, feasible, record), rng)
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
