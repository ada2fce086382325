"""What a pod asks for and what a node has left, in millicores and bytes.

Mirrors the scheduler's framework.Resource and computePodResourceRequest:
a pod's request is the sum of its containers' requests (a limit with no
request counts as the request, as the API server defaults it), or more if
an init container asks for more: component-helpers' PodRequests takes the
larger of that sum (sidecars included) and the largest init container. The
scheduler compares requests with a node's *allocatable*, never with live
usage: an idle node can still be full.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8slite.api.node import Node
from k8slite.api.pod import Container, Pod
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


def container_requests(c: Container, non_zero: bool) -> Resources:
    asked = {**c.resources.limits, **c.resources.requests}
    cpu = millicores(asked["cpu"]) if "cpu" in asked else (DEFAULT_MILLI_CPU if non_zero else 0)
    memory = bytes_of(asked["memory"]) if "memory" in asked else (DEFAULT_MEMORY if non_zero else 0)
    return Resources(cpu, memory)


def larger(a: Resources, b: Resources) -> Resources:
    """maxResourceList: resource by resource, the larger amount."""
    return Resources(max(a.milli_cpu, b.milli_cpu), max(a.memory, b.memory), max(a.pods, b.pods))


def pod_requests(pod: Pod, non_zero: bool = False) -> Resources:
    """component-helpers' resource.PodRequests: max(the sum of containers and sidecars, the largest init step)."""
    total = Resources(pods=1)
    for c in pod.spec.containers:
        total = total + container_requests(c, non_zero)
    sidecars = init_peak = Resources()
    for c in pod.spec.init_containers:
        asked = container_requests(c, non_zero)
        if c.is_sidecar():  # it keeps running: it adds to the pod's sum and to every later init step
            total, sidecars = total + asked, sidecars + asked
            init_peak = larger(init_peak, sidecars)
        else:  # runs alone, next to the sidecars started before it
            init_peak = larger(init_peak, asked + sidecars)
    return larger(total, init_peak)


def allocatable(node: Node) -> Resources:
    values = node.status.allocatable or node.status.capacity
    return Resources(millicores(values.get("cpu", 0)), bytes_of(values.get("memory", 0)),
                     int(values.get("pods", 110)))


def occupies_node(pod: Pod) -> bool:
    """Pods that hold resources on their node: bound and not finished."""
    return bool(pod.spec.node_name) and pod.status.phase not in ("Succeeded", "Failed")
