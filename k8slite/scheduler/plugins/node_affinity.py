"""NodeAffinity, pkg/scheduler/framework/plugins/nodeaffinity.

Filter: the node's labels must match the pod's nodeSelector (every pair)
and its required node affinity (any term; within a term, every
expression: In, NotIn, Exists, DoesNotExist, Gt, Lt). Score: the sum of
the weights of the preferred terms the node matches, normalized so the best
node scores 100. A pod with neither selector nor required terms skips the
filter (PreFilter answers Skip), one without preferred terms the score.
"""

from __future__ import annotations

from k8slite.api.affinity import NodeAffinity as NodeAffinitySpec
from k8slite.api.pod import Pod
from k8slite.scheduler.framework import SKIP, CycleState, NodeInfo, Status, default_normalize_score, unresolvable

NAME = "NodeAffinity"
REASON = "node(s) didn't match Pod's node affinity/selector"


def node_affinity_of(pod: Pod) -> NodeAffinitySpec | None:
    return pod.spec.affinity.node_affinity if pod.spec.affinity else None


def has_required(pod: Pod) -> bool:
    """Does the pod restrict its nodes at all (a nodeSelector or required node affinity)?"""
    affinity = node_affinity_of(pod)
    return bool(pod.spec.node_selector) or (
        affinity is not None and affinity.required_during_scheduling_ignored_during_execution is not None)


def required_matches(pod: Pod, labels: dict[str, str], name: str = "") -> bool:
    """nodeSelector AND required node affinity (RequiredNodeAffinity.Match)."""
    if any(labels.get(k) != v for k, v in pod.spec.node_selector.items()):
        return False
    affinity = node_affinity_of(pod)
    required = affinity.required_during_scheduling_ignored_during_execution if affinity else None
    return required is None or required.matches(labels, name)


def preferred_weight(pod: Pod, labels: dict[str, str], name: str = "") -> int:
    affinity = node_affinity_of(pod)
    terms = affinity.preferred_during_scheduling_ignored_during_execution if affinity else []
    return sum(t.weight for t in terms if t.weight and t.preference.matches(labels, name))


class NodeAffinity:
    NAME = NAME

    def pre_filter(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> str | None:
        return None if has_required(pod) else SKIP

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        return None if required_matches(pod, node.labels, node.name) else unresolvable(REASON)

    def pre_score(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> bool:
        affinity = node_affinity_of(pod)
        return bool(affinity and affinity.preferred_during_scheduling_ignored_during_execution)

    def score(self, state: CycleState, pod: Pod, node: NodeInfo) -> int:
        return preferred_weight(pod, node.labels, node.name)

    def normalize_score(self, state: CycleState, pod: Pod, scores: dict[str, int]) -> dict[str, int]:
        return default_normalize_score(scores)
