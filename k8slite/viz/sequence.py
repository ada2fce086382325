"""A sequence diagram: who sends what to whom, top to bottom, as the conversation through the API server.

Mirrors the sequence diagrams of the Kubernetes docs and talks (kubectl -> API server -> etcd,
then the watch events back out to the scheduler and the kubelet). Each actor is a lifeline;
each step an arrow, solid for a request sent to the API server (or by it to the store), dashed
for a watch event the API server sends out. Nothing here reads a cluster: the notebook says
which steps happened, with the revisions its watch returned.
"""

from __future__ import annotations

from k8slite.viz.figure import NotebookFigure

LIFELINE, ACTOR_FACE, ACTOR_EDGE = "#c8c8c8", "#e8f0fe", "#4a6fa5"
REQUEST, WATCH = "#1f4e8c", "#2e7d32"
SPACING = 1.6  # between lifelines, in data units

Step = tuple[str, str, str, bool]
"""(from actor, to actor, label, is_watch)."""


def sequence_diagram(actors: list[str], steps: list[Step]) -> NotebookFigure:
    """Lifelines for `actors`, left to right; one arrow per step, top to bottom."""
    fig = NotebookFigure(figsize=(11, 5.6))
    ax = fig.add_subplot()
    x = {name: i * SPACING for i, name in enumerate(actors)}
    top = len(steps) + 1
    for name, xi in x.items():
        ax.plot([xi, xi], [0.2, top - 0.3], color=LIFELINE, lw=1.2, zorder=0)
        ax.text(xi, top + 0.1, name, ha="center", va="center", fontsize=10, weight="bold",
                bbox={"boxstyle": "round,pad=0.4", "fc": ACTOR_FACE, "ec": ACTOR_EDGE})
    for row, (src, dst, label, is_watch) in enumerate(steps):
        y = top - 1 - row
        color = WATCH if is_watch else REQUEST
        ax.annotate("", xy=(x[dst], y), xytext=(x[src], y),
                    arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.5, "linestyle": "--" if is_watch else "-"})
        ax.text((x[src] + x[dst]) / 2, y + 0.1, label, ha="center", va="bottom", fontsize=8.5, color=color)
    ax.text(x[actors[0]] - 0.7, -0.35, "solid: a request to the API server   dashed: a watch event it sends",
            fontsize=8.5, color="#555555")
    ax.set_xlim(x[actors[0]] - 0.8, x[actors[-1]] + 0.8)
    ax.set_ylim(-0.6, top + 0.6)
    ax.axis("off")
    return fig
