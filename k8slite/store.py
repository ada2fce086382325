"""A watchable, versioned key-value store: the etcd under the API server.

Mirrors the parts of etcd that Kubernetes relies on: every write bumps one
global revision; each key remembers the revision that last changed it
(mod_revision, which the API server shows as resourceVersion); writes can be
conditional on that revision (compare-and-swap), and a watch can start from
any revision still in the history and receives every change after it in
order. The history is bounded, as etcd compacts: a watcher that comes back
too late is told so and must list again.

Watches are indexed by their prefix (as the API server's watch cache
indexes watchers by resource and namespace): a change is offered only to the
watches whose prefix ends at one of the key's "/" (for
/registry/pods/default/web: "/", "/registry/", "/registry/pods/",
/registry/pods/default/), not to every watch; the few whose prefix ends
elsewhere are asked one by one. Watches are told in the order they were
opened, so a simulation replays the same.

A read at a past revision (`snapshot`, which a paged list's later pages
use) undoes the history's later changes from the current values.

Simplified: one process, no leases, no transactions beyond one key, and
watch events are queued for the watcher rather than streamed.
"""

from __future__ import annotations

import builtins
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sortedcontainers import SortedList

from k8slite.errors import Expired

ADDED, MODIFIED, DELETED = "ADDED", "MODIFIED", "DELETED"


@dataclass(slots=True, frozen=True)
class WatchEvent:
    """One change: `type` is ADDED, MODIFIED or DELETED; `value` the new (or last) value."""

    type: str
    key: str
    value: Any
    revision: int
    previous: Any = None
    """A MODIFIED event's value before the change (what snapshot() puts back); None otherwise."""


class KeyExists(Exception):
    """create() on a key that is already there."""


class KeyMissing(Exception):
    """update() or delete() of a key that is not there."""


class RevisionMismatch(Exception):
    """A compare-and-swap whose expected revision is not the key's revision."""


@dataclass(slots=True, frozen=True)
class FieldMatch:
    """A field selector such as spec.nodeName=node-1, used as a watch's `match`.

    `field` names it, `read(value)` reads it, `wanted` is the value to match.
    The store keeps such watches by field and wanted value, so a write is
    offered only to the watches that want its value: a pod bound to node-7
    wakes node-7's kubelet, not all 5,000 (kube-apiserver's watch cache
    indexes pods by spec.nodeName for the kubelets' watches the same way)."""

    field: str
    read: Callable[[Any], Any]
    wanted: Any

    def __call__(self, value: Any) -> bool:
        return bool(self.read(value) == self.wanted)


class Watch:
    """Events under a prefix, queued until the watcher drains them."""

    def __init__(self, prefix: str, notify: Callable[[], None] | None,
                 match: Callable[[Any], bool] | None = None) -> None:
        self.prefix, self.match = prefix, match
        self.events: deque[WatchEvent] = deque()
        self.notify = notify
        self.stopped = False
        self.seq = 0  # the order it was opened in: watches are told in that order

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
        # sorted, so a list by prefix is a range (etcd's keys are ordered too); a SortedList inserts in
        # O(log n), where a plain list moves every later key (a million Events: a megabyte per write)
        self._keys: SortedList = SortedList()
        self._history: deque[WatchEvent] = deque(maxlen=history)
        self._watches: dict[str, list[Watch]] = {}  # prefix ending in "/" -> its watches
        self._other_watches: list[Watch] = []  # prefixes that end elsewhere: asked one by one
        # prefix -> field -> (how to read it, wanted value -> watches): the FieldMatch watches
        self._field_watches: dict[str, dict[str, tuple[Callable[[Any], Any], dict[Any, list[Watch]]]]] = {}
        self._opened = 0
        self._levels: dict[str, tuple[str, ...]] = {}  # a key's directory -> its prefixes that have watches

    def get(self, key: str) -> tuple[Any, int] | None:
        """The value and its mod revision, or None."""
        return self._data.get(key)

    def list(self, prefix: str) -> list[tuple[str, Any, int]]:
        """Every (key, value, mod revision) under prefix, sorted by key."""
        keys = self._keys.irange(prefix, prefix + "\U0010ffff")  # up to past every key that starts with prefix
        return [(k, *self._data[k]) for k in keys]

    def snapshot(self, prefix: str, revision: int) -> builtins.list[tuple[str, Any]]:
        """Every (key, value) under prefix as it was at `revision`, sorted by key: etcd's read at a past
        revision, rebuilt from the current values by undoing the history's later changes. Expired when
        the history no longer reaches back that far (etcd: "required revision has been compacted")."""
        state = {k: v for k, v, _ in self.list(prefix)}
        if revision >= self.revision:
            return sorted(state.items())
        oldest = self._history[0].revision if self._history else self.revision + 1
        if revision + 1 < oldest:
            raise Expired(f"too old resource version: {revision} ({oldest - 1})")
        for event in reversed(self._history):
            if event.revision <= revision:
                break
            if not event.key.startswith(prefix):
                continue
            if event.type == ADDED:
                state.pop(event.key, None)
            else:  # MODIFIED: the value before; DELETED: the last value
                state[event.key] = event.previous if event.type == MODIFIED else event.value
        return sorted(state.items())

    def create(self, key: str, value: Any) -> int:
        if key in self._data:
            raise KeyExists(key)
        return self._write(ADDED, key, value)

    def update(self, key: str, value: Any, expected_revision: int | None = None) -> int:
        self._check(key, expected_revision)
        return self._write(MODIFIED, key, value)

    def delete(self, key: str, expected_revision: int | None = None) -> int:
        value, _ = self._check(key, expected_revision)
        return self._apply(DELETED, key, value, self.revision + 1)

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
        self._opened += 1
        watch.seq = self._opened
        self._levels.clear()
        if prefix.endswith("/") and isinstance(match, FieldMatch):
            by_field = self._field_watches.setdefault(prefix, {})
            by_field.setdefault(match.field, (match.read, {}))[1].setdefault(match.wanted, []).append(watch)
        elif prefix.endswith("/"):
            self._watches.setdefault(prefix, []).append(watch)
        else:
            self._other_watches.append(watch)
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
        return self._apply(type_, key, value, self.revision + 1)

    def _apply(self, type_: str, key: str, value: Any, revision: int) -> int:
        """Record a change made at `revision` and tell the watches (an EtcdStore passes etcd's revision)."""
        self.revision = revision
        previous = self._data[key][0] if type_ == MODIFIED else None
        if type_ == DELETED:
            del self._data[key]
            self._keys.remove(key)
        else:
            if key not in self._data:
                self._keys.add(key)
            self._data[key] = (value, revision)
        self._publish(WatchEvent(type_, key, value, revision, previous))
        return revision

    def _publish(self, event: WatchEvent) -> None:
        self._history.append(event)
        for watch in self._watches_of(event.key, event.value):
            if watch.match is None or watch.match(event.value):
                watch.events.append(event)
                if watch.notify:
                    watch.notify()

    def _watches_of(self, key: str, value: Any = None) -> Sequence[Watch]:
        """The open watches whose prefix the key starts with (field watches: only those wanting the
        value's field), in the order they were opened."""
        found = [w for w in self._other_watches if not w.stopped and key.startswith(w.prefix)]
        lists = 1 if found else 0
        for prefix in self._watched_levels(key):
            watches = [self._watches.get(prefix)]
            for read, by_value in self._field_watches.get(prefix, {}).values():
                watches.append(by_value.get(read(value)))
            for some in watches:
                if some:
                    if any(w.stopped for w in some):
                        some[:] = [w for w in some if not w.stopped]
                    found.extend(some)
                    lists += 1
        if lists > 1:  # each list is in opening order already
            found.sort(key=lambda w: w.seq)
        return found

    def _watched_levels(self, key: str) -> tuple[str, ...]:
        """The key's prefixes that end at one of its "/" and have watches (none, for an Event's key), worked
        out once per directory until the next watch opens."""
        directory = key[:key.rfind("/") + 1]
        levels = self._levels.get(directory)
        if levels is None:
            ends = [i for i, char in enumerate(directory) if char == "/"]
            levels = tuple(p for p in (directory[:end + 1] for end in ends)
                           if p in self._watches or p in self._field_watches)
            self._levels[directory] = levels
        return levels
