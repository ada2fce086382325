"""Background jobs (``cmd &``) on the virtual clock, like a shell's job table running
beside its script; it leaves out job control (fg, bg, %1) and PIDs.

Every process is a generator that yields the seconds it sleeps, so running two of
them "at once" on a virtual clock is a small discrete-event simulation: a queue of
(wake-up time, sequence number, job), as in SimPy. ``supervise`` runs a container's
main process; whenever the main process sleeps, the jobs whose wake-up time falls in
that sleep run first, in time order (ties: first started, first run).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Generator
from dataclasses import dataclass, field

from k8slite.runtime.shell.commands import Program

Process = Generator[float, "float | None", int]
"""A container's process as its runtime drives it: like a Program, but a signal may wake it
before its sleep is over; the runtime then sends the seconds that did pass."""


@dataclass(slots=True)
class Jobs:
    """A container's background jobs, each waiting in a queue for its wake-up time."""

    now: float = 0.0
    """Seconds since the container's process started (virtual)."""
    queue: list[tuple[float, int, Program]] = field(default_factory=list)
    started: int = 0
    blocked: int = 0
    """Jobs blocked forever (servers): ``wait`` never returns while there are any."""
    ticks: int = 0
    """How many times foreground programs slept: loops compare it to spot spinning."""

    def step(self, job: Program) -> None:
        """Resume a job until it next sleeps; queue it to wake after that sleep."""
        try:
            delay = next(job)
        except StopIteration:
            return
        if delay == math.inf:  # a job blocked forever (a server) never wakes again
            self.blocked += 1
        else:
            self.started += 1
            heapq.heappush(self.queue, (self.now + delay, self.started, job))

    def counted(self, program: Program) -> Program:
        """Run ``program``, counting its sleeps in ``ticks``."""
        while True:
            try:
                delay = next(program)
            except StopIteration as stop:
                return int(stop.value)
            self.ticks += 1
            yield delay

    def advance(self, until: float) -> Generator[float, float | None, None]:
        """Sleep until ``until``, waking each job whose time comes on the way; a signal
        may cut the sleep short (see ``sleep``)."""
        while self.queue and self.queue[0][0] <= until:
            wake = self.queue[0][0]
            if wake > self.now and not (yield from self.sleep(wake - self.now)):
                return
            self.step(heapq.heappop(self.queue)[2])
        if until > self.now:
            yield from self.sleep(until - self.now)

    def sleep(self, seconds: float) -> Generator[float, float | None, bool]:
        """Yield ``seconds``; the runtime resumes with ``next()`` when they have passed, or,
        when a signal woke the process early, sends how many seconds did pass (-> False)."""
        slept = yield seconds
        self.now += seconds if slept is None else slept
        return slept is None


def supervise(main: Program, jobs: Jobs) -> Process:
    """Run a container's main process and, between its sleeps, its background jobs."""
    while True:
        try:
            delay = next(main)
        except StopIteration as stop:
            return int(stop.value)
        yield from jobs.advance(jobs.now + delay)

