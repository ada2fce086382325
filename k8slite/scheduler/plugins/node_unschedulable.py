"""NodeUnschedulable, pkg/scheduler/framework/plugins/nodeunschedulable: cordoned nodes take no new pods.

`kubectl cordon` sets spec.unschedulable; a pod still fits if it tolerates
the taint node.kubernetes.io/unschedulable:NoSchedule that stands for it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from k8slite.api.node import UNSCHEDULABLE
from k8slite.api.pod import Pod, Taint
from k8slite.scheduler.framework import CycleState, NodeInfo, Nodes, Status, unresolvable

NAME = "NodeUnschedulable"
REASON = "node(s) were unschedulable"
UNSCHEDULABLE_TAINT = Taint(key=UNSCHEDULABLE, effect="NoSchedule")


def fits(pod: Pod, unschedulable: Any) -> Any:
    """For one node (its spec.unschedulable) or for many (an array of them)."""
    tolerated = any(t.tolerates(UNSCHEDULABLE_TAINT) for t in pod.spec.tolerations)
    return tolerated | ~np.asarray(unschedulable, bool)


class NodeUnschedulable:
    NAME = NAME

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        return None if fits(pod, node.node.spec.unschedulable) else unresolvable(REASON)

    def filter_nodes(self, state: CycleState, pod: Pod, nodes: Nodes) -> np.ndarray:
        passes: np.ndarray = fits(pod, nodes.unschedulable)
        return passes
