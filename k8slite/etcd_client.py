"""A small client of etcd's v3 API through its JSON gateway: range, txn and delete-range.

etcd serves its gRPC API as JSON too (grpc-gateway): `POST /v3/kv/range`,
`/v3/kv/txn`, `/v3/kv/deleterange`, keys and values in base64, 64-bit
numbers as strings, fields left out when they hold their zero value
(proto3's JSON mapping: a failed txn has no "succeeded" at all). Every
answer carries a header whose `revision` is the store's revision after the
request: for a write, the revision it made.

A txn is etcd's only conditional write: `compare` tests keys (their
mod_revision, their create_revision: 0 when the key does not exist), then
etcd runs the `success` operations if every test holds, else `failure`,
atomically, as one revision. This is what kube-apiserver's etcd3 store
builds every create, update and delete from (GuaranteedUpdate).
Simplified: plain HTTP with urllib, one request at a time; no gRPC, TLS,
authentication, leases or watch.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


class EtcdError(Exception):
    """etcd did not answer, or refused the request; the message says which and what to do."""


@dataclass(frozen=True)
class KeyValue:
    """One key as etcd returns it (mvccpb.KeyValue)."""

    key: str
    value: bytes
    mod_revision: int  # the revision of its last change: kube-apiserver's resourceVersion
    create_revision: int


def b64(data: str | bytes) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def prefix_end(prefix: str) -> str:
    """The range_end that takes every key starting with prefix (clientv3.GetPrefixRangeEnd: last byte + 1)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def put(key: str, value: bytes) -> dict[str, Any]:
    return {"request_put": {"key": b64(key), "value": b64(value)}}


def delete(key: str) -> dict[str, Any]:
    return {"request_delete_range": {"key": b64(key), "prev_kv": True}}


def get(key: str) -> dict[str, Any]:
    return {"request_range": {"key": b64(key)}}


def mod_revision_is(key: str, revision: int) -> dict[str, Any]:
    """The key was last changed at `revision` (compare-and-swap)."""
    return {"key": b64(key), "target": "MOD", "result": "EQUAL", "mod_revision": str(revision)}


def absent(key: str) -> dict[str, Any]:
    """The key does not exist: create_revision == 0."""
    return {"key": b64(key), "target": "CREATE", "result": "EQUAL", "create_revision": "0"}


def present(key: str) -> dict[str, Any]:
    """The key exists: create_revision > 0."""
    return {"key": b64(key), "target": "CREATE", "result": "GREATER", "create_revision": "0"}


def key_values(answer: dict[str, Any]) -> list[KeyValue]:
    """The kvs of a range (or the prev_kvs of a delete-range) answer."""
    return [KeyValue(base64.b64decode(kv["key"]).decode(), base64.b64decode(kv.get("value", "")),
                     int(kv.get("mod_revision", 0)), int(kv.get("create_revision", 0)))
            for kv in answer.get("kvs", answer.get("prev_kvs", []))]


class EtcdClient:
    """etcd's KV service at `url` (e.g. http://127.0.0.1:2379)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url, self.timeout = url.rstrip("/"), timeout

    def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(self.url + path, json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer: dict[str, Any] = json.loads(response.read())
        except urllib.error.HTTPError as e:
            raise EtcdError(f"etcd at {self.url} refused {path}: {e.read().decode(errors='replace')}") from None
        except (urllib.error.URLError, OSError) as e:
            raise EtcdError(f"etcd at {self.url} did not answer ({e}): is it running? "
                            f"(e.g. `etcd --data-dir /tmp/k8slite-etcd`, which listens on 127.0.0.1:2379)") from None
        return answer

    def range(self, prefix: str) -> tuple[int, list[KeyValue]]:
        """Every key starting with prefix, sorted, and the revision the answer was read at."""
        answer = self.call("/v3/kv/range", {"key": b64(prefix), "range_end": b64(prefix_end(prefix))})
        return int(answer["header"]["revision"]), key_values(answer)

    def read(self, key: str) -> KeyValue | None:
        """One key, or None when it does not exist."""
        found = key_values(self.call("/v3/kv/range", {"key": b64(key)}))
        return found[0] if found else None

    def txn(self, compare: list[dict[str, Any]], success: list[dict[str, Any]],
            failure: list[dict[str, Any]]) -> tuple[bool, int, list[dict[str, Any]]]:
        """Whether every comparison held, the revision after the txn, and the answers of the branch that ran."""
        answer = self.call("/v3/kv/txn", {"compare": compare, "success": success, "failure": failure})
        responses = [next(iter(r.values())) for r in answer.get("responses", [])]
        return bool(answer.get("succeeded", False)), int(answer["header"]["revision"]), responses

    def delete_range(self, prefix: str) -> int:
        """Delete every key starting with prefix; the revision after."""
        answer = self.call("/v3/kv/deleterange", {"key": b64(prefix), "range_end": b64(prefix_end(prefix))})
        return int(answer["header"]["revision"])
