"""Time for the cluster: a discrete-event VirtualClock and a RealClock.

Mirrors SimPy's Environment: a heap of (time, sequence, callback), where the
sequence keeps callbacks due at the same time first-in first-out. Nothing in
the simulation reads the wall clock or sleeps; components ask the clock to
call them later, and `run(until)` jumps from event to event, so a simulated
hour takes milliseconds and every run repeats exactly.

The RealClock has the same interface for real containers: it waits in real
time between callbacks, on the same single thread. The only door in from
other threads is `call_soon_threadsafe` (the Docker runtime's workers hand
back the results of engine calls that way); it wakes the clock at once, so
a result is acted on without waiting for the next timer.

`go_duration` writes a duration as Go's time.Duration does (10s, 1m20s,
5m0s), the way the kubelet's messages show them. Times are floats: two times
less than INSTANT apart are one instant (12.613 + 20 - 12.613 is 19.999999999999996),
which is how a wait that "has 4e-15 s left" ends instead of waking forever.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

INSTANT = 1e-9  # seconds: shorter than anything the cluster measures


@dataclass(eq=False)  # a handle: two timers are the same only when they are one
class Timer:
    """A callback due at `when`; `cancel()` stops it from running."""

    when: float
    seq: int
    callback: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class VirtualClock:
    """Discrete-event time: `now` only moves when `run` or `step` says so."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._queue: list[tuple[float, int, Timer]] = []  # (when, seq, timer): tuples compare fast
        self._seq = 0

    @property
    def now(self) -> float:
        return self._now

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        self._seq += 1
        timer = Timer(max(when, self._now), self._seq, callback)
        heapq.heappush(self._queue, (timer.when, timer.seq, timer))
        return timer

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.call_at(self._now + delay, callback)

    def call_soon(self, callback: Callable[[], None]) -> Timer:
        return self.call_at(self._now, callback)

    def next_time(self) -> float | None:
        """When the next live callback is due, or None when nothing is."""
        while self._queue and self._queue[0][2].cancelled:
            heapq.heappop(self._queue)
        return self._queue[0][0] if self._queue else None

    def step(self) -> bool:
        """Run the next callback; False when there is nothing left to run."""
        if self.next_time() is None:
            return False
        timer = heapq.heappop(self._queue)[2]
        self._wait_until(timer.when)
        timer.callback()
        return True

    def run(self, until: float) -> None:
        """Run every callback due up to `until`, then stand at `until`."""
        while True:
            due = self.next_time()
            if due is None or due > until:
                break
            self.step()
        self._wait_until(until)

    def run_next(self, until: float) -> None:
        """Run what is due up to `until`; a RealClock may return earlier, once work from another thread ran."""
        self.run(until)

    def _wait_until(self, when: float) -> None:
        self._now = max(self._now, when)


class RealClock(VirtualClock):
    """Wall-clock time on the same single thread: `run` sleeps between callbacks."""

    def __init__(self, start: float = 0.0) -> None:
        super().__init__(start)
        self._origin = time.monotonic() - start  # now() is `start` at once, then counts real seconds
        self._inbox: deque[Callable[[], None]] = deque()
        self._woken = threading.Event()

    @property
    def now(self) -> float:
        return time.monotonic() - self._origin

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        self._now = self.now
        return super().call_at(when, callback)

    def call_soon_threadsafe(self, callback: Callable[[], None]) -> None:
        """From another thread: run callback on the clock's thread as soon as possible, waking it."""
        self._inbox.append(callback)
        self._woken.set()

    def next_time(self) -> float | None:
        while self._inbox:  # work handed over by other threads joins the queue, first-in first-out
            self.call_soon(self._inbox.popleft())
        return super().next_time()

    def step(self) -> bool:
        while True:
            due = self.next_time()
            if due is None:
                return False
            if due <= self.now:
                break
            self._sleep(due)
        timer = heapq.heappop(self._queue)[2]
        self._now = self.now
        timer.callback()
        return True

    def run(self, until: float) -> None:
        while True:
            self.run_next(until)
            if self.now >= until:
                return

    def run_next(self, until: float) -> None:
        handed = False
        while True:
            handed = handed or bool(self._inbox)
            due = self.next_time()
            if due is not None and due <= min(until, self.now):
                self.step()
            elif handed or self.now >= until:
                return
            else:
                self._sleep(until if due is None else min(due, until))

    def _sleep(self, until: float) -> None:
        """Wait until `until`, or less when another thread hands work over."""
        delay = until - self.now
        if delay > 0 and self._woken.wait(delay):
            self._woken.clear()
        self._now = self.now

    def _wait_until(self, when: float) -> None:
        self._sleep(when)


Clock = VirtualClock


def go_duration(seconds: float) -> str:
    """Go's time.Duration String() of a duration truncated to milliseconds: 0s, 870ms, 1.234s, 2m5.5s."""
    ms = int(seconds * 1000 + 1e-6)
    if ms < 1000:
        return f"{ms}ms" if ms else "0s"
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    text = f"{rest / 1000:.3f}".rstrip("0").rstrip(".") + "s"
    if hours or minutes:
        text = f"{minutes}m{text}"
    return f"{hours}h{text}" if hours else text
