"""An API client over HTTP with the APIServer's own calls: how a kubelet on another machine talks to the cluster.

Mirrors client-go's REST client and typed clientset, shortened to what a
kubelet needs: `get`, `list`, `create`, `update`, `update_status`,
`delete` and `watch` have the signatures of k8slite.apiserver.APIServer,
so the Kubelet, its informers and its EventRecorder run unchanged on top
of it, only through HTTPS and a bearer token (k8slite.server). A refused
request raises the same ApiError subclass the in-process server raises
(read from the answer's Status `reason`); a server that cannot be reached
is an ApiError with client-go's words ("dial tcp ...: connect: connection
refused"), which the kubelet's work queue retries like any other error.

A watch is a chunked HTTP stream read by a thread (the one place a thread
is needed: a socket blocks). The thread only queues events; the process's
loop calls `poll()`, which wakes the informers on the loop's own thread,
so the kubelet stays single-threaded as in the simulation. When a stream
ends (timeoutSeconds, the server restarting) the watch starts again from
the last resourceVersion it saw (a bookmark's too); a 410 Gone lists again
and turns the difference into events, as client-go's Reflector does.

Simplified: JSON only (no protobuf), no client-side rate limiting (QPS),
no retries beyond the watch's.
"""

from __future__ import annotations

import builtins
import http.client
import json
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import yaml

from k8slite.api.kinds import Kind, decode, lookup
from k8slite.api.meta import KubeObject
from k8slite.clock import VirtualClock
from k8slite.errors import ApiError, Expired, dial_tcp
from k8slite.informer import object_key
from k8slite.store import ADDED, DELETED, MODIFIED, FieldMatch, WatchEvent

T = TypeVar("T", bound=KubeObject)
WATCH_TIMEOUT = 300  # seconds: how long one watch request lasts before the client watches again
RETRY_AFTER = 1.0  # seconds between attempts to reach a server that did not answer


def error_classes() -> dict[str, type[ApiError]]:
    """Status reason -> the ApiError subclass the in-process server raises for it: k8slite.errors' own
    first (BadRequest for "BadRequest"), then any other module's subclass (server.remotecommand's
    UpgradeRefused also says "BadRequest", and must not stand for every one)."""
    every: list[type[ApiError]] = []
    todo: list[type[ApiError]] = [ApiError]
    while todo:
        cls = todo.pop()
        every.append(cls)
        todo.extend(cls.__subclasses__())
    found: dict[str, type[ApiError]] = {}
    for cls in sorted(every, key=lambda cls: cls.__module__ != ApiError.__module__):  # stable: errors' first
        found.setdefault(cls.reason, cls)
    return found


ERRORS = error_classes()


def api_error(status: dict[str, Any]) -> ApiError:
    """The exception a Status answer stands for."""
    cls = ERRORS.get(str(status.get("reason", "")), ApiError)
    error = cls(str(status.get("message", "")))
    error.code = int(status.get("code", error.code))
    return error


class KubeconfigError(ValueError):
    """A kubeconfig that is missing or lacks what a client needs."""


@dataclass
class Credentials:
    """Where the server is and how to prove who we are: a kubeconfig's cluster and user."""

    server: str
    token: str
    ca_pem: bytes

    @classmethod
    def from_kubeconfig(cls, path: str, server: str | None = None) -> Credentials:
        """The current context's server (or `server`), token and certificate authority."""
        import base64
        try:
            config = yaml.safe_load(Path(path).read_text())
            context = next(c["context"] for c in config["contexts"] if c["name"] == config["current-context"])
            cluster = next(c["cluster"] for c in config["clusters"] if c["name"] == context["cluster"])
            user = next(u["user"] for u in config["users"] if u["name"] == context["user"])
            ca = base64.b64decode(cluster["certificate-authority-data"])
            return cls(server or cluster["server"], user["token"], ca)
        except OSError as e:
            raise KubeconfigError(f"cannot read the kubeconfig {path}: {e.strerror}") from None
        except (yaml.YAMLError, KeyError, StopIteration, TypeError, ValueError) as e:
            raise KubeconfigError(f"{path} is not a kubeconfig with a current context, a server, a token and a "
                                  f"certificate-authority-data ({type(e).__name__}: {e})") from None


class RemoteStore:
    """What a client knows of the store: the newest resourceVersion it has seen (EventRecorder names Events by it)."""

    def __init__(self) -> None:
        self.revision = 0

    def saw(self, resource_version: str | int) -> None:
        self.revision = max(self.revision, int(resource_version or 0))


class RemoteAPI:
    """The APIServer's calls, made over HTTPS; `clock` is the caller's, `poll()` delivers watch events."""

    def __init__(self, credentials: Credentials, clock: VirtualClock, user_agent: str = "k8slite-client") -> None:
        self.credentials, self.clock, self.user_agent = credentials, clock, user_agent
        self.context = ssl.create_default_context(cadata=credentials.ca_pem.decode())
        self.context.check_hostname = False  # the certificate names 127.0.0.1, which is all we connect to
        self.store = RemoteStore()
        self.watches: list[RemoteWatch] = []
        self.listed: dict[tuple[str, str | None], dict[str, KubeObject]] = {}  # the last list of each kind

    # ------------------------------------------------------------ paths
    def path(self, kind: Kind, namespace: str | None, name: str = "", subresource: str = "") -> str:
        base = "/api/v1" if kind.api_version == "v1" else f"/apis/{kind.api_version}"
        parts = [base]
        if kind.namespaced and namespace:
            parts.append(f"namespaces/{namespace}")
        parts.append(kind.plural)
        parts += [p for p in (name, subresource) if p]
        return "/".join(parts)

    def request(self, method: str, path: str, body: Any = None, query: dict[str, str] | None = None,
                timeout: float = 30) -> Any:
        """One request; the answer's JSON, or the ApiError its Status stands for."""
        with self.open(method, path, body, query, timeout) as answer:
            return json.loads(answer.read() or b"null")

    def open(self, method: str, path: str, body: Any = None, query: dict[str, str] | None = None,
             timeout: float = 30) -> Any:
        url = self.credentials.server + path + (f"?{urlencode(query)}" if query else "")
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={
            "Authorization": f"Bearer {self.credentials.token}", "Accept": "application/json",
            "Content-Type": "application/json", "User-Agent": self.user_agent})
        try:
            return urllib.request.urlopen(req, context=self.context, timeout=timeout)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                status = json.loads(raw)
            except ValueError:
                status = {"code": e.code, "message": raw.decode(errors="replace")}
            raise api_error(status) from None
        except (urllib.error.URLError, OSError) as e:
            address = urlsplit(self.credentials.server).netloc
            raise ApiError(f'{method.title()} "{url}": {dial_tcp(address, getattr(e, "reason", e))}') from None

    def decoded(self, data: dict[str, Any]) -> KubeObject:
        self.store.saw(data.get("metadata", {}).get("resourceVersion", 0))
        return decode(data)

    # ------------------------------------------------------------ the APIServer's calls
    def get(self, kind: str, name: str, namespace: str = "default") -> KubeObject:
        return self.decoded(self.request("GET", self.path(lookup(kind), namespace, name)))

    def list(self, kind: str, namespace: str | None = None,
             selector: Callable[[KubeObject], bool] | None = None) -> list[KubeObject]:
        return self.list_at(kind, namespace, selector)[0]

    def list_at(self, kind: str, namespace: str | None = None,
                selector: Callable[[KubeObject], bool] | None = None) -> tuple[builtins.list[KubeObject], int]:
        """The objects (filtered by `selector`; a FieldMatch is sent as a fieldSelector) and the list's revision."""
        k = lookup(kind)
        answer = self.request("GET", self.path(k, namespace), query=field_selector(selector))
        revision = int(answer["metadata"].get("resourceVersion") or 0)
        self.store.saw(revision)
        items = []
        for item in answer.get("items", []):
            item.setdefault("apiVersion", k.api_version)
            item.setdefault("kind", k.kind)
            items.append(decode(item))
        kept = [o for o in items if selector is None or selector(o)]
        self.listed[(k.plural, namespace)] = {object_key(o): o for o in kept}
        return kept, revision

    def create(self, obj: T, owned: bool = False) -> T:  # a request body is a copy already: `owned` changes nothing
        kind = lookup(obj.kind)
        return self.decoded(self.request("POST", self.path(kind, obj.namespace), obj.to_dict()))  # type: ignore

    def update(self, obj: T) -> T:
        kind = lookup(obj.kind)
        return self.decoded(self.request("PUT", self.path(kind, obj.namespace, obj.name),  # type: ignore
                                         obj.to_dict()))

    def update_status(self, obj: T, owned: bool = False) -> T:  # sent as a copy: `owned` changes nothing
        kind = lookup(obj.kind)
        return self.decoded(self.request("PUT", self.path(kind, obj.namespace, obj.name, "status"),  # type: ignore
                                         obj.to_dict()))

    def delete(self, kind: str, name: str, namespace: str = "default", grace_period: int | None = None,
               **_: Any) -> Any:
        options: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1"}
        if grace_period is not None:
            options["gracePeriodSeconds"] = grace_period
        return self.request("DELETE", self.path(lookup(kind), namespace, name), options)

    def watch(self, kind: str, namespace: str | None = None, from_revision: int | None = None,
              notify: Callable[[], None] | None = None,
              match: Callable[[KubeObject], bool] | None = None) -> RemoteWatch:
        watch = RemoteWatch(self, lookup(kind), namespace, from_revision, notify, match)
        self.watches.append(watch)
        return watch

    # ------------------------------------------------------------ the loop's side
    def poll(self) -> None:
        """Wake, on this thread, every informer whose watch has events queued."""
        self.watches = [w for w in self.watches if not w.stopped]
        for watch in self.watches:
            if watch.events and watch.notify:
                watch.notify()

    def close(self) -> None:
        for watch in self.watches:
            watch.stop()


def field_selector(selector: Callable[[KubeObject], bool] | None) -> dict[str, str]:
    """A FieldMatch as the query that asks the server to filter (spec.nodeName=node-1): a kubelet's pod watch."""
    if isinstance(selector, FieldMatch):
        return {"fieldSelector": f"{selector.field}={selector.wanted}"}
    return {}


class RemoteWatch:
    """A watch stream read on its own thread; events wait in `events` until the informer drains them."""

    def __init__(self, api: RemoteAPI, kind: Kind, namespace: str | None, from_revision: int | None,
                 notify: Callable[[], None] | None, match: Callable[[KubeObject], bool] | None) -> None:
        self.api, self.kind, self.namespace, self.notify, self.match = api, kind, namespace, notify, match
        self.revision = str(from_revision if from_revision is not None else api.store.revision)
        self.events: deque[WatchEvent] = deque()
        # key -> the object as last seen (from the list before the watch, then its events): a relist's diff
        self.known: dict[str, KubeObject] = dict(api.listed.get((kind.plural, namespace), {}))
        self.stopped = False
        self.thread = threading.Thread(target=self.run, name=f"watch-{kind.plural}", daemon=True)
        self.thread.start()

    def drain(self) -> list[WatchEvent]:
        events = []
        while self.events:
            events.append(self.events.popleft())
        return events

    def stop(self) -> None:
        self.stopped = True

    def run(self) -> None:
        while not self.stopped:
            try:
                for line in self.stream():
                    self.handle(json.loads(line))
            except Expired:
                try:
                    self.relist()
                except (ApiError, OSError, ValueError):
                    time.sleep(RETRY_AFTER)  # the list failed too: the next watch gets its 410 and lists again
            except (ApiError, OSError, ValueError, http.client.HTTPException):  # a stream cut short, too
                time.sleep(RETRY_AFTER)  # the server went away or is restarting: watch again

    def stream(self) -> Iterator[bytes]:
        query = {"watch": "true", "resourceVersion": self.revision, "allowWatchBookmarks": "true",
                 "timeoutSeconds": str(WATCH_TIMEOUT), **field_selector(self.match)}
        path = self.api.path(self.kind, self.namespace)
        with self.api.open("GET", path, query=query, timeout=WATCH_TIMEOUT + 30) as answer:
            for line in answer:
                if self.stopped:
                    return
                if line.strip():
                    yield line

    def handle(self, event: dict[str, Any]) -> None:
        data = event["object"]
        if event["type"] == "ERROR":
            raise api_error(data)
        self.revision = data["metadata"]["resourceVersion"]
        self.api.store.saw(self.revision)
        if event["type"] == "BOOKMARK":
            return
        self.queue(event["type"], decode(data))

    def queue(self, type_: str, obj: KubeObject) -> None:
        key = object_key(obj)
        if type_ == DELETED:
            self.known.pop(key, None)
        else:
            self.known[key] = obj
        if self.match is None or self.match(obj) or type_ == DELETED:
            self.events.append(WatchEvent(type_, key, obj, int(obj.metadata.resource_version or 0)))

    def relist(self) -> None:
        """410 Gone: list again, and queue what changed meanwhile (the Reflector's Replace)."""
        objects, revision = self.api.list_at(self.kind.plural, self.namespace, self.match)
        self.revision = str(revision)
        listed = {}
        for obj in objects:
            key = object_key(obj)
            listed[key] = obj
            before = self.known.get(key)
            if before is None or before.metadata.resource_version != obj.metadata.resource_version:
                self.queue(ADDED if before is None else MODIFIED, obj)
        for key in [k for k in self.known if k not in listed]:
            self.queue(DELETED, self.known[key])  # gone while we were away: deleted as we last knew it
