"""`timeline(c)`: what happened to which object, and when, from `c.events()`.

Mirrors `kubectl get events --sort-by=.lastTimestamp`, drawn as a strip
chart: one row per involved object (in the order each first appears), one
marker per Event at its time on the cluster clock, blue for Normal and
orange for Warning, labelled with the reason. A repeated Event (count > 1,
events.py) is drawn at its firstTimestamp and lastTimestamp joined by a line,
and its label counts every time (`BackOff ×6`): the times in between are not
kept by Kubernetes either; `gantt(c)` shows each restart. It is the picture for stories
such as "node-2 NotReady at 50 s, its pods evicted at 350 s". Events that
at one instant share a label; labels alternate above and below the row and
are cut short (…) before they would run into the next one.

`gantt(c)` is the pods' side of the story: one bar per pod from its
creation to its deletion, grouped by the node it ran on, coloured by the
state `kubectl get pods` showed at each moment (from `c.pod_history`, a
watch on pods the cluster keeps from its first second).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from k8slite.api.core import Event
from k8slite.api.kinds import lookup
from k8slite.pod_history import Segment
from k8slite.viz import palette
from k8slite.viz.figure import DPI, NotebookFigure
from k8slite.viz.palette import EVENT_COLORS, short_name

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

ROW_IN = 0.42          # inches per row
AXES_LEFT, AXES_WIDTH = 0.21, 0.76  # of a 10-inch figure
CHAR_IN = 7 * 0.6 / 72  # the width of one 7-point character, in inches
MAX_REASONS = 3


def timeline(cluster: Cluster, kinds: list[str] | None = None) -> Figure:
    """Events over cluster time; `kinds` (e.g. ["Node", "pods"]) keeps only events about those kinds."""
    wanted = None if kinds is None else {lookup(k).kind for k in kinds}
    events: list[Event] = [e for e in cluster.events() if wanted is None or e.involved_object.kind in wanted]
    rows = row_order(events)
    height = max(2.2, 1.3 + ROW_IN * len(rows))
    fig = NotebookFigure(figsize=(10, height), dpi=DPI)
    ax = fig.add_axes((AXES_LEFT, 0.75 / height, AXES_WIDTH, 1 - 1.2 / height))
    end = max([cluster.now, *(e.time for e in events)]) or 1.0
    xlim = (-0.03 * end, end * 1.08)
    ax.set_xlim(*xlim)
    ax.set_ylim(len(rows) - 0.4, -0.8)
    ax.set_yticks(range(len(rows)), [short_name(r, 30) for r in rows], fontsize=8)
    ax.set_xlabel("cluster time (s)", fontsize=9)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.axvline(cluster.now, color="#999999", linestyle="--", linewidth=0.8)
    ax.text(cluster.now, -0.8, f" now {cluster.now:g} s", fontsize=7, color="#777777", va="top")
    for e in events:
        color, row = EVENT_COLORS.get(e.type, "#7f7f7f"), rows[row_key(e)]
        last = e.last_timestamp if e.last_timestamp is not None else e.time
        seen = [e.time, *([last] if e.count > 1 and last != e.time else [])]
        if len(seen) > 1:  # a repeated Event: its first and last time, joined (the ones between are not kept)
            ax.plot(seen, [row, row], color=color, linewidth=1.2, alpha=0.5, zorder=2)
        ax.scatter(seen, [row] * len(seen), s=26, color=color, zorder=3,
                   marker="D" if e.type == "Warning" else "o", edgecolors="white", linewidths=0.5)
    seconds_per_char = (xlim[1] - xlim[0]) / (10 * AXES_WIDTH) * CHAR_IN
    for key, row in rows.items():
        for label in place_labels([e for e in events if row_key(e) == key], seconds_per_char, xlim[1]):
            ax.text(label.time, row + label.offset, label.text, fontsize=7, ha=label.align,
                    va="bottom" if label.offset < 0 else "top", zorder=4,
                    color=EVENT_COLORS["Warning"] if label.warning else "#333333")
    if not events:
        ax.text(end / 2, 0, "no events yet", ha="center", va="center", color="#777777")
    ax.set_title(f"Events up to t = {cluster.now:g} s", fontsize=11, loc="left")
    fig.legend(handles=[Line2D([], [], marker="o", linestyle="", color=EVENT_COLORS["Normal"], label="Normal"),
                        Line2D([], [], marker="D", linestyle="", color=EVENT_COLORS["Warning"], label="Warning")],
               loc="upper right", ncol=2, fontsize=8, frameon=False)
    return fig


def row_key(event: Event) -> str:
    obj = event.involved_object
    name = obj.name if obj.namespace in ("", "default") else f"{obj.namespace}/{obj.name}"
    return f"{obj.kind.lower()}/{name}"


def row_order(events: list[Event]) -> dict[str, int]:
    """Each involved object's row: the order in which it first appears."""
    rows: dict[str, int] = {}
    for e in events:
        rows.setdefault(row_key(e), len(rows))
    return rows


@dataclass(frozen=True)
class Label:
    time: float
    text: str
    offset: float  # rows: negative is above the marker
    align: str
    warning: bool


def clusters(events: list[Event], gap: float) -> list[list[Event]]:
    """Runs of events less than `gap` seconds apart (Scheduled, Pulling, Pulled ... at one instant)."""
    groups: list[list[Event]] = []
    for e in events:
        if groups and e.time - groups[-1][-1].time < gap:
            groups[-1].append(e)
        else:
            groups.append([e])
    return groups


def place_labels(events: list[Event], seconds_per_char: float, end: float) -> list[Label]:
    """A label per cluster, alternately above and below the row, cut short before the next one."""
    groups = clusters(events, 2 * seconds_per_char)
    labels: list[Label] = []
    for i, group in enumerate(groups):
        time, text = group[0].time, group_label(group)
        next_time = groups[i + 2][0].time if i + 2 < len(groups) else end
        room = int((next_time - time) / seconds_per_char) - 1
        align = "left"
        if room < len(text) and i + 2 >= len(groups):
            # The last label on its side: it may grow leftwards instead, up to the label before it.
            before = labels[i - 2] if i >= 2 else None
            left_room = int((time - (before.time + len(before.text) * seconds_per_char if before else 0.0))
                            / seconds_per_char) - 1
            if left_room > room:
                room, align = left_room, "right"
        labels.append(Label(time, shorten(text, room), -0.2 if i % 2 == 0 else 0.2, align,
                            any(e.type == "Warning" for e in group)))
    return labels


def shorten(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(1, room - 1)] + "…"


def group_label(group: list[Event]) -> str:
    """The reasons in order, each once (`FailedScheduling ×8`), at most MAX_REASONS of them."""
    counts: Counter[str] = Counter()
    for e in group:
        counts[e.reason] += e.count or 1  # a repeated Event counts each time it happened
    reasons = [f"{r} ×{counts[r]}" if counts[r] > 1 else r for r in dict.fromkeys(e.reason for e in group)]
    extra = f" +{len(reasons) - MAX_REASONS}" if len(reasons) > MAX_REASONS else ""
    return ", ".join(reasons[:MAX_REASONS]) + extra


GANTT_ROW_IN = 0.26  # inches per pod row


def gantt(cluster: Cluster, title: str | None = None) -> Figure:
    """Pod lifetimes by node: a bar per pod, coloured by its state over time (PHASE_COLORS)."""
    lives = cluster.pod_history.lifetimes(cluster.now)
    groups: dict[str, list[tuple[str, list[Segment]]]] = {}
    for pod, (node, segments) in lives.items():
        if segments:
            groups.setdefault(node or "(no node)", []).append((pod, segments))
    order = sorted(groups, key=lambda n: (n == "(no node)", n))
    rows: list[tuple[str, list[Segment] | None]] = []
    for node in order:
        rows.append((node, None))
        pods: list[tuple[str, list[Segment]]] = sorted(groups[node], key=lambda item: (item[1][0].start, item[0]))
        rows += pods
    height = max(2.0, 1.25 + GANTT_ROW_IN * len(rows))
    fig = NotebookFigure(figsize=(10, height), dpi=DPI)
    ax = fig.add_axes((AXES_LEFT, 0.55 / height, AXES_WIDTH, 1 - 1.05 / height))
    end = cluster.now or 1.0
    seen: dict[str, None] = {}
    for y, (_label, bars) in enumerate(rows):
        for seg in bars or []:
            if seg.end > seg.start:
                seen[seg.state] = None
            terminating = seg.state == "Terminating"
            ax.barh(y, max(seg.end - seg.start, end * 0.002), left=seg.start, height=0.62,
                    color=palette.PHASE_COLORS[seg.state], linewidth=0.5,
                    edgecolor=palette.TERMINATING_EDGE if terminating else "none",
                    hatch=palette.TERMINATING_HATCH if terminating else None)
    labels = [label if bars is None else short_name(label.split("/", 1)[1], 30) for label, bars in rows]
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    for tick, (_label, bars) in zip(ax.get_yticklabels(), rows):
        if bars is None:
            tick.set_fontweight("bold")
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_xlim(0, end * 1.02)
    ax.set_xlabel("cluster time (s)", fontsize=9)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not rows:
        ax.text(end / 2, 0, "no pods yet", ha="center", va="center", color="#777777")
    ax.set_title(title or f"Pods by node, up to t = {cluster.now:g} s", fontsize=11, loc="left")
    states = [s for s in palette.PHASE_COLORS if s in seen]
    fig.legend(handles=[Patch(facecolor=palette.PHASE_COLORS[s], label=s,
                              hatch=palette.TERMINATING_HATCH if s == "Terminating" else None,
                              edgecolor=palette.TERMINATING_EDGE if s == "Terminating" else "none") for s in states],
               loc="upper right", ncol=max(1, len(states)), fontsize=8, frameon=False)
    return fig
