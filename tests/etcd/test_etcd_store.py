"""EtcdStore: the in-memory Store's semantics, with etcd's revisions and etcd's answer to a conflict.

The tests of the semantics run against both stores; revisions are counted
from where each store starts (a new etcd is at revision 1, a new Store at 0).
"""

from __future__ import annotations

import base64
import json
import random
import urllib.request
from collections.abc import Callable

import pytest
from builders import make_pod

from k8slite.api.core import Namespace
from k8slite.api.meta import ObjectMeta
from k8slite.apiserver import APIServer
from k8slite.clock import VirtualClock
from k8slite.errors import Conflict, Expired
from k8slite.etcd_client import EtcdError
from k8slite.etcd_store import CLOCK_KEY, EtcdStore, JsonCodec
from k8slite.store import FieldMatch, KeyExists, KeyMissing, RevisionMismatch, Store

MakeStore = Callable[..., Store]


@pytest.fixture(params=["memory", "etcd"])
def make_store(request: pytest.FixtureRequest) -> MakeStore:
    """Store(history=...) in memory, or on the session's etcd under the test's own prefix."""
    if request.param == "memory":
        return Store
    url, prefix = request.getfixturevalue("etcd_url"), request.getfixturevalue("etcd_prefix")
    return lambda history=10_000: EtcdStore(url, prefix=prefix, history=history, codec=JsonCodec())


def etcd_range(url: str, key: str) -> dict:
    """etcd's own answer for one key, read with plain HTTP (not k8slite's client)."""
    body = json.dumps({"key": base64.b64encode(key.encode()).decode()}).encode()
    with urllib.request.urlopen(urllib.request.Request(url + "/v3/kv/range", body, method="POST")) as response:
        return json.loads(response.read())


# ------------------------------------------------------------ the same semantics on both stores
def test_every_write_bumps_the_global_revision_by_one(make_store: MakeStore):
    s = make_store()
    base = s.revision
    assert s.create("/a", 1) == base + 1
    assert s.create("/b", 2) == base + 2
    assert s.update("/a", 3) == base + 3
    assert s.get("/a") == (3, base + 3) and s.get("/b") == (2, base + 2) and s.revision == base + 3
    assert s.delete("/b") == base + 4 and s.get("/b") is None


def test_compare_and_swap(make_store: MakeStore):
    s = make_store()
    rev = s.create("/a", 1)
    s.update("/a", 2, expected_revision=rev)
    with pytest.raises(RevisionMismatch):
        s.update("/a", 3, expected_revision=rev)
    with pytest.raises(RevisionMismatch):
        s.delete("/a", expected_revision=rev)
    with pytest.raises(KeyExists):
        s.create("/a", 9)
    with pytest.raises(KeyMissing):
        s.update("/nothing", 1)
    with pytest.raises(KeyMissing):
        s.delete("/nothing")
    assert s.get("/a") == (2, rev + 1)  # nothing refused left a trace


def test_watch_from_a_revision_replays_history_then_follows(make_store: MakeStore):
    s = make_store()
    s.create("/pods/a", 1)
    r2 = s.create("/pods/b", 2)
    s.create("/nodes/x", 3)
    s.delete("/pods/a")
    w = s.watch("/pods/", from_revision=r2 - 1)
    s.update("/pods/b", 5)
    assert [(e.type, e.key, e.value, e.revision - r2) for e in w.drain()] == [
        ("ADDED", "/pods/b", 2, 0), ("DELETED", "/pods/a", 1, 2), ("MODIFIED", "/pods/b", 5, 3)]


def test_too_old_revision_is_expired(make_store: MakeStore):
    s = make_store(history=3)
    base = s.revision
    for i in range(10):
        s.create(f"/k{i}", i)
    with pytest.raises(Expired, match=rf"too old resource version: {base + 2} \({base + 7}\)"):
        s.watch("/", from_revision=base + 2)


def test_list_is_sorted_by_key(make_store: MakeStore):
    s = make_store()
    for k in ["/p/c", "/p/a", "/p/b", "/q/a"]:
        s.create(k, k)
    assert [k for k, _, _ in s.list("/p/")] == ["/p/a", "/p/b", "/p/c"]


def test_a_field_selector_watch_gets_only_the_values_it_wants(make_store: MakeStore):
    s = make_store()
    node_2 = s.watch("/registry/pods/", match=FieldMatch("spec.nodeName", lambda v: v["node"], "node-2"))
    s.create("/registry/pods/default/a", {"node": "node-1"})
    s.create("/registry/pods/default/b", {"node": "node-2"})
    assert [e.key for e in node_2.drain()] == ["/registry/pods/default/b"]


# ------------------------------------------------------------ what only etcd does
def test_revisions_are_etcds(etcd_url: str, etcd_prefix: str):
    s = EtcdStore(etcd_url, prefix=etcd_prefix, codec=JsonCodec())
    assert s.revision == int(etcd_range(etcd_url, "/")["header"]["revision"])
    rev = s.create("/registry/pods/default/web", {"image": "nginx"})
    s.create("/registry/pods/default/db", {"image": "postgres"})
    answer = etcd_range(etcd_url, etcd_prefix + "/registry/pods/default/web")
    (kv,) = answer["kvs"]
    assert int(kv["mod_revision"]) == rev == s.get("/registry/pods/default/web")[1]
    assert int(answer["header"]["revision"]) == s.revision == rev + 1
    assert json.loads(base64.b64decode(kv["value"])) == {"image": "nginx"}


def test_a_conflict_is_etcds_answer(etcd_url: str, etcd_prefix: str):
    # two API servers on one etcd: the second one's cache has not seen the first one's write, etcd has
    first = EtcdStore(etcd_url, prefix=etcd_prefix, codec=JsonCodec())
    rev = first.create("/registry/configmaps/default/c", 1)
    second = EtcdStore(etcd_url, prefix=etcd_prefix, codec=JsonCodec())
    first.update("/registry/configmaps/default/c", 2, expected_revision=rev)
    assert second.get("/registry/configmaps/default/c") == (1, rev)  # a stale cache...
    with pytest.raises(RevisionMismatch):  # ...but the compare-and-swap is etcd's
        second.update("/registry/configmaps/default/c", 3, expected_revision=rev)
    first.create("/registry/configmaps/default/new", 0)
    with pytest.raises(KeyExists):  # not in the second one's cache, in etcd
        second.create("/registry/configmaps/default/new", 0)


def test_an_api_server_opened_again_finds_every_object_as_it_was(etcd_url: str, etcd_prefix: str):
    api = APIServer(VirtualClock(), random.Random(0), EtcdStore(etcd_url, prefix=etcd_prefix))
    api.create(Namespace(metadata=ObjectMeta(name="default")))
    web = api.create(make_pod("web", cpu="500m"))
    web = api.update_status(web)
    again = APIServer(VirtualClock(), random.Random(0), EtcdStore(etcd_url, prefix=etcd_prefix))
    found = again.get("pods", "web")
    assert found == web  # every field, resourceVersion (etcd's mod_revision) and uid included
    assert again.store.revision == api.store.revision
    with pytest.raises(Conflict):  # its resourceVersion is etcd's, so a stale one is refused
        stale = found.copy()
        stale.metadata.resource_version = str(int(web.metadata.resource_version) - 1)
        again.update(stale)
    with pytest.raises(Expired):  # the new watch cache knows nothing from before it opened
        again.watch("pods", from_revision=again.store.revision - 1)


def test_the_clock_is_saved_with_each_change(etcd_url: str, etcd_prefix: str):
    clock = VirtualClock()
    s = EtcdStore(etcd_url, prefix=etcd_prefix, codec=JsonCodec())
    assert s.keep_time(clock) == 0.0  # nothing saved yet
    clock.run(42.5)
    rev = s.create("/registry/a", 1)
    (kv,) = etcd_range(etcd_url, etcd_prefix + CLOCK_KEY)["kvs"]
    assert int(kv["mod_revision"]) == rev  # the same txn: no revision of its own
    assert EtcdStore(etcd_url, prefix=etcd_prefix, codec=JsonCodec()).keep_time(VirtualClock()) == 42.5


def test_an_etcd_that_does_not_answer_is_said_so():
    with pytest.raises(EtcdError, match=r"etcd at http://127.0.0.1:9 did not answer .*is it running\?"):
        EtcdStore("http://127.0.0.1:9")
