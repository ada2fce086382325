"""The streams of one exec or attach on an upgraded WebSocket: the channel of each message, the first
message, stdin, output and the Status at the end (wsstream.Conn and the stream translator's conns,
k8s.io/apiserver/pkg/util/proxy/websocket.go).

Each binary message starts with the number of its channel:

    0 stdin   client -> server   what is typed or piped into `kubectl exec -i`
    1 stdout  server -> client
    2 stderr  server -> client
    3 error   server -> client   one Status at the end: Success, or NonZeroExitCode with the exit code
    4 resize  client -> server   the terminal's size as JSON, {"Width": 80, "Height": 24}, with -t

v5.channel.k8s.io adds one message: 255 followed by a channel number closes that channel, which is how
kubectl says its stdin reached its end (v4.channel.k8s.io cannot say it). The server first sends an
empty message on the lowest channel it writes (stdout), then the output, then the Status, then the
WebSocket's close frame. Simplified: output is text (a runtime gives it whole, or a log as it grows),
sent in messages of at most CHUNK bytes; stdin is read whole; resize messages are read and dropped.
"""

from __future__ import annotations

import codecs
import json
import time
from typing import Any

from k8slite.runtime.terminal import END_OF_INPUT
from k8slite.server import websocket

V5, V4 = "v5.channel.k8s.io", "v4.channel.k8s.io"
STDIN, STDOUT, STDERR, ERROR, RESIZE = 0, 1, 2, 3, 4
CLOSE_STREAM = 255
"""v5: a message [255, channel] closes that channel (remotecommand.StreamClose)."""
END_OF_STDIN = bytes([CLOSE_STREAM, STDIN])
STDIN_QUIET = 1.0  # v4: real seconds without a stdin message after which stdin counts as ended
CLIENT_WAIT = 1.0  # real seconds to wait for the client's first message, or for the terminal's first size
STREAMS_READY = 0.1  # real seconds kubectl gets to make its streams when it sends nothing (wait_for_client)
CHUNK = 32 * 1024  # bytes of output per message, as io.Copy's buffer sends them


class Streams:
    """The channels of one upgraded connection: `receive()` what the client sends, `write()` output,
    `finish(status)`."""

    def __init__(self, conn: websocket.Connection, protocol: str, stdin: bool, tty: bool, channel: int | None):
        self.conn, self.protocol, self.stdin, self.tty = conn, protocol, stdin, tty
        self.channel = channel
        """Where output goes: stdout, or stderr if only it was asked for; None if neither was."""
        self.early: list[bytes] = []  # what wait_for_client read, for the readers after it
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def wait_for_client(self) -> None:
        """Send the empty message that says the streams are open, once kubectl has made its own.

        kubectl 1.32 reads the connection before it has made its streams (kubernetes#131189, fixed in
        1.33): a message that comes first is dropped (`Unknown stream id 1`), and a close that comes first
        fails the exec (`closed all streams`). kube-apiserver is seldom that quick, as it calls the kubelet
        first. Here kubectl's first message (stdin, or the terminal's size with -t) says it is ready; one
        that sends nothing gets STREAMS_READY seconds. With -t, the terminal's size is awaited too, so that
        a command that ends at once does not leave kubectl writing it to a closed connection."""
        if self.stdin or self.tty:
            self.early += [first] if (first := self.receive_within(CLIENT_WAIT)) is not None else []
        else:
            time.sleep(STREAMS_READY)  # real time: the server's thread, not the simulation
        self.conn.send(bytes([self.channel if self.channel is not None else ERROR]))
        deadline = time.monotonic() + CLIENT_WAIT
        while self.tty and (left := deadline - time.monotonic()) > 0:
            message = self.receive_within(left)
            if message is None or message[:1] == bytes([RESIZE]):
                return

    def receive(self, timeout: float | None = None) -> bytes | None:
        """The next message (one read while waiting for the client comes first); None once the client
        has closed; TimeoutError after `timeout` seconds."""
        return self.early.pop(0) if self.early else self.conn.receive(timeout)

    def receive_within(self, timeout: float) -> bytes | None:
        """The next message, or None if none came within `timeout` seconds (or the client has closed)."""
        try:
            return self.receive(timeout)
        except TimeoutError:
            return None

    def keys(self, message: bytes) -> str:
        """What a message carries for a terminal: stdin as text, END_OF_INPUT for v5's close of stdin."""
        if message == END_OF_STDIN:
            return END_OF_INPUT
        return self.decoder.decode(message[1:]) if message[:1] == bytes([STDIN]) else ""

    def read_stdin(self) -> str:
        """Everything sent on channel 0 until its end: v5's close message, the client's close, or (v4) a pause."""
        data = bytearray()
        while True:
            try:
                message = self.receive(STDIN_QUIET if self.protocol == V4 else None)
            except TimeoutError:
                break
            if message is None or message == END_OF_STDIN:
                break
            if message[:1] == bytes([STDIN]):
                data += message[1:]
            # channel 4 (resize) and anything else is read and dropped
        return data.decode(errors="replace")

    def write(self, text: str) -> None:
        """Output, in messages of at most CHUNK bytes."""
        data = text.encode()
        if self.channel is None or not data:
            return
        for at in range(0, len(data), CHUNK):
            self.conn.send(bytes([self.channel]) + data[at:at + CHUNK])

    def finish(self, status: dict[str, Any]) -> None:
        """The Status on channel 3 (as json.Marshal writes it), then the close frame; the client answers
        it and hangs up."""
        self.conn.send(bytes([ERROR]) + json.dumps(status, separators=(",", ":"), ensure_ascii=False).encode())
        self.conn.close()
