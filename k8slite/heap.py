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
still collected later. During the run the collector also runs less often
(RUN_THRESHOLDS): a young collection after 200,000 new objects instead of
700, the middle generation at every 50th of those, and the full one
practically never (after 1,000 middle ones): each full collection scans
everything the run has made so far (they cost a tenth of a 150,000-pod
bring-up's wall time). Nothing is lost: objects without cycles are freed at
once by reference counting, cycles at the next collection (those that
reached the oldest generation during the run, at the first full collection
after it).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# gc.set_threshold during a run: new objects between two young collections (CPython's default: 700), young
# collections between two of the middle generation (10), middle ones between two full collections (10)
RUN_THRESHOLDS = (200_000, 50, 1_000)


@contextmanager
def frozen() -> Iterator[None]:
    """Collections during the block skip every object that already existed when it began."""
    if gc.get_freeze_count():  # nested (a run inside a run): the outer block froze the heap already
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*RUN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
