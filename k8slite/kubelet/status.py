"""The status a kubelet writes for a pod: container states, phase, conditions.

Mirrors the kubelet's convertToAPIContainerStatuses and
generateAPIPodStatus: each container is Waiting (ContainerCreating,
CrashLoopBackOff), Running (since startedAt) or Terminated (exit code,
reason Completed/Error, and the message the container left in its
terminationMessagePath, or with FallbackToLogsOnError its log's tail); the
previous run stays in lastState, so `kubectl describe` can show why it last
died. Then the pod's phase and its
PodReadyToStartContainers, Initialized, Ready, ContainersReady and
PodScheduled conditions follow, in that order (kubectl describe's order in
1.32). Init containers get the same statuses, in initContainerStatuses.
Simplified: PodReadyToStartContainers is True while the pod runs (the fake
sandbox has its network at once) and False once it has finished.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from k8slite.api.meta import shallow
from k8slite.api.pod import (
    Container,
    ContainerState,
    ContainerStateRunning,
    ContainerStateTerminated,
    ContainerStateWaiting,
    ContainerStatus,
    HostIP,
    Pod,
    PodIP,
    PodStatus,
)
from k8slite.apiserver import set_condition
from k8slite.kubelet.phase import (
    counted_sidecars,
    init_phase,
    initialized_condition,
    not_ready_reason,
    pod_phase,
    restart_policy_for,
    should_restart,
)
from k8slite.kubelet.prober import Prober
from k8slite.runtime.cri import CREATED, EXITED, RUNNING, ContainerInfo, ContainerRuntime
from k8slite.runtime.termination import last_bytes

if TYPE_CHECKING:
    from k8slite.kubelet.agent import ContainerRecord

MAX_LOG_LINES, MAX_LOG_BYTES = 80, 2048  # kubecontainer.MaxContainerTerminationMessageLog{Lines,Length}
# the order kubectl describe shows a pod's conditions in (the kubelet writes them so in 1.32)
CONDITION_ORDER = {"PodReadyToStartContainers": 0, "Initialized": 1, "Ready": 2, "ContainersReady": 3,
                   "PodScheduled": 4}


def terminated(runtime: ContainerRuntime, container: Container, info: ContainerInfo) -> ContainerState:
    return ContainerState(terminated=ContainerStateTerminated(
        exit_code=info.exit_code, reason=info.reason, message=termination_message(runtime, container, info),
        started_at=info.started_at, finished_at=info.finished_at, container_id=f"k8slite://{info.id}"))


def termination_message(runtime: ContainerRuntime, container: Container, info: ContainerInfo) -> str:
    """The message of an exited container, as kuberuntime's getTerminationMessage finds it: what the container
    wrote to its terminationMessagePath (the last 4,096 bytes); with FallbackToLogsOnError, a failure and no
    such text, the last 80 lines of its log (at most their last 2,048 bytes)."""
    text = runtime.termination_message(info.id) if container.termination_message_path else None
    if text or container.termination_message_policy != "FallbackToLogsOnError" or info.exit_code == 0:
        return text or ""
    tail = "".join(runtime.logs(info.id).splitlines(keepends=True)[-MAX_LOG_LINES:])
    return last_bytes(tail.encode(), MAX_LOG_BYTES)


def container_status(runtime: ContainerRuntime, container: Container, rec: ContainerRecord,
                     prober: Prober, pod: Pod, init: bool = False) -> ContainerStatus:
    status = ContainerStatus(name=container.name, image=container.image, restart_count=rec.restart_count,
                             started=False)  # the prober manager sets it on every status, true once running
    if rec.previous_id:
        status.last_state = terminated(runtime, container, runtime.container_status(rec.previous_id))
    if not rec.current_id:
        status.state = ContainerState(waiting=ContainerStateWaiting(rec.waiting_reason, rec.waiting_message))
        return status
    info = runtime.container_status(rec.current_id)
    status.image = info.image  # the runtime's name for it: containerd's is docker.io/library/nginx:1.27
    if info.state == CREATED:  # a real runtime is still starting it
        status.state = ContainerState(waiting=ContainerStateWaiting("ContainerCreating"))
        return status
    status.container_id, status.image_id = f"k8slite://{info.id}", info.image_id
    if info.state == RUNNING:
        status.state = ContainerState(running=ContainerStateRunning(info.started_at))
        status.started = True
        # prober_manager.UpdatePodStatus: a regular init container is ready only once it has exited 0
        status.ready = prober.ready(container.name) and (container.is_sidecar() or not init)
    elif info.state == EXITED and rec.waiting_reason == "CrashLoopBackOff" and \
            should_restart(restart_policy_for(pod.spec.restart_policy, container, init), info.exit_code):
        status.state = ContainerState(waiting=ContainerStateWaiting(rec.waiting_reason, rec.waiting_message))
        status.last_state = terminated(runtime, container, info)
        status.started = False
    else:
        status.state = terminated(runtime, container, info)
        status.started = False
        status.ready = init and not container.is_sidecar() and info.exit_code == 0
    return status


def pod_status(pod: Pod, statuses: list[ContainerStatus], pod_ip: str, host_ip: str, now: float,
               init_statuses: list[ContainerStatus] | None = None) -> PodStatus:
    """generateAPIPodStatus: phase, addresses and conditions from the containers' (and init containers') statuses."""
    status = shallow(pod.status)  # its lists are replaced, not changed (set_condition replaces a condition)
    status.conditions = list(pod.status.conditions)
    inits = init_statuses or []
    sidecars = counted_sidecars(pod.spec.init_containers, inits)
    status.phase = init_phase(pod.spec.init_containers, inits, pod.spec.restart_policy) or \
        pod_phase(sidecars + statuses, pod.spec.restart_policy)
    status.container_statuses, status.init_container_statuses = statuses, inits
    status.pod_ip, status.pod_ips, status.host_ip = pod_ip, [PodIP(pod_ip)] if pod_ip else [], host_ip
    status.host_ips = [HostIP(host_ip)] if host_ip else []
    if status.start_time is None:
        status.start_time = now
    set_conditions(status, pod, sidecars + statuses, now)
    return status


def set_conditions(status: PodStatus, pod: Pod, statuses: list[ContainerStatus], now: float) -> None:
    """PodReadyToStartContainers, Initialized, Ready, ContainersReady and PodScheduled, in kubectl's order."""
    ready = all(s.ready for s in statuses) and status.phase == "Running"
    reason, message = ("", "") if ready else not_ready_reason(statuses, status.phase)
    # a finished pod's sandbox is gone (kubelet's killPod), so it is no longer ready to start containers
    sandbox = "False" if status.phase in ("Succeeded", "Failed") else "True"
    initialized = initialized_condition(pod.spec.init_containers, status.init_container_statuses,
                                        status.container_statuses)
    for type_, value, why, text in (("PodReadyToStartContainers", sandbox, "", ""), ("Initialized", *initialized),
                                    ("Ready", str(ready), reason, message),
                                    ("ContainersReady", str(ready), reason, message),
                                    ("PodScheduled", "True", "", "")):
        set_condition(status.conditions, type_, value, why, text, now)
    sort_conditions(status)


def sort_conditions(status: PodStatus) -> None:
    status.conditions.sort(key=lambda c: CONDITION_ORDER.get(c.type, 9))


def sandbox_failed_status(pod: Pod, now: float) -> PodStatus:
    """No sandbox (its network could not be set up): PodReadyToStartContainers False, no reason, nothing runs."""
    status = copy.deepcopy(pod.status)
    set_condition(status.conditions, "PodReadyToStartContainers", "False", "", "", now)
    set_condition(status.conditions, "PodScheduled", "True", "", "", now)
    sort_conditions(status)
    return status
