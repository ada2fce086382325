"""The store: how watches are offered events, field-selector watches, reads at a past revision.

Revisions, compare-and-swap, watch from a revision, the bounded history and
list order are tested on both stores, this one and EtcdStore, in
tests/etcd/test_etcd_store.py (the in-memory runs need no etcd)."""

import pytest

from k8slite.errors import Expired
from k8slite.store import FieldMatch, Store


def test_an_event_is_offered_only_to_the_watches_of_its_prefix_in_the_order_they_were_opened():
    # the API server's watch cache keeps watchers per resource (and namespace), not one list for all
    s, asked, told = Store(), [], []
    everything = s.watch("/", notify=lambda: told.append("/"))
    s.watch("/registry/nodes/", match=lambda v: asked.append(v) or True)
    s.watch("/registry/pods/default/", notify=lambda: told.append("default"))
    s.watch("/registry/pods/", notify=lambda: told.append("pods"))
    s.watch("/registry/pods/kube-sys", notify=lambda: told.append("prefix"))  # not at a "/": asked anyway
    s.create("/registry/pods/default/web", "web")
    assert told == ["/", "default", "pods"] and asked == []  # the nodes watch was not even asked
    s.create("/registry/nodes/node-1", "node-1")
    assert asked == ["node-1"] and [e.key for e in everything.drain()] == [
        "/registry/pods/default/web", "/registry/nodes/node-1"]
    s.create("/registry/pods/kube-system/dns", "dns")
    assert told[-2:] == ["pods", "prefix"]


def test_a_watch_opened_after_writes_to_a_directory_hears_the_next_one():
    # the store works out once per directory which of its prefixes have watches: a new watch undoes that
    s, told = Store(), []
    s.create("/registry/events/default/a.1", "a")  # nobody watches events: worked out as "none"
    s.watch("/registry/events/default/", notify=lambda: told.append("default"))
    s.create("/registry/events/default/b.2", "b")
    s.watch("/registry/events/", notify=lambda: told.append("events"))
    s.create("/registry/events/default/c.3", "c")
    assert told == ["default", "default", "events"]


def test_a_field_selector_watch_is_offered_only_the_values_it_wants_in_opening_order():
    # kube-apiserver's watch cache indexes pods by spec.nodeName for the kubelets' watches
    s, told, read = Store(), [], []

    def node_of(value):
        read.append(value)
        return value["node"]

    first = s.watch("/registry/pods/", notify=lambda: told.append("all"))
    node_1 = s.watch("/registry/pods/", notify=lambda: told.append("node-1"),
                     match=FieldMatch("spec.nodeName", node_of, "node-1"))
    node_2 = s.watch("/registry/pods/", notify=lambda: told.append("node-2"),
                     match=FieldMatch("spec.nodeName", node_of, "node-2"))
    last = s.watch("/registry/pods/", notify=lambda: told.append("last"))
    s.create("/registry/pods/default/a", {"node": "node-2"})
    assert told == ["all", "node-2", "last"]
    assert len(read) == 2  # the field was read once to find the watches, once by node-2's match: not per watch
    s.update("/registry/pods/default/a", {"node": "node-2", "ready": True})
    node_2.stop()
    s.create("/registry/pods/default/b", {"node": "node-2"})
    assert [len(w.events) for w in (first, node_1, node_2, last)] == [3, 0, 2, 3]


def test_a_snapshot_is_the_state_at_each_past_revision() -> None:
    """snapshot(prefix, r), rebuilt from the current values and the history, is what list() said at r."""
    import random

    rng = random.Random(7)
    store = Store(history=500)
    seen: dict[int, list[tuple[str, object]]] = {store.revision: []}
    for step in range(300):
        key = f"/registry/pods/ns-{rng.randint(1, 2)}/p-{rng.randint(1, 8)}"
        if store.get(key) is None:
            store.create(key, {"step": step})
        elif rng.random() < 0.4:
            store.delete(key)
        else:
            store.update(key, {"step": step})
        seen[store.revision] = [(k, v) for k, v, _ in store.list("/registry/pods/ns-1/")]
    for revision, listed in seen.items():
        assert store.snapshot("/registry/pods/ns-1/", revision) == listed
    short = Store(history=2)
    for i in range(5):
        short.create(f"/k/{i}", i)
    assert short.snapshot("/k/", 3) == [("/k/0", 0), ("/k/1", 1), ("/k/2", 2)]
    with pytest.raises(Expired, match="too old resource version: 1"):
        short.snapshot("/k/", 1)  # the history keeps revisions 4 and 5 only
