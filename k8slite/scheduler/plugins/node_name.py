"""NodeName, pkg/scheduler/framework/plugins/nodename: a pod that names a node fits only there.

A pod created with spec.nodeName never reaches the scheduler (the kubelet
takes it directly, taints and all); this filter matters for pods whose
nodeName is set while they wait, and it is the simplest plugin to read.
"""

from __future__ import annotations

from k8slite.api.pod import Pod
from k8slite.scheduler.framework import SKIP, CycleState, NodeInfo, Status, unresolvable

NAME = "NodeName"
REASON = "node(s) didn't match the requested node name"


def fits(pod: Pod, node_name: str) -> bool:
    return not pod.spec.node_name or pod.spec.node_name == node_name


class NodeName:
    NAME = NAME

    def pre_filter(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> str | None:
        return None if pod.spec.node_name else SKIP  # no node named: nothing to check

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        return None if fits(pod, node.name) else unresolvable(REASON)
