"""Where a container's file can live, and what each place outlives: the picture of chapter 10.

Mirrors no code of Kubernetes: it is the sketch a teacher draws before
talking about volumes. `draw_volume_places()` nests the four places inside
each other as boxes, the container's own layer inside the pod (an
`emptyDir`), inside the node (a `hostPath`), inside the cluster, with the
network storage that a PersistentVolume stands for beside the nodes, reached
from whichever node the pod lands on.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from k8slite.viz.figure import NotebookFigure

CLUSTER, NODE, POD, CONTAINER, STORAGE = "#f2f2f2", "#dbe9f6", "#fde9c9", "#ffffff", "#d9f0d3"
LINK = "#2b7a2b"


def box(ax: Axes, x: float, y: float, w: float, h: float, color: str, title: str, note: str) -> None:
    """A rounded box from (x, y), w wide and h high, its title and a note in its top-left corner."""
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.005,rounding_size=0.015",
                                facecolor=color, edgecolor="#333333", linewidth=1.2))
    ax.text(x + 0.012, y + h - 0.03, title, fontsize=10, fontweight="bold", va="top")
    ax.text(x + 0.012, y + h - 0.085, note, fontsize=8, va="top", color="#333333", linespacing=1.3)


def draw_volume_places() -> NotebookFigure:
    """Two nodes, each with a pod and its container, and the network storage beside them."""
    fig = NotebookFigure(figsize=(9, 4.4))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.9))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    box(ax, 0.005, 0.01, 0.99, 0.98, CLUSTER, "cluster", "")
    for i, x in enumerate((0.02, 0.345)):
        box(ax, x, 0.04, 0.31, 0.84, NODE, f"node-{i + 1}", "hostPath /var/notes:\nthis node's own disk")
        box(ax, x + 0.02, 0.07, 0.27, 0.6, POD, "pod", "emptyDir /scratch:\ngone with the pod")
        box(ax, x + 0.04, 0.10, 0.23, 0.32, CONTAINER, "container", "/tmp (its own layer):\ngone with the container")
    box(ax, 0.76, 0.04, 0.225, 0.84, STORAGE, "network storage",
        "PersistentVolume pvc-...\nreached from every\nnode; outlives pods\nand nodes")
    ax.annotate("", xy=(0.76, 0.3), xytext=(0.655, 0.3), arrowprops={"arrowstyle": "<->", "color": LINK})
    ax.text(0.707, 0.33, "mounted\nwhere the\npod runs", fontsize=7.5, ha="center", color=LINK)
    ax.set_title("Where a file lives decides what it survives", fontsize=11)
    return fig
