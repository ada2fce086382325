"""The same workload on Kubernetes, Swarm and Mesos+Marathon, drawn the same way for each.

Mirrors nothing upstream: the chapter's picture of k8slite/orchestrators/workload.py. One panel per
orchestrator, one row per machine (a row splits into lanes when tasks overlap on it), one bar per
task or pod from when it ran until its process stopped: green for the web app's first image,
purple for the new one, blue for the batch job. A red line marks the machine failure and a grey
band the failed machine's dead time; a dashed line marks the rolling update's start. The panel's
title carries its row of the comparison table. `orchestrator_timeline(outcome)` draws one,
`compare_timelines(outcomes)` stacks them on one time axis.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from k8slite.orchestrators.outcome import Outcome, TaskRun
from k8slite.viz.figure import DPI, NotebookFigure
from k8slite.viz.node_failure import FAILURE
from k8slite.viz.palette import NODE_DOWN_FACE, OWNER_COLORS, PHASE_COLORS

OLD_IMAGE = PHASE_COLORS["Running"]
NEW_IMAGE = OWNER_COLORS[0]
BATCH = PHASE_COLORS["Succeeded"]
LANE_IN = 0.22


def lanes(runs: list[TaskRun], end: float) -> list[int]:
    """A lane for each run (in the given order) so that runs on one lane never overlap."""
    free_at: list[float] = []
    out = []
    for r in runs:
        lane = next((i for i, t in enumerate(free_at) if t <= r.start), len(free_at))
        if lane == len(free_at):
            free_at.append(0.0)
        free_at[lane] = end if r.end is None else r.end
        out.append(lane)
    return out


def color(run: TaskRun, outcome: Outcome) -> str:
    if run.app != "web":
        return BATCH
    return NEW_IMAGE if run.image == outcome.new_image else OLD_IMAGE


def draw_panel(ax: Axes, outcome: Outcome, failed_node: str | None = None) -> None:
    nodes = sorted({r.node for r in outcome.runs})
    y, ticks, rows = 0.0, [], {}
    for node in nodes:
        mine = sorted((r for r in outcome.runs if r.node == node), key=lambda r: (r.start, r.name))
        placed = lanes(mine, outcome.end)
        height = max(placed, default=0) + 1
        for r, lane in zip(mine, placed):
            rows[r] = y + lane
        if node == failed_node:
            ax.fill_betweenx([y - 0.45, y + height - 0.55], outcome.fail_at, outcome.end, color=NODE_DOWN_FACE,
                             alpha=0.7, linewidth=0)
        ticks.append((y + (height - 1) / 2, node))
        y += height + 0.4
    for r, row in rows.items():
        end = outcome.end if r.end is None else r.end
        ax.barh(row, max(end - r.start, 0.5), left=r.start, height=0.7, color=color(r, outcome), linewidth=0)
    ax.axvline(outcome.fail_at, color=FAILURE, linewidth=1.2)
    ax.axvline(outcome.update_at, color="#555555", linewidth=1.0, linestyle="--")
    ax.set_yticks([t for t, _ in ticks], [n for _, n in ticks], fontsize=8)
    ax.set_ylim(y - 0.4, -0.8)
    ax.set_xlim(0, outcome.end)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    s = outcome.summary()
    ax.set_title(f"{outcome.orchestrator}: web back {fmt(s['web back after failure (s)'])} after the failure, "
                 f"update {fmt(s['update took (s)'])}, worst down {s['worst down after failure']} / "
                 f"{s['worst down during update']}", fontsize=9, loc="left")


def fmt(seconds: Any) -> str:
    return "never" if seconds is None else f"{seconds:g} s"


def legend(fig: Figure, outcome: Outcome) -> None:
    fig.legend(handles=[Patch(color=OLD_IMAGE, label="web, first image"),
                        Patch(color=NEW_IMAGE, label=f"web, {outcome.new_image}"),
                        Patch(color=BATCH, label="batch job"),
                        Patch(color=FAILURE, label="machine fails"),
                        Patch(color=NODE_DOWN_FACE, label="machine down")],
               loc="upper right", ncol=5, fontsize=7, frameon=False)


def orchestrator_timeline(outcome: Outcome, failed_node: str = "node-2") -> Figure:
    """One orchestrator's run of the workload: its tasks by machine over time."""
    fig = NotebookFigure(figsize=(10, 3.0), dpi=DPI)
    ax = fig.add_axes((0.09, 0.16, 0.89, 0.66))
    draw_panel(ax, outcome, failed_node)
    ax.set_xlabel("time (s)", fontsize=9)
    legend(fig, outcome)
    return fig


def compare_timelines(outcomes: list[Outcome], failed_node: str = "node-2") -> Figure:
    """The panels of orchestrator_timeline stacked, one time axis for all."""
    fig = NotebookFigure(figsize=(10, 0.6 + 2.4 * len(outcomes)), dpi=DPI)
    axes = fig.subplots(len(outcomes), 1, sharex=True, squeeze=False)[:, 0]
    fig.subplots_adjust(left=0.09, right=0.98, top=1 - 0.5 / (0.6 + 2.4 * len(outcomes)), bottom=0.08, hspace=0.5)
    for ax, outcome in zip(axes, outcomes):
        draw_panel(ax, outcome, failed_node)
    axes[-1].set_xlabel("time (s)", fontsize=9)
    if outcomes:
        legend(fig, outcomes[0])
    return fig
