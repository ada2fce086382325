"""The scheduling queue: active, backing off, or waiting for the cluster to change.

Mirrors pkg/scheduler/backend/queue (PriorityQueue): three places a pending
pod can be.
- activeQ: ready to be tried, first come first served (all k8slite pods
  have priority 0, so PrioritySort reduces to arrival order);
- backoffQ: it failed recently and waits 1 s, 2 s, 4 s ... at most 10 s
  (podInitialBackoffDuration, podMaxBackoffDuration) before its next try;
- unschedulable: it fitted nowhere; it stays until an event that could make
  it fit (a node added or changed, a pod deleted) moves it back, to
  backoffQ if its back-off has not run out yet, else to activeQ. Every 30 s
  pods left there longer than 5 minutes are moved back anyway.

Simplified: no QueueingHints (any relevant event moves every waiting pod),
no gated pods, no nominated pods.
"""

from __future__ import annotations

from collections.abc import Callable

from k8slite.clock import Timer, VirtualClock

INITIAL_BACKOFF, MAX_BACKOFF = 1.0, 10.0
FLUSH_PERIOD, MAX_IN_UNSCHEDULABLE = 30.0, 300.0


def backoff(attempts: int) -> float:
    """1 s after the first failure, doubling, at most 10 s: 1, 2, 4, 8, 10, 10 ..."""
    return min(INITIAL_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


class SchedulingQueue:
    def __init__(self, clock: VirtualClock, schedule_one: Callable[[str], None]) -> None:
        self.clock, self.schedule_one = clock, schedule_one
        self.active: dict[str, None] = {}  # insertion-ordered set
        self.backing_off: dict[str, Timer] = {}
        self.unschedulable: dict[str, float] = {}  # key -> when it got there
        self.attempts: dict[str, int] = {}
        self.last_failure: dict[str, float] = {}
        self._scheduled = False

    def start(self) -> None:
        self.clock.call_later(FLUSH_PERIOD, self.flush)

    def add(self, key: str) -> None:
        """A new or changed pending pod (not one waiting for a change or backing off)."""
        if key not in self.unschedulable and key not in self.backing_off:
            self.activate(key)

    def activate(self, key: str) -> None:
        self.active[key] = None
        if not self._scheduled:
            self._scheduled = True
            self.clock.call_soon(self.run)

    def run(self) -> None:
        """Pop every pod that is active now; pods activated meanwhile wait for the next turn."""
        self._scheduled = False
        batch, self.active = list(self.active), {}
        for key in batch:
            self.schedule_one(key)

    def failed(self, key: str) -> None:
        """The pod fitted nowhere: count the attempt and park it until something changes."""
        self.attempts[key] = self.attempts.get(key, 0) + 1
        self.last_failure[key] = self.clock.now
        self.unschedulable[key] = self.clock.now

    def done(self, key: str) -> None:
        """Bound or gone: forget it."""
        for table in (self.unschedulable, self.attempts, self.last_failure, self.active):
            table.pop(key, None)  # type: ignore[attr-defined]
        timer = self.backing_off.pop(key, None)
        if timer:
            timer.cancel()

    def move_all(self) -> None:
        """MoveAllToActiveOrBackoffQueue: something changed that could make waiting pods fit."""
        for key in sorted(self.unschedulable):
            self.move(key)

    def move(self, key: str) -> None:
        del self.unschedulable[key]
        ready_at = self.last_failure.get(key, 0.0) + backoff(self.attempts.get(key, 1))
        if ready_at <= self.clock.now:
            self.activate(key)
        else:
            self.backing_off[key] = self.clock.call_later(ready_at - self.clock.now, lambda: self.backed_off(key))

    def backed_off(self, key: str) -> None:
        self.backing_off.pop(key, None)
        self.activate(key)

    def flush(self) -> None:
        """flushUnschedulablePodsLeftover: retry pods that have waited more than 5 minutes."""
        for key, since in sorted(self.unschedulable.items()):
            if self.clock.now - since > MAX_IN_UNSCHEDULABLE:
                self.move(key)
        self.clock.call_later(FLUSH_PERIOD, self.flush)

    def __len__(self) -> int:
        return len(self.active) + len(self.backing_off) + len(self.unschedulable)
