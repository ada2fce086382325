"""The arithmetic of a rollout: template hashes, revisions, surge and unavailability.

Mirrors pkg/controller/deployment/util/deployment_util.go. Pure functions,
no API calls, so each can be read and tested on its own:

- `compute_hash`: the pod-template-hash that names a ReplicaSet
  (`web-7d9f8c6b5d`), as ComputeHash + SafeEncodeString do: FNV-1a over the
  template, written in an alphabet without vowels (no accidental words).
- `resolve_fenceposts`: maxSurge rounds up, maxUnavailable rounds down, and
  if both come out 0, maxUnavailable becomes 1 so a rollout can move.
- `new_rs_new_replicas`: how far the new ReplicaSet may grow now.
- `deployment_complete`, `deployment_progressing`, `deployment_timed_out`:
  what the Progressing condition says.
Simplified: no hash collision handling (collisionCount is never raised).
"""

from __future__ import annotations

import json
import math
from typing import Any

from k8slite.api.defaults import TERMINATION_MESSAGE_PATH, TERMINATION_MESSAGE_POLICY
from k8slite.api.deployment import (
    POD_TEMPLATE_HASH,
    REVISION,
    Deployment,
    DeploymentCondition,
    DeploymentStatus,
)
from k8slite.api.pod import PodTemplateSpec
from k8slite.api.replicaset import ReplicaSet

SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
LATER_DEFAULTS = {"terminationMessagePath": TERMINATION_MESSAGE_PATH,
                  "terminationMessagePolicy": TERMINATION_MESSAGE_POLICY}


def compute_hash(template: PodTemplateSpec, collision_count: int | None = None) -> str:
    """pod-template-hash: FNV-1a (32 bit) of the template, its decimal digits mapped onto SAFE_ALPHABET."""
    text = json.dumps(hashed(template), sort_keys=True) + str(collision_count or "")
    h = 0x811C9DC5
    for byte in text.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return "".join(SAFE_ALPHABET[ord(c) % len(SAFE_ALPHABET)] for c in str(h))


def template_without_hash(template: PodTemplateSpec) -> Any:
    """The template as a dict, without the pod-template-hash label (EqualIgnoreHash compares these)."""
    from k8slite.api.serialize import to_dict
    data = to_dict(template)
    data.get("metadata", {}).pop("creationTimestamp", None)  # always null in a template
    labels = data.get("metadata", {}).get("labels", {})
    labels.pop(POD_TEMPLATE_HASH, None)
    if not labels:
        data.get("metadata", {}).pop("labels", None)
    return data


def hashed(template: PodTemplateSpec) -> Any:
    """What compute_hash hashes: the template without the hash label, written as k8slite wrote templates when
    the names the book shows were made: without the fields it came to default later while they hold their
    defaults (enableServiceLinks, an empty securityContext, a container's terminationMessagePath and Policy),
    and with a probe's `initialDelaySeconds: 0` (now left out, as Go's omitempty does). kube's own hash is of
    Go's in-memory struct, which no JSON reproduces; what matters is that the same template always gives the
    same hash and a changed value a new one."""
    data = template_without_hash(template)
    spec = data.get("spec", {})
    if spec.get("enableServiceLinks") is True:
        del spec["enableServiceLinks"]
    if spec.get("securityContext") == {}:
        del spec["securityContext"]
    for container in [*spec.get("initContainers", []), *spec.get("containers", [])]:
        for key, default in LATER_DEFAULTS.items():
            if container.get(key) == default:
                del container[key]
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            if probe in container:
                container[probe].setdefault("initialDelaySeconds", 0)
    return data


def equal_ignore_hash(a: PodTemplateSpec, b: PodTemplateSpec) -> bool:
    return bool(template_without_hash(a) == template_without_hash(b))


def revision(obj: Any) -> int:
    """The deployment.kubernetes.io/revision annotation as a number (0 when missing)."""
    value = obj.metadata.annotations.get(REVISION, "0")
    return int(value) if value.isdigit() else 0


def find_new_replicaset(d: Deployment, rss: list[ReplicaSet]) -> ReplicaSet | None:
    """The oldest ReplicaSet whose template is the Deployment's (there is normally one)."""
    for rs in sorted(rss, key=lambda r: (r.metadata.creation_timestamp or 0.0, r.name)):
        if equal_ignore_hash(rs.spec.template, d.spec.template):
            return rs
    return None


def scaled_value(value: int | str | None, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent: 3, or "25%" of total rounded up or down."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    exact = int(value.rstrip("%")) * total / 100
    return math.ceil(exact) if round_up else math.floor(exact)


def resolve_fenceposts(d: Deployment) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) as numbers of pods; never both 0."""
    rolling = d.spec.strategy.rolling_update
    if d.spec.strategy.type != "RollingUpdate" or rolling is None:
        return 0, 0
    surge = scaled_value(rolling.max_surge, d.spec.replicas, round_up=True)
    unavailable = scaled_value(rolling.max_unavailable, d.spec.replicas, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(d: Deployment) -> int:
    return resolve_fenceposts(d)[0]


def max_unavailable(d: Deployment) -> int:
    """At most replicas; 0 for Recreate."""
    if d.spec.strategy.type != "RollingUpdate" or d.spec.replicas == 0:
        return 0
    return min(resolve_fenceposts(d)[1], d.spec.replicas)


def available(rs: ReplicaSet) -> int:
    """Available pods of a ReplicaSet, never more than it wants (its status may lag a scale-down)."""
    return min(rs.status.available_replicas, rs.spec.replicas)


def replica_count(rss: list[ReplicaSet]) -> int:
    """Pods the ReplicaSets want (spec.replicas), the controller's view of how many exist."""
    return sum(rs.spec.replicas for rs in rss)


def new_rs_new_replicas(d: Deployment, all_rss: list[ReplicaSet], new_rs: ReplicaSet | None) -> int:
    """NewRSNewReplicas: RollingUpdate grows the new ReplicaSet while pods stay within replicas + maxSurge."""
    current = new_rs.spec.replicas if new_rs is not None else 0
    if d.spec.strategy.type != "RollingUpdate":
        return d.spec.replicas
    max_total = d.spec.replicas + max_surge(d)
    pods = replica_count(all_rss)
    if pods >= max_total:
        return current
    return current + min(max_total - pods, d.spec.replicas - current)


def deployment_complete(d: Deployment, status: DeploymentStatus) -> bool:
    """Every pod updated and available, and nothing old left: the rollout is done."""
    return (status.updated_replicas == d.spec.replicas and status.replicas == d.spec.replicas
            and status.available_replicas == d.spec.replicas
            and (status.observed_generation or 0) >= (d.metadata.generation or 0))


def deployment_progressing(d: Deployment, new: DeploymentStatus) -> bool:
    """More updated, ready or available pods, or fewer old ones, than the last status said."""
    old = d.status
    return (new.updated_replicas > old.updated_replicas
            or new.replicas - new.updated_replicas < old.replicas - old.updated_replicas
            or new.ready_replicas > old.ready_replicas or new.available_replicas > old.available_replicas)


def deployment_timed_out(d: Deployment, status: DeploymentStatus, now: float) -> bool:
    """No progress for progressDeadlineSeconds since the Progressing condition was last updated."""
    cond = status.condition("Progressing")
    if d.spec.progress_deadline_seconds is None or cond is None or cond.reason == "NewReplicaSetAvailable":
        return False
    if cond.reason == "ProgressDeadlineExceeded":
        return True
    return (cond.last_update_time or 0.0) + d.spec.progress_deadline_seconds <= now


def set_condition(status: DeploymentStatus, type_: str, value: str, reason: str, message: str, now: float,
                  replace: bool = False) -> None:
    """SetDeploymentCondition: a changed condition moves to the end; lastTransitionTime moves when status flips.

    With replace, a condition with the same status and reason is written again (a new lastUpdateTime)."""
    current = status.condition(type_)
    if current is not None and (current.status, current.reason) == (value, reason) and not replace:
        return
    transition = current.last_transition_time if current is not None and current.status == value else now
    status.conditions = [c for c in status.conditions if c.type != type_]
    status.conditions.append(DeploymentCondition(type_, value, now, transition, reason, message))
