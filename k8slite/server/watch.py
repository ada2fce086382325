"""Watch over HTTP: `?watch=true` answers a chunked stream of `{"type": "ADDED", "object": {...}}` lines
(k8s.io/apiserver/pkg/endpoints/handlers/watch.go).

A client lists, then watches from the list's resourceVersion, so that it
misses nothing in between; the store (k8slite.store) replays every change
after that revision and then queues new ones. Without a resourceVersion
(or with "0") the watch starts with an ADDED event for every object there
now, as the watch cache does. `timeoutSeconds` ends the stream, and the
client watches again. A resourceVersion the store has compacted away is
410 Gone (`too old resource version`), and the client must list again.
A client that sends `allowWatchBookmarks=true` (an informer) also gets
BOOKMARK events, an object with only its kind and a resourceVersion, every
minute and 2 s before the stream's timeout, as the watch cache sends them:
"everything up to this revision has been sent to you", so that a watch
restarted from the bookmark's resourceVersion need not go back further
(and hit a 410) when nothing it watches has changed for a long time.
kubectl get -w asks for Table objects; each event then carries a one-row
Table, the column definitions only in the first.

The simulation is single-threaded: the stream's thread waits on a
threading.Event that the store's notify callback sets, then drains the
watch while holding the server's lock. Left out: DELETED events for
objects that stop matching a selector, and the initial-events-end bookmark
of sendInitialEvents (WatchList).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k8slite.api.meta import KubeObject, shallow
from k8slite.kubectl.selectors import fields_match, selector_matches
from k8slite.server import rest, tables, wire
from k8slite.server.paths import Target
from k8slite.store import DELETED, Watch

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

DEFAULT_TIMEOUT = 1800.0  # seconds: the server's --min-request-timeout is 1800
POLL = 0.5  # how often a waiting stream looks at whether the server is closing
BOOKMARK_FREQUENCY = 60.0  # seconds: the watch cache's bookmarkFrequency


class Stream:
    """One watch request: opened under the lock, then written to the client until it ends."""

    def __init__(self, cluster: Cluster, lock: threading.RLock, target: Target, query: dict[str, str],
                 as_table: bool, times: Callable[[Any], Any] = lambda data: data) -> None:
        self.cluster, self.lock, self.target, self.query, self.as_table = cluster, lock, target, query, as_table
        self.times = times  # the handler's wall-clock shift of timestamps (wallclock.py)
        self.wake = threading.Event()
        self.first = True
        self.bookmarks = query.get("allowWatchBookmarks") in ("true", "1")
        labels, fields = query.get("labelSelector", ""), query.get("fieldSelector", "")

        def match(obj: KubeObject) -> bool:
            return selector_matches(labels, obj.metadata.labels) and fields_match(fields, obj)
        with lock:
            rv = query.get("resourceVersion", "")
            self.initial = [] if rv not in ("", "0") else rest.list_objects(cluster, target, query)
            self.watch: Watch = cluster.api.watch(target.kind.plural, target.namespace,
                                                  int(rv) if rv not in ("", "0") else None, self.wake.set, match)

    def run(self, write: Callable[[bytes], None], closing: threading.Event) -> None:
        """Send the events until timeoutSeconds, the server closing, or the client going away."""
        deadline = time.monotonic() + float(self.query.get("timeoutSeconds") or DEFAULT_TIMEOUT)  # real time
        try:
            with self.lock:
                lines = [self.line("ADDED", obj) for obj in self.initial]
            for line in lines:
                write(line)
            bookmark_at = next_bookmark(time.monotonic(), deadline)
            while time.monotonic() < deadline and not closing.is_set():
                self.wake.wait(POLL)
                self.wake.clear()
                with self.lock:
                    lines = [self.line(e.type, deleted_at(e.value, e.revision) if e.type == DELETED else e.value)
                             for e in self.watch.drain()]
                    if self.bookmarks and time.monotonic() >= bookmark_at:
                        lines.append(self.bookmark())
                        bookmark_at = next_bookmark(time.monotonic(), deadline)
                for line in lines:
                    write(line)
        except OSError:
            pass  # the client went away
        finally:
            with self.lock:
                self.watch.stop()

    def bookmark(self) -> bytes:
        """A BOOKMARK: the kind and the store's revision, every change up to which has been sent."""
        kind = self.target.kind
        return wire.dumps({"type": "BOOKMARK", "object": {
            "kind": kind.kind, "apiVersion": kind.api_version,
            "metadata": {"resourceVersion": str(self.cluster.api.store.revision)}}}).encode() + b"\n"

    def line(self, type_: str, obj: KubeObject) -> bytes:
        """One event, as a line of JSON (a Table of one row when kubectl asked for tables)."""
        if self.as_table:
            payload = tables.table(self.target.kind, [obj], self.cluster.now, obj.metadata.resource_version,
                                   self.query.get("includeObject", "Metadata"), self.first)
            self.first = False
        else:
            payload = wire.encode(obj)
        return wire.dumps({"type": type_, "object": self.times(payload)}).encode() + b"\n"


def deleted_at(obj: KubeObject, revision: int) -> KubeObject:
    """The last state of a deleted object, at the revision of its deletion (as etcd3's watcher decodes a
    delete: the previous value, versioned with the delete's revision), so a client resumes after it."""
    copied = shallow(obj)
    copied.metadata = shallow(obj.metadata)
    copied.metadata.resource_version = str(revision)
    return copied


def next_bookmark(now: float, deadline: float) -> float:
    """nextBookmarkTime: a minute on, or 2 s before the stream's deadline if that comes first (and is ahead)."""
    before_end = deadline - 2.0
    return min(now + BOOKMARK_FREQUENCY, before_end) if before_end > now else now + BOOKMARK_FREQUENCY
