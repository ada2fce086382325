"""A Deployment's status and its conditions, after every step of a rollout.

Mirrors pkg/controller/deployment/{progress,sync}.go. The counts come from
the ReplicaSets' own status (replicas, ready, available; updated = the new
ReplicaSet's pods). Two conditions tell the story:

- Available: True (MinimumReplicasAvailable) while at least
  replicas - maxUnavailable pods are available, else False
  (MinimumReplicasUnavailable).
- Progressing: True with NewReplicaSetCreated / FoundNewReplicaSet when a
  rollout starts, ReplicaSetUpdated each time it moves (lastUpdateTime is
  when it last moved), NewReplicaSetAvailable when it is done; False with
  ProgressDeadlineExceeded once progressDeadlineSeconds pass without a move
  (the controller comes back at that moment to say so); Unknown with
  DeploymentPaused / DeploymentResumed around a pause.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from k8slite.api.deployment import Deployment, DeploymentStatus
from k8slite.api.replicaset import ReplicaSet
from k8slite.controllers.deployment_util import (
    deployment_complete,
    deployment_progressing,
    deployment_timed_out,
    max_unavailable,
    replica_count,
    set_condition,
)
from k8slite.informer import object_key

if TYPE_CHECKING:
    from k8slite.controllers.deployment import DeploymentController


def calculate_status(d: Deployment, all_rss: list[ReplicaSet], new_rs: ReplicaSet | None,
                     now: float) -> DeploymentStatus:
    status = copy.deepcopy(d.status)
    status.observed_generation = d.metadata.generation
    status.replicas = sum(rs.status.replicas for rs in all_rss)
    status.updated_replicas = new_rs.status.replicas if new_rs else 0
    status.ready_replicas = sum(rs.status.ready_replicas for rs in all_rss)
    status.available_replicas = sum(rs.status.available_replicas for rs in all_rss)
    status.unavailable_replicas = max(replica_count(all_rss) - status.available_replicas, 0)
    if status.available_replicas >= d.spec.replicas - max_unavailable(d):
        set_condition(status, "Available", "True", "MinimumReplicasAvailable",
                      "Deployment has minimum availability.", now)
    else:
        set_condition(status, "Available", "False", "MinimumReplicasUnavailable",
                      "Deployment does not have minimum availability.", now)
    return status


def sync_status(dc: DeploymentController, d: Deployment, all_rss: list[ReplicaSet], new_rs: ReplicaSet | None) -> None:
    """syncDeploymentStatus: write the counts and the Available condition if they changed."""
    d = dc.latest(d)
    status = calculate_status(d, all_rss, new_rs, dc.clock.now)
    if status != d.status:
        new = d.copy()
        new.status = status
        dc.write_status(new)


def sync_rollout_status(dc: DeploymentController, d: Deployment, all_rss: list[ReplicaSet],
                        new_rs: ReplicaSet | None) -> None:
    """syncRolloutStatus: the status, plus the Progressing condition; look again at the deadline."""
    d = dc.latest(d)
    now, name = dc.clock.now, new_rs.name if new_rs else ""
    status = calculate_status(d, all_rss, new_rs, now)
    progressing = status.condition("Progressing")
    if d.spec.progress_deadline_seconds is None:
        status.conditions = [c for c in status.conditions if c.type != "Progressing"]
    elif not (status.replicas == status.updated_replicas and progressing is not None
              and progressing.reason == "NewReplicaSetAvailable"):
        if deployment_complete(d, status):
            set_condition(status, "Progressing", "True", "NewReplicaSetAvailable",
                          f'ReplicaSet "{name}" has successfully progressed.', now)
        elif deployment_progressing(d, status):
            set_condition(status, "Progressing", "True", "ReplicaSetUpdated",
                          f'ReplicaSet "{name}" is progressing.', now, replace=True)
        elif deployment_timed_out(d, status, now):
            set_condition(status, "Progressing", "False", "ProgressDeadlineExceeded",
                          f'ReplicaSet "{name}" has timed out progressing.', now)
    if status != d.status:
        new = d.copy()
        new.status = status
        dc.write_status(new)
    requeue_stuck(dc, d, status)


def requeue_stuck(dc: DeploymentController, d: Deployment, status: DeploymentStatus) -> None:
    """Come back when the progress deadline would pass, to say ProgressDeadlineExceeded."""
    cond = status.condition("Progressing")
    if cond is None or d.spec.progress_deadline_seconds is None or deployment_complete(d, status) or \
            cond.reason in ("NewReplicaSetAvailable", "ProgressDeadlineExceeded"):
        return
    due = (cond.last_update_time or 0.0) + d.spec.progress_deadline_seconds
    dc.queue.add_after(object_key(d), max(due - dc.clock.now, 0.0))


def check_paused_conditions(dc: DeploymentController, d: Deployment) -> Deployment:
    """Progressing Unknown with reason DeploymentPaused while paused, DeploymentResumed after."""
    cond = d.status.condition("Progressing")
    if d.spec.progress_deadline_seconds is None:
        return d
    paused = bool(d.spec.paused)
    if paused and (cond is None or cond.reason != "DeploymentPaused"):
        reason, message = "DeploymentPaused", "Deployment is paused"
    elif not paused and cond is not None and cond.reason == "DeploymentPaused":
        reason, message = "DeploymentResumed", "Deployment is resumed"
    else:
        return d
    new = dc.latest(d).copy()
    set_condition(new.status, "Progressing", "Unknown", reason, message, dc.clock.now)
    return dc.write_status(new)
