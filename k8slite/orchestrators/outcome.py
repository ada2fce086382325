"""One table for every orchestrator: where each task ran, when the web app was whole again, how
long the rolling update took and how many web tasks were down at worst.

Mirrors nothing in any orchestrator: it is the measuring tape the chapter holds to all three. Each
orchestrator's runs are reduced to TaskRun records (a task, or a pod, from the moment it ran until
its process really stopped), and the numbers are computed the same way for all: a run on the failed
machine counts as down from the failure on, whatever its orchestrator still believed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TaskRun:
    """One task (Swarm, Mesos) or pod (Kubernetes) that ran."""

    app: str
    """The workload it belongs to: "web" or "report" (the batch job)."""
    name: str
    node: str
    image: str
    start: float
    """When it was running (TASK_RUNNING, running, Running)."""
    end: float | None
    """When its process stopped (None: still running at the end)."""
    states: tuple[tuple[float, str], ...] = ()
    """Its states as its orchestrator named them, with their times."""


@dataclass(frozen=True)
class Outcome:
    orchestrator: str
    runs: tuple[TaskRun, ...]
    replicas: int
    fail_at: float
    update_at: float
    end: float
    new_image: str
    extra: dict[str, float] = field(default_factory=dict)
    """Numbers one orchestrator has and the others do not (Mesos' declined offers)."""

    def web_up(self, t: float) -> int:
        return sum(r.app == "web" and r.start <= t and (r.end is None or r.end > t) for r in self.runs)

    def moments(self) -> list[float]:
        times = {self.fail_at, self.update_at}
        for r in self.runs:
            times.update(x for x in (r.start, r.end) if x is not None)
        return sorted(times)

    @property
    def recovered_at(self) -> float | None:
        """The first moment after the failure with every web replica running again."""
        return next((t for t in self.moments() if t > self.fail_at and self.web_up(t) >= self.replicas), None)

    @property
    def update_seconds(self) -> float | None:
        """From the update's start until only new-image web tasks run, all of them."""
        for t in self.moments():
            if t < self.update_at:
                continue
            new = sum(r.app == "web" and r.image == self.new_image and r.start <= t and (r.end is None or r.end > t)
                      for r in self.runs)
            if new >= self.replicas and new == self.web_up(t):
                return round(t - self.update_at, 3)
        return None

    def worst_down(self, start: float, end: float) -> int:
        return self.replicas - min(self.web_up(t) for t in self.moments() if start <= t < end)

    def summary(self) -> dict[str, object]:
        back = self.recovered_at
        return {"orchestrator": self.orchestrator,
                "web back after failure (s)": None if back is None else round(back - self.fail_at, 3),
                "worst down after failure": self.worst_down(self.fail_at, self.update_at),
                "update took (s)": self.update_seconds,
                "worst down during update": self.worst_down(self.update_at, self.end), **self.extra}

    def rows(self) -> list[dict[str, object]]:
        """The task table: one row per run, in start order."""
        return [{"orchestrator": self.orchestrator, "app": r.app, "task": r.name, "node": r.node, "image": r.image,
                 "running from": round(r.start, 3), "until": None if r.end is None else round(r.end, 3)}
                for r in sorted(self.runs, key=lambda r: (r.start, r.name))]


def summary_table(outcomes: list[Outcome]) -> str:
    """The comparison as text: one line per orchestrator."""
    keys = list(dict.fromkeys(k for o in outcomes for k in o.summary()))
    rows = [keys]
    for o in outcomes:
        s = o.summary()
        rows.append(["-" if s.get(k) is None else f"{s[k]:g}" if isinstance(s.get(k), float) else str(s.get(k))
                     for k in keys])
    widths = [max(len(r[i]) for r in rows) for i in range(len(keys))] if outcomes else []
    return "".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n" for r in rows)
