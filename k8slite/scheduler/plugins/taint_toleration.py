"""TaintToleration, pkg/scheduler/framework/plugins/tainttoleration.

Filter: every NoSchedule and NoExecute taint on the node must be tolerated;
the first one that is not is named in the reason,
`node(s) had untolerated taint {key: value}`. Score: count the
PreferNoSchedule taints the pod does not tolerate; fewer is better
(normalized in reverse, so the node with none scores 100).

On a batch of nodes (filter_nodes, score_nodes) only the tainted ones,
usually few, are looked at one by one: an untainted node passes and scores 0.
"""

from __future__ import annotations

import numpy as np

from k8slite.api.pod import Pod, Taint, Toleration
from k8slite.scheduler.framework import (
    CycleState,
    NodeInfo,
    Nodes,
    Status,
    default_normalize,
    default_normalize_score,
    node_by_node,
    score_one,
    unresolvable,
)

NAME = "TaintToleration"


def reason(taint: Taint) -> str:
    return f"node(s) had untolerated taint {{{taint.key}: {taint.value}}}"


def untolerated(taints: list[Taint], tolerations: list[Toleration], effects: tuple[str, ...]) -> list[Taint]:
    """The taints with one of `effects` that no toleration tolerates, in the node's order."""
    return [taint for taint in taints
            if taint.effect in effects and not any(t.tolerates(taint) for t in tolerations)]


def prefer_tolerations(pod: Pod) -> list[Toleration]:
    """Only tolerations with no effect or PreferNoSchedule count for scoring."""
    return [t for t in pod.spec.tolerations if t.effect in ("", "PreferNoSchedule")]


class TaintToleration:
    NAME = NAME

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        bad = untolerated(node.node.spec.taints, pod.spec.tolerations, ("NoSchedule", "NoExecute"))
        return unresolvable(reason(bad[0])) if bad else None

    def filter_nodes(self, state: CycleState, pod: Pod, nodes: Nodes) -> np.ndarray:
        return node_by_node(self, state, pod, nodes, ~nodes.tainted)

    def pre_score(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> bool:
        state[NAME] = prefer_tolerations(pod)
        return True

    def score(self, state: CycleState, pod: Pod, node: NodeInfo) -> int:
        return score_one(self, state, pod, node)

    def score_nodes(self, state: CycleState, pod: Pod, nodes: Nodes) -> np.ndarray:
        tolerations = state[NAME] if NAME in state else prefer_tolerations(pod)
        scores = np.zeros(len(nodes), np.int64)
        for i in np.flatnonzero(nodes.tainted).tolist():
            scores[i] = len(untolerated(nodes.info(i).node.spec.taints, tolerations, ("PreferNoSchedule",)))
        return scores

    def normalize_score(self, state: CycleState, pod: Pod, scores: dict[str, int]) -> dict[str, int]:
        return default_normalize_score(scores, reverse=True)

    def normalize_nodes(self, state: CycleState, pod: Pod, nodes: Nodes, scores: np.ndarray) -> np.ndarray:
        return default_normalize(scores, reverse=True)
