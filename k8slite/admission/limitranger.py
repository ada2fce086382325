"""The LimitRanger admission plugin (plugin/pkg/admission/limitranger): defaults, then limits.

First it mutates: a container that says nothing about a resource gets the
LimitRange's `default` as its limit and `defaultRequest` as its request
(a container that gives only a limit has that limit as its request, as the
API server's defaulting sets it), and the pod is annotated
`kubernetes.io/limit-ranger: LimitRanger plugin set: cpu request for container app`.
Then it validates, per Container and per Pod (the sum of its containers),
and refuses the pod with every broken rule, in the plugin's words:
`maximum cpu usage per Container is 1, but limit is 2`,
`minimum memory usage per Container is 64Mi, but request is 32Mi`,
`cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000`.
It runs before ResourceQuota, so a quota counts the defaults it filled in.
Left out: init containers, and the PersistentVolumeClaim type (storage).
"""

from __future__ import annotations

from fractions import Fraction

from k8slite.admission.evaluator import format_quantity
from k8slite.api.meta import KubeObject
from k8slite.api.pod import Container, Pod
from k8slite.api.policy import LimitRange, LimitRangeItem, Quantities
from k8slite.api.quantity import parse_quantity
from k8slite.errors import Forbidden

ANNOTATION = "kubernetes.io/limit-ranger"


def admit(obj: KubeObject, plural: str, limit_ranges: list[KubeObject]) -> None:
    """Fill in the defaults of the namespace's LimitRanges, then refuse what breaks their limits."""
    if not isinstance(obj, Pod):
        return
    ranges = [lr for lr in limit_ranges if isinstance(lr, LimitRange)]
    for lr in ranges:
        set_defaults(lr, obj)
    errors = [e for lr in ranges for item in lr.spec.limits for e in validate_item(item, obj)]
    if errors:
        reason = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
        raise Forbidden(f'{plural} "{obj.name}" is forbidden: {reason}')


def set_defaults(lr: LimitRange, pod: Pod) -> None:
    """PodMutateLimitFunc: defaults for what each container leaves out, noted in an annotation."""
    notes = []
    for item in lr.spec.limits:
        if item.type != "Container":
            continue
        for c in pod.spec.containers:
            notes += merge_defaults(c, item)
    if notes:
        pod.metadata.annotations[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)


def merge_defaults(c: Container, item: LimitRangeItem) -> list[str]:
    """mergeContainerResources: what was set, as `cpu, memory request for container app`."""
    resources = c.resources
    resources.requests = {**resources.limits, **resources.requests}  # the API server's defaulting
    set_limits = sorted(k for k in item.default if k not in resources.limits)
    set_requests = sorted(k for k in item.default_request if k not in resources.requests)
    resources.limits.update({k: item.default[k] for k in set_limits})
    resources.requests.update({k: item.default_request[k] for k in set_requests})
    notes = [f"{', '.join(set_requests)} request for container {c.name}"] if set_requests else []
    return notes + ([f"{', '.join(set_limits)} limit for container {c.name}"] if set_limits else [])


def validate_item(item: LimitRangeItem, pod: Pod) -> list[str]:
    """PodValidateLimitFunc for one item: each container against a Container item, the sum against a Pod item."""
    if item.type == "Container":
        groups = [(c.resources.requests, c.resources.limits) for c in pod.spec.containers]
    elif item.type == "Pod":
        groups = [(total(c.resources.requests for c in pod.spec.containers),
                   total(c.resources.limits for c in pod.spec.containers))]
    else:
        return []
    errors = []
    for requests, limits in groups:
        errors += [e for k in sorted(item.min) if (e := min_constraint(item.type, k, item.min[k], requests, limits))]
        errors += [e for k in sorted(item.max) if (e := max_constraint(item.type, k, item.max[k], requests, limits))]
        errors += [e for k in sorted(item.max_limit_request_ratio)
                   if (e := ratio_constraint(item.type, k, item.max_limit_request_ratio[k], requests, limits))]
    return errors


def total(lists: object) -> Quantities:
    """The sum of several containers' requests (or limits), resource by resource."""
    sums: dict[str, Fraction] = {}
    for values in lists:  # type: ignore[attr-defined]
        for k, v in values.items():
            sums[k] = sums.get(k, Fraction(0)) + parse_quantity(v)
    return {k: format_quantity(v) for k, v in sums.items()}


def shown(value: str | int | float) -> str:
    return format_quantity(parse_quantity(value))


def min_constraint(kind: str, name: str, enforced: str | int | float, requests: Quantities,
                   limits: Quantities) -> str:
    head = f"minimum {name} usage per {kind} is {shown(enforced)}"
    if name not in requests:
        return f"{head}.  No request is specified"
    if parse_quantity(requests[name]) < parse_quantity(enforced):
        return f"{head}, but request is {shown(requests[name])}"
    if name in limits and parse_quantity(limits[name]) < parse_quantity(enforced):
        return f"{head}, but limit is {shown(limits[name])}"
    return ""


def max_constraint(kind: str, name: str, enforced: str | int | float, requests: Quantities,
                   limits: Quantities) -> str:
    head = f"maximum {name} usage per {kind} is {shown(enforced)}"
    if name not in limits:
        return f"{head}.  No limit is specified"
    if parse_quantity(limits[name]) > parse_quantity(enforced):
        return f"{head}, but limit is {shown(limits[name])}"
    if name in requests and parse_quantity(requests[name]) > parse_quantity(enforced):
        return f"{head}, but request is {shown(requests[name])}"
    return ""


def ratio_constraint(kind: str, name: str, enforced: str | int | float, requests: Quantities,
                     limits: Quantities) -> str:
    head = f"{name} max limit to request ratio per {kind} is {shown(enforced)}"
    limit = parse_quantity(limits[name]) if name in limits else Fraction(0)
    request = parse_quantity(requests[name]) if name in requests else Fraction(0)
    if limit == 0:
        return f"{head}, but no limit is specified or limit is 0"
    if request == 0:
        return f"{head}, but no request is specified or request is 0"
    ratio = limit / request
    return f"{head}, but provided ratio is {float(ratio):f}" if ratio > parse_quantity(enforced) else ""
