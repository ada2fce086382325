"""`dryRun=All`: a write that runs everything and stores nothing
(k8s.io/apiserver/pkg/registry/generic/registry/dryrun.go, DryRunnableStorage).

`kubectl apply --dry-run=server` (and create, delete, scale, diff ...)
sends the write with `?dryRun=All` (a DELETE in its DeleteOptions body).
kube-apiserver then does all it would do (decode, default, admit with the
mutating plugins, validate, check conflicts, record the field managers)
and answers with the object it would store, but its storage layer skips
the write to etcd: no revision moves, no watcher hears of it, no quota is
charged. Any other value is refused before anything is read, as
ValidateDryRun refuses it: `CreateOptions.meta.k8s.io "" is invalid:
dryRun: Unsupported value: []string{"x"}: supported values: "All"` (422;
UpdateOptions, PatchOptions and DeleteOptions likewise).

Here the same is had without a flag in every write: the request runs
against its own APIServer whose store is a DryRunStore, the real store
with the request's own writes laid over it, which are dropped with it.
Everything a write reads (the object, its namespace, quotas, LimitRanges,
ServiceAccounts, the Services' ClusterIPs) comes through the real store;
what it writes (the object, a quota's new usage) stays in the overlay.
It draws from random sources of its own, seeded from the server's (which
do not move) and the dry run's number, so a dry run moves no generated
name, uid or ClusterIP of the writes that follow, and the next real write
does not get the dry run's (kube-apiserver draws new ones each time).

As in kube-apiserver, a created object is answered with its uid,
creationTimestamp and generated name but no resourceVersion, and an
object that exists keeps the resourceVersion it is stored at. `kubectl
diff` shows the live object against such an answer.
"""

from __future__ import annotations

import copy
import random
from typing import Any
from urllib.parse import parse_qs

from k8slite.api.kinds import kind_of
from k8slite.api.meta import KubeObject
from k8slite.apiserver import APIServer
from k8slite.errors import invalid_object, unsupported
from k8slite.server.paths import Target
from k8slite.store import KeyExists, KeyMissing, RevisionMismatch, Store

ALL = "All"
OPTIONS = {"POST": "CreateOptions", "PUT": "UpdateOptions", "PATCH": "PatchOptions", "DELETE": "DeleteOptions"}


def values(query: str, options: Any) -> list[str]:
    """The dryRun values of a write: a DELETE's DeleteOptions body's, when it sends one (the server then
    reads no options from the query), else the query's, every `dryRun=` of it."""
    if options is not None:
        given = options.get("dryRun") if isinstance(options, dict) else None
        return [] if given is None else given if isinstance(given, list) else [given]
    return parse_qs(query, keep_blank_values=True).get("dryRun", [])


def requested(method: str, values: list[str]) -> bool:
    """Is this write a dry run? `values`: the dryRun parameter's values. Anything but All is refused
    (ValidateDryRun), in the words of the request's options kind."""
    if any(value != ALL for value in values):
        raise invalid_object(f"{OPTIONS[method]}.meta.k8s.io", "", [unsupported("dryRun", values, [ALL])])
    return bool(values)


class DryRunStore(Store):
    """The real store as one dry run sees it: reads go through to it, writes stay here (`changes`:
    key -> (value, revision), or None for a key deleted) and are dropped with this store. No watch
    of the real store hears of them."""

    def __init__(self, stored: Store) -> None:
        super().__init__(history=1)
        self.stored = stored
        self.revision = stored.revision
        self.changes: dict[str, tuple[Any, int] | None] = {}

    def get(self, key: str) -> tuple[Any, int] | None:
        return self.changes[key] if key in self.changes else self.stored.get(key)

    def list(self, prefix: str) -> list[tuple[str, Any, int]]:
        found = {key: (value, revision) for key, value, revision in self.stored.list(prefix)}
        for key, change in self.changes.items():
            if key.startswith(prefix):
                if change is None:
                    found.pop(key, None)
                else:
                    found[key] = change
        return [(key, *found[key]) for key in sorted(found)]

    def create(self, key: str, value: Any) -> int:
        if self.get(key) is not None:
            raise KeyExists(key)
        return self.record(key, value)

    def update(self, key: str, value: Any, expected_revision: int | None = None) -> int:
        self.check(key, expected_revision)
        return self.record(key, value)

    def delete(self, key: str, expected_revision: int | None = None) -> int:
        self.check(key, expected_revision)
        return self.record(key, None)

    def check(self, key: str, expected_revision: int | None) -> None:
        current = self.get(key)
        if current is None:
            raise KeyMissing(key)
        if expected_revision is not None and current[1] != expected_revision:
            raise RevisionMismatch(key)

    def record(self, key: str, value: Any) -> int:
        self.revision += 1
        self.changes[key] = None if value is None else (value, self.revision)
        return self.revision


def own_source(source: random.Random, number: int) -> random.Random:
    """A random source for the dry run numbered `number`, seeded from `source` without moving it."""
    return random.Random(f"dry run {number}: {copy.copy(source).getrandbits(64)}")


class DryRun:
    """One dryRun=All request: `api` is an APIServer like the cluster's, over a DryRunStore of its store."""

    def __init__(self, real: APIServer) -> None:
        self.stored = real.store
        real.dry_runs += 1
        self.api = APIServer(real.clock, own_source(real.rng, real.dry_runs), DryRunStore(real.store))
        self.api.lease_rng = own_source(real.lease_rng, real.dry_runs)
        self.api.warnings = real.warnings  # a warning (a Job deleted without a policy) still reaches the client

    def answer(self, target: Target, body: Any) -> Any:
        """The answer with the resourceVersion kube-apiserver's dry run gives: the stored one, or none for
        an object that would be created."""
        if isinstance(body, KubeObject):
            answered = body.copy()  # it may be the stored object itself (a patch that changes nothing)
            answered.metadata.resource_version = self.stored_version(kind_of(body), body.namespace, body.name)
            return answered
        if isinstance(body, dict) and body.get("kind") == "Scale":
            version = self.stored_version(target.kind, target.namespace or "", target.name)
            return dict(body, metadata=dict(body["metadata"], resourceVersion=version))
        return body

    def stored_version(self, kind: Any, namespace: str, name: str) -> str:
        found = self.stored.get(APIServer.key(kind, namespace, name))
        return str(found[1]) if found else ""
