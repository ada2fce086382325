"""ResourceQuota and LimitRange: how much a namespace may use, and what each container gets by default.

Mirrors k8s.io/api/core/v1 ResourceQuota and LimitRange, their defaulting
(SetDefaults_LimitRangeItem) and validation (ValidateResourceQuota,
ValidateLimitRange). A ResourceQuota's `spec.hard` caps what every object of
its namespace adds up to: counts (`pods`, `services`,
`count/deployments.apps`) and compute (`requests.cpu`, `limits.memory`, and
`cpu`/`memory` meaning requests); the quota controller writes `status.hard`
and `status.used`. A LimitRange lists limits per `type`: for a `Container`,
`default` (limits) and `defaultRequest` filled in when a container says
nothing, and `min`, `max`, `maxLimitRequestRatio`; for a `Pod`, the same
over the sum of its containers. The admission plugins that enforce both
live in k8slite.admission. Left out: quota scopes and scopeSelector
(accepted, ignored), and the PersistentVolumeClaim limit type's checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from k8slite.api.meta import KubeObject
from k8slite.api.quantity import MESSAGE as QUANTITY_MESSAGE
from k8slite.api.quantity import parse_quantity
from k8slite.errors import FieldError, forbidden, invalid, unsupported

Quantities = dict[str, str | int | float]
STANDARD_QUOTA = frozenset({
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
    "persistentvolumeclaims", "services.nodeports", "services.loadbalancers", "cpu", "memory",
    "requests.cpu", "requests.memory", "requests.storage", "limits.cpu", "limits.memory",
    "ephemeral-storage", "requests.ephemeral-storage", "limits.ephemeral-storage"})
LIMIT_TYPES = ["Pod", "Container", "PersistentVolumeClaim"]


@dataclass(slots=True)
class ResourceQuotaSpec:
    hard: Quantities = field(default_factory=dict)
    IGNORED: ClassVar[frozenset[str]] = frozenset({"scopes", "scopeSelector"})


@dataclass(slots=True)
class ResourceQuotaStatus:
    hard: Quantities = field(default_factory=dict)
    used: Quantities = field(default_factory=dict)


@dataclass(slots=True)
class ResourceQuota(KubeObject):
    KIND: ClassVar[str] = "ResourceQuota"
    spec: ResourceQuotaSpec = field(default_factory=ResourceQuotaSpec)
    status: ResourceQuotaStatus = field(default_factory=ResourceQuotaStatus)


@dataclass(slots=True)
class LimitRangeItem:
    type: str = ""
    max: Quantities = field(default_factory=dict)
    min: Quantities = field(default_factory=dict)
    default: Quantities = field(default_factory=dict)
    default_request: Quantities = field(default_factory=dict)
    max_limit_request_ratio: Quantities = field(default_factory=dict)


@dataclass(slots=True)
class LimitRangeSpec:
    limits: list[LimitRangeItem] = field(default_factory=list)


@dataclass(slots=True)
class LimitRange(KubeObject):
    KIND: ClassVar[str] = "LimitRange"
    spec: LimitRangeSpec = field(default_factory=LimitRangeSpec)


def default_limit_range(lr: LimitRange) -> None:
    """SetDefaults_LimitRangeItem: for a Container, default falls back to max, defaultRequest to
    default, then to min."""
    for item in lr.spec.limits:
        if item.type != "Container":
            continue
        item.default = {**item.max, **item.default}
        item.default_request = {**item.default, **item.default_request}
        item.default_request = {**item.min, **item.default_request}


def validate_quantities(path: str, values: Quantities) -> list[FieldError]:
    errors = []
    for name, value in values.items():
        try:
            amount = parse_quantity(value)
        except ValueError:
            errors.append(invalid(f"{path}[{name}]", str(value), QUANTITY_MESSAGE))
            continue
        if amount < 0:
            errors.append(invalid(f"{path}[{name}]", str(value), "must be greater than or equal to 0"))
    return errors


def validate_resource_quota(quota: ResourceQuota) -> list[FieldError]:
    errors = validate_quantities("spec.hard", quota.spec.hard)
    for name in quota.spec.hard:
        if name not in STANDARD_QUOTA and "/" not in name:
            errors.append(invalid(f"spec.hard[{name}]", name, "must be a standard resource for quota"))
    return errors


# (the field that must not be larger, the field that bounds it, the field an error names), as ValidateLimitRange
ORDER = [("min", "max", "min"), ("min", "default_request", "default_request"),
         ("default_request", "max", "default_request"), ("default_request", "default", "default_request"),
         ("min", "default", "default"), ("default", "max", "default")]
WORDS = {"min": "min", "max": "max", "default": "default", "default_request": "default request"}
JSON = {"min": "min", "max": "max", "default": "default", "default_request": "defaultRequest"}


def validate_limit_range(lr: LimitRange) -> list[FieldError]:
    errors: list[FieldError] = []
    for i, item in enumerate(lr.spec.limits):
        path = f"spec.limits[{i}]"
        if item.type not in LIMIT_TYPES:
            errors.append(unsupported(f"{path}.type", item.type, LIMIT_TYPES))
        for name in ("max", "min", "default", "default_request", "max_limit_request_ratio"):
            errors += validate_quantities(f"{path}.{JSON.get(name, 'maxLimitRequestRatio')}", getattr(item, name))
        if item.type == "Pod":
            errors += [forbidden(f"{path}.{JSON[n]}", "may not be specified when `type` is 'Pod'")
                       for n in ("default", "default_request") if getattr(item, n)]
        if not errors:
            errors += ordering_errors(item, path)
    return errors


def ordering_errors(item: LimitRangeItem, path: str) -> list[FieldError]:
    """min <= defaultRequest <= default <= max, each as ValidateLimitRange words it."""
    errors = []
    for small, big, named in ORDER:
        for resource, value in getattr(item, small).items():
            bound = getattr(item, big).get(resource)
            if bound is not None and parse_quantity(value) > parse_quantity(bound):
                big_words = "default limit" if (small, big) == ("default_request", "default") else WORDS[big]
                errors.append(invalid(f"{path}.{JSON[named]}[{resource}]", str(getattr(item, named)[resource]),
                                      f"{WORDS[small]} value {value} is greater than {big_words} value {bound}"))
    return errors
