"""NodeResourcesBalancedAllocation, pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go.

Prefer nodes whose cpu and memory would be used in the same proportion, so
that neither runs out while the other sits idle. With the fractions
f = requested / allocatable (capped at 1) for cpu and memory:
score = int((1 - |f_cpu - f_mem| / 2) * 100), computed in floats as Go does.
E.g. 2000m of 4000m cpu (0.5) and 2Gi of 8Gi memory (0.25): (1 - 0.125) * 100 = 87.
"""

from __future__ import annotations

from k8slite.api.pod import Pod
from k8slite.scheduler.framework import MAX_NODE_SCORE, CycleState, NodeInfo
from k8slite.scheduler.resources import pod_requests

NAME = "NodeResourcesBalancedAllocation"


def balanced_score(cpu: int, cpu_allocatable: int, memory: int, memory_allocatable: int) -> int:
    """E.g. 2000m of 4000m, 2Gi of 8Gi: int((1 - |0.5 - 0.25| / 2) * 100) = 87."""
    if not cpu_allocatable or not memory_allocatable:
        return MAX_NODE_SCORE  # one resource alone is always balanced
    cpu_fraction = min(cpu / cpu_allocatable, 1.0)
    memory_fraction = min(memory / memory_allocatable, 1.0)
    std = abs(cpu_fraction - memory_fraction) / 2
    return int((1 - std) * MAX_NODE_SCORE)


class NodeResourcesBalancedAllocation:
    NAME = NAME

    def pre_score(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> bool:
        state[NAME] = pod_requests(pod, non_zero=True)  # once per cycle, not once per node
        return True

    def score(self, state: CycleState, pod: Pod, node: NodeInfo) -> int:
        asked = state.get(NAME) or pod_requests(pod, non_zero=True)
        used, has = node.non_zero_requested, node.allocatable
        return balanced_score(used.milli_cpu + asked.milli_cpu, has.milli_cpu, used.memory + asked.memory, has.memory)
