"""The basic scheduler's filters and score, one small function each.

Mirrors the kube-scheduler plugins of the same names
(pkg/scheduler/framework/plugins): a filter says whether a pod can run on a
node and, if not, gives the reason a user reads in FailedScheduling; the
score ranks the nodes that pass. The full framework, with more plugins and
weights, is a later chapter's work.
"""

from __future__ import annotations

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.scheduler.resources import Resources, allocatable, pod_requests


def node_name(pod: Pod, node: Node, used: Resources) -> list[str]:
    """NodeName: a pod that names a node fits only there."""
    if pod.spec.node_name and pod.spec.node_name != node.name:
        return ["node(s) didn't match the requested node name"]
    return []


def node_unschedulable(pod: Pod, node: Node, used: Resources) -> list[str]:
    """NodeUnschedulable: a cordoned node takes no new pods (unless they tolerate it)."""
    if node.spec.unschedulable and not any(
            t.key == "node.kubernetes.io/unschedulable" or (not t.key and t.operator == "Exists")
            for t in pod.spec.tolerations):
        return ["node(s) were unschedulable"]
    return []


def taint_toleration(pod: Pod, node: Node, used: Resources) -> list[str]:
    """TaintToleration: every NoSchedule and NoExecute taint must be tolerated."""
    for taint in node.spec.taints:
        if taint.effect in ("NoSchedule", "NoExecute") and not any(t.tolerates(taint) for t in pod.spec.tolerations):
            return [f"node(s) had untolerated taint {{{taint.key}: {taint.value}}}"]
    return []


def node_affinity(pod: Pod, node: Node, used: Resources) -> list[str]:
    """NodeAffinity, nodeSelector part: every label asked for must be on the node."""
    labels = node.metadata.labels
    if any(labels.get(k) != v for k, v in pod.spec.node_selector.items()):
        return ["node(s) didn't match Pod's node affinity/selector"]
    return []


def node_resources_fit(pod: Pod, node: Node, used: Resources) -> list[str]:
    """NodeResourcesFit: requests plus what is already requested must fit allocatable."""
    asked, has = pod_requests(pod), allocatable(node)
    reasons = []
    if used.pods + 1 > has.pods:
        reasons.append("Too many pods")
    if asked.milli_cpu and used.milli_cpu + asked.milli_cpu > has.milli_cpu:
        reasons.append("Insufficient cpu")
    if asked.memory and used.memory + asked.memory > has.memory:
        reasons.append("Insufficient memory")
    return reasons


FILTERS = [node_unschedulable, node_name, taint_toleration, node_affinity, node_resources_fit]


def least_allocated(pod: Pod, node: Node, used_non_zero: Resources) -> int:
    """NodeResourcesFit's LeastAllocated score: 0-100, higher for emptier nodes (cpu and memory averaged)."""
    asked, has = pod_requests(pod, non_zero=True), allocatable(node)
    scores = []
    for request, capacity in ((used_non_zero.milli_cpu + asked.milli_cpu, has.milli_cpu),
                              (used_non_zero.memory + asked.memory, has.memory)):
        scores.append(0 if capacity == 0 or request > capacity else (capacity - request) * 100 // capacity)
    return sum(scores) // len(scores)


def failure_message(total_nodes: int, reasons: dict[str, int]) -> str:
    """`0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.` (reasons sorted)."""
    parts = sorted(f"{count} {reason}" for reason, count in reasons.items())
    return f"0/{total_nodes} nodes are available: {', '.join(parts)}."
