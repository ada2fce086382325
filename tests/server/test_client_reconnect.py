"""k8slite.client's watch across an API server that goes away: refused, then a stream cut mid-event, then back.

What a kubelet process meets while `k8slite serve` restarts (tests/etcd/
test_etcd_serve_credentials.py runs the whole thing): its watches must keep
trying, whatever way the old server's streams ended, and carry on with the
new server. A few lines of TLS socket stand in for the server, so that each
way of going away happens exactly.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from k8slite.client import Credentials, RemoteAPI
from k8slite.clock import VirtualClock
from k8slite.errors import ApiError
from k8slite.server.tls import make_certificate, server_context

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
EVENT = json.dumps({"type": "ADDED", "object": {
    "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default", "resourceVersion": "7"},
    "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}).encode() + b"\n"


def chunk(data: bytes) -> bytes:
    return b"%x\r\n" % len(data) + data + b"\r\n"


@pytest.fixture
def refusing(tmp_path: Path) -> Iterator[tuple[socket.socket, Path]]:
    """A port that refuses connections (bound, not listening yet), and a certificate for serving on it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    make_certificate(tmp_path)
    yield sock, tmp_path
    sock.close()


def test_a_watch_outlives_a_refused_connection_and_a_stream_cut_short(refusing: tuple[socket.socket, Path]) -> None:
    sock, directory = refusing
    cert = directory / "apiserver.crt"
    context = server_context(cert, directory / "apiserver.key")
    api = RemoteAPI(Credentials(f"https://127.0.0.1:{sock.getsockname()[1]}", "t0k3n", cert.read_bytes()),
                    VirtualClock())
    watch = api.watch("pods")
    port = sock.getsockname()[1]
    with pytest.raises(ApiError) as refused:  # client-go's words
        api.get("pods", "web")
    assert str(refused.value) == (f'Get "https://127.0.0.1:{port}/api/v1/namespaces/default/pods/web": '
                                  f"dial tcp 127.0.0.1:{port}: connect: connection refused")
    time.sleep(0.3)  # the watch's first attempts are refused too

    def serve() -> None:
        for answer in (HEADERS + b"40\r\n" + EVENT[:20], HEADERS + chunk(EVENT)):  # cut mid-chunk, then whole
            conn = context.wrap_socket(sock.accept()[0], server_side=True)
            conn.recv(65536)
            conn.sendall(answer)
            time.sleep(0.2)
            conn.close()

    sock.listen()
    threading.Thread(target=serve, daemon=True).start()
    deadline = time.monotonic() + 10
    while not watch.events and time.monotonic() < deadline:
        time.sleep(0.05)
    watch.stop()
    assert [(e.type, e.key) for e in watch.events] == [("ADDED", "default/web")]
