"""The store on a real etcd: kube-apiserver's etcd3 storage, with the watch cache in front.

Mirrors k8s.io/apiserver/pkg/storage/etcd3 and pkg/storage/cacher. Every
write goes to etcd first, as one txn conditional on the key: a create on
"create_revision == 0" (the key does not exist), an update or a delete on
"mod_revision == the revision the writer read" (compare-and-swap; with no
expected revision, on the key existing). A conflict is etcd's answer, not
k8slite's. Revisions are etcd's: a write's revision is its txn's header
revision, `store.revision` follows etcd's, and the resourceVersions kubectl
shows are etcd's mod_revisions. Values are the objects' JSON, written by
k8slite's serializer (`to_dict`, what `kubectl get -o json` prints), without
resourceVersion: as in Kubernetes, that is the key's mod_revision, set when
an object is read back.

Reads and watches are served from memory, by the in-memory Store this class
extends: that is the watch cache, filled by a range over /registry/ when
the store opens (revision: the range's header revision) and kept up to date
by the writes that go through it. So this assumes that one API server writes
to this etcd: k8slite does not watch etcd itself, and a change made with
etcdctl shows only after a restart. A watch from a revision before the
store opened is "too old", as after a kube-apiserver restart.

The cluster clock is kept in etcd too, beside /registry/ at /k8slite/clock,
put in the same txn as every change (so it costs no revision of its own):
a cluster that starts on this store again resumes at the time of its last
change instead of at 0, where its objects would have been made in the future
(`keep_time`). Simplified: no leases, TLS, compaction or paging; times are
stored as Kubernetes stores them, to the second (metav1.Time).
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from k8slite.api.kinds import decode
from k8slite.api.meta import KubeObject
from k8slite.clock import VirtualClock
from k8slite.etcd_client import EtcdClient, absent, delete, get, key_values, mod_revision_is, present, put
from k8slite.store import ADDED, DELETED, MODIFIED, KeyExists, KeyMissing, RevisionMismatch, Store

REGISTRY = "/registry/"  # what the store reads back on open: every object the API server keeps
CLOCK_KEY = "/k8slite/clock"  # the cluster clock at the last change, outside /registry/


class Codec(Protocol):
    def encode(self, value: Any) -> bytes: ...

    def decode(self, data: bytes, mod_revision: int) -> Any: ...


class ObjectCodec:
    """Kubernetes objects as their JSON, resourceVersion left out (etcd's mod_revision is that)."""

    def encode(self, value: Any) -> bytes:
        assert isinstance(value, KubeObject)
        data = value.to_dict()
        data.get("metadata", {}).pop("resourceVersion", None)
        return json.dumps(data, separators=(",", ":")).encode()

    def decode(self, data: bytes, mod_revision: int) -> Any:
        obj = decode(json.loads(data))
        obj.metadata.resource_version = str(mod_revision)
        return obj


class JsonCodec:
    """Plain JSON values (numbers, strings, dicts): for a store that keeps something else than objects."""

    def encode(self, value: Any) -> bytes:
        return json.dumps(value).encode()

    def decode(self, data: bytes, mod_revision: int) -> Any:
        return json.loads(data)


class EtcdStore(Store):
    """A Store whose writes go to etcd at `url`; `prefix` is put before every key (kube-apiserver's
    --etcd-prefix), so that several stores can share one etcd."""

    def __init__(self, url: str, prefix: str = "", history: int = 10_000, codec: Codec | None = None) -> None:
        super().__init__(history)
        self.etcd = EtcdClient(url)
        self.url, self.prefix = url, prefix
        self.codec: Codec = codec or ObjectCodec()
        self.clock: VirtualClock | None = None  # whose time is saved with each change (keep_time)
        self.saved_time = 0.0  # the cluster clock at the last change before the store opened
        self.load()

    def load(self) -> None:
        """The watch cache's initial list: every key under /registry/, at the range's revision."""
        self.revision, kvs = self.etcd.range(self.prefix + REGISTRY)
        for kv in kvs:
            key = kv.key[len(self.prefix):]
            self._keys.add(key)
            self._data[key] = (self.codec.decode(kv.value, kv.mod_revision), kv.mod_revision)
        clock = self.etcd.read(self.prefix + CLOCK_KEY)
        self.saved_time = float(clock.value) if clock else 0.0

    def keep_time(self, clock: VirtualClock) -> float:
        """Save `clock`'s time with every change from now on; return the time saved before (0.0: none)."""
        self.clock = clock
        return self.saved_time

    # ------------------------------------------------------------ writes: etcd first, then the cache
    def create(self, key: str, value: Any) -> int:
        ok, revision, _ = self.txn(key, absent(self.prefix + key), put(self.prefix + key, self.codec.encode(value)))
        if not ok:
            raise KeyExists(key)
        return self._apply(ADDED, key, value, revision)

    def update(self, key: str, value: Any, expected_revision: int | None = None) -> int:
        ok, revision, found = self.txn(key, self.condition(key, expected_revision),
                                       put(self.prefix + key, self.codec.encode(value)))
        if not ok:
            raise self.refusal(key, found)
        return self._apply(MODIFIED, key, value, revision)

    def delete(self, key: str, expected_revision: int | None = None) -> int:
        ok, revision, answers = self.txn(key, self.condition(key, expected_revision), delete(self.prefix + key))
        if not ok:
            raise self.refusal(key, answers)
        if key not in self._data:  # written by someone else since the store opened: the value etcd deleted
            kv = key_values(answers[0])[0]
            self._keys.add(key)
            self._data[key] = (self.codec.decode(kv.value, kv.mod_revision), kv.mod_revision)
        return self._apply(DELETED, key, self._data[key][0], revision)

    def condition(self, key: str, expected_revision: int | None) -> dict[str, Any]:
        """An update's or a delete's test: the revision the writer read, or only that the key is there."""
        if expected_revision is None:
            return present(self.prefix + key)
        return mod_revision_is(self.prefix + key, expected_revision)

    def txn(self, key: str, compare: dict[str, Any], write: dict[str, Any]) -> tuple[bool, int, list[dict[str, Any]]]:
        """One conditional write, with the clock beside it; if refused, etcd reads the key back instead."""
        success = [write]
        if self.clock is not None:
            success.append(put(self.prefix + CLOCK_KEY, repr(self.clock.now).encode()))
        return self.etcd.txn([compare], success, [get(self.prefix + key)])

    @staticmethod
    def refusal(key: str, answers: list[dict[str, Any]]) -> Exception:
        """Why etcd refused an update or delete: the key is gone, or it changed since it was read."""
        return RevisionMismatch(key) if answers and answers[0].get("kvs") else KeyMissing(key)


__all__ = ["EtcdStore", "ObjectCodec", "JsonCodec", "CLOCK_KEY"]
