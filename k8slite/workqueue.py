"""The work queue: keys to reconcile, and the one place that decides retries.

Mirrors client-go's workqueue (the rate-limiting queue of
kubernetes/sample-controller). Informers `add` keys; a worker takes each
key off the queue and calls the controller's `sync(key)`. When `sync`
raises an ApiError, the queue logs it ("error syncing ...: requeuing") and
puts the key back later, `add_rate_limited`: 5 ms after the first failure
in a row, then 10 ms, 20 ms ... up to 1000 s (ItemExponentialFailureRateLimiter),
and never faster than 10 keys a second with a burst of 100 overall
(BucketRateLimiter); the larger of the two delays wins, as in
DefaultControllerRateLimiter. A sync that returns normally `forget`s the
key's failures. Controllers therefore never choose their own retry: they
raise, and a refused create (a quota, say) is tried again 5 ms, 10 ms,
20 ms ... later, as in a real cluster.

Simplified: no threads. The queue runs on the clock with `call_soon`, a
delayed key is a clock timer (the earliest wins, as the delaying queue's
waitingForQueue does), and the token bucket counts cluster time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from k8slite.clock import Timer, VirtualClock
from k8slite.errors import ApiError

BASE_DELAY = 0.005  # seconds: DefaultControllerRateLimiter's first retry of a key
MAX_DELAY = 1000.0  # ... doubling up to this
QPS, BURST = 10.0, 100  # the overall token bucket: 10 retries a second, 100 at once


class ItemExponentialFailureRateLimiter:
    """base * 2**failures for each key, capped; `forget` resets a key."""

    def __init__(self, base: float = BASE_DELAY, cap: float = MAX_DELAY) -> None:
        self.base, self.cap = base, cap
        self.failures: dict[str, int] = {}

    def when(self, key: str) -> float:
        failures = self.failures.get(key, 0)
        self.failures[key] = failures + 1
        return min(self.base * 2.0 ** min(failures, 64), self.cap)  # 2**64: far past the cap, no overflow

    def num_requeues(self, key: str) -> int:
        return self.failures.get(key, 0)

    def forget(self, key: str) -> None:
        self.failures.pop(key, None)


class BucketRateLimiter:
    """A token bucket on the cluster clock (golang.org/x/time/rate): `qps` tokens a second, `burst` at most."""

    def __init__(self, clock: VirtualClock, qps: float = QPS, burst: int = BURST) -> None:
        self.clock, self.qps, self.burst = clock, qps, burst
        self.tokens, self.last = float(burst), clock.now

    def when(self, key: str) -> float:
        now = self.clock.now
        self.tokens = min(float(self.burst), self.tokens + (now - self.last) * self.qps) - 1.0
        self.last = now
        return max(0.0, -self.tokens / self.qps)

    def num_requeues(self, key: str) -> int:
        return 0

    def forget(self, key: str) -> None:
        pass


class RateLimiter:
    """DefaultControllerRateLimiter: the longer wait of the per-key back-off and the overall bucket."""

    def __init__(self, clock: VirtualClock) -> None:
        self.limiters = (ItemExponentialFailureRateLimiter(), BucketRateLimiter(clock))

    def when(self, key: str) -> float:
        return max(limiter.when(key) for limiter in self.limiters)

    def num_requeues(self, key: str) -> int:
        return max(limiter.num_requeues(key) for limiter in self.limiters)

    def forget(self, key: str) -> None:
        for limiter in self.limiters:
            limiter.forget(key)


class WorkQueue:
    """Keys to reconcile, each at most once in the queue; processed on the clock, in order.

    `process(key)` is the controller's sync: when it raises an ApiError the key
    comes back after the rate limiter's delay; when it returns, the key's
    failures are forgotten."""

    def __init__(self, clock: VirtualClock, process: Callable[[str], None]) -> None:
        self.clock, self.process = clock, process
        self.pending: list[str] = []
        self.queued: set[str] = set()  # the keys of pending, to ask "already queued?" at once
        self.delayed: dict[str, Timer] = {}
        self.rate_limiter = RateLimiter(clock)
        self.errors: deque[str] = deque(maxlen=100)  # the last sync errors, as the controller logs them
        self._scheduled = False

    def add(self, key: str) -> None:
        if key not in self.queued:
            self.pending.append(key)
            self.queued.add(key)
        if not self._scheduled:
            self._scheduled = True
            self.clock.call_soon(self.run)

    def add_after(self, key: str, delay: float) -> None:
        """Requeue later (e.g. to check again when a toleration runs out); the earliest wins."""
        timer = self.delayed.get(key)
        if timer and not timer.cancelled and timer.when <= self.clock.now + delay:
            return
        if timer:
            timer.cancel()
        self.delayed[key] = self.clock.call_later(delay, lambda: self._fire(key))

    def add_rate_limited(self, key: str) -> None:
        """Requeue after a failure: the rate limiter says when."""
        self.add_after(key, self.rate_limiter.when(key))

    def forget(self, key: str) -> None:
        """The key synced: its next failure starts the back-off again from 5 ms."""
        self.rate_limiter.forget(key)

    def num_requeues(self, key: str) -> int:
        return self.rate_limiter.num_requeues(key)

    def _fire(self, key: str) -> None:
        self.delayed.pop(key, None)
        self.add(key)

    def run(self) -> None:
        """Process the keys queued so far; keys added meanwhile wait for the next turn, after the
        informers have caught up with the writes that this batch made."""
        self._scheduled = False
        batch, self.pending = self.pending, []
        self.queued = set()
        for key in batch:
            self.process_one(key)

    def process_one(self, key: str) -> None:
        """processNextWorkItem: sync the key; on an error, log it and requeue it rate-limited."""
        try:
            self.process(key)
        except ApiError as err:
            self.errors.append(f"error syncing {key!r}: {err}, requeuing")
            self.add_rate_limited(key)
        else:
            self.forget(key)
