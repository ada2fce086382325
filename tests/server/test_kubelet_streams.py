"""The parts of relaying exec and attach to a kubelet process, without processes: the query kube-apiserver
sends the kubelet, and what the API server makes of the kubelet's answer (server/proxy.py). The whole path,
with the real kubectl, is in test_kubelet_process.py."""

from __future__ import annotations

import socket
import threading
from email.message import Message
from typing import Any

from k8slite.server import proxy
from k8slite.server.remotecommand import StreamOptions


def test_the_kubelets_query_is_kube_apiservers() -> None:
    options = StreamOptions.from_query("command=sh&command=-c&command=echo+a%26b&container=main&stdin=true&"
                                       "stdout=true&stderr=false&tty=true")
    query = options.kubelet_query()
    assert query == "command=sh&command=-c&command=echo+a%26b&input=1&output=1&tty=1"  # keys sorted, as Go's
    assert StreamOptions.from_kubelet_query(query, "main") == options


class FakeHandler:
    """What relay reads and writes of the API server's request handler."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.headers = Message()
        for name, value in {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
                            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Authorization": "Bearer admin",
                            "Sec-WebSocket-Protocol": "v5.channel.k8s.io"}.items():
            self.headers[name] = value
        self.wfile = connection.makefile("wb", buffering=0)
        self.close_connection = False


def kubelet_answering(answer: bytes, then: bytes = b"") -> tuple[socket.socket, list[bytes]]:
    """A socket to a fake kubelet that reads the request, answers `answer`, sends `then` and closes."""
    ours, theirs = socket.socketpair()
    heard: list[bytes] = []

    def kubelet() -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            data += theirs.recv(65536)
        heard.append(data)
        theirs.sendall(answer + then)
        theirs.close()
    threading.Thread(target=kubelet, daemon=True).start()
    return ours, heard


def relayed(answer: bytes, then: bytes = b"") -> tuple[Any, bytes, bytes]:
    upstream, heard = kubelet_answering(answer, then)
    client, server_end = socket.socketpair()
    refusal = proxy.relay(FakeHandler(server_end), upstream,  # type: ignore[arg-type]
                          "https://127.0.0.1:10250/exec/default/web/web?command=sh&output=1", "node-token",
                          threading.Event())
    server_end.close()
    client.settimeout(5)
    got = b""
    while chunk := client.recv(65536):
        got += chunk
    return refusal, heard[0], got


def test_the_upgrade_goes_on_with_the_nodes_token_and_the_101_comes_back_as_it_came() -> None:
    answer = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
              b"Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n")
    refusal, heard, got = relayed(answer, b"\x82\x01\x01")  # and a first frame, in the same read
    assert refusal is None
    assert heard.decode().split("\r\n") == [
        "GET /exec/default/web/web?command=sh&output=1 HTTP/1.1", "Host: 127.0.0.1:10250",
        "Authorization: Bearer node-token", "Upgrade: websocket", "Connection: Upgrade",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
        "Sec-WebSocket-Protocol: v5.channel.k8s.io", "", ""]  # kubectl's token stays with the API server
    assert got == answer + b"\x82\x01\x01"


def test_a_kubelets_refusal_is_handed_back_in_its_words() -> None:
    refusal, _, got = relayed(b"HTTP/1.1 404 Not Found\r\nContent-Length: 21\r\n\r\npod \"web\" not found\r\n")
    assert (refusal, got) == ('unable to upgrade connection: pod "web" not found', b"")
    refusal, _, _ = relayed(b"")
    assert refusal == "unable to upgrade connection: the kubelet closed the connection"
