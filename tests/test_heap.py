"""heap.frozen: runs keep the collector off long-lived objects, and give everything back afterwards."""

import gc

import pytest

from k8slite import Cluster, heap


def test_a_run_freezes_the_heap_and_gives_it_back():
    thresholds, seen = gc.get_threshold(), []
    c = Cluster(nodes=1)
    c.clock.call_soon(lambda: seen.append((gc.get_freeze_count(), gc.get_threshold())))
    c.run(1)
    assert seen[0][0] > 0 and seen[0][1] == heap.RUN_THRESHOLDS  # during the run
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds  # after it


def test_nested_blocks_freeze_once_and_an_error_still_unfreezes():
    thresholds = gc.get_threshold()
    with pytest.raises(RuntimeError):
        with heap.frozen():
            frozen = gc.get_freeze_count()
            young = [[] for _ in range(1000)]  # tracked objects a second freeze would move too
            with heap.frozen():
                # not frozen again (another thread's garbage may leave the permanent generation meanwhile)
                assert gc.get_freeze_count() < frozen + len(young)
            assert gc.get_threshold() == heap.RUN_THRESHOLDS  # the inner block left the outer's setting
            raise RuntimeError("a callback failed")
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds
