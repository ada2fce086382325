"""PodTopologySpread, pkg/scheduler/framework/plugins/podtopologyspread.

A constraint says: among the domains of `topologyKey` (each node for
kubernetes.io/hostname, each zone for topology.kubernetes.io/zone), the
number of pods matching `labelSelector` may differ by at most `maxSkew`.

Filter (whenUnsatisfiable: DoNotSchedule): placing the pod on a node must
keep `pods in its domain + 1 - pods in the emptiest domain <= maxSkew`.
Score (ScheduleAnyway): fewer matching pods in a node's domains is better:
score = sum over constraints of count * log(domains + 2) + (maxSkew - 1),
then normalized so the emptiest node scores 100:
100 * (max + min - score) // max.

A pod with no constraints of its own gets Kubernetes' defaults (hostname
maxSkew 3 and zone maxSkew 5, both ScheduleAnyway) with a selector made
from the ReplicaSets that select it; a bare pod is not spread.
Counting is done once per cycle, in PreFilter and PreScore, from the
scheduler cache's counts of pods by namespace and labels per node; a pod
without constraints skips the filter.
Simplified: no minDomains in scoring, no matchLabelKeys, node inclusion
policies fixed at their defaults (affinity honoured, taints ignored).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from k8slite.api.affinity import TopologySpreadConstraint
from k8slite.api.meta import LabelSelector
from k8slite.api.pod import Pod
from k8slite.scheduler.framework import (
    MAX_NODE_SCORE,
    SKIP,
    CycleState,
    NodeInfo,
    Nodes,
    Status,
    count_pods,
    node_infos,
    score_one,
    unresolvable,
    unschedulable,
)
from k8slite.scheduler.plugins.node_affinity import has_required, required_matches

NAME = "PodTopologySpread"
REASON = "node(s) didn't match pod topology spread constraints"
MISSING_LABEL_REASON = REASON + " (missing required label)"
HOSTNAME, ZONE = "kubernetes.io/hostname", "topology.kubernetes.io/zone"
DEFAULT_CONSTRAINTS = ((HOSTNAME, 3), (ZONE, 5))
SelectorsFor = Callable[[Pod], list[LabelSelector]]


@dataclass
class Spread:
    constraints: list[TopologySpreadConstraint]
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    weights: list[float] = field(default_factory=list)
    ignored: set[str] = field(default_factory=set)
    per_node: list[dict[str, int]] = field(default_factory=list)  # per constraint: node name -> matching pods


def count_matching(state: CycleState, selector: LabelSelector | None, namespace: str) -> dict[str, int]:
    """countPodsMatchSelector on every node: pods of the namespace that match and are not terminating."""
    if selector is None:
        return {}
    return count_pods(state, lambda ns, labels: ns == namespace and selector.matches(labels), terminating=False)


def has_keys(node: NodeInfo, constraints: list[TopologySpreadConstraint]) -> bool:
    return all(c.topology_key in node.labels for c in constraints)


def merged_selector(selectors: list[LabelSelector]) -> LabelSelector:
    """helper.DefaultSelector: every controller's selector, ANDed."""
    merged = LabelSelector()
    for s in selectors:
        merged.match_labels.update(s.match_labels)
        merged.match_expressions.extend(s.match_expressions)
    return merged


class PodTopologySpread:
    NAME = NAME

    def __init__(self, selectors_for: SelectorsFor | None = None) -> None:
        self.selectors_for = selectors_for or (lambda pod: [])

    def constraints(self, pod: Pod, when: str) -> list[TopologySpreadConstraint]:
        if pod.spec.topology_spread_constraints:
            return [c for c in pod.spec.topology_spread_constraints if c.when_unsatisfiable == when]
        selectors = self.selectors_for(pod) if when == "ScheduleAnyway" else []
        if not selectors:
            return []
        selector = merged_selector(selectors)
        return [TopologySpreadConstraint(skew, key, "ScheduleAnyway", selector) for key, skew in DEFAULT_CONSTRAINTS]

    # ------------------------------------------------------------ filter
    def pre_filter(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> str | None:
        constraints = self.constraints(pod, "DoNotSchedule")
        if not constraints:
            return SKIP
        per_node = [count_matching(state, c.label_selector, pod.namespace) for c in constraints]
        counts: dict[tuple[str, str], int] = {}
        for node in nodes:
            if not required_matches(pod, node.labels, node.name) or not has_keys(node, constraints):
                continue
            for c, matching in zip(constraints, per_node):
                pair = (c.topology_key, node.labels[c.topology_key])
                counts[pair] = counts.get(pair, 0) + matching.get(node.name, 0)
        state[NAME + "/filter"] = Spread(constraints, counts)
        return None

    def min_match(self, spread: Spread, c: TopologySpreadConstraint) -> int:
        domains = [n for (key, _), n in spread.counts.items() if key == c.topology_key]
        if c.min_domains is not None and len(domains) < c.min_domains:
            return 0
        return min(domains, default=2**31 - 1)

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        spread: Spread = state[NAME + "/filter"]
        for c in spread.constraints:
            if c.topology_key not in node.labels:
                return unresolvable(MISSING_LABEL_REASON)
            me = 1 if c.label_selector is not None and c.label_selector.matches(pod.metadata.labels) else 0
            here = spread.counts.get((c.topology_key, node.labels[c.topology_key]), 0)
            if here + me - self.min_match(spread, c) > c.max_skew:
                return unschedulable(REASON)
        return None

    # ------------------------------------------------------------ score
    def pre_score(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> bool:
        constraints = self.constraints(pod, "ScheduleAnyway")
        if not constraints:
            return False
        require_all = bool(pod.spec.topology_spread_constraints)
        spread = Spread(constraints)
        batch = nodes if isinstance(nodes, Nodes) else Nodes(list(nodes))
        values = [batch.label(c.topology_key) for c in constraints]
        if require_all:  # nodes without every topology key are left out (scored 0)
            spread.ignored = {name for name, *have in zip(batch.names, *values) if None in have}
        sizes = [0] * len(constraints)
        for i, c in enumerate(constraints):
            if c.topology_key == HOSTNAME:
                continue  # each node is its own domain: score() reads its count directly
            for value in {v or "" for name, v in zip(batch.names, values[i]) if name not in spread.ignored}:
                if (c.topology_key, value) not in spread.counts:  # a key two constraints share counts once
                    spread.counts[(c.topology_key, value)] = 0
                    sizes[i] += 1
        spread.per_node = [count_matching(state, c.label_selector, pod.namespace) for c in constraints]
        self.count_all(spread, pod, node_infos(state), require_all)
        spread.weights = [math.log((len(nodes) - len(spread.ignored) if c.topology_key == HOSTNAME else sizes[i]) + 2)
                          for i, c in enumerate(constraints)]
        state[NAME] = spread
        return True

    def count_all(self, spread: Spread, pod: Pod, nodes: dict[str, NodeInfo], require_all: bool) -> None:
        """Add the matching pods of every node (not only the feasible ones) to its domain's count.

        Hostname domains are single nodes: score() reads their counts directly."""
        restricted = has_required(pod)
        for c, matching in zip(spread.constraints, spread.per_node):
            if c.topology_key == HOSTNAME:
                continue
            for name, count in matching.items():
                node = nodes[name]
                if restricted and not required_matches(pod, node.labels, node.name):
                    continue
                if require_all and not has_keys(node, spread.constraints):
                    continue
                pair = (c.topology_key, node.labels.get(c.topology_key, ""))
                if pair in spread.counts:
                    spread.counts[pair] += count

    def score(self, state: CycleState, pod: Pod, node: NodeInfo) -> int:
        return score_one(self, state, pod, node)

    def score_nodes(self, state: CycleState, pod: Pod, nodes: Nodes) -> np.ndarray:
        """Per node: the sum over constraints of (pods in its domain) x weight + (maxSkew - 1)."""
        spread: Spread = state[NAME]
        total = np.zeros(len(nodes))
        for c, weight, matching in zip(spread.constraints, spread.weights, spread.per_node):
            values = nodes.label(c.topology_key)
            if c.topology_key == HOSTNAME:
                counts = [matching.get(name, 0) for name in nodes.names]
            else:
                counts = [spread.counts.get((c.topology_key, v), 0) if v is not None else 0 for v in values]
            labelled = np.array([v is not None for v in values])
            total += np.where(labelled, np.array(counts) * weight + (c.max_skew - 1), 0.0)
        return np.where(ignored_mask(spread, nodes.names), 0, round_half_away(total))

    def normalize_score(self, state: CycleState, pod: Pod, scores: dict[str, int]) -> dict[str, int]:
        normalized = normalize(np.array(list(scores.values()), np.int64), ignored_mask(state[NAME], list(scores)))
        return dict(zip(scores, normalized.tolist()))

    def normalize_nodes(self, state: CycleState, pod: Pod, nodes: Nodes, scores: np.ndarray) -> np.ndarray:
        return normalize(scores, ignored_mask(state[NAME], nodes.names))


def ignored_mask(spread: Spread, names: list[str]) -> np.ndarray:
    """Which of these nodes PreScore left out (they lack a topology key): True/False per node."""
    return np.array([name in spread.ignored for name in names], bool)


def normalize(scores: np.ndarray, ignored: np.ndarray) -> np.ndarray:
    """The emptiest node scores 100: 100 * (max + min - score) // max; ignored nodes score 0."""
    valid = scores[~ignored]
    high = int(valid.max(initial=0))
    if high == 0:
        return np.where(ignored, 0, MAX_NODE_SCORE)
    return np.where(ignored, 0, MAX_NODE_SCORE * (high + int(valid.min()) - scores) // high)


def round_half_away(x: Any) -> Any:
    """Go's math.Round (halves away from zero), not Python's round (halves to even); one number or an array."""
    return (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(np.int64)
