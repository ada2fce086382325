"""k8slite.client.RemoteAPI: the APIServer's calls over HTTPS, against a served cluster in this process."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator

import pytest
from builders import make_pod

from k8slite import Cluster
from k8slite.client import Credentials, RemoteAPI
from k8slite.clock import VirtualClock
from k8slite.errors import AlreadyExists, ApiError, Conflict, NotFound
from k8slite.informer import Informer
from k8slite.server import Server, serve
from k8slite.server.wallclock import shift


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    c = Cluster(nodes=1)
    srv = serve(c)
    yield srv
    srv.close()
    c.close()


@pytest.fixture
def api(server: Server) -> Iterator[RemoteAPI]:
    remote = RemoteAPI(Credentials.from_kubeconfig(server.kubeconfig), VirtualClock())
    yield remote
    remote.close()


def test_calls_and_their_errors(api: RemoteAPI) -> None:
    created = api.create(make_pod("remote-a"))
    assert created.metadata.uid and api.get("pods", "remote-a").metadata.uid == created.metadata.uid
    assert "remote-a" in [p.name for p in api.list("pods", "default")]
    with pytest.raises(AlreadyExists, match='pods "remote-a" already exists'):
        api.create(make_pod("remote-a"))
    stale = created.copy()
    changed = created.copy()
    changed.metadata.labels["x"] = "1"
    api.update(changed)
    with pytest.raises(Conflict, match="the object has been modified"):
        api.update(stale)
    api.delete("pods", "remote-a", grace_period=0)
    with pytest.raises(NotFound, match='pods "remote-a" not found'):
        api.get("pods", "remote-a")
    assert api.store.revision > 0  # the newest resourceVersion seen: what the EventRecorder names Events by


def test_an_unreachable_server_is_an_api_error(server: Server) -> None:
    gone = RemoteAPI(Credentials("https://127.0.0.1:1", "t", server.ca_pem), VirtualClock())
    with pytest.raises(ApiError, match=r'Get "https://127.0.0.1:1/api/v1/nodes": dial tcp 127.0.0.1:1: '):
        gone.list("nodes")


def poll_until(api: RemoteAPI, seen: list[tuple[str, str]], wanted: tuple[str, str]) -> None:
    deadline = time.monotonic() + 10
    while wanted not in seen and time.monotonic() < deadline:
        api.poll()
        api.clock.run(api.clock.now)
        time.sleep(0.05)
    assert wanted in seen, seen


def test_an_informer_over_http(server: Server, api: RemoteAPI) -> None:
    seen: list[tuple[str, str]] = []
    informer = Informer(api, "pods", lambda type_, obj: seen.append((type_, obj.name)))  # type: ignore[arg-type]
    with server.lock:
        server.cluster.api.create(make_pod("remote-b"))
    poll_until(api, seen, ("ADDED", "remote-b"))
    with server.lock:
        server.cluster.api.delete("pods", "remote-b", grace_period=0)
    poll_until(api, seen, ("DELETED", "remote-b"))
    assert informer.get("default/remote-b") is None
    informer.stop()


def test_a_watch_too_old_lists_again(server: Server, api: RemoteAPI) -> None:
    """410 Gone: the watch lists again and turns what changed into events (the Reflector's Replace)."""
    store = server.cluster.api.store
    with server.lock:
        server.cluster.api.create(make_pod("remote-c"))
        server.cluster.api.create(make_pod("remote-d"))
    seen: list[tuple[str, str]] = []
    informer = Informer(api, "pods", lambda type_, obj: seen.append((type_, obj.name)))  # type: ignore[arg-type]
    informer.watch.stop()  # its stream goes away; the next one starts from a revision the server has dropped
    old, saved = store.revision, store._history
    try:
        with server.lock:
            store._history = deque(maxlen=1)  # the server keeps one event: anything older is compacted away
            server.cluster.api.delete("pods", "remote-c", grace_period=0)
            server.cluster.api.create(make_pod("remote-e"))
        informer.watch = api.watch("pods", None, old, informer.wake)
        poll_until(api, seen, ("ADDED", "remote-e"))
        poll_until(api, seen, ("DELETED", "remote-c"))
    finally:
        with server.lock:
            saved.extend(store._history)
            store._history = saved
    assert informer.get("default/remote-d") is not None and informer.get("default/remote-c") is None
    informer.stop()


def test_micro_times_keep_their_microseconds() -> None:
    assert shift({"renewTime": "2025-01-01T00:00:10.250000Z", "t": "2025-01-01T00:00:10Z"}, 1.5) == \
        {"renewTime": "2025-01-01T00:00:11.750000Z", "t": "2025-01-01T00:00:12Z"}


def test_a_status_reason_stands_for_k8slite_errors_own_class_whatever_else_was_imported():
    import k8slite.server.remotecommand  # noqa: F401  UpgradeRefused also says "BadRequest"
    from k8slite.client import api_error, error_classes
    from k8slite.errors import BadRequest, Conflict, NotFound

    assert error_classes()["BadRequest"] is BadRequest
    assert type(api_error({"reason": "BadRequest", "message": "bad", "code": 400})) is BadRequest
    assert type(api_error({"reason": "NotFound", "code": 404})) is NotFound
    assert type(api_error({"reason": "Conflict", "code": 409})) is Conflict
