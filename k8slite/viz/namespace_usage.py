"""Who holds what in a shared cluster: objects per namespace, and how much of a quota is used.

Mirrors what `kubectl get all -A` and `kubectl describe quota` tell a
platform team, drawn side by side for chapter 11. `namespace_picture(c)`
puts on the left one bar per namespace, stacked by kind (pods, ReplicaSets,
Deployments, ResourceQuotas, LimitRanges), and on the right one bar per
resource of one ResourceQuota: `status.used` as a share of `status.hard`,
red when the budget is spent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matplotlib.axes import Axes

from k8slite.admission.evaluator import parse_list
from k8slite.viz.figure import NotebookFigure

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

KINDS = ["pods", "replicasets", "deployments", "resourcequotas", "limitranges"]
COLOURS = ["#4c78a8", "#72b7b2", "#54a24b", "#e45756", "#f58518"]
USED, SPENT, LEFT = "#4c78a8", "#e45756", "#eeeeee"


def namespace_picture(cluster: Cluster, quota_namespace: str = "team-a", quota_name: str = "compute") -> NotebookFigure:
    """Objects by namespace (left) and the quota `quota_name` of `quota_namespace` (right)."""
    fig = NotebookFigure(figsize=(10, 3.6), dpi=100)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.2]})
    objects_by_namespace(left, cluster)
    quota_bars(right, cluster.get("quota", quota_name, namespace=quota_namespace))
    for ax in (left, right):
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def objects_by_namespace(ax: Axes, cluster: Cluster) -> None:
    """One horizontal bar per namespace, stacked by kind."""
    namespaces = [ns.name for ns in cluster.get("namespaces")]
    start = [0] * len(namespaces)
    for kind, colour in zip(KINDS, COLOURS):
        counts = [len(cluster.get(kind, namespace=ns)) for ns in namespaces]
        ax.barh(namespaces, counts, left=start, color=colour, label=kind, height=0.6)
        start = [s + n for s, n in zip(start, counts)]
    ax.invert_yaxis()
    ax.set_xlabel("objects")
    ax.set_title("objects by namespace", fontsize=10, loc="left")
    ax.legend(fontsize=8, frameon=False, loc="upper right")


def quota_bars(ax: Axes, quota: Any) -> None:
    """One bar per resource of the quota: used / hard, with the numbers beside it."""
    hard, used = parse_list(quota.status.hard), parse_list(quota.status.used)
    names = sorted(hard)
    shares = [float(used.get(n, 0) / hard[n]) if hard[n] else 0.0 for n in names]
    ax.barh(names, [1.0] * len(names), color=LEFT, height=0.6)
    ax.barh(names, shares, color=[SPENT if s >= 1 else USED for s in shares], height=0.6)
    for y, n in enumerate(names):
        ax.text(1.02, y, f"{quota.status.used.get(n, '0')} / {quota.status.hard[n]}", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.3)
    ax.set_xticks([0, 0.5, 1], ["0", "50%", "100%"])
    ax.set_title(f"quota {quota.name} in {quota.namespace}: used / hard", fontsize=10, loc="left")
