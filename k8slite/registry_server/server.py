"""A registry that speaks the OCI distribution API over HTTP, as Docker's
``registry:2`` (distribution) does for the routes it needs (spec.md's endpoints):

    GET  /v2/                                   the API is here (200, {})
    HEAD|GET /v2/<name>/blobs/<digest>          a blob (HEAD: does the registry have it?)
    POST /v2/<name>/blobs/uploads/              start an upload (202 + Location); ?digest= uploads at once
    PATCH /v2/<name>/blobs/uploads/<uuid>       one chunk (202, Range: 0-<last byte>)
    PUT  /v2/<name>/blobs/uploads/<uuid>?digest= the last bytes; the digest is checked (201)
    PUT|HEAD|GET /v2/<name>/manifests/<ref>     a manifest by tag or digest (Docker-Content-Digest)
    GET  /v2/_catalog, /v2/<name>/tags/list     what is stored

This is not part of the simulation: it is a real HTTP server (stdlib http.server,
one thread per request) on 127.0.0.1, so `docker pull 127.0.0.1:<port>/hello` works
against it (Docker treats registries on 127.0.0.0/8 as insecure ones it may use over HTTP).
The rules live in storage.py; this module only reads requests and writes answers.
``requests`` records (method, path, status) of every request, for the book.
Given a cluster's store (``RegistryServer(storage=c.registry.hosts["localhost:5000"])``)
it serves the registry that cluster's nodes pull from, so what ``docker push`` or
RegistryClient puts there, a pod can run.
"""

from __future__ import annotations

import json
import re
import threading
import uuid as uuids
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from k8slite.images.layout import MANIFEST
from k8slite.registry_server.storage import RegistryError, Storage

ROUTES = [
    ("blob", re.compile(r"^/v2/(?P<name>.+)/blobs/(?P<digest>sha256:[^/]+)$")),
    ("uploads", re.compile(r"^/v2/(?P<name>.+)/blobs/uploads/?$")),
    ("upload", re.compile(r"^/v2/(?P<name>.+)/blobs/uploads/(?P<uuid>[^/]+)$")),
    ("manifest", re.compile(r"^/v2/(?P<name>.+)/manifests/(?P<reference>[^/]+)$")),
    ("tags", re.compile(r"^/v2/(?P<name>.+)/tags/list$")),
    ("catalog", re.compile(r"^/v2/_catalog$")),
    ("base", re.compile(r"^/v2/?$")),
]


class RegistryServer:
    """The registry on 127.0.0.1:<port> (0: any free port), served from a thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, storage: Storage | None = None) -> None:
        self.storage = storage if storage is not None else Storage()  # a cluster's: c.registry.hosts["localhost:5000"]
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, int]] = []
        self.uploads_started = 0
        handler = type("Handler", (RegistryHandler,), {"registry": self})
        self.http = ThreadingHTTPServer((host, port), handler)
        self.http.daemon_threads = True
        self.thread: threading.Thread | None = None

    def next_upload_id(self) -> str:
        """A UUID for a new upload: counted, not random, so a trace repeats from run to run."""
        self.uploads_started += 1
        return str(uuids.UUID(int=self.uploads_started, version=4))

    @property
    def address(self) -> str:
        """host:port, as an image reference names the registry: "127.0.0.1:40123"."""
        host, port = self.http.server_address[:2]
        return f"{host.decode() if isinstance(host, bytes) else host}:{port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self) -> RegistryServer:
        self.thread = threading.Thread(target=self.http.serve_forever, name="k8slite-registry", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()

    def __enter__(self) -> RegistryServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class RegistryHandler(BaseHTTPRequestHandler):
    """One request: find its route, call storage under the lock, answer."""

    registry: RegistryServer
    protocol_version = "HTTP/1.1"  # keep-alive, as docker's client expects
    server_version = "k8slite-registry"

    def do_GET(self) -> None:
        self.dispatch()

    def do_HEAD(self) -> None:
        self.dispatch()

    def do_POST(self) -> None:
        self.dispatch()

    def do_PATCH(self) -> None:
        self.dispatch()

    def do_PUT(self) -> None:
        self.dispatch()

    def do_DELETE(self) -> None:
        self.dispatch()

    def log_message(self, format: str, *args: object) -> None:
        pass  # requests are recorded in RegistryServer.requests instead of stderr

    def dispatch(self) -> None:
        url = urlsplit(self.path)
        body = self.read_body()
        for route, pattern in ROUTES:
            match = pattern.match(url.path)
            if match:
                try:
                    with self.registry.lock:
                        answer = getattr(self, f"on_{route}")(body, parse_qs(url.query), **match.groupdict())
                except RegistryError as error:
                    answer = (error.status, {"Content-Type": "application/json"}, error.body())
                return self.answer(*answer)
        self.answer(404, {"Content-Type": "text/plain"}, b"404 page not found\n")

    def read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while (size := int(self.rfile.readline().split(b";")[0], 16)) > 0:
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.registry.requests.append((self.command, self.path, status))
        self.send_response(status)
        headers = {"Docker-Distribution-API-Version": "registry/2.0", "Content-Length": str(len(body)), **headers}
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # the routes: each returns (status, headers, body)

    def on_base(self, body: bytes, query: dict) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/json"}, b"{}"

    def on_catalog(self, body: bytes, query: dict) -> tuple[int, dict[str, str], bytes]:
        return _json(200, {"repositories": self.registry.storage.catalog()})

    def on_tags(self, body: bytes, query: dict, name: str) -> tuple[int, dict[str, str], bytes]:
        return _json(200, {"name": name, "tags": self.registry.storage.tag_list(name)})

    def on_blob(self, body: bytes, query: dict, name: str, digest: str) -> tuple[int, dict[str, str], bytes]:
        data = self.registry.storage.blob(name, digest)
        headers = {"Docker-Content-Digest": digest, "Content-Type": "application/octet-stream"}
        return 200, {**headers, "Content-Length": str(len(data))}, data

    def on_uploads(self, body: bytes, query: dict, name: str) -> tuple[int, dict[str, str], bytes]:
        storage, upload = self.registry.storage, self.registry.next_upload_id()
        storage.start_upload(name, upload)
        if "digest" in query:  # a monolithic upload in the POST itself
            storage.finish_upload(name, upload, query["digest"][0], body)
            return 201, _created(name, query["digest"][0]), b""
        location = f"/v2/{name}/blobs/uploads/{upload}"
        return 202, {"Location": location, "Docker-Upload-UUID": upload, "Range": "0-0"}, b""

    def on_upload(self, body: bytes, query: dict, name: str, uuid: str) -> tuple[int, dict[str, str], bytes]:
        storage = self.registry.storage
        if self.command == "PATCH":
            content_range = self.headers.get("Content-Range")
            start = int(content_range.split("-")[0]) if content_range else None
            size = storage.append(name, uuid, body, start)
            location = f"/v2/{name}/blobs/uploads/{uuid}"
            return 202, {"Location": location, "Docker-Upload-UUID": uuid, "Range": f"0-{size - 1}"}, b""
        if self.command == "PUT":
            digest = query.get("digest", [""])[0]
            storage.finish_upload(name, uuid, digest, body)
            return 201, _created(name, digest), b""
        raise RegistryError("UNSUPPORTED")

    def on_manifest(self, body: bytes, query: dict, name: str, reference: str) -> tuple[int, dict[str, str], bytes]:
        storage = self.registry.storage
        if self.command == "PUT":
            media_type = self.headers.get("Content-Type") or MANIFEST
            digest = storage.put_manifest(name, reference, media_type, body)
            return 201, {"Location": f"/v2/{name}/manifests/{digest}", "Docker-Content-Digest": digest}, b""
        if self.command not in ("GET", "HEAD"):
            raise RegistryError("UNSUPPORTED")
        digest, media_type, data = storage.manifest(name, reference)
        return 200, {"Content-Type": media_type, "Docker-Content-Digest": digest}, data


def _json(status: int, value: object) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(value).encode()


def _created(name: str, digest: str) -> dict[str, str]:
    return {"Location": f"/v2/{name}/blobs/{digest}", "Docker-Content-Digest": digest}
