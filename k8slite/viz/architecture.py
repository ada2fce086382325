"""The components of a cluster and who talks to whom: the map drawn in chapter 00.

Mirrors the architecture diagram of the Kubernetes docs ("Cluster Architecture"): the
API server in the middle, the only one that reads and writes the store (etcd); the
scheduler, the controllers and one kubelet per node around it, each *watching* the
API server and *updating* objects through it, never calling one another. Each box
names the k8slite module that plays that part.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from k8slite.viz.figure import NotebookFigure

Point = tuple[float, float]

EDGE = "#44546a"
WATCH = "#2a7ab9"
UPDATE = "#c05a1c"


def box(ax: Axes, x: float, y: float, w: float, h: float, title: str, subtitle: str = "",
        color: str = "#dbe4f0") -> None:
    """A rounded box centred on (x, y): a bold title, and a smaller line under it."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03",
                                facecolor=color, edgecolor=EDGE, linewidth=1.5))
    ax.text(x, y + (0.11 if subtitle else 0), title, ha="center", va="center", fontsize=12, weight="bold")
    if subtitle:
        ax.text(x, y - 0.17, subtitle, ha="center", va="center", fontsize=9, color="#333333")


def arrow(ax: Axes, tail: Point, head: Point, color: str = EDGE, style: str = "-|>") -> None:
    ax.annotate("", xy=head, xytext=tail,
                arrowprops={"arrowstyle": style, "color": color, "lw": 1.6, "shrinkA": 0, "shrinkB": 0})


def watch_and_update(ax: Axes, component: Point, apiserver: Point) -> None:
    """Two arrows side by side: the component watches the API server, and writes updates through it."""
    (x1, y1), (x2, y2) = component, apiserver
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    px, py = -(y2 - y1) / length * 0.1, (x2 - x1) / length * 0.1  # a small sideways step
    for sign, label, color, tail, head in [(1, "watch", WATCH, apiserver, component),
                                           (-1, "update", UPDATE, component, apiserver)]:
        arrow(ax, (tail[0] + sign * px, tail[1] + sign * py), (head[0] + sign * px, head[1] + sign * py), color)
        ax.text((x1 + x2) / 2 + sign * 4 * px, (y1 + y2) / 2 + sign * 4 * py, label,
                ha="center", va="center", fontsize=9, color=color)


def draw_components() -> NotebookFigure:
    """You, the API server and its store, the scheduler, the controllers, and a kubelet on each of 3 nodes."""
    fig = NotebookFigure(figsize=(10, 6))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    ax.axis("off")
    box(ax, 5.0, 3.2, 2.4, 0.8, "API server", "apiserver.py", "#f6d7a7")
    box(ax, 8.6, 3.2, 2.0, 0.8, "store", "store.py (etcd)", "#f3e6cc")
    arrow(ax, (6.25, 3.2), (7.55, 3.2), style="<|-|>")
    box(ax, 1.2, 3.2, 1.9, 0.8, "you", "c.apply, c.kubectl", "#ffffff")
    arrow(ax, (2.2, 3.2), (3.75, 3.2), UPDATE)
    box(ax, 2.6, 5.3, 2.6, 0.8, "scheduler", "scheduler/")
    box(ax, 7.4, 5.3, 3.0, 0.8, "controllers", "controllers/ (replicaset, ...)")
    watch_and_update(ax, (3.0, 4.85), (4.4, 3.65))
    watch_and_update(ax, (7.0, 4.85), (5.6, 3.65))
    for i, x in enumerate([1.7, 5.0, 8.3]):
        box(ax, x, 1.25, 2.4, 0.8, f"kubelet · node-{i + 1}", "kubelet/")
        box(ax, x, 0.35, 1.9, 0.45, "runtime", "", "#e3efdc")
        arrow(ax, (x, 0.82), (x, 0.6))
    watch_and_update(ax, (2.2, 1.7), (4.3, 2.75))
    watch_and_update(ax, (5.0, 1.7), (5.0, 2.75))
    watch_and_update(ax, (7.8, 1.7), (5.7, 2.75))
    return fig
