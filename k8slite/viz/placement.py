"""Where the scheduler put the pods, and why: nodes as columns with their labels and taints.

Mirrors `kubectl get pods -o wide` beside `kubectl describe nodes`, cut down to what a placement
decision reads: each node a column with its name, the labels asked for, its taints (and whether
it is cordoned), then the pods bound to it; pods no node took wait in a dashed "Pending" column.
`cycle_funnel(record)` draws one scheduling cycle from its SchedulingRecord: how many nodes
entered the filters, how many were feasible, and which node the pod was bound to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from k8slite.scheduler.record import PASSED, SchedulingRecord
from k8slite.viz.figure import NotebookFigure

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

COLUMN, ROW = 2.6, 0.55  # a column's width and a line's height, in data units
NODE_FACE, NODE_EDGE, PENDING_FACE = "#f1f4fa", "#3b5b92", "#fafafa"
BOUND, WAITING, TAINT_TEXT = "#34a853", "#f5a623", "#7a4b00"


def node_notes(node: Any, labels: tuple[str, ...]) -> list[str]:
    """The chosen labels (`zone=zone-a`, prefix dropped), the taints, and "cordoned"."""
    notes = [f"{k.split('/')[-1]}={node.metadata.labels[k]}" for k in labels if k in node.metadata.labels]
    notes += [f"taint {t.key}={t.value}:{t.effect}" for t in node.spec.taints]
    return notes + (["cordoned"] if node.spec.unschedulable else [])


def placement_columns(cluster: Cluster, labels: tuple[str, ...]) -> list[tuple[str, list[str], list[str]]]:
    """(node name, notes, pod names) per node in number order, then ("Pending", [], pods) if any wait."""
    nodes = sorted(cluster.get("nodes"), key=lambda n: int(n.name.split("-")[-1]))
    pods = cluster.get("pods")
    columns = [(n.name, node_notes(n, labels), [p.name for p in pods if p.spec.node_name == n.name]) for n in nodes]
    pending = [p.name for p in pods if not p.spec.node_name]
    return columns + ([("Pending", [], pending)] if pending else [])


def placement_picture(cluster: Cluster, labels: tuple[str, ...] = (), title: str = "") -> NotebookFigure:
    """Each node with the `labels` we care about, its taints and its pods; pending pods at the right."""
    columns = placement_columns(cluster, labels)
    depth = ROW * max(len(notes) + len(names) for _, notes, names in columns) + 0.9
    fig = NotebookFigure(figsize=(max(6, COLUMN * len(columns)), 0.6 + 0.5 * depth))
    ax = fig.add_subplot()
    for i, (name, notes, names) in enumerate(columns):
        x, pending = i * COLUMN, name == "Pending"
        ax.add_patch(FancyBboxPatch((x, -depth), COLUMN - 0.2, depth + 0.6, boxstyle="round,pad=0.04",
                                    fc=PENDING_FACE if pending else NODE_FACE, ec="grey" if pending else NODE_EDGE,
                                    ls="--" if pending else "-"))
        ax.text(x + 0.1, 0.15, name, fontsize=10, fontweight="bold", style="italic" if pending else "normal")
        for j, note in enumerate(notes):
            color = TAINT_TEXT if note.startswith("taint") else "#444"
            ax.text(x + 0.1, -0.45 - ROW * j, note, fontsize=8, color=color)
        for k, pod in enumerate(names):
            y = -ROW * (len(notes) + k) - 0.75
            ax.add_patch(FancyBboxPatch((x + 0.2, y), 2.0, 0.42, boxstyle="round,pad=0.02",
                                        fc=WAITING if pending else BOUND, ec="none"))
            ax.text(x + 1.2, y + 0.21, pod, ha="center", va="center", fontsize=8, color="white")
    ax.set_xlim(-0.2, COLUMN * len(columns))
    ax.set_ylim(-depth - 0.2, 0.8)
    ax.axis("off")
    ax.set_title(title, fontsize=10)
    return fig


def cycle_funnel(record: SchedulingRecord, total_nodes: int) -> NotebookFigure:
    """One box per step of the cycle (queue, filter, score, normalize, select, bind), with what entered it."""
    feasible = [n for n, verdicts in record.filters.items() if all(v == PASSED for v in verdicts.values())]
    steps = [("queue", "1 pod"), ("filter", f"{total_nodes} nodes"), ("score", f"{len(feasible)} feasible"),
             ("normalize\n× weight", f"{len(record.weights)} plugins"), ("select", "ties: random"),
             ("bind", record.selected or "none")]
    fig = NotebookFigure(figsize=(11, 1.9))
    ax = fig.add_subplot()
    for i, (step, detail) in enumerate(steps):
        ax.add_patch(FancyBboxPatch((i * 2, 0), 1.5, 1, boxstyle="round,pad=0.05", fc="#e8f0fb", ec=NODE_EDGE))
        ax.text(i * 2 + 0.75, 0.62, step, ha="center", va="center", fontsize=10, fontweight="bold")
        ax.text(i * 2 + 0.75, 0.2, detail, ha="center", va="center", fontsize=9)
        if i:
            ax.add_patch(FancyArrowPatch((i * 2 - 0.45, 0.5), (i * 2 - 0.05, 0.5), arrowstyle="-|>",
                                         mutation_scale=14))
    ax.set_xlim(-0.2, len(steps) * 2 - 0.3)
    ax.set_ylim(-0.2, 1.2)
    ax.axis("off")
    ax.set_title(f"one scheduling cycle for {record.pod}", fontsize=10)
    return fig
