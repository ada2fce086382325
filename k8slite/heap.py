"""Long runs and Python's cyclic garbage collector.

Mirrors nothing in Kubernetes (Go's collector is concurrent); it keeps big
simulations fast. A cluster of thousands of pods holds millions of small
Python objects (API objects, informer caches, events) that live as long as
the cluster. CPython's collector scans every tracked object at each full
collection, and a run that creates objects steadily triggers full
collections again and again: a quarter of the wall time of
benchmarks/cluster_scale.py. `frozen()` moves the objects that exist when a
run starts into a permanent generation that collections skip (gc.freeze),
and gives them back when it ends (gc.unfreeze), so garbage among them is
still collected later; during the run, a collection waits for RUN_THRESHOLD
new objects instead of 700. Nothing is lost: objects without cycles are
freed at once by reference counting, cycles at the next collection.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

RUN_THRESHOLD = 50_000  # new objects between two young collections during a run (CPython's default: 700)


@contextmanager
def frozen() -> Iterator[None]:
    """Collections during the block skip every object that already existed when it began."""
    if gc.get_freeze_count():  # nested (a run inside a run): the outer block froze the heap already
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(RUN_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
