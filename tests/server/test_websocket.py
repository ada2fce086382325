"""k8slite.server.websocket: RFC 6455's handshake and frames, with the RFC's own examples."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

import pytest

from k8slite.server import websocket
from k8slite.server.websocket import BINARY, CLOSE, CONTINUATION, PING, PONG, TEXT, Connection, Frame

MASK = bytes([0x37, 0xFA, 0x21, 0x3D])  # the masking key of RFC 6455 section 5.7's examples
KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # section 1.3's Sec-WebSocket-Key ("the sample nonce")


def test_the_accept_key_of_the_rfcs_example() -> None:
    assert websocket.accept_key(KEY) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def request(**changes: str) -> dict[str, str]:
    headers = {"Upgrade": "websocket", "Connection": "keep-alive, Upgrade", "Sec-WebSocket-Key": KEY,
               "Sec-WebSocket-Version": "13", "Sec-WebSocket-Protocol": "v4.channel.k8s.io, v5.channel.k8s.io"}
    return {**headers, **changes}


def test_the_handshake_chooses_the_first_subprotocol_the_client_offers() -> None:
    answer = websocket.handshake("GET", request(), ["v5.channel.k8s.io", "v4.channel.k8s.io"])
    assert answer == {"Upgrade": "websocket", "Connection": "Upgrade",
                      "Sec-WebSocket-Accept": "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
                      "Sec-WebSocket-Protocol": "v4.channel.k8s.io"}


@pytest.mark.parametrize("method, changes, code", [
    ("POST", {}, 400),                                            # a handshake is a GET
    ("GET", {"Upgrade": "SPDY/3.1"}, 400),                        # not a WebSocket
    ("GET", {"Sec-WebSocket-Version": "8"}, 426),                 # only version 13
    ("GET", {"Sec-WebSocket-Key": "c2hvcnQ="}, 400),              # the key is 16 bytes
    ("GET", {"Sec-WebSocket-Protocol": "channel.k8s.io"}, 400),   # no subprotocol in common
])
def test_a_handshake_that_cannot_be_accepted(method: str, changes: dict[str, str], code: int) -> None:
    with pytest.raises(websocket.HandshakeError) as refused:
        websocket.handshake(method, request(**changes), ["v5.channel.k8s.io", "v4.channel.k8s.io"])
    assert refused.value.code == code


@pytest.mark.parametrize("data, frame", [
    # RFC 6455 section 5.7: "Hello" unmasked, then masked with 37 fa 21 3d (as a client sends it)
    (bytes([0x81, 0x05]) + b"Hello", Frame(True, TEXT, b"Hello")),
    (bytes([0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]), Frame(True, TEXT, b"Hello", True)),
    (bytes([0x01, 0x03]) + b"Hel", Frame(False, TEXT, b"Hel")),    # the first fragment of a message
    (bytes([0x80, 0x02]) + b"lo", Frame(True, CONTINUATION, b"lo")),  # and its last
    (bytes([0x89, 0x05]) + b"Hello", Frame(True, PING, b"Hello")),
])
def test_decode_the_rfcs_frames(data: bytes, frame: Frame) -> None:
    assert websocket.decode_frame(data) == (frame, len(data))
    assert websocket.decode_frame(data[:-1]) is None  # not all there yet


@pytest.mark.parametrize("size, header", [
    (125, bytes([0x82, 0x80 | 125])),                                       # fits the 7-bit length
    (256, bytes([0x82, 0x80 | 126, 0x01, 0x00])),                          # 126: a 16-bit length follows
    (65536, bytes([0x82, 0x80 | 127]) + struct.pack("!Q", 65536)),          # 127: a 64-bit length follows
])
def test_long_masked_frames(size: int, header: bytes) -> None:
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    data = websocket.encode_frame(BINARY, payload, mask=MASK)
    assert data.startswith(header + MASK)
    assert data[len(header) + 4:] != payload  # masked on the wire
    assert websocket.decode_frame(data) == (Frame(True, BINARY, payload, True), len(data))


@pytest.fixture
def pair() -> Iterator[tuple[Connection, socket.socket]]:
    """The server's Connection and the client's end of a socket pair."""
    server, client = socket.socketpair()
    yield Connection(server), client
    server.close()
    client.close()


def read_frame(client: socket.socket) -> Frame:
    data = b""
    while (found := websocket.decode_frame(data)) is None:
        data += client.recv(65536)
    return found[0]


def test_a_fragmented_message_with_a_ping_between_its_fragments(pair: tuple[Connection, socket.socket]) -> None:
    conn, client = pair
    client.sendall(websocket.encode_frame(BINARY, b"\x00hel", fin=False, mask=MASK)
                   + websocket.encode_frame(PING, b"are you there", mask=MASK)
                   + websocket.encode_frame(CONTINUATION, b"lo", mask=MASK))
    assert conn.receive(timeout=5) == b"\x00hello"
    assert read_frame(client) == Frame(True, PONG, b"are you there")


def test_messages_larger_than_125_and_65535_bytes(pair: tuple[Connection, socket.socket]) -> None:
    conn, client = pair
    for size in (126, 65536 + 10):
        client.sendall(websocket.encode_frame(BINARY, b"x" * size, mask=MASK))
        assert conn.receive(timeout=5) == b"x" * size


def test_the_server_sends_unmasked_frames(pair: tuple[Connection, socket.socket]) -> None:
    conn, client = pair
    conn.send(b"\x01" + b"y" * 70000)
    assert read_frame(client) == Frame(True, BINARY, b"\x01" + b"y" * 70000, masked=False)


def test_an_unmasked_client_frame_is_a_protocol_error(pair: tuple[Connection, socket.socket]) -> None:
    conn, client = pair
    client.sendall(websocket.encode_frame(BINARY, b"\x00hi"))
    with pytest.raises(websocket.ProtocolError):
        conn.receive(timeout=5)


def test_receive_times_out_and_keeps_a_partial_frame(pair: tuple[Connection, socket.socket]) -> None:
    conn, client = pair
    data = websocket.encode_frame(BINARY, b"\x00late", mask=MASK)
    client.sendall(data[:3])
    with pytest.raises(TimeoutError):
        conn.receive(timeout=0.05)
    client.sendall(data[3:])
    assert conn.receive(timeout=5) == b"\x00late"


def test_the_close_handshake(pair: tuple[Connection, socket.socket]) -> None:
    conn, client = pair
    client.sendall(websocket.encode_frame(CLOSE, struct.pack("!H", 1000), mask=MASK))
    assert conn.receive(timeout=5) is None  # the peer closed
    assert read_frame(client) == Frame(True, CLOSE, struct.pack("!H", 1000))  # answered with the same code


def test_close_sends_a_close_frame_and_waits_for_the_peers(pair: tuple[Connection, socket.socket]) -> None:
    conn, client = pair
    client.sendall(websocket.encode_frame(BINARY, b"\x00ignored", mask=MASK)
                   + websocket.encode_frame(CLOSE, struct.pack("!H", 1000), mask=MASK))
    conn.close()
    assert read_frame(client) == Frame(True, CLOSE, struct.pack("!H", 1000))
    assert conn.peer_closed
