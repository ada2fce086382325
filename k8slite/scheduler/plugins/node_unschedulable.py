"""NodeUnschedulable, pkg/scheduler/framework/plugins/nodeunschedulable: cordoned nodes take no new pods.

`kubectl cordon` sets spec.unschedulable; a pod still fits if it tolerates
the taint node.kubernetes.io/unschedulable:NoSchedule that stands for it.
"""

from __future__ import annotations

from k8slite.api.pod import Pod, Taint
from k8slite.scheduler.framework import CycleState, NodeInfo, Status, unresolvable

NAME = "NodeUnschedulable"
REASON = "node(s) were unschedulable"
UNSCHEDULABLE_TAINT = Taint(key="node.kubernetes.io/unschedulable", effect="NoSchedule")


def fits(pod: Pod, unschedulable: bool | None) -> bool:
    return not unschedulable or any(t.tolerates(UNSCHEDULABLE_TAINT) for t in pod.spec.tolerations)


class NodeUnschedulable:
    NAME = NAME

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        return None if fits(pod, node.node.spec.unschedulable) else unresolvable(REASON)
