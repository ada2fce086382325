"""A streamed HTTP answer in HTTP/1.1's chunked transfer coding: a watch, a followed log.

Mirrors what Go's net/http does for a handler that flushes before it ends:
each write goes out as one chunk (its length in hex, CRLF, the data, CRLF)
and an empty chunk ends the stream. The API server sends the 200 and its
headers at once (a watch's client waits for them); the kubelet sends them
with the first chunk (`lazy`), so that a first look that fails (the pod is
not there) can still be a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

Writer = Callable[[bytes], None]


def send_chunked(handler: BaseHTTPRequestHandler, content_type: str, run: Callable[[Writer], None],
                 lazy: bool = False) -> None:
    """Answer 200 with what `run(write)` writes, chunk by chunk, until it returns; a client gone ends it."""
    started = False

    def start() -> None:
        nonlocal started
        if not started:
            started = True
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()

    def write(data: bytes) -> None:
        start()
        if data:  # an empty chunk would end the stream
            handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            handler.wfile.flush()

    handler.close_connection = True
    try:
        if not lazy:
            start()
        run(write)
        start()
        handler.wfile.write(b"0\r\n\r\n")
    except OSError:
        pass  # the client went away (for a kubelet: the API server, and so the client behind it)
