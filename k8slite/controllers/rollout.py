"""Rollouts: how the Deployment controller moves pods from old ReplicaSets to the new one.

Mirrors pkg/controller/deployment/{rolling,recreate,progress,sync}.go.
RollingUpdate, one step per sync, each step bounded:

1. grow the new ReplicaSet while all ReplicaSets together want at most
   replicas + maxSurge pods;
2. shrink old ReplicaSets while at least replicas - maxUnavailable pods
   stay available (first the old pods that are not available anyway);
3. when nothing can move, wait: the ReplicaSets' status changes wake it.

Recreate scales every old ReplicaSet to 0, waits until their pods are gone,
then scales the new one up. `scale` handles a changed spec.replicas in the
middle of a rollout by resizing every active ReplicaSet in proportion.
After each step the status is written (progress.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.deployment import MAX_REPLICAS, Deployment
from k8slite.api.replicaset import ReplicaSet
from k8slite.controllers.deployment_util import (
    available,
    deployment_complete,
    max_surge,
    max_unavailable,
    new_rs_new_replicas,
    replica_count,
)
from k8slite.controllers.progress import sync_rollout_status

if TYPE_CHECKING:
    from k8slite.controllers.deployment import DeploymentController


def by_age(rss: list[ReplicaSet]) -> list[ReplicaSet]:
    return sorted(rss, key=lambda r: (r.metadata.creation_timestamp or 0.0, r.name))


# ---------------------------------------------------------------- RollingUpdate

def rollout_rolling(dc: DeploymentController, d: Deployment, rss: list[ReplicaSet]) -> None:
    new_rs, old = dc.get_all_replicasets(d, rss, create=True)
    all_rss = [*old, *([new_rs] if new_rs else [])]
    if new_rs is not None and reconcile_new_replicaset(dc, d, all_rss, new_rs) or \
            reconcile_old_replicasets(dc, d, all_rss, old, new_rs):
        new_rs = dc.refresh([new_rs])[0] if new_rs else None
        sync_rollout_status(dc, d, dc.refresh(list(all_rss)), new_rs)
        return
    if deployment_complete(d, dc.latest(d).status):
        dc.cleanup(d, old)
    sync_rollout_status(dc, d, dc.refresh(list(all_rss)), new_rs)


def reconcile_new_replicaset(dc: DeploymentController, d: Deployment, all_rss: list[ReplicaSet],
                             new_rs: ReplicaSet) -> bool:
    """Grow the new ReplicaSet as far as maxSurge allows (or shrink it to replicas)."""
    if new_rs.spec.replicas == d.spec.replicas:
        return False
    if new_rs.spec.replicas > d.spec.replicas:
        return dc.scale_replicaset(d, new_rs, d.spec.replicas)
    return dc.scale_replicaset(d, new_rs, new_rs_new_replicas(d, all_rss, new_rs))


def reconcile_old_replicasets(dc: DeploymentController, d: Deployment, all_rss: list[ReplicaSet],
                              old: list[ReplicaSet], new_rs: ReplicaSet | None) -> bool:
    """Shrink old ReplicaSets while replicas - maxUnavailable pods stay available."""
    old = [rs for rs in old if rs.spec.replicas > 0]
    if not old:
        return False
    min_available = d.spec.replicas - max_unavailable(d)
    new_unavailable = new_rs.spec.replicas - available(new_rs) if new_rs else 0
    max_scaled_down = replica_count(all_rss) - min_available - new_unavailable
    if max_scaled_down <= 0:
        return False
    cleaned = cleanup_unhealthy_replicas(dc, d, old, max_scaled_down)
    old = dc.refresh(list(old))
    all_rss = [*old, *dc.refresh([new_rs])]
    return cleaned + scale_down_old_replicasets(dc, d, all_rss, old) > 0


def cleanup_unhealthy_replicas(dc: DeploymentController, d: Deployment, old: list[ReplicaSet], limit: int) -> int:
    """First remove old pods that are not available anyway: it costs no availability."""
    done = 0
    for rs in by_age(old):
        unhealthy = rs.spec.replicas - available(rs)
        if done >= limit or unhealthy <= 0:
            continue
        count = min(limit - done, unhealthy)
        dc.scale_replicaset(d, rs, rs.spec.replicas - count)
        done += count
    return done


def scale_down_old_replicasets(dc: DeploymentController, d: Deployment, all_rss: list[ReplicaSet],
                               old: list[ReplicaSet]) -> int:
    """Then remove available old pods, oldest ReplicaSet first, down to replicas - maxUnavailable available."""
    min_available = d.spec.replicas - max_unavailable(d)
    to_remove = sum(available(rs) for rs in all_rss) - min_available
    done = 0
    for rs in by_age(old):
        if done >= to_remove:
            break
        if rs.spec.replicas == 0:
            continue
        count = min(rs.spec.replicas, to_remove - done)
        dc.scale_replicaset(d, rs, rs.spec.replicas - count)
        done += count
    return done


# ---------------------------------------------------------------- Recreate

def rollout_recreate(dc: DeploymentController, d: Deployment, rss: list[ReplicaSet]) -> None:
    new_rs, old = dc.get_all_replicasets(d, rss, create=False)
    scaled = [dc.scale_replicaset(d, rs, 0) for rs in old if rs.spec.replicas > 0]
    old = dc.refresh(list(old))
    if not any(scaled) and not old_pods_running(dc, old):
        if new_rs is None:
            new_rs, old = dc.get_all_replicasets(d, rss, create=True)
        if new_rs is not None:
            dc.scale_replicaset(d, new_rs, d.spec.replicas)
            new_rs = dc.refresh([new_rs])[0]
        if deployment_complete(d, dc.latest(d).status):
            dc.cleanup(d, old)
    sync_rollout_status(dc, d, dc.refresh([*old, new_rs]), new_rs)


def old_pods_running(dc: DeploymentController, old: list[ReplicaSet]) -> bool:
    """Old pods that still exist, terminating ones included: Recreate waits for every one."""
    if sum(rs.status.replicas for rs in old) > 0:
        return True
    return any(p.status.phase not in ("Succeeded", "Failed") for p in dc.pods_of(old))


# ---------------------------------------------------------------- scaling

def scale(dc: DeploymentController, d: Deployment, new_rs: ReplicaSet | None, old: list[ReplicaSet]) -> None:
    """A new spec.replicas: resize the one active ReplicaSet, or every active one in proportion."""
    active = [rs for rs in [*([new_rs] if new_rs else []), *old] if rs.spec.replicas > 0]
    if len(active) <= 1:
        target = active[0] if active else new_rs or (by_age(old)[-1] if old else None)
        if target is not None:
            dc.scale_replicaset(d, target, d.spec.replicas)
        return
    if new_rs is not None and new_rs.spec.replicas == d.spec.replicas and available(new_rs) == d.spec.replicas:
        for rs in old:
            dc.scale_replicaset(d, rs, 0)
        return
    if d.spec.strategy.type != "RollingUpdate":
        return
    allowed = d.spec.replicas + max_surge(d) if d.spec.replicas > 0 else 0
    to_add = allowed - replica_count(active)
    order = sorted(active, key=lambda r: (-r.spec.replicas, -(r.metadata.creation_timestamp or 0.0)))
    sizes, added = {}, 0
    for rs in order:
        share = proportion(d, rs, to_add, added, allowed)
        sizes[rs.metadata.uid], added = rs.spec.replicas + share, added + share
    sizes[order[0].metadata.uid] = max(0, sizes[order[0].metadata.uid] + to_add - added)  # leftovers to the largest
    for rs in order:
        dc.scale_replicaset(d, rs, max(0, sizes[rs.metadata.uid]))


def proportion(d: Deployment, rs: ReplicaSet, to_add: int, added: int, allowed: int) -> int:
    """getProportion: this ReplicaSet's share of the pods to add (or remove), by its size before."""
    if to_add == 0 or to_add == added or rs.spec.replicas == 0:
        return 0
    before = int(rs.metadata.annotations.get(MAX_REPLICAS, "0") or 0) or d.status.replicas or 1
    fraction = int(rs.spec.replicas * allowed / before + 0.5) - rs.spec.replicas
    return min(fraction, to_add - added) if to_add > 0 else max(fraction, to_add - added)
