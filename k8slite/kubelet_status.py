"""The status a kubelet writes for a pod: container states, phase, conditions.

Mirrors the kubelet's convertToAPIContainerStatuses and
generateAPIPodStatus: each container is Waiting (ContainerCreating,
CrashLoopBackOff), Running (since startedAt) or Terminated (exit code,
reason Completed/Error); the previous run stays in lastState, so
`kubectl describe` can show why it last died. Then the pod's phase and its
Initialized, Ready, ContainersReady and PodScheduled conditions follow.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from k8slite.api.pod import (
    Container,
    ContainerState,
    ContainerStateRunning,
    ContainerStateTerminated,
    ContainerStateWaiting,
    ContainerStatus,
    Pod,
    PodIP,
    PodStatus,
)
from k8slite.apiserver import set_condition
from k8slite.podstatus import not_ready_reason, pod_phase, should_restart
from k8slite.prober import Prober
from k8slite.runtime.cri import CREATED, EXITED, RUNNING, ContainerInfo, ContainerRuntime

if TYPE_CHECKING:
    from k8slite.kubelet import ContainerRecord


def terminated(info: ContainerInfo) -> ContainerState:
    return ContainerState(terminated=ContainerStateTerminated(
        exit_code=info.exit_code, reason=info.reason, started_at=info.started_at,
        finished_at=info.finished_at, container_id=f"k8slite://{info.id}"))


def container_status(runtime: ContainerRuntime, container: Container, rec: ContainerRecord,
                     prober: Prober, pod: Pod) -> ContainerStatus:
    status = ContainerStatus(name=container.name, image=container.image, restart_count=rec.restart_count)
    if rec.previous_id:
        status.last_state = terminated(runtime.container_status(rec.previous_id))
    if not rec.current_id:
        status.state = ContainerState(waiting=ContainerStateWaiting(rec.waiting_reason, rec.waiting_message))
        return status
    info = runtime.container_status(rec.current_id)
    if info.state == CREATED:  # a real runtime is still starting it
        status.state = ContainerState(waiting=ContainerStateWaiting("ContainerCreating"))
        return status
    status.container_id, status.image_id = f"k8slite://{info.id}", info.image_id
    if info.state == RUNNING:
        status.state = ContainerState(running=ContainerStateRunning(info.started_at))
        status.started = True
        status.ready = prober.ready(container.name)
    elif info.state == EXITED and rec.waiting_reason == "CrashLoopBackOff" and \
            should_restart(pod.spec.restart_policy, info.exit_code):
        status.state = ContainerState(waiting=ContainerStateWaiting(rec.waiting_reason, rec.waiting_message))
        status.last_state = terminated(info)
        status.started = False
    else:
        status.state = terminated(info)
        status.started = False
    return status


def pod_status(pod: Pod, statuses: list[ContainerStatus], pod_ip: str, host_ip: str, now: float) -> PodStatus:
    status = copy.deepcopy(pod.status)
    status.phase = pod_phase(statuses, pod.spec.restart_policy)
    status.container_statuses = statuses
    status.pod_ip, status.pod_ips, status.host_ip = pod_ip, [PodIP(pod_ip)] if pod_ip else [], host_ip
    if status.start_time is None:
        status.start_time = now
    ready = all(s.ready for s in statuses) and status.phase == "Running"
    reason, message = ("", "") if ready else not_ready_reason(statuses, status.phase)
    for type_, value, why, text in (("Initialized", "True", "", ""), ("Ready", str(ready), reason, message),
                                    ("ContainersReady", str(ready), reason, message),
                                    ("PodScheduled", "True", "", "")):
        set_condition(status.conditions, type_, value, why, text, now)
    order = {"PodReadyToStartContainers": 0, "Initialized": 1, "Ready": 2, "ContainersReady": 3, "PodScheduled": 4}
    status.conditions.sort(key=lambda c: order.get(c.type, 9))
    return status
