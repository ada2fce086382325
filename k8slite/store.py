"""A watchable, versioned key-value store: the etcd under the API server.

Mirrors the parts of etcd that Kubernetes relies on: every write bumps one
global revision; each key remembers the revision that last changed it
(mod_revision, which the API server shows as resourceVersion); writes can be
conditional on that revision (compare-and-swap), and a watch can start from
any revision still in the history and receives every change after it in
order. The history is bounded, as etcd compacts: a watcher that comes back
too late is told so and must list again.

Simplified: one process, no leases, no transactions beyond one key, and
watch events are queued for the watcher rather than streamed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from k8slite.errors import Expired

ADDED, MODIFIED, DELETED = "ADDED", "MODIFIED", "DELETED"


@dataclass(frozen=True)
class WatchEvent:
    """One change: `type` is ADDED, MODIFIED or DELETED; `value` the new (or last) value."""

    type: str
    key: str
    value: Any
    revision: int


class KeyExists(Exception):
    """create() on a key that is already there."""


class KeyMissing(Exception):
    """update() or delete() of a key that is not there."""


class RevisionMismatch(Exception):
    """A compare-and-swap whose expected revision is not the key's revision."""


class Watch:
    """Events under a prefix, queued until the watcher drains them."""

    def __init__(self, prefix: str, notify: Callable[[], None] | None,
                 match: Callable[[Any], bool] | None = None) -> None:
        self.prefix, self.match = prefix, match
        self.events: deque[WatchEvent] = deque()
        self.notify = notify
        self.stopped = False

    def wants(self, event: WatchEvent) -> bool:
        return event.key.startswith(self.prefix) and (self.match is None or self.match(event.value))

    def drain(self) -> list[WatchEvent]:
        events = list(self.events)
        self.events.clear()
        return events

    def stop(self) -> None:
        self.stopped = True


class Store:
    """Keys to values, with revisions, compare-and-swap and watch."""

    def __init__(self, history: int = 10_000) -> None:
        self.revision = 0
        self._data: dict[str, tuple[Any, int]] = {}
        self._history: deque[WatchEvent] = deque(maxlen=history)
        self._watches: list[Watch] = []

    def get(self, key: str) -> tuple[Any, int] | None:
        """The value and its mod revision, or None."""
        return self._data.get(key)

    def list(self, prefix: str) -> list[tuple[str, Any, int]]:
        """Every (key, value, mod revision) under prefix, sorted by key."""
        return [(k, v, r) for k, (v, r) in sorted(self._data.items()) if k.startswith(prefix)]

    def create(self, key: str, value: Any) -> int:
        if key in self._data:
            raise KeyExists(key)
        return self._write(ADDED, key, value)

    def update(self, key: str, value: Any, expected_revision: int | None = None) -> int:
        self._check(key, expected_revision)
        return self._write(MODIFIED, key, value)

    def delete(self, key: str, expected_revision: int | None = None) -> int:
        value, _ = self._check(key, expected_revision)
        self.revision += 1
        del self._data[key]
        self._publish(WatchEvent(DELETED, key, value, self.revision))
        return self.revision

    def watch(self, prefix: str, from_revision: int | None = None,
              notify: Callable[[], None] | None = None,
              match: Callable[[Any], bool] | None = None) -> Watch:
        """Changes under prefix after `from_revision` (default: from now on), filtered by `match`."""
        watch = Watch(prefix, notify, match)
        if from_revision is not None and from_revision < self.revision:
            oldest = self._history[0].revision if self._history else self.revision + 1
            if from_revision + 1 < oldest:
                raise Expired(f"too old resource version: {from_revision} ({oldest - 1})")
            watch.events.extend(e for e in self._history
                                if e.revision > from_revision and watch.wants(e))
        self._watches.append(watch)
        if watch.events and notify:
            notify()
        return watch

    def _check(self, key: str, expected_revision: int | None) -> tuple[Any, int]:
        current = self._data.get(key)
        if current is None:
            raise KeyMissing(key)
        if expected_revision is not None and current[1] != expected_revision:
            raise RevisionMismatch(key)
        return current

    def _write(self, type_: str, key: str, value: Any) -> int:
        self.revision += 1
        self._data[key] = (value, self.revision)
        self._publish(WatchEvent(type_, key, value, self.revision))
        return self.revision

    def _publish(self, event: WatchEvent) -> None:
        self._history.append(event)
        self._watches = [w for w in self._watches if not w.stopped]
        for watch in self._watches:
            if watch.wants(event):
                watch.events.append(event)
                if watch.notify:
                    watch.notify()
