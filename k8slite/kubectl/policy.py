"""kubectl for namespaces' policy: `get quota`, `get limits`, `describe quota`, `describe limits`, `describe ns`.

Mirrors kubectl 1.32's printers (pkg/printers/internalversion: printResourceQuota,
printLimitRange) and describers (DescribeResourceQuota, describeLimitRange,
describeNamespace). A quota's row sums it up in two cells, used/hard for each
resource, sorted by name, the `limits.*` ones in LIMIT and the rest in REQUEST:
`pods: 2/4, requests.cpu: 500m/1`. A namespace's description lists its
quotas and its limit ranges (or says there are none). Left out: quota scopes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k8slite.admission.evaluator import format_quantity
from k8slite.api.core import Namespace
from k8slite.api.policy import LimitRange, LimitRangeItem, ResourceQuota
from k8slite.api.quantity import parse_quantity
from k8slite.api.serialize import format_time
from k8slite.kubectl.describe_writer import PrefixWriter, annotations_multiline, labels_multiline
from k8slite.kubectl.durations import since
from k8slite.kubectl.rows import Row

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

HEADERS: dict[str, tuple[Row, Row]] = {
    "ResourceQuota": (["NAME", "REQUEST", "LIMIT", "AGE"], []),
    "LimitRange": (["NAME", "CREATED AT"], []),
}
LIMIT_COLUMNS = "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n"
LIMIT_RULE = "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n"


def quota_row(quota: ResourceQuota, now: float, wide: bool) -> Row:
    """NAME, REQUEST (`pods: 2/4, requests.cpu: 500m/1`), LIMIT (`limits.cpu: 1/2`), AGE."""
    request: list[str] = []
    limit: list[str] = []
    for name in sorted(quota.status.hard):
        cell = f"{name}: {quota.status.used.get(name, '0')}/{quota.status.hard[name]}"
        (limit if name.startswith("limits.") else request).append(cell)
    return [quota.name, ", ".join(request), ", ".join(limit), since(now, quota.metadata.creation_timestamp)]


def limitrange_row(lr: LimitRange, now: float, wide: bool) -> Row:
    """NAME and CREATED AT (an RFC 3339 time, not an age)."""
    return [lr.name, format_time(lr.metadata.creation_timestamp or 0.0)]


ROWS: dict[str, Callable[[Any, float, bool], Row]] = {"ResourceQuota": quota_row, "LimitRange": limitrange_row}


def describe_quota(cluster: Cluster, quota: ResourceQuota) -> str:
    w = PrefixWriter()
    w.write(0, f"Name:\t{quota.name}\nNamespace:\t{quota.namespace}\n")
    w.write(0, "Resource\tUsed\tHard\n--------\t----\t----\n")
    for name in sorted(quota.status.hard):
        w.write(0, f"{name}\t{quota.status.used.get(name, '0')}\t{quota.status.hard[name]}\n")
    return w.result()


def describe_limitrange(cluster: Cluster, lr: LimitRange) -> str:
    w = PrefixWriter()
    w.write(0, f"Name:\t{lr.name}\nNamespace:\t{lr.namespace}\n")
    w.write(0, LIMIT_COLUMNS + LIMIT_RULE)
    for item in lr.spec.limits:
        limit_lines(w, item, "")
    return w.result()


def limit_lines(w: PrefixWriter, item: LimitRangeItem, prefix: str) -> None:
    """describeLimitRangeSpec: a line per resource an item mentions, `-` where it sets nothing."""
    fields = (item.min, item.max, item.default_request, item.default, item.max_limit_request_ratio)
    for name in sorted({k for values in fields for k in values}):
        cells = [format_quantity(parse_quantity(values[name])) if name in values else "-" for values in fields]
        w.write(0, f"{prefix}{item.type}\t{name}\t" + "\t".join(cells) + "\n")


def describe_namespace(cluster: Cluster, ns: Namespace) -> str:
    """Name, labels, annotations, Status, then the namespace's quotas and limit ranges."""
    w = PrefixWriter()
    w.write(0, f"Name:\t{ns.name}\n")
    labels_multiline(w, "Labels", ns.metadata.labels)
    annotations_multiline(w, "Annotations", ns.metadata.annotations)
    w.write(0, f"Status:\t{ns.status.phase}\n\n")
    quotas = [q for q in cluster.api.list("resourcequotas", ns.name) if isinstance(q, ResourceQuota)]
    if not quotas:
        w.write(0, "No resource quota.\n")
    else:
        w.write(0, "Resource Quotas\n")
    for quota in quotas:
        w.write(1, f"Name:\t{quota.name}\n")
        w.write(1, "Resource\tUsed\tHard\n")
        w.write(1, "--------\t---\t---\n")
        for name in sorted(quota.status.hard):
            w.write(1, f"{name}\t{quota.status.used.get(name, '0')}\t{quota.status.hard[name]}\n")
    w.write(0, "\n")
    ranges = [lr for lr in cluster.api.list("limitranges", ns.name) if isinstance(lr, LimitRange)]
    if not ranges:
        w.write(0, "No LimitRange resource.\n")
        return w.result()
    w.write(0, "Resource Limits\n " + LIMIT_COLUMNS + " " + LIMIT_RULE)
    for lr in ranges:
        for item in lr.spec.limits:
            limit_lines(w, item, " ")
    return w.result()


DESCRIBERS: dict[str, Callable[[Any, Any], str]] = {
    "ResourceQuota": describe_quota, "LimitRange": describe_limitrange, "Namespace": describe_namespace}
