"""The API server relays an upgraded connection to a kubelet: `kubectl exec` and `attach` to a pod of a kubelet
process (k8s.io/apimachinery/pkg/util/proxy/upgradeaware.go, UpgradeAwareHandler).

kubectl's request, once the API server has checked it (remotecommand.py), is sent on to the kubelet of the
pod's node, at the location kube-apiserver computes for it (pkg/registry/core/pod/strategy.go,
ExecLocation):

    GET https://127.0.0.1:41237/exec/default/web/web?command=sh&input=1&output=1&tty=1
    Upgrade: websocket
    Sec-WebSocket-Protocol: v5.channel.k8s.io       (kubectl's, as it offered them)
    Sec-WebSocket-Key: ...                          (kubectl's: the kubelet's 101 answers kubectl's handshake)
    Authorization: Bearer <the node's token>        (the API server's credential, not kubectl's)

The kubelet's answer is relayed as it came: a 101, after which the bytes of the two connections are copied
both ways, unread, until either side closes (kubectl's frames reach the kubelet masked, as it sent them); or
an error, which this module hands back for the caller to tell kubectl. The API server's lock is not held
meanwhile: a session may last for hours.

Simplified: kube-apiserver 1.32 does not pass a v5 WebSocket through, it translates it to SPDY towards the
kubelet (StreamTranslatorHandler, the same streams in another framing); here the kubelet speaks the
WebSocket itself, which is what kube-apiserver does with any other upgrade (port-forward, v4 exec).

`kubectl logs -f` is relayed the same way without an upgrade: the kubelet's chunked answer, piece by
piece (relay_answer).
"""

from __future__ import annotations

import contextlib
import http.client
import select
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

FORWARDED = ("Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol")
"""The headers of kubectl's upgrade request that go on to the kubelet."""
HEAD_AT_MOST = 64 * 1024  # bytes of a kubelet's answer head
LOOK = 0.5  # real seconds between looks at `closing` while neither side sends


def upgrade_request(handler: BaseHTTPRequestHandler, location: str, token: str) -> bytes:
    """kubectl's upgrade request as it goes to the kubelet at `location` (https://host:port/path?query)."""
    host, _, path = location.removeprefix("https://").partition("/")
    lines = [f"GET /{path} HTTP/1.1", f"Host: {host}", f"Authorization: Bearer {token}"]
    lines += [f"{name}: {handler.headers[name]}" for name in FORWARDED if handler.headers.get(name)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_head(sock: socket.socket) -> tuple[bytes, bytes]:
    """The head of the kubelet's answer (status line and headers, to the empty line) and what came after it."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < HEAD_AT_MOST:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, sep, rest = data.partition(b"\r\n\r\n")
    return head + sep, rest


def status_code(head: bytes) -> int:
    """The code of an answer's status line (`HTTP/1.1 101 Switching Protocols` -> 101); 0 if none."""
    words = head.split(b"\r\n", 1)[0].split()
    return int(words[1]) if len(words) > 1 and words[1].isdigit() else 0


def body_of(head: bytes, rest: bytes, sock: socket.socket) -> str:
    """The body of a kubelet's refusal (Content-Length bytes, or what came before it closed)."""
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), None)
    while length is None or len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return rest[:length].decode(errors="replace").strip()


def relay(handler: BaseHTTPRequestHandler, upstream: socket.socket, location: str, token: str,
          closing: threading.Event) -> str | None:
    """Send kubectl's upgrade to the kubelet on `upstream` (connected) and relay its answer: None once a
    101 was relayed and the session has ended; the kubelet's words when it answered anything else."""
    with upstream:
        try:
            upstream.sendall(upgrade_request(handler, location, token))
            head, rest = read_head(upstream)
            if status_code(head) != 101:
                line = head.split(b"\r\n", 1)[0].decode(errors="replace") or "the kubelet closed the connection"
                return f"unable to upgrade connection: {body_of(head, rest, upstream) or line}"
        except OSError as e:  # the kubelet went away mid-answer
            return f"unable to upgrade connection: {e}"
        handler.close_connection = True
        try:
            handler.wfile.write(head + rest)  # the 101, and whatever frames followed it
            handler.wfile.flush()
        except OSError:
            return None  # kubectl went away: the kubelet hears it as the connection closes
        splice(handler.connection, upstream, closing)
    return None


def relay_answer(answer: http.client.HTTPResponse, upstream: socket.socket, write: Callable[[bytes], None],
                 client: socket.socket, closing: threading.Event) -> None:
    """A kubelet's streamed answer (a followed log), each piece written on as it comes, until the kubelet ends
    it; when the client hangs up first (it sends nothing more once it asked, so anything to read on its
    connection is its end) or the server closes, `upstream` is shut, which ends the read and tells the
    kubelet."""
    done = threading.Event()

    def watch() -> None:
        while not done.is_set() and not closing.is_set() and not select.select([client], [], [], LOOK)[0]:
            pass
        with contextlib.suppress(OSError):
            upstream.shutdown(socket.SHUT_RDWR)
    threading.Thread(target=watch, name="relay-watch", daemon=True).start()
    try:
        with answer:
            while chunk := answer.read1(65536):
                write(chunk)
    except (OSError, http.client.HTTPException):
        pass  # shut by watch(): the client has gone
    finally:
        done.set()


def splice(client: socket.socket, upstream: socket.socket, closing: threading.Event) -> None:
    """Copy bytes both ways until either side closes (or the server is closing)."""
    other = {client: upstream, upstream: client}
    while not closing.is_set():
        ready = [s for s in other if getattr(s, "pending", lambda: 0)()]  # TLS may hold decrypted bytes
        if not ready:
            ready = select.select(list(other), [], [], LOOK)[0]
        for sock in ready:
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                with contextlib.suppress(OSError):
                    other[sock].shutdown(socket.SHUT_WR)  # the other side hears the end
                return
            try:
                other[sock].sendall(data)
            except OSError:
                return
