"""Swarm's rolling update: swarmkit's manager/orchestrator/update/updater.go, stop-first.

Mirrors the updater: it replaces `update_parallelism` old tasks at a time (the default order
stop-first: an old task is shut down before its slot gets a new one), waits until the new tasks
run, waits `update_delay`, and goes on to the next batch. A new task that fails or is rejected
pauses the update (update-failure-action pause, the default), with swarmkit's message
"update paused due to failure or early termination of task <id>". Simplified: no update-monitor
window, no start-first order, no rollback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.orchestrators.swarm_objects import STOP_SECONDS, Service, Task

if TYPE_CHECKING:
    from k8slite.orchestrators.swarm import Swarm


def next_batch(swarm: Swarm, service: Service) -> None:
    """Replace up to update_parallelism old tasks (stop-first); after they run, wait update_delay."""
    if service.update_status is None or service.update_status[0] != "updating":
        return
    old = sorted((t for t in swarm.tasks if t.service == service.name and t.desired_state == "running"
                  and t.image != service.image), key=lambda t: t.slot)
    if not old:
        service.update_status, service.update_completed = ("completed", "update completed"), swarm.now
        swarm.note(f"service {service.name} update completed")
        return
    batch = old[: service.update_parallelism]
    for t in batch:
        service.updating_slots.add(t.slot)
        swarm.stop_task(t)
    swarm.clock.call_later(STOP_SECONDS, lambda: replace(swarm, service, [t.slot for t in batch]))


def replace(swarm: Swarm, service: Service, slots: list[int]) -> None:
    new = [swarm.start_task(service, slot) for slot in slots]
    swarm.clock.call_soon(lambda: wait_running(swarm, service, new))


def wait_running(swarm: Swarm, service: Service, new: list[Task]) -> None:
    if service.update_status is None or service.update_status[0] != "updating":
        return
    if all(t.state == "running" for t in new):
        service.updating_slots.difference_update(t.slot for t in new)
        swarm.clock.call_later(service.update_delay, lambda: next_batch(swarm, service))
    else:
        swarm.clock.call_later(0.5, lambda: wait_running(swarm, service, new))
