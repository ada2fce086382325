"""Exponential back-off, as the kubelet uses it for CrashLoopBackOff.

Mirrors client-go's util/flowcontrol.Backoff. The first failure restarts at
once and starts a back-off of 10 s; each failure inside the back-off window
doubles it, up to 300 s. An entry that has not been touched for twice the
cap (10 minutes) is forgotten, so a container that ran fine for 10 minutes
starts again at 10 s. Times are seconds on the cluster clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8slite.clock import INSTANT

BACKOFF_PERIOD = 10.0  # kubelet.go backOffPeriod: the first back-off of a container or an image pull
MAX_CONTAINER_BACKOFF = 300.0  # kubelet.go MaxContainerBackOff: where the doubling stops


@dataclass
class Entry:
    backoff: float
    last_update: float


class Backoff:
    """Per-key back-off durations."""

    def __init__(self, initial: float = BACKOFF_PERIOD, cap: float = MAX_CONTAINER_BACKOFF) -> None:
        self.initial, self.cap = initial, cap
        self.entries: dict[str, Entry] = {}

    def expired(self, entry: Entry, event_time: float) -> bool:
        return event_time - entry.last_update > 2 * self.cap

    def next(self, key: str, event_time: float) -> float:
        """Record a failure at event_time; the new back-off."""
        entry = self.entries.get(key)
        if entry is None or self.expired(entry, event_time):
            entry = self.entries[key] = Entry(self.initial, event_time)
        else:
            entry.backoff = min(entry.backoff * 2, self.cap)
            entry.last_update = event_time
        return entry.backoff

    def in_backoff_since(self, key: str, event_time: float, now: float) -> bool:
        """True while `now` is within the back-off that started at event_time."""
        entry = self.entries.get(key)
        if entry is None or self.expired(entry, event_time):
            return False
        return now - event_time < entry.backoff - INSTANT  # (12.613 + 20 - 12.613 may be 19.999999999999996)

    def get(self, key: str) -> float:
        entry = self.entries.get(key)
        return entry.backoff if entry else 0.0
