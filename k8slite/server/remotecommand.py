"""kubectl exec and attach over a WebSocket: the pods/exec and pods/attach subresources
(pkg/registry/core/pod/rest/subresources.go, and k8s.io/apiserver/pkg/util/proxy/streamtranslator.go).

`GET /api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command=...&container=main&stdin=true&
stdout=true&stderr=true&tty=false` first meets the API server's checks (the pod exists, the container is
one of its own, the pod has a node: kubectl.containers.stream_location); a refusal is an ordinary Status
answer, which kubectl prints as `Error from server (BadRequest): ...`. Then the request is upgraded to a
WebSocket (websocket.py) with the subprotocol `v5.channel.k8s.io` (kubectl 1.32 offers only that one;
`v4.channel.k8s.io`, which older clients offer, is spoken too) and becomes a bundle of streams
(streams.py): stdin in, the output out, and at the end a Status, which kubectl turns into `command
terminated with exit code 3` and its own exit code. `pods/attach` takes the same options but no command:
it is the container's main process whose output it streams, from now on, until that process ends.

Who runs the session: for a pod of a simulated node, this process (`session`, on the node's runtime,
under the server's lock); for a pod of a kubelet process (`k8slite kubelet`), that kubelet, which runs the
same `session` on its own runtime (k8slite.kubelet.server): the API server makes the same checks, then
relays kubectl's upgrade to the kubelet's /exec/<namespace>/<pod>/<container>?command=...&input=1&output=1
and the bytes both ways (proxy.py). A kubelet that cannot be reached is told on the error channel, as
kube-apiserver's stream translator tells it: `error sending request: Post "https://...": dial tcp ...:
connect: connection refused`.

Simplified, because the runtimes run a command to its end at once (under the server's lock) rather
than as a process that reads and writes while it runs: stdin is read whole first (until v5's close of
it; with v4, until the client pauses), and then the output is sent. Their exec gives stdout and stderr
as one text, so all output goes to stdout. There is no terminal either: with -t, a command runs without
input and its "\\n" is sent as "\\r\\n", as a terminal would send it. A bare shell with a terminal
(`kubectl exec -it pod -- sh`) is an interactive session on the fake runtime (runtime/terminal.py),
each line run when Enter comes; on Docker it gets no input and ends at once. attach reads the container's
log as it grows (the cluster clock must run for it to grow) and drops stdin. Left out: SPDY (kubectl
falls back to it only when the WebSocket upgrade fails) and the base64 subprotocols.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlencode

from k8slite.api.pod import Pod
from k8slite.errors import ApiError, BadRequest, NotFound
from k8slite.kubectl.containers import container_not_found, stream_location
from k8slite.runtime.terminal import TerminalSession, onlcr
from k8slite.server import proxy, rest, websocket
from k8slite.server.paths import Target
from k8slite.server.streams import STDERR, STDOUT, V4, V5, Streams

if TYPE_CHECKING:
    from k8slite.server.handler import Handler

PROTOCOLS = [V5, V4]
SUBRESOURCES = ("exec", "attach")
ATTACH_POLL = 0.2  # real seconds between looks at an attached container's log


@dataclass(frozen=True)
class StreamOptions:
    """PodExecOptions (PodAttachOptions: no command), from the query string; `command` repeats, one
    argument each."""

    command: list[str]
    container: str = ""
    stdin: bool = False
    stdout: bool = False
    stderr: bool = False
    tty: bool = False

    @classmethod
    def from_query(cls, query: str) -> StreamOptions:
        values = parse_qs(query, keep_blank_values=True)

        def flag(name: str) -> bool:
            return values.get(name, ["false"])[-1] in ("true", "1")
        return cls(values.get("command", []), values.get("container", [""])[-1], flag("stdin"), flag("stdout"),
                   flag("stderr"), flag("tty"))

    @classmethod
    def from_kubelet_query(cls, query: str, container: str) -> StreamOptions:
        """The options as the kubelet reads them: `input`, `output`, `error` and `tty` are "1"; the container
        is in the path."""
        values = parse_qs(query, keep_blank_values=True)

        def flag(name: str) -> bool:
            return values.get(name, ["0"])[-1] in ("1", "true")
        return cls(values.get("command", []), container, flag("input"), flag("output"), flag("error"), flag("tty"))

    def kubelet_query(self) -> str:
        """The query kube-apiserver sends the kubelet (streamParams, then url.Values.Encode: keys sorted):
        `command=sh&input=1&output=1&tty=1`."""
        flags = {"error": self.stderr, "input": self.stdin, "output": self.stdout, "tty": self.tty}
        return urlencode([("command", c) for c in self.command] + [(k, "1") for k, on in flags.items() if on])


class SessionPod(Protocol):
    """What a session runs against: k8slite.cluster_handles.PodHandle (a simulated node's pod, read in the
    API server's process) or k8slite.kubelet.server.KubeletPod (a pod of a kubelet process, read there)."""

    def terminal(self, command: list[str], container: str | None = None) -> TerminalSession | None: ...

    def exec(self, command: str | list[str], container: str | None = None,
             stdin: str | None = None) -> tuple[int, str]: ...

    def logs(self, container: str | None = None, previous: bool = False) -> str: ...

    def running_container(self, container: str | None) -> tuple[Any, str]: ...


class UpgradeRefused(ApiError):
    """A request for a stream that is not a WebSocket handshake this server accepts."""

    reason = "BadRequest"

    def __init__(self, message: str, code: int = 400) -> None:
        super().__init__(message)
        self.code = code


def serve(handler: Handler, target: Target, query: str) -> None:
    """Answer `pods/exec` or `pods/attach`: the checks, then the session here (a pod of a simulated node)
    or the kubelet process's, proxied (proxy.py). An ApiError before the upgrade is the handler's to
    answer as a Status."""
    options = StreamOptions.from_query(query)
    pod = handler.cluster.pod(target.name, target.namespace or "default")
    with handler.lock:
        container = check(handler.cluster.api, target, options)
        obj = pod.object
        client = handler.cluster.kubelet_clients[obj.spec.node_name] if pod.remote(obj) else None
        location = client.stream_location(target.subresource, obj, container, options.kubelet_query()) \
            if client is not None else ""
        start = attach_point(pod, container) if client is None and target.subresource == "attach" else None
    if client is None:
        return session(handler, target.subresource, pod, container, options, start, handler.lock, handler.closing)
    try:  # a kubelet of its own process runs the session: the API server relays it, byte for byte
        refusal = proxy.relay(handler, client.dial(location), location, client.token, handler.closing)
    except ApiError as e:  # the kubelet cannot be reached (KubeletUnreachable)
        refusal = e.message
    if refusal is not None:
        refuse(handler, options, refusal)


def refuse(handler: BaseHTTPRequestHandler, options: StreamOptions, message: str) -> None:
    """Upgrade, then say on the error channel why the kubelet gave no stream, as kube-apiserver's stream
    translator does (an HTTP error instead would send kubectl back to SPDY, which is not spoken here)."""
    protocol = upgrade(handler)
    handler.close_connection = True
    streams = Streams(websocket.Connection(handler.connection), protocol, options.stdin, options.tty, STDOUT)
    with contextlib.suppress(OSError, websocket.ProtocolError):
        streams.wait_for_client()
        streams.finish(internal_error(message))


def session(handler: BaseHTTPRequestHandler, subresource: str, pod: SessionPod, container: str,
            options: StreamOptions, start: tuple[str, int] | None, lock: threading.RLock,
            closing: threading.Event) -> None:
    """One exec or attach on `pod`'s container: the upgrade, then the streams until the end. The one
    definition both the API server (a simulated node's pod) and a kubelet process's server run; `start`
    is attach's (attach_point), taken under `lock` before the upgrade."""
    protocol = upgrade(handler)
    handler.close_connection = True
    channel = STDOUT if options.stdout else STDERR if options.stderr else None
    streams = Streams(websocket.Connection(handler.connection), protocol, options.stdin, options.tty, channel)
    try:
        streams.wait_for_client()
        if subresource == "attach":
            return attach(streams, pod, container, start, lock, closing)
        run_exec(streams, pod, container, options, lock)
    except OSError:
        pass  # the client went away: nothing is left to tell it
    except websocket.ProtocolError as e:
        with contextlib.suppress(OSError):
            streams.conn.close(e.code)
    except Exception as e:  # never an HTTP answer on a WebSocket: the Status says what went wrong
        with contextlib.suppress(OSError):
            streams.finish(internal_error(repr(e)))


def check(api: Any, target: Target, options: StreamOptions) -> str:
    """The API server's checks before the upgrade (ExecREST.Connect): the container the streams reach."""
    pod = rest.get_object(api, target)
    assert isinstance(pod, Pod)
    container = stream_location(pod, options.container)
    if target.subresource == "exec" and not options.command:
        raise BadRequest("you must specify at least 1 command")
    if not (options.stdin or options.stdout or options.stderr):
        raise BadRequest("you must specify at least 1 of stdin, stdout, stderr")
    return container


def upgrade(handler: BaseHTTPRequestHandler) -> str:
    """Send the 101 that turns the request into a WebSocket; the subprotocol chosen."""
    if not websocket.is_upgrade(handler.headers):
        spdy = handler.headers.get("Upgrade", "").upper().startswith("SPDY")
        raise UpgradeRefused("SPDY is not spoken here: exec and attach are served over WebSocket (v5.channel.k8s.io)"
                             if spdy else "Upgrade request required")
    try:
        headers = websocket.handshake(handler.command, handler.headers, PROTOCOLS)
    except websocket.HandshakeError as e:
        raise UpgradeRefused(e.message, e.code) from None
    handler.send_response(101)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.flush()
    return headers["Sec-WebSocket-Protocol"]


def run_exec(streams: Streams, pod: SessionPod, container: str, options: StreamOptions,
             lock: threading.RLock) -> None:
    """Run the command in the pod's container (each cluster call under the server's lock)."""
    command, tty = options.command, options.tty
    try:
        if tty and options.stdin:
            with lock:
                terminal = pod.terminal(command, container)
            if terminal is not None:
                return interact(streams, terminal, command, lock)
        stdin = streams.read_stdin() if options.stdin and not tty else None
        with lock:
            code, output = pod.exec(command, container, stdin)
    except NotFound:
        return streams.finish(internal_error(container_not_found(container)))
    streams.write(onlcr(output) if tty else output)
    streams.finish(exit_status(code, command, streams.protocol))


def interact(streams: Streams, terminal: TerminalSession, command: list[str], lock: threading.RLock) -> None:
    """Keys in on channel 0, what the terminal shows out on channel 1, until the shell exits."""
    streams.write(terminal.start())
    while terminal.exit_code is None:
        message = streams.receive()
        if message is None:
            return  # the client hung up: the shell goes with it
        keys = streams.keys(message)
        if keys:
            with lock:
                shown = terminal.type(keys)
            streams.write(shown)
    streams.finish(exit_status(terminal.exit_code, command, streams.protocol))


def attach_point(pod: SessionPod, container: str) -> tuple[str, int] | None:
    """Where an attach starts: the id of the container's running instance and how much of its log was
    written before; None when it does not run."""
    try:
        _, running = pod.running_container(container)
    except NotFound:
        return None
    return running, len(pod.logs(container))


def attach(streams: Streams, pod: SessionPod, container: str, start: tuple[str, int] | None,
           lock: threading.RLock, closing: threading.Event) -> None:
    """The output of the container's main process from `start` until it ends (or the client leaves);
    what the client sends is read and dropped."""
    if start is None:
        return streams.finish(internal_error(container_not_found(container)))
    running, seen = start
    while not closing.is_set():
        if streams.receive_within(ATTACH_POLL) is None and streams.conn.peer_closed:
            return  # Ctrl-C: kubectl hung up
        with lock:
            now, text = looked_at(pod, container)
        if now in (running, None):  # not a new instance's log, after a restart
            streams.write(text[seen:])
        seen = len(text)
        if now != running:
            break  # it ended (or ended and started again: this attach was to the one that ended)
    streams.finish({"metadata": {}, "status": "Success"})


def looked_at(pod: SessionPod, container: str) -> tuple[str | None, str]:
    """The id of the container's running instance (None if none runs) and its log so far."""
    try:
        text = pod.logs(container)
    except NotFound:  # the pod is gone
        return None, ""
    try:
        return pod.running_container(container)[1], text
    except NotFound:  # it stopped
        return None, text


def exit_status(code: int, command: list[str], protocol: str) -> dict[str, Any]:
    """Channel 3's Status for an exit code (json.Marshal of a metav1.Status: no kind, `metadata: {}`).

    v5 ends in kube-apiserver's stream translator, whose message wraps the error its own SPDY client made
    of the kubelet's Status; v4 is passed through to the kubelet, whose message wraps containerd's
    `error executing command [sh -c exit 3], exit code 3`. kubectl reads only the ExitCode cause."""
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    error = f"command terminated with exit code {code}" if protocol == V5 else \
        f"error executing command [{' '.join(command)}], exit code {code}"
    return {"metadata": {}, "status": "Failure", "message": f"command terminated with non-zero exit code: {error}",
            "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]}}


def internal_error(message: str) -> dict[str, Any]:
    """apierrors.NewInternalError: what the translator sends when the kubelet refused the stream."""
    return {"metadata": {}, "status": "Failure", "message": f"Internal error occurred: {message}",
            "reason": "InternalError", "details": {"causes": [{"message": message}]}, "code": 500}
