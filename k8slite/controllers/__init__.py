"""Controllers: reconcile loops that make the actual state match the declared one.

Mirrors kube-controller-manager (pkg/controller). Every controller has the
shape of kubernetes/sample-controller: informers put keys on a work queue,
and `sync(key)` reconciles one object from the current state of the caches,
whatever event woke it. A resync every RESYNC_PERIOD seconds puts every key
back, so a lost event delays convergence but never prevents it.

Errors have one home. A `sync` that meets a refused write (a quota, a stale
copy: Conflict) raises the ApiError, and the work queue requeues the key
with client-go's rate limiter, 5 ms, 10 ms, 20 ms ... (k8slite/workqueue.py);
a sync that ends normally resets the key's back-off. A sync that must go on
after one failure, say deleting many pods, gathers the errors in an
`Aggregate` and raises the first at the end. A NotFound on a delete is not
a failure: the object is already gone.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from k8slite.api.meta import KubeObject
from k8slite.apiserver import APIServer
from k8slite.events import EventRecorder
from k8slite.informer import Handler, Informer, InformerFactory, WorkQueue, object_key

RESYNC_PERIOD = 30.0

# kube-controller-manager's informer factory: its controllers share one informer per kind (one controller
# manager per API server here), so a pod write is cached once for all of them, not once per controller.
INFORMERS: WeakKeyDictionary[APIServer, InformerFactory] = WeakKeyDictionary()


class Controller:
    """The common part: a recorder, a work queue, and a periodic resync of `resync_keys()`."""

    name = "controller"

    def __init__(self, api: APIServer) -> None:
        self.api = api
        self.clock = api.clock
        self.recorder = EventRecorder(api, self.name)
        self.queue = WorkQueue(api.clock, self.sync)

    def informer(self, kind: str, handler: Handler, own: bool = False) -> Informer:
        """This controller's informer of `kind`, on the controller manager's shared one (the cache shared);
        `own`: a cache of its own, for a controller that puts its writes in it before the watch brings them
        (the pods it just made, "assumed"): in a shared cache the other controllers would see them early."""
        if own:
            return Informer(self.api, kind, handler)
        factory = INFORMERS.get(self.api)
        if factory is None:
            factory = INFORMERS[self.api] = InformerFactory(self.api)
        return factory.informer(kind, handler)

    def start(self) -> None:
        self.clock.call_later(RESYNC_PERIOD, self.resync)

    def resync(self) -> None:
        for key in self.resync_keys():
            self.queue.add(key)
        self.clock.call_later(RESYNC_PERIOD, self.resync)

    def resync_keys(self) -> list[str]:
        return []

    def enqueue(self, event_type: str, obj: KubeObject) -> None:
        self.queue.add(object_key(obj))

    def sync(self, key: str) -> None:
        raise NotImplementedError
