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


def balanced_score(requested: list[int], allocatable: list[int]) -> int:
    fractions = [min(float(r) / float(a), 1.0) for r, a in zip(requested, allocatable) if a != 0]
    std = abs((fractions[0] - fractions[1]) / 2) if len(fractions) == 2 else 0.0
    return int((1 - std) * MAX_NODE_SCORE)


class NodeResourcesBalancedAllocation:
    NAME = NAME

    def score(self, state: CycleState, pod: Pod, node: NodeInfo) -> int:
        asked, used, has = pod_requests(pod, non_zero=True), node.non_zero_requested, node.allocatable
        return balanced_score([used.milli_cpu + asked.milli_cpu, used.memory + asked.memory],
                              [has.milli_cpu, has.memory])
