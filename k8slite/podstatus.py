"""A pod's phase and conditions, computed from its containers.

Mirrors the kubelet's getPhase and generateAPIPodStatus
(pkg/kubelet/kubelet_pods.go). The phase is a summary, not a state machine:
Pending while any container has never run, Running while any runs or will
be restarted, Succeeded when all exited 0 and none will restart, Failed
when one exited non-zero and none will restart. Ready means every container
is running and passing its readiness probe.
"""

from __future__ import annotations

from k8slite.api.pod import ContainerStatus


def pod_phase(statuses: list[ContainerStatus], restart_policy: str) -> str:
    waiting = running = stopped = succeeded = 0
    for s in statuses:
        if s.state.running is not None:
            running += 1
        elif s.state.terminated is not None:
            stopped += 1
            succeeded += s.state.terminated.exit_code == 0
        elif s.last_state.terminated is not None:
            stopped += 1  # waiting to restart: it has run before
        else:
            waiting += 1
    if waiting or not statuses:
        return "Pending"
    if running:
        return "Running"
    if restart_policy == "Always":
        return "Running"
    if stopped == succeeded:
        return "Succeeded"
    return "Failed" if restart_policy == "Never" else "Running"


def should_restart(restart_policy: str, exit_code: int) -> bool:
    """Whether the kubelet restarts a container that exited with exit_code."""
    return restart_policy == "Always" or (restart_policy == "OnFailure" and exit_code != 0)


def not_ready_reason(statuses: list[ContainerStatus], phase: str) -> tuple[str, str]:
    """(reason, message) for Ready=False, in the kubelet's words."""
    if phase in ("Succeeded", "Failed"):
        return "PodCompleted", ""
    names = [s.name for s in statuses if not s.ready]
    return "ContainersNotReady", f"containers with unready status: [{' '.join(names)}]"
