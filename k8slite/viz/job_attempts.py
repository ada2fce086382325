"""Every attempt of a Job, recorded from a watch on pods and drawn as a Gantt chart.

Mirrors what `kubectl get pods --watch` shows of a Job: the Job controller
(pkg/controller/job) makes a new pod after a back-off when one fails under
restartPolicy Never, the kubelet restarts the container inside the same pod under
OnFailure. `Attempts(c)` watches pods with an Informer, as every controller does,
and keeps each run of each container it sees: the current one in `state`, the one
before in `last_state`. `attempts_chart((attempts, title), ...)` draws one panel per
recording, on one time axis: a row per pod, a bar per run coloured by how it ended,
a dotted line and its length in seconds for each wait from a failure to the next
run, and a dashed line where the Job finished. It leaves out the time a pod spends
Pending before its container starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.patches import Patch

from k8slite.api.meta import KubeObject
from k8slite.api.pod import ContainerStateTerminated, Pod
from k8slite.informer import Informer
from k8slite.viz.figure import DPI, NotebookFigure
from k8slite.viz.palette import PHASE_COLORS

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

OUTCOME_COLORS = {"Succeeded": PHASE_COLORS["Succeeded"], "Failed": PHASE_COLORS["Failed"],
                  "Killed": "#9e9e9e", "Running": PHASE_COLORS["Running"]}
WAIT = "#555555"
WAIT_TEXT = "#333333"
FINISH = "#444444"
CHAR_IN = 7 * 0.6 / 72  # the width of one 7-point character, in inches
AXES_SHARE = 0.83       # of the figure's width, about what the axes get

Bar = tuple[str, float, float, str]  # (pod, start, end, outcome)


class Attempts:
    """Every run of every container, recorded from a watch on pods (what `kubectl get pods --watch` sees)."""

    def __init__(self, c: Cluster) -> None:
        self.c = c
        self.pods: dict[str, float] = {}                         # pod name -> creation time
        self.runs: dict[tuple[str, float], tuple[float | None, str]] = {}  # (pod, start) -> (end, outcome)
        self.informer = Informer(c.api, "pods", self.seen)

    def seen(self, event_type: str, pod: KubeObject) -> None:
        """The informer's handler, called for each change of a pod: keep every container run seen in it.
        A run still going when its pod is deleted is "Killed"; it ends when its container exits (after the
        grace period, for a PID 1 that ignores SIGTERM), or when the pod is gone without saying."""
        if not isinstance(pod, Pod):
            return
        self.pods.setdefault(pod.name, pod.metadata.creation_timestamp or 0.0)
        if pod.metadata.deletion_timestamp is not None:
            for run, (end, _) in self.runs.items():
                if run[0] == pod.name and end is None:
                    self.runs[run] = (None, "Killed")
        for cs in pod.status.container_statuses:
            for state in (cs.last_state, cs.state):
                if state.terminated is not None:
                    self.ended(pod.name, state.terminated)
                elif state.running is not None:
                    self.runs.setdefault((pod.name, state.running.started_at or 0.0), (None, "Running"))
        if event_type == "DELETED":
            for run, (end, _) in self.runs.items():
                if run[0] == pod.name and end is None:
                    self.runs[run] = (self.c.now, "Killed")

    def ended(self, pod_name: str, ended: ContainerStateTerminated) -> None:
        run = (pod_name, ended.started_at or 0.0)
        killed = self.runs.get(run, (None, ""))[1] == "Killed"  # stopped by its pod's deletion: stays so
        self.runs[run] = (ended.finished_at, "Killed" if killed else
                          "Succeeded" if ended.exit_code == 0 else "Failed")

    def bars(self) -> list[Bar]:
        """(pod, start, end, outcome) in order of start; a run still going ends now."""
        return sorted(((pod, start, self.c.now if end is None else end, outcome)
                       for (pod, start), (end, outcome) in self.runs.items()), key=lambda b: (b[1], b[0]))

    def finished(self) -> list[tuple[float, str]]:
        """(time, "Complete" or "Failed" and the reason) of each Job of the cluster that has finished."""
        found = []
        for job in self.c.get("jobs"):
            done = next((cond for cond in job.status.conditions  # the terminal condition, not the interim
                         if cond.type in ("Complete", "Failed") and cond.status == "True"), None)
            if done is not None:
                found.append((done.last_transition_time, f"{done.type} {done.reason}".strip()))
        return found

    def last_moment(self) -> float:
        """Where a time axis should end: the last run or a Job's end, or now while a Job still runs."""
        ends = self.finished()
        if not ends or len(ends) < len(self.c.get("jobs")):
            return float(self.c.now)
        return max([*(t for t, _ in ends), *(b[2] for b in self.bars())])


def attempts_chart(*panels: tuple[Attempts, str], width: float = 10) -> NotebookFigure:
    """A figure of (attempts, title) panels, one above the other, on the same time axis."""
    heights = [0.4 * len(attempts.pods) + 0.7 for attempts, _ in panels]
    end = max(attempts.last_moment() for attempts, _ in panels) or 1.0
    fig = NotebookFigure(figsize=(width, sum(heights) + 0.8), dpi=DPI)
    axes = fig.subplots(len(panels), 1, gridspec_kw={"height_ratios": heights}, squeeze=False)[:, 0]
    for ax, (attempts, title) in zip(axes, panels):
        draw_attempts(ax, attempts, title, end, seconds_per_char=end * 1.17 / (AXES_SHARE * width) * CHAR_IN)
    axes[-1].set_xlabel("cluster time (s)", fontsize=9)
    seen = {bar[3] for attempts, _ in panels for bar in attempts.bars()}
    handles = [Patch(color=color, label=f"run {outcome.lower()}") for outcome, color in OUTCOME_COLORS.items()
               if outcome in seen]
    fig.legend(handles=handles, loc="upper right", bbox_to_anchor=(0.98, 1.0), fontsize=8, ncol=4, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / fig.get_figheight()))
    return fig


def draw_attempts(ax: Axes, attempts: Attempts, title: str, end: float, seconds_per_char: float) -> None:
    """One row per pod, one bar per run of its container, the waits between them, the Job's end."""
    rows = {pod: i for i, pod in enumerate(sorted(attempts.pods, key=lambda p: (attempts.pods[p], p)))}
    bars = attempts.bars()
    for pod, start, stop, outcome in bars:
        ax.barh(rows[pod], max(stop - start, end / 250), left=start, height=0.6,
                color=OUTCOME_COLORS[outcome], edgecolor="white", linewidth=0.5)
    label_ends: dict[int, float] = {}  # row -> where its last wait label above the bar ends
    for failed_at, started_at, pod in waits(bars):
        row, middle, text = rows[pod], (failed_at + started_at) / 2, f"{started_at - failed_at:g} s"
        half = len(text) * seconds_per_char / 2
        above = middle - half > label_ends.get(row, -end)  # else below the bar, clear of the last label
        ax.plot([failed_at, started_at], [row, row], color=WAIT, linestyle=":", linewidth=1)
        ax.text(middle, row - 0.36 if above else row + 0.36, text, ha="center", va="bottom" if above else "top",
                fontsize=7, color=WAIT_TEXT)
        if above:
            label_ends[row] = middle + half
    for time, words in attempts.finished():
        ax.axvline(time, color=FINISH, linestyle="--", linewidth=0.9)
        ax.text(time, -0.65, f" {words}", fontsize=8, va="top", color=FINISH)
    ax.set_yticks(range(len(rows)), list(rows), fontsize=8)
    ax.set_ylim(len(rows) - 0.4, -0.8)
    ax.set_xlim(-0.02 * end, end * 1.15)
    ax.set_title(title, fontsize=10, loc="left")
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def waits(bars: list[Bar]) -> list[tuple[float, float, str]]:
    """(failure, next start, pod of that start) for each run that began after a failure: the back-offs.

    A run that starts at the instant of the failure (a restart without waiting) is no wait.
    """
    moments = sorted([(stop, 0, pod) for pod, _, stop, outcome in bars if outcome == "Failed"] +
                     [(start, 1, pod) for pod, start, _, _ in bars])
    found, last_failure = [], None
    for time, is_start, pod in moments:
        if not is_start:
            last_failure = time
        else:
            if last_failure is not None and time - last_failure >= 0.5:
                found.append((last_failure, time, pod))
            last_failure = None
    return found
