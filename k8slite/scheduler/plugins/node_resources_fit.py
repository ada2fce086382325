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
the node's from the scheduler cache's running sums, so a node costs a few
integer comparisons. Simplified: no extended resources, ephemeral-storage
or RequestedToCapacityRatio.
"""

from __future__ import annotations

from k8slite.api.pod import Pod
from k8slite.scheduler.framework import MAX_NODE_SCORE, CycleState, NodeInfo, Status, unschedulable
from k8slite.scheduler.resources import Resources, pod_requests

NAME = "NodeResourcesFit"
LEAST_ALLOCATED, MOST_ALLOCATED = "LeastAllocated", "MostAllocated"


def insufficient(asked: Resources, used: Resources, has: Resources) -> list[str]:
    """The reasons a pod asking `asked` does not fit a node with `used` of `has`."""
    reasons = []
    if used.pods + 1 > has.pods:
        reasons.append("Too many pods")
    if asked.milli_cpu and asked.milli_cpu > has.milli_cpu - used.milli_cpu:
        reasons.append("Insufficient cpu")
    if asked.memory and asked.memory > has.memory - used.memory:
        reasons.append("Insufficient memory")
    return reasons


def least_allocated(requested: int, capacity: int) -> int:
    """E.g. 1000m requested of 4000m: (4000 - 1000) * 100 // 4000 = 75."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def most_allocated(requested: int, capacity: int) -> int:
    """E.g. 1000m requested of 4000m: 1000 * 100 // 4000 = 25 (capped at 100)."""
    if capacity == 0:
        return 0
    return min(requested, capacity) * MAX_NODE_SCORE // capacity


def resource_score(strategy: str, asked: Resources, node: NodeInfo) -> int:
    """The strategy's score for cpu and memory, averaged (integer division)."""
    scorer = least_allocated if strategy == LEAST_ALLOCATED else most_allocated
    used, has = node.non_zero_requested, node.allocatable
    cpu = scorer(used.milli_cpu + asked.milli_cpu, has.milli_cpu)
    memory = scorer(used.memory + asked.memory, has.memory)
    return (cpu + memory) // 2


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

    def pre_score(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> bool:
        state[NAME + "/score"] = pod_requests(pod, non_zero=True)
        return True

    def score(self, state: CycleState, pod: Pod, node: NodeInfo) -> int:
        asked = state.get(NAME + "/score") or pod_requests(pod, non_zero=True)
        return resource_score(self.strategy, asked, node)
