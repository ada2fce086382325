"""A crash loop over time: each run of a container, and the back-off the kubelet waited after it.

Mirrors the kubelet's CrashLoopBackOff (pkg/kubelet/kuberuntime, its back-off of 10 s
doubling to 300 s, forgotten after 10 minutes without a crash) as chapter 04 shows it.
`draw_crash_loop(runs, now)` takes the runs as ``[(start, end, wait after it)]``
(`crash_loop_runs(c, pod)` reads them from the pod's history, c.pod_history: the
Started and BackOff events of a crash loop are folded into one Event each, with a
count and the first and last time only) and draws them as a
Gantt chart, green while the container runs and hatched orange while it waits, next to
a bar per crash for the wait that followed it, with the 300 s cap as a line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.axes import Axes

from k8slite.viz.figure import NotebookFigure

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

RUNNING = "#2ca02c"
WAITING = "#ff7f0e"
WAIT_TEXT = "#b35900"
WAIT_BAR = "#1f77b4"
CAPPED = "#d62728"
NOTE = "#555555"
CAP = 300


Run = tuple[float, float, float]


def crash_loop_runs(c: Cluster, pod: str, container: str | None = None,
                    namespace: str = "default") -> list[Run]:
    """[(start, end, wait after it)] for each run of a pod's container (its first by default)."""
    name = container or c.get("pod", pod, namespace).spec.containers[0].name
    seen = c.pod_history.runs(f"{namespace}/{pod}", name)
    runs: list[Run] = []
    for i, (start, end) in enumerate(seen):
        following = seen[i + 1][0] if i + 1 < len(seen) else c.now
        finished = following if end is None else end
        runs.append((start, finished, round(following - finished, 6)))  # 6.813 - 6.013 is 0.7999999999999998
    return runs


def draw_crash_loop(runs: list[Run], now: float) -> NotebookFigure:
    """The runs on a time line (left) and the wait after each crash (right)."""
    fig = NotebookFigure(figsize=(10, 4.2), dpi=100)
    gantt, bars = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    draw_runs(gantt, runs, now)
    draw_waits(bars, [wait for _, _, wait in runs[:-1]])
    for side in ("top", "right"):
        gantt.spines[side].set_visible(False)
        bars.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def draw_runs(ax: Axes, runs: list[Run], now: float) -> None:
    """One row per run: green while it runs, then hatched orange for the back-off after it."""
    for number, (start, end, wait) in enumerate(runs, start=1):
        ax.barh(number, max(end - start, 8), left=start, color=RUNNING, height=0.6)
        if number < len(runs):
            ax.barh(number, wait, left=end, color=WAITING, alpha=0.35, height=0.6, hatch="//")
            ax.text(end + wait + 15, number, f"{wait:g} s", va="center", fontsize=8, color=WAIT_TEXT)
    ax.set_ylim(len(runs) + 0.7, 0.3)
    ax.set_xlim(0, now)
    ax.set_yticks(range(1, len(runs) + 1))
    ax.set_xlabel("cluster time (s)")
    ax.set_ylabel("run")
    ax.set_title("green: container running · orange: CrashLoopBackOff", fontsize=10)


def draw_waits(ax: Axes, waits: list[float]) -> None:
    """A bar per crash for the wait that followed it; a wait of 0 after the first crash is a reset."""
    ax.bar(range(1, len(waits) + 1), waits, color=[WAIT_BAR if w < CAP else CAPPED for w in waits])
    for crash, wait in enumerate(waits, start=1):
        if wait == 0:  # nothing to see as a bar: say it
            ax.text(crash, 4, "at once", rotation=90, ha="center", va="bottom", fontsize=8, color=NOTE)
        if wait == 0 and crash > 1:
            ax.annotate("back-off reset\n(>600 s since\nthe last crash)", (crash, 60), (crash, 200),
                        ha="center", fontsize=8, arrowprops={"arrowstyle": "->", "color": NOTE})
    ax.axhline(CAP, color=CAPPED, linestyle="--", linewidth=0.8)
    ax.text(0.6, CAP + 5, f"cap {CAP} s", color=CAPPED, fontsize=8, va="bottom")
    ax.set_xticks(range(1, len(waits) + 1))
    ax.set_xlabel("crash number")
    ax.set_ylabel("wait before restart (s)")
    ax.set_title("the back-off after each crash", fontsize=10)
