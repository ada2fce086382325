"""`c.draw()`: the cluster at a glance, machines as boxes and pods inside them.

Mirrors what a learner would sketch on a whiteboard for `kubectl get nodes,pods
-o wide`: each Node a large box with its Ready status and how much of its
CPU the pods on it have requested (the scheduler's arithmetic, not live
usage); each pod a small box coloured by its state; pods that no node has
taken yet in a lane at the bottom; above the nodes the ReplicaSets (and
other owners), with an arrow to each pod they own; and above those the
Deployments, drawn as a stack of cards (they manage versions), with an arrow
to each ReplicaSet they own. A machine that is down or
a node that is not Ready is greyed with a red outline.

The graph and the positions come from cluster_graph; this module only draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch, Rectangle

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.scheduler.resources import allocatable, occupies_node, pod_requests
from k8slite.viz import palette
from k8slite.viz.cluster_graph import Box, Layout, build_graph, layout, vertices
from k8slite.viz.figure import DPI, NotebookFigure
from k8slite.viz.slots import Slots

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

MARGIN = 0.3          # around the drawing, in pod widths
MIN_WIDTH_IN = 10.0   # notebook width, in inches
INCHES_PER_UNIT = 0.8  # wider clusters get a wider figure, so text never shrinks below this
TITLE_IN, LEGEND_IN = 0.45, 0.45


def draw_cluster(cluster: Cluster, ax: Axes | None = None, title: str | None = None,
                 show_owners: bool = True, slots: Slots | None = None, legend: bool = True,
                 ips: bool = False) -> Figure:
    """The cluster as a picture; returns the Figure (drawn into `ax` when one is given).

    `slots` keeps pods and owners where an earlier picture put them (see viz/slots.py);
    `ips=True` writes each pod's IP in its box and each node's podCIDR in its header.
    """
    graph = build_graph(cluster)
    where = layout(graph, show_owners, slots)
    fig, ax = ax_for(where, ax)
    draw_graph(ax, graph, where, show_owners, ips)
    ax.set_title(title if title is not None else f"k8slite cluster at t = {cluster.now:g} s",
                 fontsize=11, loc="left", x=0.01)
    if legend:
        ax.legend(handles=legend_handles(), loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=8,
                  fontsize=8, frameon=False, handlelength=1.4, columnspacing=1.2)
    return fig


def draw_graph(ax: Axes, graph: nx.DiGraph, where: Layout, show_owners: bool = True, ips: bool = False) -> None:
    """Nodes, the pending lane, pods, and (with show_owners) owners and Deployments, into `ax`."""
    draw_nodes(ax, graph, where, ips)
    draw_lane(ax, where.lane, empty=not where.waiting)
    draw_pods(ax, graph, where, ips)
    if show_owners:
        draw_owners(ax, graph, where)
        draw_deployments(ax, graph, where)


def ax_for(where: Layout, ax: Axes | None) -> tuple[Figure, Axes]:
    """A figure sized so that one unit is the same length across and down, or the given axes."""
    if ax is None:
        width_in = max(MIN_WIDTH_IN, (where.width + 2 * MARGIN) * INCHES_PER_UNIT)
        scale = width_in / (where.width + 2 * MARGIN)
        axes_h = (where.height + 2 * MARGIN) * scale
        fig = NotebookFigure(figsize=(width_in, axes_h + TITLE_IN + LEGEND_IN), dpi=DPI)
        total = axes_h + TITLE_IN + LEGEND_IN
        ax = fig.add_axes((0.0, LEGEND_IN / total, 1.0, axes_h / total))
    ax.set_xlim(-MARGIN, where.width + MARGIN)
    ax.set_ylim(-where.height - MARGIN, MARGIN)
    ax.set_aspect("equal")
    ax.set_axis_off()
    figure = ax.get_figure()
    assert isinstance(figure, Figure)
    return figure, ax


def rounded(box: Box, radius: float, **style: Any) -> FancyBboxPatch:
    return FancyBboxPatch((box.x, box.y), box.w, box.h, boxstyle=f"round,pad=0,rounding_size={radius}", **style)


def draw_nodes(ax: Axes, graph: nx.DiGraph, where: Layout, ips: bool = False) -> None:
    for vid in vertices(graph, "Node"):
        node: Node = graph.nodes[vid]["obj"]
        up: bool = graph.nodes[vid]["up"]
        box = where.boxes[vid]
        healthy = up and palette.node_status(node) == "Ready"
        face = palette.NODE_FACE if healthy else palette.NODE_DOWN_FACE
        ax.add_patch(rounded(box, 0.18, zorder=1, linewidth=1.2 if healthy else 2.2, facecolor=face,
                             edgecolor=palette.NODE_EDGE if healthy else palette.NODE_DOWN_EDGE))
        pods = [graph.nodes[p]["obj"] for p in graph.predecessors(vid) if graph.nodes[p]["kind"] == "Pod"]
        draw_node_header(ax, node, up, pods, box, face)
        if ips and node.spec.pod_cidr:
            ax.text(box.x + box.w - 0.2, box.top - 0.58, node.spec.pod_cidr, fontsize=7, ha="right", va="center",
                    color="#3478c6", zorder=5, bbox={"facecolor": face, "edgecolor": "none", "pad": 0.8})


def draw_node_header(ax: Axes, node: Node, up: bool, pods: list[Pod], box: Box, face: str) -> None:
    """Name and Ready status; pods and requested CPU, with a bar; then what is wrong, in red."""
    # Arrows pass behind the text on a node, not through it.
    background = {"facecolor": face, "edgecolor": "none", "pad": 0.8}
    text: dict[str, Any] = {"va": "center", "zorder": 5, "bbox": background}
    left, right, top = box.x + 0.2, box.x + box.w - 0.2, box.top
    status = palette.node_status(node)
    ax.text(left, top - 0.27, node.name, fontsize=10, fontweight="bold", **text)
    ax.text(right, top - 0.27, status, fontsize=9, ha="right", fontweight="bold",
            color=palette.NODE_STATUS_COLORS[palette.node_health(node)], **text)
    requested, capacity = cpu_requested(pods), allocatable(node).milli_cpu
    count = f"{len(pods)} pod" + ("" if len(pods) == 1 else "s")
    ax.text(left, top - 0.58, f"{count} · cpu {requested / 1000:g}/{capacity / 1000:g}",
            fontsize=7, color="#444444", **text)
    allocation_bar(ax, left, top - 0.78, right - left, requested / capacity if capacity else 0.0)
    notes = ([] if up else ["machine down"]) + taint_names(node)
    if notes:
        ax.text(left, top - 1.0, " · ".join(notes), fontsize=7, color=palette.NODE_DOWN_EDGE, **text)


def cpu_requested(pods: list[Pod]) -> int:
    """Millicores requested by the pods that hold room on their node (as the scheduler counts)."""
    return sum(pod_requests(p).milli_cpu for p in pods if occupies_node(p))


def taint_names(node: Node) -> list[str]:
    """`unreachable`, `not-ready` ...: the last part of each taint key, once each."""
    names = [t.key.rsplit("/", 1)[-1] for t in node.spec.taints]
    return [f"taint: {n}" for n in dict.fromkeys(names)]


def allocation_bar(ax: Axes, x: float, y: float, width: float, fraction: float) -> None:
    """A thin bar centred on y: how much of the node's allocatable CPU its pods have requested."""
    ax.add_patch(Rectangle((x, y - 0.04), width, 0.08, facecolor="#dde3ee", edgecolor="none", zorder=5))
    colour = "#3478c6" if fraction <= 0.8 else ("#f2a900" if fraction <= 1.0 else "#d62728")
    ax.add_patch(Rectangle((x, y - 0.04), width * min(fraction, 1.0), 0.08, facecolor=colour, edgecolor="none",
                           zorder=5))


def draw_lane(ax: Axes, lane: Box, empty: bool) -> None:
    ax.add_patch(rounded(lane, 0.18, zorder=1, facecolor="#fbfbfb", edgecolor="#9a9a9a",
                         linestyle="--", linewidth=1.0))
    ax.text(lane.x + 0.2, lane.top - 0.22, "Pending (no node)" + (": none" if empty else ""), fontsize=9, va="center",
            color="#555555", fontstyle="italic", zorder=5)


def draw_pods(ax: Axes, graph: nx.DiGraph, where: Layout, ips: bool = False) -> None:
    for vid in vertices(graph, "Pod"):
        pod: Pod = graph.nodes[vid]["obj"]
        state: str = graph.nodes[vid]["state"]
        box = where.boxes[vid]
        terminating = state == "Terminating"
        ax.add_patch(rounded(box, 0.08, zorder=3, linewidth=0.8, facecolor=palette.PHASE_COLORS[state],
                             edgecolor=palette.TERMINATING_EDGE if terminating else "white",
                             hatch=palette.TERMINATING_HATCH if terminating else None))
        # On the hatching the text gets a plain background, or it cannot be read.
        background = {"facecolor": palette.PHASE_COLORS[state], "edgecolor": "none", "pad": 0.5}
        text: dict[str, Any] = {"fontsize": 7, "ha": "center", "va": "center", "zorder": 6,
                                "color": palette.text_color(state), "bbox": background if terminating else None}
        restarts = palette.restart_count(pod)
        ip = pod.status.pod_ip if ips else ""
        ax.text(box.center_x, box.y + box.h * (0.68 if restarts or ip else 0.5), palette.short_name(pod.name), **text)
        if ip:
            ax.text(box.center_x, box.y + box.h * 0.28, ip, **{**text, "fontsize": 6.5})
        elif restarts:
            ax.text(box.center_x, box.y + box.h * 0.28, f"{restarts} restart{'s' if restarts > 1 else ''}",
                    **{**text, "fontsize": 6})


def draw_owners(ax: Axes, graph: nx.DiGraph, where: Layout) -> None:
    for i, vid in enumerate(vertices(graph, "Owner")):
        owner = graph.nodes[vid]["obj"]
        box = where.boxes[vid]
        colour = palette.OWNER_COLORS[i % len(palette.OWNER_COLORS)]
        ax.add_patch(rounded(box, 0.12, zorder=3, facecolor="white", edgecolor=colour, linewidth=1.6))
        ax.text(box.center_x, box.y + box.h * 0.68, palette.short_name(owner.name, int(box.w * 11)), fontsize=8,
                ha="center", va="center", color=colour, fontweight="bold", zorder=6)
        ax.text(box.center_x, box.y + box.h * 0.28, f"{owner.kind} {owner_summary(owner)}".strip(), fontsize=7,
                ha="center", va="center", color="#444444", zorder=6)
        for pod_id in sorted(graph.successors(vid)):
            pod_box = where.boxes[pod_id]
            ax.add_patch(FancyArrowPatch((box.center_x, box.y), (pod_box.center_x, pod_box.top),
                                         arrowstyle="-|>", mutation_scale=7, linewidth=0.7, color=colour,
                                         alpha=0.35, shrinkA=0, shrinkB=1, zorder=2))


def draw_deployments(ax: Axes, graph: nx.DiGraph, where: Layout) -> None:
    """A Deployment is a stack of cards: it keeps one ReplicaSet per version of its pod template."""
    for vid in vertices(graph, "Deployment"):
        deployment, box = graph.nodes[vid]["obj"], where.boxes[vid]
        for shift in (0.12, 0.06):
            ax.add_patch(rounded(Box(box.x + shift, box.y - shift, box.w, box.h), 0.12, zorder=3,
                                 facecolor="white", edgecolor=palette.DEPLOYMENT_EDGE, linewidth=1.0))
        ax.add_patch(rounded(box, 0.12, zorder=3, facecolor=palette.DEPLOYMENT_FACE,
                             edgecolor=palette.DEPLOYMENT_EDGE, linewidth=1.8))
        ax.text(box.center_x, box.y + box.h * 0.68, palette.short_name(deployment.name, int(box.w * 11)),
                fontsize=8, ha="center", va="center", color="white", fontweight="bold", zorder=6)
        ax.text(box.center_x, box.y + box.h * 0.28, f"Deployment {owner_summary(deployment)}".strip(),
                fontsize=7, ha="center", va="center", color="white", zorder=6)
        for rs in sorted(graph.successors(vid)):
            if rs in where.boxes:
                rs_box = where.boxes[rs]
                ax.add_patch(FancyArrowPatch((box.center_x, box.y - 0.12), (rs_box.center_x, rs_box.top),
                                             arrowstyle="-|>", mutation_scale=8, linewidth=1.0,
                                             color=palette.DEPLOYMENT_EDGE, alpha=0.7, shrinkA=0, shrinkB=1,
                                             zorder=2))


def owner_summary(owner: Any) -> str:
    """`· 3/3 ready` for a ReplicaSet-like owner (replicas wanted vs ready) or a DaemonSet (nodes that should
    run its pod vs nodes whose pod is ready); empty otherwise."""
    spec, status = getattr(owner, "spec", None), getattr(owner, "status", None)
    wanted, ready = getattr(spec, "replicas", None), getattr(status, "ready_replicas", None)
    if wanted is None and status is not None and hasattr(status, "desired_number_scheduled"):
        wanted, ready = status.desired_number_scheduled, status.number_ready
    if wanted is None or ready is None:
        return ""
    return f"· {ready}/{wanted} ready"


def legend_handles() -> list[Patch]:
    handles = [Patch(facecolor=colour, edgecolor=palette.TERMINATING_EDGE if state == "Terminating" else colour,
                     hatch=palette.TERMINATING_HATCH if state == "Terminating" else None, label=state)
               for state, colour in palette.PHASE_COLORS.items() if state != "Unknown"]
    handles.append(Patch(facecolor=palette.NODE_DOWN_FACE, edgecolor=palette.NODE_DOWN_EDGE, linewidth=1.5,
                         label="node down / not Ready"))
    return handles

