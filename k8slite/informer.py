"""Informers and work queues: how components learn about changes.

Mirrors client-go's SharedInformer and workqueue, the pattern of
kubernetes/sample-controller. An informer lists a kind once, then watches
from that revision, keeping a local cache and calling a handler for every
change; the handler only puts a key on a work queue. A worker takes keys
off the queue and reconciles each against the *current* cache, so it does
not matter which event woke it, or whether one was missed: a periodic
resync puts every key back on the queue (level-triggered, not edge-).

In the simulation nothing runs on threads: the watch wakes the informer
through `clock.call_soon`, and the queue processes keys the same way. The
work queue itself, and how it retries a key whose sync failed, is
k8slite/workqueue.py.

An informer can also keep indexes (client-go's Indexer): `add_index(
"spec.nodeName", lambda pod: pod.spec.node_name)`, then `by_index(
"spec.nodeName", "node-1")` gives that node's pods without looking at every
pod of the cluster, which matters when every node heartbeat asks. A
`Tally` goes one step further: counts (the ReplicaSet's active and Ready
pods) that every change to the cache updates, so that a sync reads a
number instead of counting 100,000 pods.

The controllers of one program share their informers, as client-go's
SharedInformerFactory lets kube-controller-manager's: an `InformerFactory`
keeps one `SharedInformer` per kind (one list, one watch, one cache) and
gives each controller a `Listener` with its own handler, so a pod write is
cached once, not once per controller (controllers/__init__.py).
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable
from typing import Any, Protocol

from sortedcontainers import SortedList

from k8slite.api.meta import KubeObject
from k8slite.apiserver import APIServer
from k8slite.store import DELETED
from k8slite.workqueue import WorkQueue

__all__ = ["Handler", "Indexer", "Informer", "InformerFactory", "Listener", "SharedInformer", "Tally", "WorkQueue",
           "object_key"]

Handler = Callable[[str, KubeObject], None]


def object_key(obj: KubeObject) -> str:
    """`namespace/name`, or `name` for cluster-scoped objects, as client-go's MetaNamespaceKeyFunc.
    Interned: the informers of a cluster that all cache a pod share one key string."""
    meta = obj.metadata
    return sys.intern(f"{meta.namespace}/{meta.name}") if meta.namespace else meta.name


class Tally(Protocol):
    """Counts over an informer's cache that follow its changes (the scheduler cache's idea: keep the
    numbers a sync needs current object by object, instead of counting every object at every sync)."""

    def count(self, obj: KubeObject) -> None: ...

    def forget(self, obj: KubeObject) -> None: ...


class Indexer(dict[str, KubeObject]):
    """An informer's cache, key -> object, that can also keep keys by index (client-go's cache.Indexer).

    Writes go through `cache[key] = obj` and `pop`, so the indexes follow every
    change, the informer's and a controller's own "assumed" writes alike. Each
    index value keeps its keys sorted, so by_index() needs no sort."""

    def __init__(self) -> None:
        super().__init__()
        self.indexers: dict[str, Callable[[KubeObject], str]] = {}
        # index name -> value -> keys, sorted (a SortedList: a ReplicaSet's 150,000 pods are one value, and a
        # plain list would move half of them at every insert)
        self.indexes: dict[str, dict[str, SortedList]] = {}
        self.tallies: list[Tally] = []  # counts kept current by every change, as the indexes are

    def add_index(self, name: str, indexer: Callable[[KubeObject], str]) -> None:
        self.indexers[name], self.indexes[name] = indexer, {}
        for key in sorted(self):
            self.indexes[name].setdefault(indexer(self[key]), SortedList()).add(key)

    def by_index(self, name: str, value: str) -> list[KubeObject]:
        """The objects whose index `name` is `value`, sorted by key (Indexer.ByIndex)."""
        return [self[key] for key in self.indexes[name].get(value, ())]

    def add_tally(self, tally: Tally) -> None:
        """Keep `tally` current: told of every object before it changes (forget) and after (count)."""
        self.tallies.append(tally)
        for key in sorted(self):
            tally.count(self[key])

    def __setitem__(self, key: str, obj: KubeObject) -> None:
        if not self.tallies and not self.indexers:  # most caches: nothing to keep up to date
            super().__setitem__(key, obj)
            return
        old = self.get(key)
        for tally in self.tallies:
            if old is not None:
                tally.forget(old)
            tally.count(obj)
        for name, indexer in self.indexers.items():
            value = indexer(obj)
            if old is not None:
                before = indexer(old)
                if before == value:
                    continue
                self.drop_key(name, before, key)
            self.indexes[name].setdefault(value, SortedList()).add(key)
        super().__setitem__(key, obj)

    def __delitem__(self, key: str) -> None:
        self.unindex(key)
        super().__delitem__(key)

    def pop(self, key: str, *default: Any) -> Any:
        self.unindex(key)
        return super().pop(key, *default)

    def unindex(self, key: str) -> None:
        old = self.get(key)
        if old is not None:
            for tally in self.tallies:
                tally.forget(old)
            for name, indexer in self.indexers.items():
                self.drop_key(name, indexer(old), key)

    def drop_key(self, name: str, value: str, key: str) -> None:
        keys = self.indexes[name].get(value)
        if keys is not None:
            keys.discard(key)


class Informer:
    """A cache of one kind kept current by list + watch; calls handler(event_type, obj)."""

    def __init__(self, api: APIServer, kind: str, handler: Handler, namespace: str | None = None,
                 match: Callable[[KubeObject], bool] | None = None) -> None:
        self.api, self.kind, self.handler = api, kind, handler
        self.cache = Indexer()
        self.drop: Callable[[], bool] = lambda: False  # a fault hook: drop watch events
        self._scheduled = False
        objects, revision = api.list_at(kind, namespace, match)  # the list, and the revision it was read at
        for obj in objects:
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

    def add_index(self, name: str, indexer: Callable[[KubeObject], str]) -> None:
        """Keep the cached objects' keys by `indexer(obj)` too, e.g. pods by spec.nodeName (AddIndexers)."""
        self.cache.add_index(name, indexer)

    def by_index(self, name: str, value: str) -> builtins.list[KubeObject]:
        """The cached objects whose index `name` is `value`, sorted by key (ByIndex)."""
        return self.cache.by_index(name, value)

    def stop(self) -> None:
        self.watch.stop()


class SharedInformer(Informer):
    """One list + watch and one cache of a kind for every controller of a program that asks for it, each
    with its own handler: client-go's sharedIndexInformer, which kube-controller-manager's informer
    factory gives all its controllers. A pod write is cached once, not once per controller."""

    def __init__(self, api: APIServer, kind: str) -> None:
        self.listeners: builtins.list[Listener] = []
        super().__init__(api, kind, self.tell)

    def tell(self, event_type: str, obj: KubeObject) -> None:
        for listener in tuple(self.listeners):  # a handler may stop its listener
            if not listener.drop():
                listener.handler(event_type, obj)

    def add_index(self, name: str, indexer: Callable[[KubeObject], str]) -> None:
        if name not in self.cache.indexers:  # a second controller asking for the same index shares it
            self.cache.add_index(name, indexer)


class Listener(Informer):
    """One controller's informer on a SharedInformer (AddEventHandler): its handler hears every change, and
    first the cached objects as ADDED; the cache, its indexes and the watch are the shared informer's."""

    def __init__(self, shared: SharedInformer, handler: Handler) -> None:  # no list and no watch of its own
        self.api, self.kind, self.handler, self.shared = shared.api, shared.kind, handler, shared
        self.cache, self.watch = shared.cache, shared.watch
        self.drop = lambda: False
        shared.listeners.append(self)
        for obj in builtins.list(self.cache.values()):
            handler("ADDED", obj)

    def add_index(self, name: str, indexer: Callable[[KubeObject], str]) -> None:
        self.shared.add_index(name, indexer)

    def stop(self) -> None:
        self.shared.listeners.remove(self)
        if not self.shared.listeners:
            self.shared.stop()


class InformerFactory:
    """The shared informers of one program (client-go's SharedInformerFactory): `informer(kind, handler)`
    gives a Listener on the program's one informer of that kind, made at the first request."""

    def __init__(self, api: APIServer) -> None:
        self.api = api
        self.informers: dict[str, SharedInformer] = {}

    def informer(self, kind: str, handler: Handler) -> Listener:
        shared = self.informers.get(kind)
        if shared is None or shared.watch.stopped:
            shared = self.informers[kind] = SharedInformer(self.api, kind)
        return Listener(shared, handler)
