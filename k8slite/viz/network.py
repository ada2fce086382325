"""Pictures of the pod network: a traced request across machines, and what each hop decides.

Mirrors the diagrams of flannel's and the Kubernetes networking docs: each
machine a box, the packet going down the source pod's side (pod eth0, veth,
cni0, routing table, flannel.1 or eth0), across the wire (or through the VXLAN
tunnel, with its outer header), and up the other side to the destination pod.
Two pods on one node share one machine box and turn at the bridge. Each hop is
numbered as in `print(trace)`, with its decision written beside it.

Drawn from a `Trace` (network/trace.py), never from the containers.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from k8slite.network.podnet import BRIDGE, VXLAN_DEVICE, internal_ip
from k8slite.network.trace import INBOUND, OUTBOUND, WIRE, Hop, Trace
from k8slite.viz.figure import DPI, NotebookFigure
from k8slite.viz.palette import short_name

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

WIDTH = 10.0                       # inches, one data unit is one inch
BOX_W, BOX_H = 1.55, 0.44
LEFT_X, RIGHT_X = 2.95, 5.5        # where the two columns of devices start
TEXT_CHARS = 44                    # decision text wrapped to fit beside a column at 7 pt
LINE_IN = 0.13
TOP_IN, STRIP_IN, FOOT_IN = 1.15, 0.95, 0.4   # title and machine headers; the wire; the result

COLORS = {"pod": "#2e9e44", "veth": "#9ecae1", BRIDGE: "#3478c6", "routing table": "#7f7f7f",
          VXLAN_DEVICE: "#ff7f00", "eth0": "#444444", "other": "#6a3d9a"}
WIRE_COLOR, TUNNEL_COLOR, DROP_COLOR = "#444444", "#ff7f00", "#d62728"


def kind(hop: Hop) -> str:
    if hop.device.endswith(" eth0"):
        return "pod"
    if hop.device.startswith("veth"):
        return "veth"
    return hop.device if hop.device in COLORS else "other"  # a resolver's hop (kube-proxy's DNAT)


def draw_trace(cluster: Cluster, trace: Trace) -> Figure:
    """The traced path as a picture: one box per machine, one box per hop, the wire between."""
    out = [h for h in trace.hops if h.side == OUTBOUND]
    back = [h for h in trace.hops if h.side == INBOUND]
    wire = next((h for h in trace.hops if h.side == WIRE), None)
    row_h = max(0.62, max((len(wrap(h.decision)) for h in trace.hops), default=1) * LINE_IN + 0.24)
    rows = max(len(out), len(back), 1)
    strip = STRIP_IN if len(trace.machines) > 1 else 0.15
    height = TOP_IN + rows * row_h + strip + FOOT_IN
    fig = NotebookFigure(figsize=(WIDTH, height), dpi=DPI)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    bottom = FOOT_IN + strip  # the machines stand on the network strip
    machines(ax, cluster, trace, bottom, height - 0.45)
    numbers = {id(h): i for i, h in enumerate(trace.hops, 1)}
    ends = [column(ax, out, numbers, LEFT_X, bottom, row_h, rows, down=True),
            column(ax, back, numbers, RIGHT_X, bottom, row_h, rows, down=False)]
    link(ax, trace, wire, numbers.get(id(wire), 0), ends, bottom)
    ax.text(0.1, height - 0.22, f"{trace.source}  ->  {trace.destination}   ({trace.backend})", fontsize=10,
            fontweight="bold", va="center")
    ax.text(0.1, FOOT_IN / 2, trace.result, fontsize=9, va="center",
            color="#2e9e44" if trace.delivered else DROP_COLOR, fontweight="bold")
    return fig


def wrap(text: str) -> list[str]:
    return textwrap.wrap(text, TEXT_CHARS) or [""]


def machines(ax: Axes, cluster: Cluster, trace: Trace, bottom: float, top: float) -> None:
    """One box per machine on the path, titled with its name, InternalIP and podCIDR; red if cut off."""
    two = len(trace.machines) > 1
    spans = [(0.05, WIDTH / 2 - 0.3), (WIDTH / 2 + 0.3, WIDTH - 0.05)] if two else [(0.05, WIDTH - 0.05)]
    cut_off: set[str] = getattr(getattr(cluster, "network", None), "cut_off", set())
    for name, (x0, x1) in zip(trace.machines, spans):
        node, cut = cluster.get("node", name), name in cut_off
        ax.add_patch(FancyBboxPatch((x0, bottom + 0.1), x1 - x0, top - bottom - 0.1, zorder=0,
                                    boxstyle="round,pad=0,rounding_size=0.12", facecolor="#f3f5fa",
                                    edgecolor=DROP_COLOR if cut else "#5b6b8c", linewidth=2.2 if cut else 1.2,
                                    linestyle="--" if cut else "-"))
        ax.text(x0 + 0.12, top - 0.2, name, fontsize=10, fontweight="bold", va="center")
        if cut:
            ax.text(x1 - 0.12, top - 0.2, "disconnected", fontsize=9, fontweight="bold", va="center", ha="right",
                    color=DROP_COLOR)
        ax.text(x0 + 0.12, top - 0.42, f"eth0 {internal_ip(node)} · podCIDR {node.spec.pod_cidr}", fontsize=7.5,
                va="center", color="#444444")


def column(ax: Axes, hops: list[Hop], numbers: dict[int, int], x: float, bottom: float, row_h: float,
           rows: int, down: bool) -> tuple[float, float] | None:
    """Hop boxes stacked; the outbound side reads downwards, the inbound side upwards. Returns the bottom box."""
    if not hops:
        return None
    centres = []
    for i, hop in enumerate(hops):
        row = len(hops) - 1 - i if down else i  # row 0 is the bottom, next to the wire
        y = bottom + 0.3 + row * row_h
        centres.append((x + BOX_W / 2, y + BOX_H / 2))
        hop_box(ax, hop, numbers[id(hop)], x, y, text_left=down)
    for (x0, y0), (x1, y1) in zip(centres, centres[1:]):
        ax.add_patch(FancyArrowPatch((x0, y0 + (-BOX_H / 2 if down else BOX_H / 2)),
                                     (x1, y1 + (BOX_H / 2 if down else -BOX_H / 2)), arrowstyle="-|>",
                                     mutation_scale=9, color="#555555", linewidth=1.0, zorder=2))
    return centres[-1] if down else centres[0]


def hop_box(ax: Axes, hop: Hop, number: int, x: float, y: float, text_left: bool) -> None:
    colour = COLORS[kind(hop)]
    ax.add_patch(FancyBboxPatch((x, y), BOX_W, BOX_H, boxstyle="round,pad=0,rounding_size=0.06", zorder=3,
                                facecolor="white", edgecolor=DROP_COLOR if not hop.ok else colour,
                                linewidth=2.2 if not hop.ok else 1.4))
    ax.text(x + 0.1, y + BOX_H * 0.68, f"{number}", fontsize=7, color=colour, fontweight="bold", va="center",
            zorder=4)
    ax.text(x + BOX_W / 2 + 0.08, y + BOX_H * 0.68, device_label(hop.device), fontsize=8, fontweight="bold",
            ha="center", va="center", zorder=4)
    ax.text(x + BOX_W / 2 + 0.08, y + BOX_H * 0.27, hop.address or " ", fontsize=7, ha="center", va="center",
            color="#444444", zorder=4)
    lines = wrap(hop.decision)
    tx = x - 0.1 if text_left else x + BOX_W + 0.1
    ax.text(tx, y + BOX_H / 2, "\n".join(lines), fontsize=7, ha="right" if text_left else "left", va="center",
            color=DROP_COLOR if not hop.ok else "#222222", zorder=4, linespacing=1.15)


def link(ax: Axes, trace: Trace, wire: Hop | None, number: int, ends: list[tuple[float, float] | None],
         bottom: float) -> None:
    """The wire (or tunnel) under the machines, from the source side's last box to the other side's first."""
    start, end = ends
    if start is None:
        return
    y = bottom - 0.45
    if wire is None:  # one machine: the bridge hands the frame straight across
        if end is not None:
            ax.add_patch(FancyArrowPatch((start[0] + BOX_W / 2, start[1]), (end[0] - BOX_W / 2, end[1]),
                                         arrowstyle="-|>", mutation_scale=9, color="#555555", zorder=2))
        return
    tunnel = trace.backend == "vxlan"
    colour = DROP_COLOR if not wire.ok else TUNNEL_COLOR if tunnel else WIRE_COLOR
    stop_x = WIDTH / 2 if not wire.ok or end is None else end[0]
    points = [(start[0], start[1] - BOX_H / 2), (start[0], y), (stop_x, y)]
    if wire.ok and end is not None:
        points.append((end[0], end[1] - BOX_H / 2))
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        last = (x1, y1) == points[-1] and wire.ok
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>" if last else "-", mutation_scale=9,
                                     color=colour, linewidth=4.0 if tunnel else 1.6, alpha=0.8, zorder=1,
                                     linestyle="-" if wire.ok else "--", shrinkA=0, shrinkB=0))
    if not wire.ok:
        ax.text(stop_x, y, "✗", fontsize=16, color=DROP_COLOR, ha="center", va="center", fontweight="bold")
    label = ("VXLAN tunnel: " if tunnel and wire.ok else "") + wire.decision
    ax.text(WIDTH / 2, y - 0.24, f"{number}  {label}", fontsize=7.5, ha="center", va="center", color=colour)


def device_label(device: str) -> str:
    """`client eth0` as is; a long pod name shortened as the cluster picture does, so it fits its box."""
    pod, _, interface = device.rpartition(" ")
    if pod and len(device) > 16:
        return f"{short_name(pod, 10)} {interface}"
    return device


__all__ = ["draw_trace"]

