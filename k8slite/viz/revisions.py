"""One object's history on the store's revision axis: every write to it, and who made it.

Mirrors what `kubectl get pod NAME --watch --output-watch-events` prints, placed on the one
counter etcd keeps for every write to every key: a dot per ADDED, MODIFIED or DELETED event of
the object, grey ticks for the writes to other objects in between. The store does not record
who wrote; `writer_of` guesses it from what changed, the way a learner reads the events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k8slite.viz.figure import NotebookFigure

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

COLORS = {"ADDED": "#2e7d32", "MODIFIED": "#1f4e8c", "DELETED": "#c62828"}
OTHER_WRITES = "#d0d0d0"


def writer_of(prev: Any, event: Any) -> str:
    """Who made this change to a pod, judged from what changed since `prev` (its previous value)."""
    new = event.value
    if event.type == "ADDED":
        return "you: create"
    if event.type == "DELETED":
        return "kubelet: delete (grace 0)"
    if prev.spec.node_name != new.spec.node_name:
        return f"scheduler: bind {new.spec.node_name}"
    if new.metadata.deletion_timestamp is not None and prev.metadata.deletion_timestamp is None:
        return "you: delete (sets deletionTimestamp)"
    if prev.metadata.labels != new.metadata.labels:
        return "you: label"
    return f"kubelet: status {new.status.phase}"


def revision_timeline(cluster: Cluster, name: str, from_revision: int) -> NotebookFigure:
    """The writes to pod `name` after `from_revision`, on the axis of all the store's revisions."""
    events = cluster.api.watch("pods", from_revision=from_revision).drain()
    mine = [e for e in events if e.value.name == name]
    fig = NotebookFigure(figsize=(11, 2.8))
    ax = fig.add_subplot()
    last = cluster.api.store.revision
    ax.vlines(range(from_revision + 1, last + 1), -0.15, 0.15, color=OTHER_WRITES, lw=1)
    prev = None
    for i, e in enumerate(mine):
        color = COLORS[e.type]
        ax.plot([e.revision], [0], "o", color=color, ms=9, zorder=3)
        ax.annotate(f"{e.type} (rev {e.revision})\n{writer_of(prev, e)}", (e.revision, 0),
                    xytext=(0, 22 if i % 2 == 0 else -34), textcoords="offset points",
                    ha="center", fontsize=8, color=color)
        prev = e.value
    ax.set_xlim(from_revision, last + 2)
    ax.set_ylim(-1, 1)
    ax.set_yticks([])
    ax.set_xlabel("store revision (one counter for every write to every object)")
    ax.set_title(f"pod {name}: every write, from the store's point of view", fontsize=10)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig
