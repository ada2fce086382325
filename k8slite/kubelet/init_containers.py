"""Init containers and sidecars: the order in which the kubelet starts and stops a pod's containers.

Mirrors pkg/kubelet/kuberuntime's computeInitContainerActions (1.32, with the
SidecarContainers feature on): init containers run one at a time, in the
order of spec.initContainers, and each must exit 0 before the next starts; a
failed one is restarted with CrashLoopBackOff back-off unless the pod's
restartPolicy is Never (then the pod fails). An init container with
`restartPolicy: Always` is a sidecar: once it has started, the next init
container starts, and it keeps running, restarted whenever it exits. Only
when every init container is done do the app containers start.

A sidecar does not keep a pod from finishing: when the app containers of a
pod whose restartPolicy is not Always have all exited for good, the kubelet
stops the sidecars, last one first. On deletion, too, sidecars stop after
the app containers. A failed init container is restarted on the sync after
the one that reported it (a relist later), so `Init:Error` shows before
`Init:CrashLoopBackOff`, as in a real cluster. Simplified: no startup
probes, so a sidecar has "started" as soon as it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.pod import Container, Pod
from k8slite.informer import object_key
from k8slite.kubelet.phase import should_restart
from k8slite.runtime.cri import EXITED, PLEG_RELIST_PERIOD, RUNNING

if TYPE_CHECKING:
    from k8slite.kubelet.agent import ContainerRecord, Kubelet, PodRecord



def state_of(kubelet: Kubelet, rec: ContainerRecord) -> str:
    return kubelet.runtime.container_status(rec.current_id).state if rec.current_id else ""


def init_succeeded(kubelet: Kubelet, rec: ContainerRecord) -> bool:
    if state_of(kubelet, rec) != EXITED:
        return False
    return kubelet.runtime.container_status(rec.current_id).exit_code == 0


def sync_containers(kubelet: Kubelet, pod: Pod, record: PodRecord) -> None:
    """The next init container (sidecars stay up), then the app containers once every init container is done."""
    started = any(record.containers[c.name].current_id for c in pod.spec.containers)
    for container in pod.spec.init_containers:
        rec = record.containers[container.name]
        if container.is_sidecar():
            kubelet.sync_container(pod, record, container, init=True)
            if state_of(kubelet, rec) != RUNNING and not rec.stopping and not started:
                return  # the next init container waits until this sidecar has started
        elif started:
            continue  # initialized once: init containers do not run again while the sandbox lives
        elif not init_succeeded(kubelet, rec):
            if not restart_next_sync(kubelet, pod, rec):
                kubelet.sync_container(pod, record, container, init=True)
            return
    for container in pod.spec.containers:
        kubelet.sync_container(pod, record, container)
        if kubelet.images.pulling_left(pod):
            return  # SyncPod starts the containers one by one: the next waits for this one's image
    if pod.spec.init_containers and app_containers_done(kubelet, pod, record):
        stop_group(kubelet, pod, record, sidecars(pod), pod.spec.termination_grace_period_seconds)


def restart_next_sync(kubelet: Kubelet, pod: Pod, rec: ContainerRecord) -> bool:
    """A failed init container is restarted on the next sync, a PLEG relist later, so Init:Error shows first."""
    if state_of(kubelet, rec) != EXITED:
        return False
    finished = kubelet.runtime.container_status(rec.current_id).finished_at or 0.0
    wait = finished + PLEG_RELIST_PERIOD - kubelet.clock.now
    if wait <= 0:
        return False
    kubelet.queue.add_after(object_key(pod), wait)
    return True


def app_containers_done(kubelet: Kubelet, pod: Pod, record: PodRecord) -> bool:
    """Every app container has exited and none will be restarted (never so under restartPolicy Always)."""
    for container in pod.spec.containers:
        rec = record.containers[container.name]
        if state_of(kubelet, rec) != EXITED:
            return False
        if should_restart(pod.spec.restart_policy, kubelet.runtime.container_status(rec.current_id).exit_code):
            return False
    return True


def sidecars(pod: Pod) -> list[Container]:
    """Sidecars in the order they stop: the reverse of the order they started."""
    return [c for c in reversed(pod.spec.init_containers) if c.is_sidecar()]


def stop_order(pod: Pod) -> list[list[Container]]:
    """Deletion: app containers (and a running init container) first, then each sidecar, last one first."""
    first = [c for c in pod.spec.init_containers if not c.is_sidecar()] + pod.spec.containers
    return [first] + [[c] for c in sidecars(pod)]


def stop_group(kubelet: Kubelet, pod: Pod, record: PodRecord, containers: list[Container], grace: int) -> bool:
    """Send SIGTERM to the running containers of a group, once each; True while one still runs."""
    running = False
    for container in containers:
        rec = record.containers[container.name]
        if state_of(kubelet, rec) != RUNNING:
            continue
        if not rec.stopping:
            kubelet.recorder.normal(pod, "Killing", f"Stopping container {rec.name}")
            kubelet.runtime.stop_container(rec.current_id, grace)
        rec.stopping = True
        running = running or state_of(kubelet, rec) == RUNNING
    return running
