"""A ReplicaSet that loses watch events: its active pods over time, with and without the resync.

Mirrors the experiment of chapter 07 on client-go's level-triggered design (an informer's
handler only queues a key; a periodic resync queues every key again). `lost_events_chart(runs,
resync_period)` draws one panel per run, one above the other on the same time axis: the number
of active pods each second as a step line, a red line where a pod was deleted, and a dotted line
at each resync, drawn only in the panels of runs whose resync was on.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8slite.viz.figure import DPI, NotebookFigure

COUNT = "#1f77b4"
DELETION = "#d62728"
RESYNC = "#999999"


@dataclass(frozen=True)
class LostEventsRun:
    """One run of the experiment."""

    title: str
    samples: list[tuple[float, int]]
    """(cluster time, active pods then), one a second."""
    deletions: list[float]
    """When a pod was deleted."""
    resync: bool
    """Whether the controller's periodic resync queued its keys."""


def lost_events_chart(runs: list[LostEventsRun], resync_period: float, replicas: int = 3) -> NotebookFigure:
    """One panel per run: active pods over time, deletions in red, resyncs dotted (where there were any)."""
    fig = NotebookFigure(figsize=(10, 1.85 * len(runs) + 0.05), dpi=DPI)
    axes = fig.subplots(len(runs), 1, sharex=True, squeeze=False)[:, 0]
    end = max(t for run in runs for t, _ in run.samples)
    for ax, run in zip(axes, runs):
        ax.step([t for t, _ in run.samples], [n for _, n in run.samples], where="post", color=COUNT, linewidth=1.8)
        for t in run.deletions:
            ax.axvline(t, color=DELETION, linewidth=0.8, alpha=0.6)
        resyncs = [resync_period * k for k in range(1, int(end // resync_period) + 1)] if run.resync else []
        for t in resyncs:
            ax.axvline(t, color=RESYNC, linewidth=0.8, linestyle=":")
        ax.set_ylim(-0.3, replicas + 0.6)
        ax.set_yticks(range(replicas + 1))
        ax.set_title(run.title, fontsize=10, loc="left")
        ax.set_ylabel("active pods", fontsize=9)
    axes[-1].set_xlabel("cluster time (s)   —   red: a pod is deleted,   dotted: a resync", fontsize=9)
    fig.tight_layout()
    return fig
