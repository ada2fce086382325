"""What an object counts for against a ResourceQuota: the quota evaluators, pkg/quota/v1/evaluator/core.

Every object counts 1 for `count/<resource>.<group>` (`count/deployments.apps`,
`count/pods`), and core kinds also for their short names (`pods`, `services`,
`configmaps`, `secrets`, `persistentvolumeclaims`). A pod also counts its
containers' requests (`requests.cpu`, and `cpu`, which means the same) and
limits (`limits.memory`); a request left out where a limit is given is the
limit, as the API server defaults it. A pod that has finished (Succeeded,
Failed) or whose grace period has run out no longer counts. A quota on
compute makes every container say what it asks for (`must specify ...`).
Quantities are printed as Kubernetes prints them (quantity.format_amount: `500m`, `2`, `128Mi`, `1G`).
Left out: init containers, pod overhead, services.nodeports/loadbalancers,
and quota scopes.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from k8slite.api.kinds import kind_of
from k8slite.api.meta import KubeObject
from k8slite.api.pod import Container, Pod
from k8slite.api.quantity import format_amount as format_quantity  # the name quota code and chapter 11 use
from k8slite.api.quantity import parse_quantity

Usage = dict[str, Fraction]
COMPUTE = ("cpu", "memory")
VALIDATION = frozenset({"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"})
LEGACY = {"pods": "pods", "services": "services", "configmaps": "configmaps", "secrets": "secrets",
          "persistentvolumeclaims": "persistentvolumeclaims", "resourcequotas": "resourcequotas",
          "replicationcontrollers": "replicationcontrollers"}


def count_name(obj: KubeObject) -> str:
    """`count/pods`, `count/deployments.apps`: the object-count resource of a kind."""
    return f"count/{kind_of(obj).resource}"


def container_usage(c: Container) -> Usage:
    """podComputeUsageHelper for one container: what it requests and limits."""
    requests = {**c.resources.limits, **c.resources.requests}  # a limit alone is also the request
    usage: Usage = {}
    for name in COMPUTE:
        if name in requests:
            usage[name] = usage[f"requests.{name}"] = parse_quantity(requests[name])
        if name in c.resources.limits:
            usage[f"limits.{name}"] = parse_quantity(c.resources.limits[name])
    return usage


def pod_usage(pod: Pod) -> Usage:
    """A pod's usage: 1 pod, and the sum of its containers' requests and limits."""
    usage: Usage = {"pods": Fraction(1), "count/pods": Fraction(1)}
    for c in pod.spec.containers:
        for name, amount in container_usage(c).items():
            usage[name] = usage.get(name, Fraction(0)) + amount
    return usage


def counts_for_quota(obj: KubeObject, now: float) -> bool:
    """quotaPod: a finished pod, or one past the end of its grace period, uses nothing."""
    if not isinstance(obj, Pod):
        return True
    if obj.status.phase in ("Succeeded", "Failed"):
        return False
    deleted, grace = obj.metadata.deletion_timestamp, obj.metadata.deletion_grace_period_seconds
    return deleted is None or grace is None or now <= deleted + grace


def usage(obj: KubeObject, plural: str) -> Usage:
    """Everything obj counts for (before masking by what a quota limits)."""
    if isinstance(obj, Pod):
        return pod_usage(obj)
    result: Usage = {count_name(obj): Fraction(1)}
    if plural in LEGACY and "/" not in obj.api_version:
        result[LEGACY[plural]] = Fraction(1)
    if plural == "persistentvolumeclaims":
        result.update(claim_storage(obj.to_dict()))
    return result


def claim_storage(body: dict[str, Any]) -> Usage:
    """A claim's requests.storage, also counted per storage class."""
    spec = body.get("spec") or {}
    storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
    if storage is None:
        return {}
    amount = parse_quantity(storage)
    result = {"requests.storage": amount}
    if spec.get("storageClassName"):
        cls = spec["storageClassName"]
        result[f"{cls}.storageclass.storage.k8s.io/requests.storage"] = amount
        result[f"{cls}.storageclass.storage.k8s.io/persistentvolumeclaims"] = Fraction(1)
    return result


def matching_resources(obj: KubeObject, plural: str, hard: set[str]) -> set[str]:
    """MatchingResources: which of a quota's resources this kind of object counts for."""
    if isinstance(obj, Pod):
        return hard & ({"pods", "count/pods"} | VALIDATION)
    return hard & set(usage(obj, plural))


def missing_requests(pod: Pod, limited: set[str]) -> str:
    """podEvaluator.Constraints: `limits.cpu for: web; limits.memory for: web`, or "" when none."""
    required = limited & VALIDATION
    missing: dict[str, list[str]] = {}
    for c in pod.spec.containers:
        for name in sorted(required - set(container_usage(c))):
            missing.setdefault(name, []).append(c.name)
    return "; ".join(f"{name} for: {','.join(sorted(names))}" for name, names in sorted(missing.items()))


def add(a: Usage, b: Usage) -> Usage:
    return {k: a.get(k, Fraction(0)) + b.get(k, Fraction(0)) for k in sorted({*a, *b})}


def parse_list(values: dict[str, Any]) -> Usage:
    return {k: parse_quantity(v) for k, v in values.items()}


def pretty(values: Usage) -> str:
    """prettyPrint: `cpu=500m,memory=1Gi`, sorted by name."""
    return ",".join(f"{name}={format_quantity(values[name])}" for name in sorted(values))
