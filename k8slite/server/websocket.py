"""WebSocket, the server's side (RFC 6455): the connection kubectl exec and attach talk over.

The rules, in the order a connection meets them:

- The handshake. The client sends an ordinary GET with `Upgrade:
  websocket`, `Connection: Upgrade`, `Sec-WebSocket-Version: 13`, a random
  `Sec-WebSocket-Key` and, for Kubernetes, the subprotocols it speaks
  (`Sec-WebSocket-Protocol: v5.channel.k8s.io`). The server answers `101
  Switching Protocols` with `Sec-WebSocket-Accept`, base64(SHA-1(key +
  GUID)), which proves it read this request, and the one subprotocol it
  chose: the first the client offers that it speaks. From then on the TCP
  (here TLS) connection carries frames, not HTTP.
- Frames. Two bytes at least: FIN (the last frame of a message) and the
  opcode (1 text, 2 binary, 0 a continuation of the message before; 8
  close, 9 ping, 10 pong), then MASK and a 7-bit length; 126 means a 16-bit
  length follows, 127 a 64-bit one. Every frame from a client is masked: its
  payload is XORed with a 4-byte key sent before it (so that a proxy cannot
  be fooled into caching bytes an attacker chose); a server's frames are not.
- Messages. A message may come in fragments: a text or binary frame
  without FIN, continuation frames, the last with FIN. Control frames
  (close, ping, pong) are never fragmented and may come between fragments.
- Ping and close. A ping is answered with a pong carrying the same bytes
  (kubectl pings every 5 s and gives up after 61 s without a pong). Either
  side ends with a close frame (a 2-byte code, 1000 for a normal closure),
  the other answers with one, and then the TCP connection is closed.

Simplified: no extensions (permessage-deflate is never accepted), a
message is read whole into memory (at most MAX_MESSAGE bytes), and text
messages are handed over as bytes, their UTF-8 not checked.
"""

from __future__ import annotations

import base64
import hashlib
import select
import socket
import struct
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
"""The fixed string RFC 6455 appends to the client's key before hashing it."""
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
NORMAL_CLOSURE, PROTOCOL_ERROR, MESSAGE_TOO_BIG = 1000, 1002, 1009
MAX_MESSAGE = 64 * 1024 * 1024
Headers = Mapping[str, str] | Message
"""A request's headers: http.server's (an email Message) or a plain dict."""
CLOSE_WAIT = 5.0  # real seconds to wait for the peer's close frame after sending ours


class HandshakeError(Exception):
    """A request that cannot be upgraded: the HTTP code to answer and why."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class ProtocolError(Exception):
    """Frames that break RFC 6455: the connection is closed with `code`."""

    def __init__(self, message: str, code: int = PROTOCOL_ERROR) -> None:
        super().__init__(message)
        self.code = code


def is_upgrade(headers: Headers) -> bool:
    """Does the request ask to become a WebSocket?"""
    return headers.get("Upgrade", "").lower() == "websocket"


def accept_key(key: str) -> str:
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2)."""
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()


def offered_protocols(headers: Headers) -> list[str]:
    """The subprotocols a client offers, in its order of preference."""
    return [p.strip() for p in headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]


def handshake(method: str, headers: Headers, protocols: list[str]) -> dict[str, str]:
    """The headers of the 101 answer to an upgrade request; HandshakeError when it is not a valid one
    or offers none of `protocols` (the server's, any order: the client's preference decides)."""
    connection = [token.strip().lower() for token in headers.get("Connection", "").split(",")]
    key = headers.get("Sec-WebSocket-Key", "")
    if method != "GET" or not is_upgrade(headers) or "upgrade" not in connection:
        raise HandshakeError(400, "a WebSocket handshake is a GET with Upgrade: websocket and Connection: Upgrade")
    if headers.get("Sec-WebSocket-Version") != "13":
        raise HandshakeError(426, "only WebSocket version 13 is spoken here (Sec-WebSocket-Version: 13)")
    if len(base64.b64decode(key + "==")) != 16:
        raise HandshakeError(400, "Sec-WebSocket-Key must be 16 bytes in base64")
    chosen = next((p for p in offered_protocols(headers) if p in protocols), None)
    if chosen is None:
        raise HandshakeError(400, f"requested protocol(s) are not supported: {offered_protocols(headers)}; "
                                  f"supports {protocols}")
    return {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Accept": accept_key(key),
            "Sec-WebSocket-Protocol": chosen}


@dataclass(frozen=True)
class Frame:
    """One frame, its payload unmasked."""

    fin: bool
    """The last frame of its message."""
    opcode: int
    payload: bytes
    masked: bool = False
    """Sent masked, as every client frame must be."""


def encode_frame(opcode: int, payload: bytes, fin: bool = True, mask: bytes | None = None) -> bytes:
    """A frame's bytes: a server's are unmasked; a client's carry a 4-byte `mask`."""
    head = bytes([(0x80 if fin else 0) | opcode])
    flag = 0x80 if mask else 0
    if len(payload) < 126:
        head += bytes([flag | len(payload)])
    elif len(payload) < 1 << 16:
        head += bytes([flag | 126]) + struct.pack("!H", len(payload))
    else:
        head += bytes([flag | 127]) + struct.pack("!Q", len(payload))
    return head + mask + masked(payload, mask) if mask else head + payload


def masked(payload: bytes, mask: bytes) -> bytes:
    """XOR with the 4-byte key, repeated (masking and unmasking are the same)."""
    repeated = (mask * (len(payload) // 4 + 1))[:len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(payload), "big")


def decode_frame(data: bytes | bytearray) -> tuple[Frame, int] | None:
    """The first frame in `data` and how many bytes it took; None if `data` does not hold all of it yet."""
    if len(data) < 2:
        return None
    fin, opcode, has_mask, length = data[0] & 0x80, data[0] & 0x0F, data[1] & 0x80, data[1] & 0x7F
    at = 2
    if length >= 126:
        size = 2 if length == 126 else 8
        if len(data) < at + size:
            return None
        length = int.from_bytes(data[at:at + size], "big")
        at += size
    if length > MAX_MESSAGE:
        raise ProtocolError(f"a frame of {length} bytes is more than {MAX_MESSAGE}", MESSAGE_TOO_BIG)
    key = bytes(data[at:at + 4]) if has_mask else b""
    at += len(key)
    if has_mask and len(key) < 4 or len(data) < at + length:
        return None
    payload = bytes(data[at:at + length])
    return Frame(bool(fin), opcode, masked(payload, key) if key else payload, bool(has_mask)), at + length


class Connection:
    """One upgraded connection, the server's end: `receive()` messages, `send()` them, `close()`.

    It reads the socket itself (after the 101, the HTTP handler's buffered reader holds nothing: a
    client sends no frame before it has read the answer to its handshake, RFC 6455 section 4.1)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.message: bytearray | None = None  # the fragments of a message not yet whole
        self.close_sent = self.peer_closed = False
        self.write_lock = threading.Lock()

    def send(self, payload: bytes, opcode: int = BINARY) -> None:
        """One message, in one unmasked frame."""
        with self.write_lock:
            self.sock.sendall(encode_frame(opcode, payload))

    def receive(self, timeout: float | None = None) -> bytes | None:
        """The next data message (pings are answered on the way); None once the peer has closed.
        TimeoutError when no whole message came within `timeout` seconds (what came so far is kept)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.peer_closed:
            frame = self.next_frame(deadline)
            if frame is None or frame.opcode == CLOSE:
                self.peer_closed = True
                if frame is not None and not self.close_sent:  # answer the close with the same code
                    self.send_close(frame.payload[:2] or struct.pack("!H", NORMAL_CLOSURE))
                return None
            whole = self.take(frame)
            if whole is not None:
                return whole
        return None

    def take(self, frame: Frame) -> bytes | None:
        """Answer a ping, drop a pong, gather a data frame: the message when this frame ends it."""
        if frame.opcode == PING:
            self.send(frame.payload, PONG)
            return None
        if frame.opcode == PONG:
            return None
        if frame.opcode not in (TEXT, BINARY, CONTINUATION):
            raise ProtocolError(f"unknown opcode {frame.opcode:#x}")
        if (frame.opcode == CONTINUATION) != (self.message is not None):
            raise ProtocolError("a continuation frame must follow a fragment, and only a continuation may")
        self.message = (self.message or bytearray()) + frame.payload
        if len(self.message) > MAX_MESSAGE:
            raise ProtocolError(f"a message of more than {MAX_MESSAGE} bytes", MESSAGE_TOO_BIG)
        if not frame.fin:
            return None
        whole, self.message = bytes(self.message), None
        return whole

    def next_frame(self, deadline: float | None) -> Frame | None:
        """The next frame off the socket; None when the peer has gone (end of stream)."""
        while True:
            found = decode_frame(self.buffer)
            if found is not None:
                frame, used = found
                del self.buffer[:used]
                if not frame.masked:
                    raise ProtocolError("a client's frames must be masked")
                return frame
            if not self.readable(deadline):
                raise TimeoutError("no whole WebSocket message yet")
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                return None
            self.buffer += data

    def readable(self, deadline: float | None) -> bool:
        """Wait until the socket has bytes (TLS may hold some already decrypted) or the deadline passes."""
        pending = getattr(self.sock, "pending", lambda: 0)()
        if pending or deadline is None:
            return True
        ready, _, _ = select.select([self.sock], [], [], max(0.0, deadline - time.monotonic()))
        return bool(ready)

    def send_close(self, payload: bytes) -> None:
        if not self.close_sent:
            self.close_sent = True
            try:
                self.send(payload, CLOSE)
            except OSError:
                pass  # the peer is gone already

    def close(self, code: int = NORMAL_CLOSURE, reason: str = "") -> None:
        """Send a close frame and wait (CLOSE_WAIT at most) for the peer's, dropping what comes before it."""
        self.send_close(struct.pack("!H", code) + reason.encode())
        deadline = time.monotonic() + CLOSE_WAIT
        try:
            while not self.peer_closed and time.monotonic() < deadline:
                self.receive(max(0.0, deadline - time.monotonic()))
        except (TimeoutError, ProtocolError, OSError):
            pass
