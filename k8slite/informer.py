"""Informers and work queues: how components learn about changes.

Mirrors client-go's SharedInformer and workqueue, the pattern of
kubernetes/sample-controller. An informer lists a kind once, then watches
from that revision, keeping a local cache and calling a handler for every
change; the handler only puts a key on a work queue. A worker takes keys
off the queue and reconciles each against the *current* cache, so it does
not matter which event woke it, or whether one was missed: a periodic
resync puts every key back on the queue (level-triggered, not edge-).

In the simulation nothing runs on threads: the watch wakes the informer
through `clock.call_soon`, and the queue processes keys the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from k8slite.api.meta import KubeObject
from k8slite.apiserver import APIServer
from k8slite.clock import Timer, VirtualClock
from k8slite.store import DELETED

Handler = Callable[[str, KubeObject], None]


def object_key(obj: KubeObject) -> str:
    """`namespace/name`, or `name` for cluster-scoped objects, as client-go's MetaNamespaceKeyFunc."""
    return f"{obj.namespace}/{obj.name}" if obj.namespace else obj.name


class Informer:
    """A cache of one kind kept current by list + watch; calls handler(event_type, obj)."""

    def __init__(self, api: APIServer, kind: str, handler: Handler, namespace: str | None = None,
                 match: Callable[[KubeObject], bool] | None = None) -> None:
        self.api, self.kind, self.handler = api, kind, handler
        self.cache: dict[str, KubeObject] = {}
        self.drop: Callable[[], bool] = lambda: False  # a fault hook: drop watch events
        self._scheduled = False
        revision = api.store.revision
        for obj in api.list(kind, namespace, match):
            self.cache[object_key(obj)] = obj
        self.watch = api.watch(kind, namespace, revision, notify=self.wake, match=match)
        for obj in list(self.cache.values()):
            handler("ADDED", obj)

    def wake(self) -> None:
        if not self._scheduled:
            self._scheduled = True
            self.api.clock.call_soon(self.pump)

    def pump(self) -> None:
        self._scheduled = False
        for event in self.watch.drain():
            obj: KubeObject = event.value
            if event.type == DELETED:
                self.cache.pop(object_key(obj), None)
            else:
                self.cache[object_key(obj)] = obj
            if not self.drop():
                self.handler(event.type, obj)

    def list(self) -> list[KubeObject]:
        return [self.cache[k] for k in sorted(self.cache)]

    def get(self, key: str) -> KubeObject | None:
        return self.cache.get(key)

    def stop(self) -> None:
        self.watch.stop()


class WorkQueue:
    """Keys to reconcile, each at most once in the queue; processed on the clock, in order."""

    def __init__(self, clock: VirtualClock, process: Callable[[str], None]) -> None:
        self.clock, self.process = clock, process
        self.pending: list[str] = []
        self.delayed: dict[str, Timer] = {}
        self._scheduled = False

    def add(self, key: str) -> None:
        if key not in self.pending:
            self.pending.append(key)
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

    def _fire(self, key: str) -> None:
        self.delayed.pop(key, None)
        self.add(key)

    def run(self) -> None:
        """Process the keys queued so far; keys added meanwhile wait for the next turn, after the
        informers have caught up with the writes that this batch made."""
        self._scheduled = False
        batch, self.pending = self.pending, []
        for key in batch:
            self.process(key)

    def __len__(self) -> int:
        return len(self.pending)
