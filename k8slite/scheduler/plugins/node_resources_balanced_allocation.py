"""NodeResourcesBalancedAllocation, pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go.

Prefer nodes whose cpu and memory would be used in the same proportion, so
that neither runs out while the other sits idle. With the fractions
f = requested / allocatable (capped at 1) for cpu and memory:
score = int((1 - |f_cpu - f_mem| / 2) * 100), computed in floats as Go does.
E.g. 2000m of 4000m cpu (0.5) and 2Gi of 8Gi memory (0.25): (1 - 0.125) * 100 = 87.
The formula takes one node's numbers or arrays of every node's (score_nodes).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from k8slite.api.pod import Pod
from k8slite.scheduler.framework import MAX_NODE_SCORE, CycleState, NodeInfo, Nodes, score_one
from k8slite.scheduler.resources import pod_requests

NAME = "NodeResourcesBalancedAllocation"


def balanced_score(cpu: Any, cpu_allocatable: Any, memory: Any, memory_allocatable: Any) -> Any:
    """E.g. 2000m of 4000m, 2Gi of 8Gi: int((1 - |0.5 - 0.25| / 2) * 100) = 87."""
    cpu_fraction = np.minimum(cpu / np.maximum(cpu_allocatable, 1), 1.0)
    memory_fraction = np.minimum(memory / np.maximum(memory_allocatable, 1), 1.0)
    std = np.abs(cpu_fraction - memory_fraction) / 2
    score = ((1 - std) * MAX_NODE_SCORE).astype(np.int64)  # int() of a float: towards zero
    one_resource = (cpu_allocatable == 0) | (memory_allocatable == 0)  # one resource alone is always balanced
    return np.where(one_resource, MAX_NODE_SCORE, score)


class NodeResourcesBalancedAllocation:
    NAME = NAME

    def pre_score(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> bool:
        state[NAME] = pod_requests(pod, non_zero=True)  # once per cycle, not once per node
        return True

    def score(self, state: CycleState, pod: Pod, node: NodeInfo) -> int:
        return score_one(self, state, pod, node)

    def score_nodes(self, state: CycleState, pod: Pod, nodes: Nodes) -> np.ndarray:
        asked = state.get(NAME) or pod_requests(pod, non_zero=True)
        result: np.ndarray = balanced_score(nodes.non_zero_cpu + asked.milli_cpu, nodes.allocatable_cpu,
                                            nodes.non_zero_memory + asked.memory, nodes.allocatable_memory)
        return result
