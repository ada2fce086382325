"""The capstone's failure drills: what a visitor saw during each one, and a scoreboard of them all.

Mirrors nothing in Kubernetes: it is what a team writes down after a game day (a rehearsed
failure): each drill, what was expected, what happened, how long until the service was whole
again, and whether that matched. Both pictures are drawn from numbers the notebook collected
through the API and `kubectl` (no cluster internals), so they are the same on a fake cluster
and on a real one.

- `Sample`: one moment of a drill, seen from outside: how many of the visitor's requests got
  the page, and how many pods the Service had ready;
- `drill_strip(samples, marks, title)`: those samples on a time line, with the drill's steps
  (a node failing, a rollout, a drain) as labelled vertical lines;
- `Drill` and `scoreboard(drills)` / `scoreboard_table(drills)`: the table, PASS in green,
  FAIL in red.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8slite.viz.figure import NotebookFigure

PASS_COLOUR, FAIL_COLOUR = "#c7e9c0", "#fcbba1"
ANSWERED, MISSED, READY = "#31a354", "#de2d26", "#3182bd"


@dataclass(frozen=True)
class Sample:
    time: float
    """Seconds since the drill began."""
    answered: int
    """Requests that got the guestbook page."""
    asked: int
    """Requests the visitor sent at this moment."""
    ready: int
    """Ready endpoints of the Service."""


@dataclass(frozen=True)
class Drill:
    name: str
    expected: str
    happened: str
    recovered: float | None
    """Seconds until the service was whole again; None if it never was during the drill."""
    passed: bool


def drill_strip(samples: list[Sample], marks: list[tuple[float, str]], title: str) -> NotebookFigure:
    """Answered and missed requests as bars, ready endpoints as a step line, the drill's steps as lines."""
    fig = NotebookFigure(figsize=(10, 2.6))
    ax = fig.add_subplot()
    times = [s.time for s in samples]
    width = min((b - a for a, b in zip(times, times[1:])), default=5.0) * 0.8
    ax.bar(times, [s.answered for s in samples], width=width, color=ANSWERED, label="requests answered")
    ax.bar(times, [s.asked - s.answered for s in samples], width=width, bottom=[s.answered for s in samples],
           color=MISSED, label="requests failed")
    ax.step(times, [s.ready for s in samples], where="post", color=READY, linewidth=2, label="ready endpoints")
    top = max([s.asked for s in samples] + [s.ready for s in samples] + [1]) + 1
    for time, label in marks:
        ax.axvline(time, color="black", linestyle="--", linewidth=1)
        ax.text(time, top - 0.3, f" {label}", va="top", fontsize=8)
    ax.set_ylim(0, top)
    ax.set_xlabel("seconds since the drill began")
    ax.set_title(title, fontsize=10, loc="left")
    ax.legend(loc="lower right", fontsize=8, ncols=3)
    fig.tight_layout()
    return fig


def outcome(drill: Drill) -> str:
    return "PASS" if drill.passed else "FAIL"


def recovery(drill: Drill) -> str:
    return "never" if drill.recovered is None else f"{drill.recovered:g} s"


def scoreboard_table(drills: list[Drill]) -> str:
    """The scoreboard as plain text, one drill a line."""
    header = ["DRILL", "EXPECTED", "HAPPENED", "RECOVERED IN", "RESULT"]
    rows = [[d.name, d.expected, d.happened, recovery(d), outcome(d)] for d in drills]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join("   ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in [header, *rows])


def scoreboard(drills: list[Drill]) -> NotebookFigure:
    """The scoreboard as a picture: a table whose RESULT cells are green (PASS) or red (FAIL)."""
    fig = NotebookFigure(figsize=(12, 0.7 + 0.55 * len(drills)))
    ax = fig.add_subplot()
    ax.axis("off")
    cells = [[d.name, d.expected, d.happened, recovery(d), outcome(d)] for d in drills]
    table = ax.table(cellText=cells, colLabels=["drill", "expected", "happened", "recovered in", "result"],
                     colWidths=[0.16, 0.33, 0.33, 0.1, 0.08], loc="center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.6)
    for row, drill in enumerate(drills, start=1):
        table[row, 4].set_facecolor(PASS_COLOUR if drill.passed else FAIL_COLOUR)
    for column in range(5):
        table[0, column].set_text_props(fontweight="bold")
    fig.tight_layout()
    return fig
