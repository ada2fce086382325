"""`timeline(c)`: what happened to which object, and when, from `c.events()`.

Mirrors `kubectl get events --sort-by=.lastTimestamp`, drawn as a strip
chart: one row per involved object (in the order each first appears), one
marker per Event at its time on the cluster clock, blue for Normal and
orange for Warning, labelled with the reason. It is the picture for stories
such as "node-2 NotReady at 40 s, its pods evicted at 340 s". Events that
fall close together on one row share a label, so the text never overlaps.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from k8slite.api.core import Event
from k8slite.api.kinds import lookup
from k8slite.viz.figure import DPI, NotebookFigure
from k8slite.viz.palette import EVENT_COLORS

ROW_IN = 0.42          # inches per row
GROUP_FRACTION = 0.06  # events closer than this fraction of the time span share a label
MAX_REASONS = 3


def timeline(cluster: Any, kinds: list[str] | None = None) -> Figure:
    """Events over cluster time; `kinds` (e.g. ["Node", "pods"]) keeps only events about those kinds."""
    wanted = None if kinds is None else {lookup(k).kind for k in kinds}
    events: list[Event] = [e for e in cluster.events() if wanted is None or e.involved_object.kind in wanted]
    rows = row_order(events)
    fig = NotebookFigure(figsize=(10, max(2.2, 1.3 + ROW_IN * len(rows))), dpi=DPI)
    ax = fig.add_axes((0.2, 1.0 / fig.get_figheight() * 0.75, 0.77, 1 - 1.2 / fig.get_figheight()))
    end = max([cluster.now, *(e.time for e in events)]) or 1.0
    ax.set_xlim(-0.03 * end, end * 1.1)
    ax.set_ylim(len(rows) - 0.4, -0.8)
    ax.set_yticks(range(len(rows)), list(rows), fontsize=8)
    ax.set_xlabel("cluster time (s)", fontsize=9)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.axvline(cluster.now, color="#999999", linestyle="--", linewidth=0.8)
    ax.text(cluster.now, -0.8, f" now {cluster.now:g} s", fontsize=7, color="#777777", va="top")
    for e in events:
        ax.scatter([e.time], [rows[row_key(e)]], s=26, color=EVENT_COLORS.get(e.type, "#7f7f7f"), zorder=3,
                   marker="D" if e.type == "Warning" else "o", edgecolors="white", linewidths=0.5)
    for key, row in rows.items():
        for time, label, warning in label_groups([e for e in events if row_key(e) == key], end * GROUP_FRACTION):
            ax.text(time, row - 0.2, label, fontsize=7, va="bottom", ha="left", zorder=4,
                    color=EVENT_COLORS["Warning"] if warning else "#333333")
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


def label_groups(events: list[Event], gap: float) -> list[tuple[float, str, bool]]:
    """(time, "Scheduled, Pulled +2", has a Warning) for each run of events less than `gap` apart."""
    groups: list[list[Event]] = []
    for e in events:
        if groups and e.time - groups[-1][0].time < gap:
            groups[-1].append(e)
        else:
            groups.append([e])
    labels = []
    for group in groups:
        reasons = list(dict.fromkeys(e.reason for e in group))
        text = ", ".join(reasons[:MAX_REASONS]) + (f" +{len(reasons) - MAX_REASONS}" if len(reasons) > MAX_REASONS
                                                    else "")
        labels.append((group[0].time, text, any(e.type == "Warning" for e in group)))
    return labels
