"""A rolling update's pods over time, stacked by state, between its two bounds.

Mirrors the promise of a Deployment's RollingUpdate strategy (pkg/controller/deployment,
rolling.go): at most replicas + maxSurge pods, at least replicas - maxUnavailable available.
`rollout_chart(times, samples, replicas, surge, unavailable, title)` takes samples of pod
counts per state (the keys of ROLLOUT_STATES: old or new template, Ready or not, and the
Terminating pods, which count for neither bound) and stacks them, ready pods at the bottom so
that their top edge is the number of available pods. The band above replicas + maxSurge is
shaded red, the band below replicas - maxUnavailable orange; `deadline` adds a labelled
vertical line (the moment progressDeadlineSeconds ran out, say).
"""

from __future__ import annotations

from matplotlib.axes import Axes

from k8slite.viz.figure import DPI, NotebookFigure

ROLLOUT_STATES = {"old ready": "#1f77b4", "new ready": "#2ca02c", "new not ready": "#b7e4b0",
                  "old not ready": "#aec7e8", "terminating": "#d9d9d9"}
SURGE = "#d62728"
UNAVAILABLE = "#ff7f0e"


def rollout_chart(times: list[float], samples: list[dict[str, int]], replicas: int, surge: int, unavailable: int,
                  title: str, deadline: tuple[float, str] | None = None) -> NotebookFigure:
    """Stacked pod counts per state, with the surge ceiling and the availability floor shaded."""
    fig = NotebookFigure(figsize=(10, 4), dpi=DPI)
    ax = fig.subplots()
    layers = [[s.get(state, 0) for s in samples] for state in ROLLOUT_STATES]
    ax.stackplot(times, layers, labels=list(ROLLOUT_STATES), colors=list(ROLLOUT_STATES.values()), step="post")
    ax.collections[-1].set_hatch("///")  # terminating
    top = max(sum(s.values()) for s in samples) + 1.5
    draw_bounds(ax, replicas, surge, unavailable, top)
    ax.set_ylim(0, top)
    ax.set_xlim(times[0], times[-1])
    if deadline is not None:
        ax.axvline(deadline[0], color="black", linewidth=1)
        ax.text(deadline[0] - 0.015 * (times[-1] - times[0]), top * 0.8, deadline[1], ha="right", fontsize=8)
    ax.set_xlabel("cluster time (s)")
    ax.set_ylabel("pods")
    ax.set_title(title, loc="left", fontsize=10)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def draw_bounds(ax: Axes, replicas: int, surge: int, unavailable: int, top: float) -> None:
    """The band above replicas + surge (red) and below replicas - unavailable (orange), edged with dashes."""
    ceiling, floor = replicas + surge, replicas - unavailable
    ax.axhspan(ceiling, top, color=SURGE, alpha=0.08)
    ax.axhline(ceiling, color=SURGE, linestyle="--", linewidth=1.2,
               label=f"replicas + maxSurge = {ceiling}: most pods that count")
    ax.axhspan(0, floor, color=UNAVAILABLE, alpha=0.10)
    ax.axhline(floor, color=UNAVAILABLE, linestyle="--", linewidth=1.2,
               label=f"replicas - maxUnavailable = {floor}: fewest available pods")
