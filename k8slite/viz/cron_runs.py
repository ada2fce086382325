"""A CronJob's Jobs on a time line: when each was due, when it was made, how it ended.

Mirrors what `kubectl get jobs --watch` and the CronJob's events show. `CronRuns(c)`
watches Jobs with an Informer and keeps, for each Job a CronJob made, its
scheduled time (the annotation `batch.kubernetes.io/cronjob-scheduled-timestamp`,
which its name also encodes), when it was created, and when and how it ended
(Complete, Failed, or deleted while it ran). `cron_chart((runs, title), ...)`
draws one panel per recording on one time axis: a dotted vertical line at each
time of the schedule, a row per Job with a bar from its creation to its end
coloured by outcome, and, for a Job made late, a dotted line from its scheduled
time to its creation: the wait that `concurrencyPolicy: Forbid` causes. A time
of the schedule with no row is a run that never happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from matplotlib.patches import Patch

from k8slite.api.cronjob import SCHEDULED_TIMESTAMP
from k8slite.api.job import Job
from k8slite.api.meta import KubeObject
from k8slite.api.serialize import parse_time
from k8slite.informer import Informer
from k8slite.viz.figure import DPI, NotebookFigure
from k8slite.viz.palette import PHASE_COLORS

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

OUTCOME_COLORS = {"Complete": PHASE_COLORS["Succeeded"], "Failed": PHASE_COLORS["Failed"],
                  "Deleted": "#9e9e9e", "Running": PHASE_COLORS["Running"]}
LATE = "#555555"
SCHEDULE_LINE = "#b0b0b0"


@dataclass
class Run:
    scheduled: float
    created: float
    ended: float | None = None
    outcome: str = "Running"


class CronRuns:
    """Every Job a CronJob made, from a watch on Jobs: scheduled, created, ended, outcome."""

    def __init__(self, c: Cluster, every: float = 60.0) -> None:
        self.c, self.every = c, every
        self.runs: dict[str, Run] = {}
        self.informer = Informer(c.api, "jobs", self.seen)

    def seen(self, event_type: str, job: KubeObject) -> None:
        stamp = job.metadata.annotations.get(SCHEDULED_TIMESTAMP)
        if not isinstance(job, Job) or stamp is None:
            return
        run = self.runs.setdefault(job.name, Run(parse_time(stamp, SCHEDULED_TIMESTAMP),
                                                 job.metadata.creation_timestamp or 0.0))
        if run.ended is not None:
            return
        finished = next((cond for cond in job.status.conditions
                         if cond.type in ("Complete", "Failed") and cond.status == "True"), None)
        if finished is not None:
            run.ended, run.outcome = finished.last_transition_time, finished.type
        elif event_type == "DELETED" or job.metadata.deletion_timestamp is not None:
            run.ended, run.outcome = self.c.now, "Deleted"

    def ordered(self) -> list[tuple[str, Run]]:
        return sorted(self.runs.items(), key=lambda item: (item[1].scheduled, item[0]))


def cron_chart(*panels: tuple[CronRuns, str], width: float = 10) -> NotebookFigure:
    """One panel per (runs, title), one above the other, on the same time axis up to now."""
    end = max(float(runs.c.now) for runs, _ in panels) or 1.0
    heights = [0.35 * max(len(runs.runs), 1) + 0.7 for runs, _ in panels]
    fig = NotebookFigure(figsize=(width, sum(heights) + 0.8), dpi=DPI)
    axes = fig.subplots(len(panels), 1, gridspec_kw={"height_ratios": heights}, squeeze=False)[:, 0]
    for ax, (runs, title) in zip(axes, panels):
        ordered = runs.ordered()
        tick = runs.every
        while tick <= end:
            ax.axvline(tick, color=SCHEDULE_LINE, linestyle=":", linewidth=0.9)
            tick += runs.every
        for row, (_, run) in enumerate(ordered):
            stop = end if run.ended is None else run.ended
            ax.barh(row, max(stop - run.created, end / 250), left=run.created, height=0.6,
                    color=OUTCOME_COLORS[run.outcome], edgecolor="white", linewidth=0.5)
            if run.created - run.scheduled >= 1.0:  # made late: the wait from its time to its creation
                ax.plot([run.scheduled, run.created], [row, row], color=LATE, linestyle=":", linewidth=1.2)
                ax.plot([run.scheduled], [row], marker="|", color=LATE, markersize=8)
                ax.text((run.scheduled + run.created) / 2, row - 0.36, f"{run.created - run.scheduled:.0f} s late",
                        ha="center", va="bottom", fontsize=7, color=LATE)
        ax.set_yticks(range(len(ordered)), [f"{name} (due {run.scheduled:g} s)" for name, run in ordered], fontsize=8)
        ax.set_ylim(max(len(ordered), 1) - 0.4, -0.8)
        ax.set_xlim(0, end * 1.02)
        ax.set_title(title, fontsize=10, loc="left")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[-1].set_xlabel("cluster time (s); dotted lines: the schedule's times", fontsize=9)
    seen = {run.outcome for runs, _ in panels for run in runs.runs.values()}
    handles = [Patch(color=color, label=f"job {outcome.lower()}") for outcome, color in OUTCOME_COLORS.items()
               if outcome in seen]
    fig.legend(handles=handles, loc="upper right", bbox_to_anchor=(0.98, 1.0), fontsize=8, ncol=4, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / fig.get_figheight()))
    return fig
