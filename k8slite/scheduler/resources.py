"""What a pod asks for and what a node has left, in millicores and bytes.

Mirrors the scheduler's framework.Resource and computePodResourceRequest:
a pod's request is the sum of its containers' requests (a limit with no
request counts as the request, as the API server defaults it). The
scheduler compares requests with a node's *allocatable*, never with live
usage: an idle node can still be full.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.api.quantity import bytes_of, millicores

# Scoring counts a pod with no requests as if it asked for this much
# (schedutil.DefaultMilliCPURequest / DefaultMemoryRequest), so empty pods still spread.
DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 1024 * 1024


@dataclass
class Resources:
    milli_cpu: int = 0
    memory: int = 0
    pods: int = 0

    def __add__(self, other: Resources) -> Resources:
        return Resources(self.milli_cpu + other.milli_cpu, self.memory + other.memory, self.pods + other.pods)


def pod_requests(pod: Pod, non_zero: bool = False) -> Resources:
    total = Resources(pods=1)
    for c in pod.spec.containers:
        asked = {**c.resources.limits, **c.resources.requests}
        cpu = millicores(asked["cpu"]) if "cpu" in asked else (DEFAULT_MILLI_CPU if non_zero else 0)
        memory = bytes_of(asked["memory"]) if "memory" in asked else (DEFAULT_MEMORY if non_zero else 0)
        total = total + Resources(cpu, memory)
    return total


def allocatable(node: Node) -> Resources:
    values = node.status.allocatable or node.status.capacity
    return Resources(millicores(values.get("cpu", 0)), bytes_of(values.get("memory", 0)),
                     int(values.get("pods", 110)))


def occupies_node(pod: Pod) -> bool:
    """Pods that hold resources on their node: bound and not finished."""
    return bool(pod.spec.node_name) and pod.status.phase not in ("Succeeded", "Failed")
