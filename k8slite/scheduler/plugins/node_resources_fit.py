"""NodeResourcesFit, pkg/scheduler/framework/plugins/noderesources/fit.go.

Filter: the pod's requests plus what the pods already on the node request
must fit the node's *allocatable* (not its live usage): "Too many pods",
"Insufficient cpu", "Insufficient memory", all that apply, in that order.

Score, by strategy (cpu and memory weighted 1 each, averaged, integers):
- LeastAllocated (the default, spreads): (allocatable - requested) * 100 / allocatable
- MostAllocated (bin-packs): requested * 100 / allocatable
where `requested` counts a pod without requests as 100m cpu and 200Mi
memory (the scheduler's non-zero defaults), so empty pods still spread.

The pod's requests are summed once per cycle (pre_filter, pre_score) and
the node's from the scheduler cache's running sums. The formulas work on
one node's numbers or on arrays of every node's (filter_nodes,
score_nodes): `least_allocated(2500, 4000)` is 37, and the same call with
two arrays scores every node at once. Simplified: no extended resources, ephemeral-storage
or RequestedToCapacityRatio.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from k8slite.api.pod import Pod
from k8slite.scheduler.framework import MAX_NODE_SCORE, CycleState, NodeInfo, Nodes, Status, score_one, unschedulable
from k8slite.scheduler.resources import Resources, pod_requests

NAME = "NodeResourcesFit"
LEAST_ALLOCATED, MOST_ALLOCATED = "LeastAllocated", "MostAllocated"


def too_many_pods(pods: Any, allocatable_pods: Any) -> Any:
    """One more pod would pass the node's pod limit (110 by default)."""
    return pods + 1 > allocatable_pods


def short_of(asked: int, requested: Any, allocatable: Any) -> Any:
    """The pod asks for more than is left: 2000m asked, 3000m of 4000m requested -> True."""
    return (asked > 0) & (asked > allocatable - requested)


def insufficient(asked: Resources, used: Resources, has: Resources) -> list[str]:
    """The reasons a pod asking `asked` does not fit a node with `used` of `has`."""
    reasons = []
    if too_many_pods(used.pods, has.pods):
        reasons.append("Too many pods")
    if short_of(asked.milli_cpu, used.milli_cpu, has.milli_cpu):
        reasons.append("Insufficient cpu")
    if short_of(asked.memory, used.memory, has.memory):
        reasons.append("Insufficient memory")
    return reasons


def least_allocated(requested: Any, capacity: Any) -> Any:
    """E.g. 1000m requested of 4000m: (4000 - 1000) * 100 // 4000 = 75; 0 if over capacity."""
    return np.maximum(capacity - requested, 0) * MAX_NODE_SCORE // np.maximum(capacity, 1)


def most_allocated(requested: Any, capacity: Any) -> Any:
    """E.g. 1000m requested of 4000m: 1000 * 100 // 4000 = 25 (capped at 100); 0 if capacity is 0."""
    return np.minimum(requested, capacity) * MAX_NODE_SCORE // np.maximum(capacity, 1)


class NodeResourcesFit:
    NAME = NAME

    def __init__(self, strategy: str = LEAST_ALLOCATED) -> None:
        if strategy not in (LEAST_ALLOCATED, MOST_ALLOCATED):
            raise ValueError(f"scoring strategy must be {LEAST_ALLOCATED} or {MOST_ALLOCATED}, not {strategy!r}")
        self.strategy = strategy

    def pre_filter(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> None:
        state[NAME] = pod_requests(pod)

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        reasons = insufficient(state.get(NAME) or pod_requests(pod), node.requested, node.allocatable)
        return unschedulable(*reasons) if reasons else None

    def filter_nodes(self, state: CycleState, pod: Pod, nodes: Nodes) -> np.ndarray:
        asked = state.get(NAME) or pod_requests(pod)
        rejected = (too_many_pods(nodes.requested_pods, nodes.allocatable_pods)
                    | short_of(asked.milli_cpu, nodes.requested_cpu, nodes.allocatable_cpu)
                    | short_of(asked.memory, nodes.requested_memory, nodes.allocatable_memory))
        return ~rejected

    def pre_score(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> bool:
        state[NAME + "/score"] = pod_requests(pod, non_zero=True)
        return True

    def score(self, state: CycleState, pod: Pod, node: NodeInfo) -> int:
        return score_one(self, state, pod, node)

    def score_nodes(self, state: CycleState, pod: Pod, nodes: Nodes) -> np.ndarray:
        """The strategy's score for cpu and for memory, averaged (integer division)."""
        asked = state.get(NAME + "/score") or pod_requests(pod, non_zero=True)
        scorer = least_allocated if self.strategy == LEAST_ALLOCATED else most_allocated
        cpu = scorer(nodes.non_zero_cpu + asked.milli_cpu, nodes.allocatable_cpu)
        memory = scorer(nodes.non_zero_memory + asked.memory, nodes.allocatable_memory)
        result: np.ndarray = (cpu + memory) // 2
        return result
