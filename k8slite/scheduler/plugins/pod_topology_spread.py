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
without constraints skips the filter. PreScore counts with arrays: the
cache keeps each group of alike pods as one count per node (kept current
pod by pod) and each node's label values as codes, so "matching pods per
zone across every node" is one `np.bincount`, not a walk over the nodes;
kube-scheduler walks them with 16 goroutines instead.
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
    LabelColumn,
    NodeInfo,
    Nodes,
    Status,
    count_pods,
    counts_by_row,
    label_column,
    node_infos,
    rows_of,
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
class FilterSpread:
    """PreFilter's state: the DoNotSchedule constraints and the matching pods per (key, value) domain."""

    constraints: list[TopologySpreadConstraint]
    counts: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass
class Spread:
    """PreScore's state, as arrays: index a LabelColumn's codes (domains) or the rows of "all_nodes" (nodes)."""

    constraints: list[TopologySpreadConstraint]
    ignored: np.ndarray  # per node: left out (it lacks a topology key of the pod's own constraints)
    counts: dict[str, np.ndarray] = field(default_factory=dict)  # topology key -> matching pods per domain
    domains: dict[str, np.ndarray] = field(default_factory=dict)  # topology key -> is a feasible node's domain
    weights: list[float] = field(default_factory=list)
    per_node: list[np.ndarray] = field(default_factory=list)  # per constraint: matching pods on each node


def matcher(selector: LabelSelector | None, namespace: str) -> Callable[[str, dict[str, str]], bool]:
    """countPodsMatchSelector's question about a pod: of the namespace, and matching (nothing matches no selector)."""
    return lambda ns, labels: selector is not None and ns == namespace and selector.matches(labels)


def count_matching(state: CycleState, selector: LabelSelector | None, namespace: str) -> dict[str, int]:
    """countPodsMatchSelector on every node: pods of the namespace that match and are not terminating."""
    if selector is None:
        return {}
    return count_pods(state, matcher(selector, namespace), terminating=False)


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
        state[NAME + "/filter"] = FilterSpread(constraints, counts)
        return None

    def min_match(self, spread: FilterSpread, c: TopologySpreadConstraint) -> int:
        domains = [n for (key, _), n in spread.counts.items() if key == c.topology_key]
        if c.min_domains is not None and len(domains) < c.min_domains:
            return 0
        return min(domains, default=2**31 - 1)

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        spread: FilterSpread = state[NAME + "/filter"]
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
        """initPreScoreState: the constraints, the domains among the feasible nodes, and how many matching
        pods each domain holds across every node (not only the feasible ones)."""
        constraints = self.constraints(pod, "ScheduleAnyway")
        if not constraints:
            return False
        require_all = bool(pod.spec.topology_spread_constraints)
        feasible = rows_of(state, nodes if isinstance(nodes, Nodes) else Nodes(list(nodes)))
        columns = [label_column(state, c.topology_key) for c in constraints]
        spread = Spread(constraints, ignored=np.zeros(len(state["all_nodes"]), bool))
        if require_all:  # nodes without every topology key are left out (scored 0)
            spread.ignored[feasible] = ~np.logical_and.reduce([col.present[feasible] for col in columns])
        candidates = feasible[~spread.ignored[feasible]]
        sizes = [0] * len(constraints)
        for i, (c, col) in enumerate(zip(constraints, columns)):
            if c.topology_key == HOSTNAME:
                continue  # each node is its own domain: score_nodes reads its count directly
            known = spread.domains.setdefault(c.topology_key, np.zeros(len(col.values), bool))
            new = np.unique(col.codes[candidates])
            sizes[i] = int(np.count_nonzero(~known[new]))  # a key two constraints share counts once
            known[new] = True
        spread.per_node = [counts_by_row(state, matcher(c.label_selector, pod.namespace), terminating=False)
                           for c in constraints]
        self.count_all(state, spread, pod, columns, require_all)
        spread.weights = [math.log((len(candidates) if c.topology_key == HOSTNAME else sizes[i]) + 2)
                          for i, c in enumerate(constraints)]
        state[NAME] = spread
        return True

    def count_all(self, state: CycleState, spread: Spread, pod: Pod, columns: list[LabelColumn],
                  require_all: bool) -> None:
        """Add the matching pods of every node (not only the feasible ones) to its domain's count.

        Hostname domains are single nodes: score_nodes reads their counts directly."""
        counted = np.ones(len(state["all_nodes"]), bool)
        if has_required(pod):  # only nodes the pod's required node affinity allows
            counted &= [required_matches(pod, n.labels, n.name) for n in state["all_nodes"]]
        if require_all:
            counted &= np.logical_and.reduce([col.present for col in columns])
        for c, col, matching in zip(spread.constraints, columns, spread.per_node):
            if c.topology_key == HOSTNAME:
                continue
            per_domain = np.bincount(col.codes[counted], weights=matching[counted], minlength=len(col.values))
            total = spread.counts.setdefault(c.topology_key, np.zeros(len(col.values), np.int64))
            total += per_domain.astype(np.int64)

    def score(self, state: CycleState, pod: Pod, node: NodeInfo) -> int:
        return score_one(self, state, pod, node)

    def score_nodes(self, state: CycleState, pod: Pod, nodes: Nodes) -> np.ndarray:
        """Per node: the sum over constraints of (pods in its domain) x weight + (maxSkew - 1)."""
        spread: Spread = state[NAME]
        rows = rows_of(state, nodes)
        total = np.zeros(len(rows))
        for c, weight, matching in zip(spread.constraints, spread.weights, spread.per_node):
            col = label_column(state, c.topology_key)
            if c.topology_key == HOSTNAME:
                counts = matching[rows]
            else:  # a domain that no feasible node is in counts 0
                codes = col.codes[rows]
                counts = np.where(spread.domains[c.topology_key][codes], spread.counts[c.topology_key][codes], 0)
            total += np.where(col.present[rows], counts * weight + (c.max_skew - 1), 0.0)
        return np.where(spread.ignored[rows], 0, round_half_away(total))

    def normalize_score(self, state: CycleState, pod: Pod, scores: dict[str, int]) -> dict[str, int]:
        rows = rows_of(state, Nodes([node_infos(state)[name] for name in scores]))
        normalized = normalize(np.array(list(scores.values()), np.int64), state[NAME].ignored[rows])
        return dict(zip(scores, normalized.tolist()))

    def normalize_nodes(self, state: CycleState, pod: Pod, nodes: Nodes, scores: np.ndarray) -> np.ndarray:
        return normalize(scores, state[NAME].ignored[rows_of(state, nodes)])


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
