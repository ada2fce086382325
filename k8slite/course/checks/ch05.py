"""Checks for notebook 05, the API server: optimistic concurrency and state rebuilt from a watch.

05.1 ``update_with_retry``: read, copy, change, update, and on Conflict start
again from a fresh read. The API it is given lets another writer get in
between the read and the update, a random number of times; no change may be
lost and no object read from the API may be changed in place. Other errors
(a missing pod: NotFound; a change the server refuses: Invalid) must pass
through, not be retried.
05.2 ``replay``: an informer's cache from a watch stream, checked against the
store after random creates, updates, deletes and re-creates.
05.3 ``catch_up``: resume a watch from a revision, and list again only when
the store answers "too old resource version". In some scenarios another client
creates a pod while the list is on its way back, so the revision must be noted
BEFORE listing: the cache, plus the events after the returned revision, must
then be the store.
05.4 ``failures_tolerated``: how many members of an etcd cluster may stop
while writes still commit, for 1 to 9 members (even sizes included, where
"half of them" is one too many), measured on the EtcdCluster model with the
members stopped in seeded random orders.
05.5 ``pod_names``: a client of the API server over HTTPS (ch05_http.py).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

from k8slite.api.core import Namespace
from k8slite.api.meta import KubeObject, LabelSelector, ObjectMeta
from k8slite.api.pod import Container, Pod, PodSpec
from k8slite.api.replicaset import ReplicaSet
from k8slite.apiserver import APIServer
from k8slite.clock import VirtualClock
from k8slite.course.checks import exercise
from k8slite.errors import Conflict, Expired, Invalid, NotFound
from k8slite.etcd_quorum import EtcdCluster, EtcdError
from k8slite.informer import object_key
from k8slite.store import Store

NAMESPACES = ("default", "shop")
NAMES = ("web", "db", "cache", "queue")


class TooManyCalls(BaseException):
    """Raised through the learner's code (a BaseException, so `except Exception` cannot swallow it)."""


def small_api(seed: int, history: int = 10_000) -> APIServer:
    """An API server on its own store, with no scheduler, kubelet or controller around it."""
    api = APIServer(VirtualClock(), random.Random(seed), Store(history=history))
    for name in NAMESPACES:
        api.create(Namespace(metadata=ObjectMeta(name=name)))
    return api


def make_pod(name: str, namespace: str = "default", labels: dict[str, str] | None = None) -> Pod:
    container = Container(name="app", image="busybox:1.36", command=["sleep", "3600"])
    return Pod(metadata=ObjectMeta(name=name, namespace=namespace, labels=dict(labels or {})),
               spec=PodSpec(containers=[container]))


def make_replicaset(name: str, namespace: str) -> ReplicaSet:
    rs = ReplicaSet(metadata=ObjectMeta(name=name, namespace=namespace))
    rs.spec.replicas = 2
    rs.spec.selector = LabelSelector(match_labels={"app": name})
    rs.spec.template.metadata.labels = {"app": name}
    rs.spec.template.spec = make_pod(name).spec
    return rs


# ------------------------------------------------------------------ 05.1


def bump(obj: KubeObject, who: str) -> None:
    """A read-modify-write change: add one to the `visits` annotation and sign a label."""
    annotations = obj.metadata.annotations
    annotations["visits"] = str(int(annotations.get("visits", "0")) + 1)
    obj.metadata.labels[who] = "yes"


class RacingAPI:
    """`get` and `update` of a real API server, with another writer who sometimes gets in first.

    Right after some of the learner's reads, the other writer reads, changes and
    updates the same object, so the copy the learner holds is one revision behind.
    """

    def __init__(self, api: APIServer, rng: random.Random, conflicts: int) -> None:
        self.api, self.rng, self.conflicts_left = api, rng, conflicts
        self.handed_out: list[tuple[KubeObject, KubeObject]] = []
        self.gets = self.updates = self.other_writes = 0

    def get(self, kind: str, name: str, namespace: str = "default") -> KubeObject:
        self.gets += 1
        if self.gets > 60:
            raise TooManyCalls("get")
        obj = self.api.get(kind, name, namespace)
        self.handed_out.append((obj, obj.copy()))
        if self.conflicts_left and self.rng.random() < 0.75:
            self.conflicts_left -= 1
            other = self.api.get(kind, name, namespace).copy()
            self.other_writes += 1
            bump(other, f"other-{self.other_writes}")
            self.api.update(other)
        return obj

    def update(self, obj: KubeObject) -> KubeObject:
        self.updates += 1
        if self.updates > 60:
            raise TooManyCalls("update")
        return self.api.update(obj)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"the API given to update_with_retry offers get() and update() only, not {name}()")


def run_update(update_with_retry: Callable[..., Any], racing: RacingAPI, kind: str, name: str,
               namespace: str, change: Callable[[KubeObject], None]) -> Any:
    try:
        return update_with_retry(racing, kind, name, change, namespace=namespace)
    except TooManyCalls as stuck:
        raise AssertionError(
            f"update_with_retry called {stuck} more than 60 times for one change: after a Conflict, "
            "get the object again (your copy is stale for good) and retry with the fresh one") from None
    except Conflict:
        raise AssertionError("update_with_retry let a Conflict escape: catch k8slite.Conflict, "
                             "get the object again, re-apply the change and update again") from None
    except Exception as error:
        raise AssertionError(
            f"update_with_retry raised {type(error).__name__}: {error} (another writer got in first "
            f"{racing.other_writes} time(s)): on Conflict, start again until the update goes through") from None


def check_final_state(result: Any, racing: RacingAPI, kind: str, name: str, namespace: str, who: str) -> None:
    stored = racing.api.get(kind, name, namespace)
    for obj, snapshot in racing.handed_out:
        assert obj == snapshot, (
            "an object returned by api.get() was changed in place: it is the store's own copy, shared "
            "with every reader. Change obj.copy() instead")
    assert stored.metadata.labels.get(who) == "yes", (
        f"your change is not in the stored {kind} {namespace}/{name}: did you call api.update() with "
        "the changed copy?")
    visits = int(stored.metadata.annotations.get("visits", "0"))
    expected = racing.other_writes + 1
    assert visits == expected, (
        f"a change was lost: {racing.other_writes} other write(s) and yours should make visits={expected}, "
        f"the store has visits={visits}. Re-apply the change to the freshly read object on every attempt")
    missing = [f"other-{i}" for i in range(1, racing.other_writes + 1) if f"other-{i}" not in stored.metadata.labels]
    assert not missing, f"the other writer's labels {missing} were overwritten: update from a fresh read"
    assert isinstance(result, KubeObject), (
        f"update_with_retry returned {result!r}: return the object api.update() gave back")
    assert result.metadata.resource_version == stored.metadata.resource_version, (
        f"update_with_retry returned an object at resourceVersion {result.metadata.resource_version!r}, "
        f"but the stored one is at {stored.metadata.resource_version}: return what api.update() returned")


def scenario_05_1(update_with_retry: Callable[..., Any], seed: int) -> None:
    rng = random.Random(seed)
    api = small_api(seed)
    kind = rng.choice(["pods", "replicasets"])
    namespace, name = rng.choice(NAMESPACES), rng.choice(NAMES)
    obj = make_pod(name, namespace) if kind == "pods" else make_replicaset(name, namespace)
    api.create(obj)
    for _ in range(rng.randint(0, 3)):  # some history, so resourceVersions are not all small
        current = api.get(kind, name, namespace).copy()
        current.metadata.annotations["note"] = str(rng.randint(0, 99))
        api.update(current)
    racing = RacingAPI(api, rng, conflicts=rng.randint(0, 4) if seed else 0)
    who = f"learner-{seed}"
    result = run_update(update_with_retry, racing, kind, name, namespace, lambda o: bump(o, who))
    check_final_state(result, racing, kind, name, namespace, who)


@exercise("05.1")
def check_05_1(update_with_retry: Callable[..., Any], scenarios: int = 12) -> str:
    assert callable(update_with_retry), "define a function update_with_retry(api, kind, name, change, namespace)"
    for seed in range(scenarios):
        scenario_05_1(update_with_retry, seed)
    racing = RacingAPI(small_api(99), random.Random(99), conflicts=0)
    try:
        update_with_retry(racing, "pods", "missing", lambda o: bump(o, "x"), namespace="default")
    except NotFound:
        pass
    except (TooManyCalls, AssertionError):
        raise AssertionError("for a pod that does not exist update_with_retry retried forever: retry on "
                             "Conflict only and let NotFound through") from None
    else:
        raise AssertionError("for a pod that does not exist update_with_retry must let NotFound through: "
                             "retry on Conflict only")
    probe_invalid_change(update_with_retry)
    return f"{scenarios} races, a missing pod and an invalid change."


def break_image(pod: Pod) -> None:
    pod.spec.containers[0].image = ""


def probe_invalid_change(update_with_retry: Callable[..., Any]) -> None:
    """A change the API server refuses (422 Invalid) is no Conflict: retrying it cannot help."""
    racing = RacingAPI(small_api(98), random.Random(98), conflicts=0)
    racing.api.create(make_pod("web"))
    try:
        update_with_retry(racing, "pods", "web", break_image, namespace="default")
    except Invalid:
        return
    except TooManyCalls:
        raise AssertionError("a change that blanks the image is refused as Invalid (422), and update_with_retry "
                             "retried it forever: retry on Conflict only, and let other errors through") from None
    raise AssertionError("a change that blanks the image is refused as Invalid (422): update_with_retry must let "
                         "that error through (retry on Conflict only)")


# ------------------------------------------------------------------ 05.2


def random_writes(api: APIServer, rng: random.Random, count: int) -> None:
    """Creates, label updates, deletes and re-creates of pods, and some writes of other kinds."""
    for _ in range(count):
        namespace, name = rng.choice(NAMESPACES), rng.choice(NAMES)
        roll = rng.random()
        try:
            current = api.get("pods", name, namespace)
        except NotFound:
            if roll < 0.8:
                api.create(make_pod(name, namespace, {"app": name}))
            else:
                api.create(make_replicaset(f"{name}-{api.store.revision}", namespace))
            continue
        if roll < 0.55:
            changed = current.copy()
            changed.metadata.labels["step"] = str(rng.randint(0, 999))
            api.update(changed)
        elif roll < 0.85:
            api.delete("pods", name, namespace)
        else:
            api.create(Namespace(metadata=ObjectMeta(name=f"ns-{api.store.revision}")))


def expected_cache(api: APIServer) -> dict[str, KubeObject]:
    return {object_key(o): o for o in api.list("pods")}


def compare_cache(got: Any, api: APIServer, what: str) -> None:
    want = expected_cache(api)
    assert isinstance(got, dict), f"{what} returned {got!r}, not a dict of 'namespace/name' -> object"
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    hint = " (keys are 'namespace/name', as client-go's MetaNamespaceKeyFunc makes them)" if got and not any(
        "/" in str(k) for k in got) else ""
    assert not missing, f"{what}: pods {missing} exist in the store but not in your cache{hint}"
    assert not extra, f"{what}: pods {extra} are in your cache but not in the store: a DELETED event removes one"
    for key, obj in want.items():
        mine = got[key]
        assert isinstance(mine, KubeObject) and mine.metadata.resource_version == obj.metadata.resource_version, (
            f"{what}: {key} is stale in your cache (resourceVersion "
            f"{getattr(getattr(mine, 'metadata', None), 'resource_version', mine)!r}, the store's is "
            f"{obj.metadata.resource_version}): keep the value of the LAST event for each key")


def scenario_05_2(replay: Callable[..., Any], seed: int) -> None:
    rng = random.Random(seed)
    api = small_api(seed)
    random_writes(api, rng, rng.randint(10, 30))
    middle = api.store.revision
    snapshot = expected_cache(api)
    random_writes(api, rng, rng.randint(10, 30))
    events = api.watch("pods", from_revision=0).drain()
    before = copy.deepcopy(events)
    compare_cache(replay(events), api, f"replay(all {len(events)} events)")
    assert events == before, "replay changed the events it was given (or the objects in them)"
    later = api.watch("pods", from_revision=middle).drain()
    given = dict(snapshot)
    compare_cache(replay(later, given), api, f"replay({len(later)} events, cache listed at revision {middle})")
    assert given == snapshot, "replay changed the cache it was given: start from a copy (dict(cache))"


@exercise("05.2")
def check_05_2(replay: Callable[..., Any], scenarios: int = 15) -> str:
    assert callable(replay), "define a function replay(events, cache=None) -> dict"
    empty = replay([])
    assert empty == {}, f"replay([]) should be an empty cache {{}}, not {empty!r}"
    for seed in range(scenarios):
        scenario_05_2(replay, seed)
    return f"{scenarios} random write histories, replayed from the start and from the middle."


# ------------------------------------------------------------------ 05.3


class CountingAPI(APIServer):
    """An API server that counts lists: a list is expensive, so the watcher should list only when it must."""

    lists = 0
    late_write: Callable[[], Any] | None = None
    """A write another client makes while the (first) list is on its way back, after its snapshot."""

    def list(self, kind: str, namespace: str | None = None,
             selector: Callable[[KubeObject], bool] | None = None) -> list[KubeObject]:
        self.lists += 1
        found = super().list(kind, namespace, selector)
        if self.late_write is not None:
            write, self.late_write = self.late_write, None
            write()
        return found


def watch_is_too_old(api: APIServer, revision: int) -> bool:
    """Whether the store still keeps every event after `revision` (asked without the learner's calls)."""
    try:
        api.store.watch("/registry/pods/", revision).stop()
    except Expired:
        return True
    return False


def events_after(api: APIServer, cache: dict[str, Any], revision: int) -> dict[str, Any]:
    """The cache with every pod event after `revision` applied, as a watch resumed there would."""
    current = dict(cache)
    for event in api.store.watch("/registry/pods/", revision).drain():
        obj = event.value
        if event.type == "DELETED":
            current.pop(object_key(obj), None)
        else:
            current[object_key(obj)] = obj
    return current


def scenario_05_3(catch_up: Callable[..., Any], seed: int) -> bool:
    rng = random.Random(seed)
    history = rng.choice([8, 16, 32])
    api = CountingAPI(VirtualClock(), random.Random(seed), Store(history=history))
    for name in NAMESPACES:
        api.create(Namespace(metadata=ObjectMeta(name=name)))
    random_writes(api, rng, rng.randint(3, 10))
    revision = api.store.revision
    cache = {object_key(o): o for o in APIServer.list(api, "pods")}
    gap = rng.randint(1, 2 * history)
    referee = api.store.watch("/registry/pods/")
    random_writes(api, rng, gap)
    last_change = max([revision] + [e.revision for e in referee.drain()])
    referee.stop()
    expired = watch_is_too_old(api, revision)
    late = f"late-{seed}" if expired and rng.random() < 0.6 else ""
    if late:
        api.late_write = lambda: APIServer.create(api, make_pod(late, "default", {"app": "late"}))
    api.lists = 0
    try:
        result = catch_up(api, dict(cache), revision)
    except Expired:
        raise AssertionError(f"catch_up let Expired escape (the store keeps {history} events, {gap} writes "
                             "happened): catch k8slite.Expired, then list again") from None
    lists = api.lists
    assert isinstance(result, tuple) and len(result) == 2, (
        f"catch_up returned {result!r}: return a pair (cache, revision)")
    got, new_revision = result
    what = f"catch_up after {gap} writes (the store keeps {history} events)"
    assert isinstance(got, dict), f"{what} returned {got!r} as the cache, not a dict of 'namespace/name' -> object"
    assert isinstance(new_revision, int) and last_change <= new_revision <= api.store.revision, (
        f"{what}: returned revision {new_revision!r}; it should be the revision your cache is current at "
        f"(the store is at {api.store.revision}), so the next watch starts from there")
    current = events_after(api, got, new_revision)  # what the next watch, from your revision, would make of it
    if late and f"default/{late}" not in current:
        raise AssertionError(
            f"{what}: pod default/{late} was created while your list was on its way back, so it is not in the "
            f"list, and your revision {new_revision} is already past it, so a watch from there never brings it: "
            "note api.store.revision BEFORE calling api.list")
    compare_cache(current, api, f"{what}, then the events after the revision it returned")
    if expired:
        assert lists == 1, f"{what}: the watch was too old, so list once (you listed {lists} times)"
    else:
        assert lists == 0, (
            f"{what}: the store still had every event since revision {revision}, so resume the watch; "
            f"listing again ({lists} list calls) is what Kubernetes avoids")
    return expired


@exercise("05.3")
def check_05_3(catch_up: Callable[..., Any], scenarios: int = 20) -> str:
    assert callable(catch_up), "define a function catch_up(api, cache, revision) -> (cache, revision)"
    relisted = sum(scenario_05_3(catch_up, seed) for seed in range(scenarios))
    return f"{scenarios} gaps, {relisted} of them too old for the watch."


# ------------------------------------------------------------------ 05.4


def writes_commit(etcd: EtcdCluster) -> bool:
    try:
        etcd.put("/registry/check/probe", "x")
    except EtcdError:
        return False
    return True


def measured_tolerance(members: int, rng: random.Random) -> int:
    """Stop the members one by one, in a random order, and count the stops that writes survive."""
    etcd = EtcdCluster(members)
    order = list(etcd.members)
    rng.shuffle(order)
    survived = 0
    for name in order:
        etcd.stop(name)
        if not writes_commit(etcd):
            break
        survived += 1
    return survived


@exercise("05.4")
def check_05_4(failures_tolerated: Callable[[int], Any]) -> str:
    assert callable(failures_tolerated), "define a function failures_tolerated(members) -> int"
    rng = random.Random(5)
    sizes = range(1, 10)
    for members in sizes:
        got = failures_tolerated(members)
        assert isinstance(got, int) and not isinstance(got, bool), (
            f"failures_tolerated({members}) returned {got!r}: return a whole number of members (an int; "
            "// divides without a remainder, / gives a float)")
        truths = {measured_tolerance(members, rng) for _ in range(3)}  # whichever members stop, leader or not
        assert len(truths) == 1
        truth = truths.pop()
        quorum = members // 2 + 1
        assert got <= truth, (
            f"failures_tolerated({members}) = {got}, but with {got} of {members} members stopped only "
            f"{members - got} run, fewer than the quorum of {quorum} (a majority of ALL the members, "
            "running or not): no leader can be elected and writes fail")
        assert got >= truth, (
            f"failures_tolerated({members}) = {got}, but a cluster of {members} keeps committing writes with "
            f"{truth} member(s) stopped: {members - truth} still run, a majority (the quorum is {quorum})")
    return f"{len(sizes)} cluster sizes, from 1 to {sizes[-1]} members, measured on EtcdCluster."


from k8slite.course.checks import ch05_http  # noqa: E402,F401  (05.5, the HTTP client, lives there)
