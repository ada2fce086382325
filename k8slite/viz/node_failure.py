"""A machine failure on the events' timeline, with the two waits before its pods are replaced shaded.

Mirrors the node lifecycle controller (pkg/controller/nodelifecycle: NotReady once a node has
been silent for more than --node-monitor-grace-period) and the taint eviction controller
(pkg/controller/tainteviction: a pod goes when its toleration of the unreachable taint runs
out) as chapter 07 tells them. `failure_timeline(c, failure)` is `timeline(c)` with a red line
where the machine failed, an orange span until the node was declared NotReady and a blue span
for the pod's tolerationSeconds, each labelled with its length, and a legend row of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matplotlib.figure import Figure

from k8slite.controllers.node_lifecycle import NodeLifecycleController
from k8slite.viz.timeline import timeline

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

FAILURE = "#d62728"
UNTIL_NOT_READY = "#ffbf80"
TOLERATION = "#c6dbef"


def failure_waits(c: Cluster, failure: float) -> tuple[float, float]:
    """(NotReady time, eviction time) of the first node failure after `failure`, from the events.
    A node that failed before has one NodeNotReady Event counted twice (events.py folds repeats): the
    occurrence after `failure` is then its lastTimestamp."""
    def seen(e: Any) -> float:
        return float(e.time if e.time >= failure else e.last_timestamp or e.time)

    events = sorted((e for e in c.events() if seen(e) >= failure), key=seen)
    not_ready = next(seen(e) for e in events if e.reason == "NodeNotReady")
    evicted = next(seen(e) for e in events if e.reason == "TaintManagerEviction")
    return not_ready, evicted


def failure_timeline(c: Cluster, failure: float) -> Figure:
    """timeline(c) with the failure at `failure` marked and the two waits that followed it shaded."""
    not_ready, evicted = failure_waits(c, failure)
    grace = next((ctl.grace_period for ctl in c.controllers if isinstance(ctl, NodeLifecycleController)), None)
    fig = timeline(c)
    ax = fig.axes[0]
    bottom, top = ax.get_ylim()
    ax.set_ylim(bottom + 1, top)  # an empty row at the bottom for the legend
    ax.axvline(failure, color=FAILURE, linewidth=1.2, label="the machine fails")
    silent = f"grace {grace:g} s + check" if grace is not None else "grace + check"
    ax.axvspan(failure, not_ready, color=UNTIL_NOT_READY, alpha=0.35,
               label=f"{not_ready - failure:g} s until NotReady ({silent})")
    ax.axvspan(not_ready, evicted, color=TOLERATION, alpha=0.5, label=f"{evicted - not_ready:g} s: tolerationSeconds")
    ax.legend(loc="lower center", ncol=3, fontsize=8, framealpha=1, edgecolor="#dddddd")
    return fig
