"""A pod's phase and conditions, computed from its containers.

Mirrors the kubelet's getPhase and generateAPIPodStatus
(pkg/kubelet/kubelet_pods.go). The phase is a summary, not a state machine:
Pending while any container has never run, Running while any runs or will
be restarted, Succeeded when all exited 0 and none will restart, Failed
when one exited non-zero and none will restart. Ready means every container
is running and passing its readiness probe.

Init containers come first (getPhase, GeneratePodInitializedCondition in
pkg/kubelet/status/generate.go): the pod is Pending while a regular init
container has not succeeded, Failed if one failed under restartPolicy Never,
and Initialized only when each has exited 0 and each sidecar (restartPolicy
Always) has started. A running sidecar counts as running; one that exited is
ignored, so a Job's pod completes with its app containers.
"""

from __future__ import annotations

from k8slite.api.pod import Container, ContainerStatus


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


def restart_policy_for(pod_policy: str, container: Container, init: bool) -> str:
    """The policy the kubelet applies to one container: sidecars Always, init containers never after success."""
    if container.is_sidecar():
        return "Always"
    if init:
        return "Never" if pod_policy == "Never" else "OnFailure"
    return pod_policy


def init_done(container: Container, status: ContainerStatus | None) -> bool:
    """A regular init container exited 0; a sidecar has started."""
    if status is None:
        return False
    if container.is_sidecar():
        return bool(status.started)
    return status.state.terminated is not None and status.state.terminated.exit_code == 0


def init_phase(init_containers: list[Container], statuses: list[ContainerStatus], restart_policy: str) -> str:
    """getPhase's init part: "Failed", "Pending" while a regular init container has not succeeded, or ""."""
    by_name = {s.name: s for s in statuses}
    failed = pending = 0
    for c in (c for c in init_containers if not c.is_sidecar()):
        s = by_name.get(c.name)
        last = s.state.terminated or s.last_state.terminated if s is not None and s.state.running is None else None
        if last is not None and last.exit_code != 0:
            failed += 1
        elif not init_done(c, s):
            pending += 1
    if failed and restart_policy == "Never":
        return "Failed"
    return "Pending" if pending else ""


def counted_sidecars(init_containers: list[Container], statuses: list[ContainerStatus]) -> list[ContainerStatus]:
    """The sidecar statuses getPhase counts: running, or waiting to start for the first time."""
    sidecars = {c.name for c in init_containers if c.is_sidecar()}
    return [s for s in statuses if s.name in sidecars and (s.state.running is not None or (
        s.state.terminated is None and s.last_state.terminated is None))]


def initialized_condition(init_containers: list[Container], init_statuses: list[ContainerStatus],
                          statuses: list[ContainerStatus]) -> tuple[str, str, str]:
    """(status, reason, message) of Initialized, as GeneratePodInitializedCondition words it."""
    by_name = {s.name: s for s in init_statuses}
    incomplete = [c.name for c in init_containers if not init_done(c, by_name.get(c.name))]
    started = any(s.state.running is not None or s.state.terminated is not None for s in statuses)
    if not incomplete or started:  # a regular container has run: initialized before, even if a sidecar restarts
        return "True", "", ""
    return "False", "ContainersNotInitialized", f"containers with incomplete status: [{' '.join(incomplete)}]"
