"""InterPodAffinity, pkg/scheduler/framework/plugins/interpodaffinity.

Pod affinity places a pod in the same topology domain (node, zone, ...) as
pods matching a label selector; anti-affinity keeps it out of such domains.

Filter, three checks in Kubernetes' order:
1. the pod's required affinity: every term needs a matching pod in the
   node's domain (a pod that matches its own terms may start a group:
   if no pod anywhere matches, the first one goes anywhere);
2. the pod's required anti-affinity: no term may have a matching pod there;
3. existing pods' required anti-affinity must not reject this pod.
Score: per domain, + weight for each matching pod of a preferred affinity
term, - weight for anti-affinity, plus the same from existing pods' terms
about this pod (their required affinity counts 1); normalized min-max to 0-100.
Matching pods are counted once per cycle (PreFilter, PreScore) from the
scheduler cache's counts of pods by namespace and labels per node; a pod
with no required terms, while no placed pod has required anti-affinity,
skips the filter.
Simplified: no namespaceSelector.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k8slite.api.affinity import PodAffinityTerm, WeightedPodAffinityTerm
from k8slite.api.pod import Pod
from k8slite.scheduler.framework import (
    MAX_NODE_SCORE,
    SKIP,
    CycleState,
    NodeInfo,
    Status,
    count_pods,
    node_infos,
    unresolvable,
    unschedulable,
)

NAME = "InterPodAffinity"
AFFINITY_REASON = "node(s) didn't match pod affinity rules"
ANTI_AFFINITY_REASON = "node(s) didn't match pod anti-affinity rules"
EXISTING_ANTI_AFFINITY_REASON = "node(s) didn't satisfy existing pods anti-affinity rules"
HARD_POD_AFFINITY_WEIGHT = 1
Pair = tuple[str, str]


def required_terms(pod: Pod, anti: bool) -> list[PodAffinityTerm]:
    a = pod.spec.affinity
    part = (a.pod_anti_affinity if anti else a.pod_affinity) if a else None
    return list(part.required_during_scheduling_ignored_during_execution) if part else []


def preferred_terms(pod: Pod, anti: bool) -> list[WeightedPodAffinityTerm]:
    a = pod.spec.affinity
    part = (a.pod_anti_affinity if anti else a.pod_affinity) if a else None
    return list(part.preferred_during_scheduling_ignored_during_execution) if part else []


def has_pod_affinity(pod: Pod) -> bool:
    a = pod.spec.affinity
    return a is not None and (a.pod_affinity is not None or a.pod_anti_affinity is not None)


def term_matches(term: PodAffinityTerm, owner: Pod, other: Pod) -> bool:
    return term.matches(other.metadata.labels, other.namespace, owner.namespace)


def pods_per_domain(state: CycleState, term: PodAffinityTerm, owner: Pod) -> dict[Pair, int]:
    """How many pods the term (of `owner`) is about, per domain of its topology key."""
    nodes, out = node_infos(state), {}  # type: dict[str, NodeInfo], dict[Pair, int]
    matches = count_pods(state, lambda namespace, labels: term.matches(labels, namespace, owner.namespace))
    for name, count in matches.items():
        labels = nodes[name].labels
        if term.topology_key in labels:
            pair = (term.topology_key, labels[term.topology_key])
            out[pair] = out.get(pair, 0) + count
    return out


def affinity_pods(state: CycleState) -> list[tuple[NodeInfo, Pod]]:
    """The pods already placed that carry pod (anti-)affinity terms (the cache keeps this list)."""
    found: list[tuple[NodeInfo, Pod]] = state["affinity_pods"]
    return found


@dataclass
class Counts:
    affinity: list[dict[Pair, int]] = field(default_factory=list)
    anti_affinity: list[dict[Pair, int]] = field(default_factory=list)
    existing_anti: dict[Pair, int] = field(default_factory=dict)


def count_terms(state: CycleState, terms: list[PodAffinityTerm], pod: Pod) -> list[dict[Pair, int]]:
    """For each term, how many matching pods each domain holds."""
    return [pods_per_domain(state, term, pod) for term in terms]


class InterPodAffinity:
    NAME = NAME

    def pre_filter(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> str | None:
        affinity, anti = required_terms(pod, False), required_terms(pod, True)
        if not affinity and not anti and not any(required_terms(p, True) for _, p in affinity_pods(state)):
            return SKIP
        counts = Counts(count_terms(state, affinity, pod), count_terms(state, anti, pod))
        for node, other in affinity_pods(state):
            for term in required_terms(other, True):
                if term.topology_key in node.labels and term_matches(term, other, pod):
                    pair = (term.topology_key, node.labels[term.topology_key])
                    counts.existing_anti[pair] = counts.existing_anti.get(pair, 0) + 1
        state[NAME + "/filter"] = counts
        return None

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        counts: Counts = state[NAME + "/filter"]
        labels = node.labels
        terms = required_terms(pod, False)
        in_domain = [t.topology_key in labels and counts.affinity[i].get((t.topology_key, labels[t.topology_key]), 0)
                     for i, t in enumerate(terms)]
        if not all(in_domain):
            nobody = all(not c for c in counts.affinity)
            if not (nobody and all(term_matches(t, pod, pod) for t in terms)):
                return unresolvable(AFFINITY_REASON)
        for i, t in enumerate(required_terms(pod, True)):
            if t.topology_key in labels and counts.anti_affinity[i].get((t.topology_key, labels[t.topology_key]), 0):
                return unschedulable(ANTI_AFFINITY_REASON)
        if any(counts.existing_anti.get((key, value), 0) for key, value in labels.items()):
            return unschedulable(EXISTING_ANTI_AFFINITY_REASON)
        return None

    def pre_score(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> bool:
        scores: dict[Pair, int] = {}

        def add(term: PodAffinityTerm, node: NodeInfo, weight: int) -> None:
            if term.topology_key in node.labels:
                pair = (term.topology_key, node.labels[term.topology_key])
                scores[pair] = scores.get(pair, 0) + weight

        for sign, anti in ((1, False), (-1, True)):
            for w in preferred_terms(pod, anti):
                for pair, count in pods_per_domain(state, w.pod_affinity_term, pod).items():
                    scores[pair] = scores.get(pair, 0) + sign * w.weight * count
        for node, other in affinity_pods(state):
            for sign, anti in ((1, False), (-1, True)):
                for w in preferred_terms(other, anti):
                    if term_matches(w.pod_affinity_term, other, pod):
                        add(w.pod_affinity_term, node, sign * w.weight)
            for term in required_terms(other, False):
                if term_matches(term, other, pod):
                    add(term, node, HARD_POD_AFFINITY_WEIGHT)
        state[NAME] = scores
        return bool(scores)

    def score(self, state: CycleState, pod: Pod, node: NodeInfo) -> int:
        scores: dict[Pair, int] = state[NAME]
        return sum(scores.get((key, value), 0) for key, value in node.labels.items())

    def normalize_score(self, state: CycleState, pod: Pod, scores: dict[str, int]) -> dict[str, int]:
        low, high = min(scores.values(), default=0), max(scores.values(), default=0)
        if high == low:
            return {name: 0 for name in scores}
        return {name: int(MAX_NODE_SCORE * ((s - low) / (high - low))) for name, s in scores.items()}
