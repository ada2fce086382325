"""One HTTP request to the API server: authenticate, route, call the cluster, answer JSON
(k8s.io/apiserver/pkg/endpoints, the handler chain).

The chain is kube-apiserver's, shortened: authentication (a bearer token;
none, or a wrong one, is 401 Unauthorized; `/version` and the health
checks are open to anyone, as the system:public-info-viewer role makes
them), authorization of a kubelet's writes (auth.py: its own Node, Lease
and pods only; 403 otherwise), then the path: discovery (discovery.py, openapi.py) or a
resource path (paths.py) whose verb comes from
the HTTP method: GET is get, list or watch; POST create; PUT update; PATCH
patch; DELETE delete or deletecollection (each of these writes, with
`dryRun=All`, on a dry run's APIServer that stores nothing: dryrun.py);
a GET of `pods/x/exec` (or
`attach`) becomes a WebSocket (remotecommand.py; relayed to the pod's
kubelet when a kubelet process runs it: proxy.py), and `pods/x/log?follow=true`
a chunked stream (the kubelet process's, relayed). Every cluster call holds the
server's lock, since the simulation is single-threaded; a refusal is a
Status object with the error's code (status.py), and anything unexpected
a 500 Status, never a dropped connection. A body is JSON, or protobuf
as kubectl's typed clients send it (`kubectl create deployment`, the
DeleteOptions of `kubectl drain`): protobuf.py reads it into the same
JSON dict, and one it cannot read, or of a kind the path does not take,
is a 400 BadRequest; a body over 3 MiB (kube-apiserver's
--max-request-body-bytes) is a 413 RequestEntityTooLarge, never decoded.
Answers are always JSON, which those clients' Accept
(`application/vnd.kubernetes.protobuf,application/json`) allows. Left
out: RBAC (the admin's token may do everything), audit, API priority
and fairness.
"""

from __future__ import annotations

import hmac
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from k8slite.apiserver import APIServer
from k8slite.errors import ApiError, BadRequest, MethodNotAllowed, NotFound, Unauthorized
from k8slite.server import (
    auth,
    discovery,
    dryrun,
    managedfields,
    openapi,
    paging,
    protobuf,
    proxy,
    remotecommand,
    rest,
    subresources,
    tables,
    wallclock,
    wire,
)
from k8slite.server.chunked import send_chunked
from k8slite.server.paths import Target, resolve
from k8slite.server.status import status, success
from k8slite.server.watch import Stream

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

HEALTH = ("/healthz", "/readyz", "/livez")


CHUNK = 1 << 16
DRAIN_AT_MOST = 64 << 20  # a body over the limit is read and dropped up to this much, then the connection closes


class Handler(BaseHTTPRequestHandler):
    """Requests to one cluster; `cluster`, `lock`, `token` and `closing` are set on a subclass by serve()."""

    cluster: Cluster
    lock: threading.RLock
    token: str
    users: dict[str, str]  # bearer token -> user name (auth.py)
    user = ""  # who the request's token names
    closing: threading.Event
    wall_clock: bool = False
    """Shift timestamps so that the cluster's now is the real now (wallclock.py)."""
    protocol_version = "HTTP/1.1"  # keep-alive, and chunked watch streams

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a notebook cell should not fill with access logs."""

    def do_GET(self) -> None:
        self.answer("GET")

    def do_POST(self) -> None:
        self.answer("POST")

    def do_PUT(self) -> None:
        self.answer("PUT")

    def do_PATCH(self) -> None:
        self.answer("PATCH")

    def do_DELETE(self) -> None:
        self.answer("DELETE")

    def answer(self, method: str) -> None:
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query))
        length = int(self.headers.get("Content-Length") or 0)
        if length > rest.MAX_REQUEST_BODY_BYTES:  # refused undecoded; read and dropped so the client hears why
            self.close_connection = True
            left = min(length, DRAIN_AT_MOST)
            while left > 0 and (chunk := self.rfile.read(min(CHUNK, left))):
                left -= len(chunk)
            too_large = rest.RequestEntityTooLarge(f"Request entity too large: limit is {rest.MAX_REQUEST_BODY_BYTES}")
            return self.send(too_large.code, status(too_large))
        raw = self.rfile.read(length)
        target: Target | None = None
        try:
            path = url.path.rstrip("/") or "/"
            if path in HEALTH or path == "/version":  # open to anyone: the system:public-info-viewer role
                return self.send(200, "ok", "text/plain") if path in HEALTH else self.send(200, discovery.version())
            self.authenticate()
            if method == "GET" and self.discovery(path, query):
                return
            target = resolve(url.path)
            self.resource(method, target, query, raw)
        except ApiError as e:
            self.send(e.code, status(e, target.kind if target else None, target.name if target else ""))
        except Exception as e:  # never a dropped connection: the server answers every request
            self.send(500, status(ApiError(f"Internal error occurred: {e!r}")))

    def authenticate(self) -> None:
        """Who the bearer token names (auth.py): the admin, or a node's kubelet; 401 for no such token."""
        given = self.headers.get("Authorization", "").encode()
        for token, user in list(self.users.items()):
            if hmac.compare_digest(given, f"Bearer {token}".encode()):
                self.user = user
                return
        raise Unauthorized("Unauthorized")

    def discovery(self, path: str, query: dict[str, str]) -> bool:
        """Answer /api, /apis, a group version's resources and /openapi/v3; False for other paths."""
        address = self.headers.get("Host", "127.0.0.1")
        if path in ("/api", "/apis") and discovery.wants_aggregated(self.headers.get("Accept", "")):
            self.send(200, discovery.aggregated(core=path == "/api"), discovery.AGGREGATED)
            return True
        documents: dict[str, Any] = {"/api": discovery.api_versions(address), "/apis": discovery.group_list(),
                                     openapi.PREFIX: openapi.root()}
        if path in documents:
            self.send(200, documents[path])
            return True
        if path.startswith(openapi.PREFIX + "/"):
            self.openapi_document(path[len(openapi.PREFIX):], query)
            return True
        parts = path.strip("/").split("/")
        if parts[0] in ("api", "apis") and len(parts) in (2, 3) and (parts[0] == "api") == (len(parts) == 2):
            found = discovery.resource_list("/".join(parts[1:]))
            if found is None:
                raise NotFound("the server could not find the requested resource")
            self.send(200, found)
            return True
        return False

    def openapi_document(self, path: str, query: dict[str, str]) -> None:
        found = openapi.answer(path, query.get("hash"), self.headers.get("If-None-Match"))
        if found is None:
            raise NotFound("the server could not find the requested resource")
        code, text, headers = found
        self.send(code, text, "application/json" if code == 200 else "", headers)

    def resource(self, method: str, target: Target, query: dict[str, str], raw: bytes) -> None:
        if method == "GET" and not target.name and query.get("watch") in ("true", "1"):
            return self.watch(target, query)
        if target.kind.plural == "pods" and target.subresource in remotecommand.SUBRESOURCES:
            return remotecommand.serve(self, target, urlsplit(self.path).query)
        if method == "GET" and target.subresource == "log":
            with self.lock:
                text = subresources.log_text(self.cluster, target, query)
                followed = self.kubelet_log(target, query) if query.get("follow") == "true" else None
            if query.get("follow") != "true":
                return self.send(200, text, "text/plain")
            if followed is not None:  # a kubelet process streams it: relayed as it comes
                answer, upstream = followed
                return self.chunked("text/plain", lambda write: proxy.relay_answer(
                    answer, upstream, write, self.connection, self.closing))
            return self.chunked("text/plain", lambda write: subresources.follow_log(
                self.cluster, self.lock, target, query, text, write, self.closing))
        with self.lock:
            auth.authorize(self.user, method, target, self.cluster.api, lambda: self.body(raw, target.kind.kind))
            code, body = self.call(method, target, query, raw)
            body = self.encode(target, body, query)
        self.send(code, body)

    def kubelet_log(self, target: Target, query: dict[str, str]) -> Any:
        """The kubelet process's followed log (an open HTTP answer) when one runs the pod; None otherwise."""
        pod = self.cluster.pod(target.name, target.namespace or "default")
        obj = pod.object
        if not pod.remote(obj):
            return None
        return self.cluster.kubelet_clients[obj.spec.node_name].follow(obj, query.get("container"), query)

    def encode(self, target: Target, body: Any, query: dict[str, str]) -> Any:
        """Objects as JSON: a Table when kubectl asks for one, else the object or an XList (a dict stays)."""
        as_table = tables.wants_table(self.headers.get("Accept", ""))
        include = query.get("includeObject", "Metadata")
        if isinstance(body, list):
            shown, metadata = paging.page(body, query, str(self.cluster.api.store.revision))
            listed = tables.table(target.kind, shown, self.cluster.now, metadata["resourceVersion"], include) \
                if as_table else rest.list_body(target.kind, shown, metadata["resourceVersion"])
            listed["metadata"] = metadata
            return listed
        if hasattr(body, "to_dict"):
            if as_table:
                return tables.table(target.kind, [body], self.cluster.now, body.metadata.resource_version, include)
            return wire.encode(body)
        return body

    def call(self, method: str, target: Target, query: dict[str, str], raw: bytes) -> tuple[int, Any]:
        """The cluster call a method makes on a target: (HTTP code, objects or a dict)."""
        api, scale = self.cluster.api, target.subresource == "scale"
        if target.subresource not in ("", "status", "scale") or scale and target.kind.plural not in discovery.SCALABLE:
            raise NotFound("the server could not find the requested resource")
        if method == "GET":
            if not target.name:
                return 200, rest.list_objects(self.cluster, target, query)
            return 200, subresources.scale_of(api, target) if scale else rest.get_object(api, target)
        if method not in dryrun.OPTIONS:
            raise MethodNotAllowed("the server does not allow this method on the requested resource")
        options = self.body(raw, "DeleteOptions") if method == "DELETE" and raw else None
        if not dryrun.requested(method, dryrun.values(urlsplit(self.path).query, options)):
            return self.write(api, method, target, query, raw, options)
        dry = dryrun.DryRun(api)  # the same write on an APIServer whose writes are dropped
        code, body = self.write(dry.api, method, target, query, raw, options)
        return code, dry.answer(target, body)

    def write(self, api: APIServer, method: str, target: Target, query: dict[str, str], raw: bytes,
              options: Any) -> tuple[int, Any]:
        """A POST, PUT, PATCH or DELETE through `api` (the cluster's, or a dry run's)."""
        scale = target.subresource == "scale"
        manager = managedfields.manager_of(query, self.headers.get("User-Agent", ""))  # who owns what it writes
        if method == "POST" and not target.name:
            return 201, rest.create(api, target, self.body(raw, target.kind.kind), manager)
        if method == "PUT" and target.name:
            return 200, subresources.change_scale(api, target, self.body(raw, "Scale"), manager) if scale else \
                rest.update(api, target, self.body(raw, target.kind.kind), manager)
        if method == "PATCH" and target.name:
            content_type = self.headers.get("Content-Type", "")
            if scale:
                return 200, subresources.patch_scale(api, target, raw, content_type, manager)
            return rest.patch(api, target, raw, content_type, query, manager)
        if method == "DELETE" and target.name:
            return 200, rest.delete(api, target, query, options)
        if method == "DELETE":  # deletecollection
            for obj in rest.list_objects(self.cluster, target, query):
                rest.delete(api, Target(target.kind, obj.namespace or None, obj.name), query, None)
            return 200, success()
        raise MethodNotAllowed("the server does not allow this method on the requested resource")

    def body(self, raw: bytes, kind: str) -> Any:
        """A POST's or PUT's object (or a DELETE's options), which `kind` it must be, as its JSON dict."""
        media = self.headers.get("Content-Type", "application/json").split(";")[0].strip()
        if raw and media == protobuf.MEDIA_TYPE:  # kubectl's typed clients: create deployment, drain ...
            data = from_protobuf(raw, kind)
        elif raw and media not in ("application/json", "*/*", ""):  # CBOR, YAML: not spoken here
            raise rest.UnsupportedMediaType('the body of the request was in an unknown format - accepted media '
                                            f'types include: application/json, {protobuf.MEDIA_TYPE}')
        else:
            try:
                data = json.loads(raw or b"null")
            except ValueError as e:
                raise BadRequest(f"the body of the request could not be decoded as JSON: {e}") from None
        return self.times(data, back=True)

    def times(self, data: Any, back: bool = False) -> Any:
        """JSON with its timestamps on the real clock (or, `back`, on the cluster's), when wall_clock is on."""
        if not self.wall_clock:
            return data
        with self.lock:
            seconds = wallclock.offset(self.cluster.now)
        return wallclock.shift(data, -seconds if back else seconds)

    def watch(self, target: Target, query: dict[str, str]) -> None:
        stream = Stream(self.cluster, self.lock, target, query, tables.wants_table(self.headers.get("Accept", "")),
                        self.times)
        self.chunked("application/json", lambda write: stream.run(write, self.closing))

    def chunked(self, content_type: str, run: Callable[[Callable[[bytes], None]], None]) -> None:
        """A streamed answer (a watch, a followed log): `run` writes chunks until it ends, then the stream ends."""
        send_chunked(self, content_type, run)

    def send(self, code: int, body: Any, content_type: str = "application/json",
             headers: dict[str, str] | None = None) -> None:
        """An answer: a str as it is, anything else as JSON (timestamps shifted when wall_clock is on)."""
        data = (body if isinstance(body, str) else wire.dumps(self.times(body))).encode()
        self.send_response(code)
        for name, value in {"Content-Type": content_type, **(headers or {})}.items():
            if value:
                self.send_header(name, value)
        if code != 304:  # Not Modified has no body, nor its length
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def from_protobuf(raw: bytes, kind: str) -> dict[str, Any]:
    """A protobuf body as its JSON dict; BadRequest, worded as the server's transformDecodeError, if it is
    not one, or not the `kind` the request takes."""
    try:
        data = protobuf.decode(raw)
    except protobuf.ProtobufError as e:
        raise BadRequest(f"the object provided is unrecognized (must be of type {kind}): {e}") from None
    if data["kind"] != kind:
        version = str(data.get("apiVersion", "")).split("/")[-1]
        raise BadRequest(f'{data["kind"]} in version "{version}" cannot be handled as a {kind}: '
                         f'the request takes a {kind}')
    return data
