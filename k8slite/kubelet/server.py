"""The kubelet's own HTTPS API, and the API server's client for it: how `kubectl logs`, `exec` and `attach` reach
a machine.

Mirrors pkg/kubelet/server (the kubelet listens on port 10250) and the
API server's kubelet client (pkg/kubelet/client): the API server does not
hold any container's output; for `kubectl logs` it asks the kubelet of the
pod's node, at the address and port that kubelet wrote into its Node
(`status.addresses` InternalIP, `status.daemonEndpoints.kubeletEndpoint.Port`).
When that machine is gone the request fails, in client-go's words, as it
does on a real cluster:

    Get "https://127.0.0.1:41237/containerLogs/default/web/web": dial tcp 127.0.0.1:41237: connect: connection refused

The paths, as the real kubelet's:

- GET /containerLogs/<namespace>/<pod>/<container> (`previous`,
  `tailLines`); with `follow=true` a chunked answer, the log so far and
  then each new piece as the container writes it, until it ends (or the
  client goes): `kubectl logs -f`, which the API server relays as it comes.
- GET /exec/<namespace>/<pod>/<container>?command=sh&input=1&output=1&tty=1
  and /attach/...: upgraded to a WebSocket, on which the kubelet runs the
  very session the API server runs for a simulated node's pod
  (k8slite.server.remotecommand.session: v5/v4 channels, the fake
  runtime's interactive shell with -t), on its own runtime. The API server
  checks kubectl's request and relays it here byte for byte
  (k8slite.server.proxy), so `kubectl exec -it POD -- sh` types into this
  process.
- POST /run/<namespace>/<pod>/<container>: a command run to its end, its
  exit code and output as JSON (k8slite's own, for the Python API's
  `exec` on a remote cluster; not a real kubelet path).

Only k8slite's kubelet processes serve it (`k8slite kubelet`, process.py);
in a simulated cluster the API server reads the kubelets in its own process.

Simplified: the API server proves who it is with the node's own token
(a real one presents its kubelet-client certificate, and the kubelet asks
the API server whether that identity may); the kubelet's certificate is
self-signed and not checked (kube-apiserver does not check it either unless
given --kubelet-certificate-authority); exec and attach speak the
WebSocket (the real kubelet speaks SPDY too, and kube-apiserver 1.32 talks
SPDY to it), with remotecommand.py's simplifications (a command's output is
sent when it ends; a terminal is the fake runtime's shell); a followed log
is polled every FOLLOW_POLL seconds from the runtime; no port-forward, no
`sinceSeconds` or `timestamps`.
"""

from __future__ import annotations

import hmac
import http.client
import json
import select
import shutil
import socket
import ssl
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.errors import ApiError, NotFound, dial_tcp
from k8slite.runtime.cri import RUNNING
from k8slite.runtime.terminal import TerminalSession, open_terminal
from k8slite.server.chunked import send_chunked
from k8slite.server.remotecommand import StreamOptions, attach_point, session
from k8slite.server.tls import make_certificate, server_context

ENDPOINT = "kubeletEndpoint"  # status.daemonEndpoints.kubeletEndpoint.Port
FOLLOW_POLL = 0.2  # real seconds between looks at a followed log
DIAL_TIMEOUT = 10.0  # real seconds to connect to a kubelet


class KubeletServer:
    """The kubelet's HTTPS endpoint on 127.0.0.1: `port`; `lock` is held around every read of the kubelet."""

    def __init__(self, kubelet: Any, token: str, lock: threading.RLock) -> None:
        self.kubelet, self.token, self.lock = kubelet, token, lock
        self.closing = threading.Event()  # set when the server stops: sessions and followed logs end
        self.directory = Path(tempfile.mkdtemp(prefix="k8slite-kubelet-"))
        cert, key = make_certificate(self.directory)
        handler = type("KubeletHandler", (KubeletHandler,), {"server_side": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.socket = server_context(cert, key).wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        threading.Thread(target=self.httpd.serve_forever, name="kubelet-server", daemon=True).start()

    def pod(self, namespace: str, name: str) -> Pod:
        """The pod as the kubelet's informer has it (NotFound when it is not bound to this node)."""
        found = self.kubelet.informer.get(f"{namespace}/{name}") if self.kubelet.informer else None
        if not isinstance(found, Pod):
            raise NotFound(f'pod "{name}" not found')
        return found

    def logs(self, namespace: str, name: str, container: str, query: dict[str, str]) -> str:
        with self.lock:
            pod = self.pod(namespace, name)
            cid, _ = self.kubelet.find_container(pod, container, query.get("previous") == "true")
        return tail(self.kubelet.runtime.logs(cid), query)  # a read: the loop may run meanwhile

    def follow(self, namespace: str, name: str, container: str, query: dict[str, str],
               write: Callable[[bytes], None], gone: Callable[[], bool]) -> None:
        """`follow=true`: the log (its tailLines) and then each new piece of it, until the container ends or
        the client is `gone`."""
        with self.lock:
            cid, _ = self.kubelet.find_container(self.pod(namespace, name), container, query.get("previous") == "true")
        runtime = self.kubelet.runtime
        text = runtime.logs(cid)
        write(tail(text, query).encode())
        seen = len(text)
        while not self.closing.wait(FOLLOW_POLL) and not gone():
            with self.lock:
                running = runtime.container_status(cid).state == RUNNING
            text = runtime.logs(cid)  # read after the look at its state: nothing it wrote before ending is lost
            if len(text) > seen:
                write(text[seen:].encode())
            seen = len(text)
            if not running:
                return

    def stream(self, handler: BaseHTTPRequestHandler, subresource: str, namespace: str, name: str, container: str,
               query: str) -> None:
        """/exec and /attach: the same session the API server runs for a simulated node's pod
        (k8slite.server.remotecommand.session), on this kubelet's runtime."""
        options = StreamOptions.from_kubelet_query(query, container)
        pod = KubeletPod(self, namespace, name)
        with self.lock:
            self.pod(namespace, name)  # NotFound before the upgrade
            start = attach_point(pod, container) if subresource == "attach" else None
        session(handler, subresource, pod, container, options, start, self.lock, self.closing)

    def run(self, namespace: str, name: str, container: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            pod = self.pod(namespace, name)
            cid, spec = self.kubelet.find_container(pod, container)
            runtime = self.kubelet.runtime
            if runtime.container_status(cid).state != RUNNING:
                raise NotFound(f'container "{spec.name}" in pod "{name}" is not running')
        code, output = runtime.exec_sync(cid, list(body["command"]), 60.0, body.get("stdin"))
        return {"code": code, "output": output}

    def close(self) -> None:
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        shutil.rmtree(self.directory, ignore_errors=True)


def tail(text: str, query: dict[str, str]) -> str:
    """A log's last `tailLines` lines (all of it without)."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[-int(query["tailLines"]):] if query.get("tailLines") else lines)


class KubeletPod:
    """A pod as a session sees it on this kubelet (what PodHandle is in the API server's process): each call
    is made under the server's lock by the session (remotecommand.session)."""

    def __init__(self, server: KubeletServer, namespace: str, name: str) -> None:
        self.server, self.namespace, self.name = server, namespace, name

    def running_container(self, container: str | None) -> tuple[Any, str]:
        """The runtime and id of the container, NotFound unless it is running now."""
        kubelet = self.server.kubelet
        return kubelet.runtime, kubelet.running_container(self.server.pod(self.namespace, self.name), container)

    def terminal(self, command: list[str], container: str | None = None) -> TerminalSession | None:
        return open_terminal(*self.running_container(container), command)

    def exec(self, command: str | list[str], container: str | None = None,
             stdin: str | None = None) -> tuple[int, str]:
        runtime, cid = self.running_container(container)
        with unlocked(self.server.lock):  # as long as the command runs: the kubelet's loop must not wait on it
            code, output = runtime.exec_sync(cid, list(command), 60.0, stdin)
        return int(code), str(output)

    def logs(self, container: str | None = None, previous: bool = False) -> str:
        kubelet = self.server.kubelet
        cid, _ = kubelet.find_container(self.server.pod(self.namespace, self.name), container, previous)
        return str(kubelet.runtime.logs(cid))


class KubeletHandler(BaseHTTPRequestHandler):
    server_side: KubeletServer
    protocol_version = "HTTP/1.1"  # chunked followed logs

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.answer("GET")

    def do_POST(self) -> None:
        self.answer("POST")

    def answer(self, method: str) -> None:
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        given = self.headers.get("Authorization", "").encode()
        try:
            if not hmac.compare_digest(given, f"Bearer {self.server_side.token}".encode()):
                return self.send(401, "Unauthorized")
            if method == "GET" and len(parts) == 4 and parts[0] in ("exec", "attach"):
                namespace, pod, container = parts[1:]
                return self.server_side.stream(self, parts[0], namespace, pod, container, url.query)
            if method == "GET" and len(parts) == 4 and parts[0] == "containerLogs":
                namespace, pod, container = parts[1:]
                query = dict(parse_qsl(url.query))
                if query.get("follow") == "true":
                    return self.chunked(lambda write: self.server_side.follow(namespace, pod, container, query, write,
                                                                              self.hung_up))
                return self.send(200, self.server_side.logs(namespace, pod, container, query))
            if method == "POST" and len(parts) == 4 and parts[0] == "run":
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                namespace, pod, container = parts[1:]
                return self.send(200, json.dumps(self.server_side.run(namespace, pod, container, body)))
            self.send(404, "404 page not found")
        except NotFound as e:
            self.send(404, e.message)
        except ApiError as e:  # an upgrade refused (remotecommand.UpgradeRefused): its code and words
            self.send(e.code, e.message)
        except Exception as e:  # answer every request
            self.send(500, f"Internal error occurred: {e!r}")

    def chunked(self, run: Callable[[Callable[[bytes], None]], None]) -> None:
        """A streamed answer: the first look (NotFound ...) is made before the 200 is sent."""
        send_chunked(self, "text/plain; charset=utf-8", run, lazy=True)

    def hung_up(self) -> bool:
        """Has the client of a streamed answer gone? It sends nothing more once it asked, so anything to read
        on its connection is its end."""
        return bool(select.select([self.connection], [], [], 0)[0])

    def send(self, code: int, text: str) -> None:
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class KubeletUnreachable(ApiError):
    """The API server could not reach a node's kubelet: kube-apiserver words it as client-go does, no reason."""

    reason = ""
    code = 500


@contextmanager
def unlocked(lock: Any) -> Iterator[None]:
    """Let go of `lock` (an RLock, however many times this thread holds it) for the block, then take it back:
    the API server must not hold its lock while a kubelet answers, since the kubelet may be waiting on it."""
    if lock is None or not lock._is_owned():
        yield
        return
    state = lock._release_save()  # what threading.Condition.wait does with its RLock
    try:
        yield
    finally:
        lock._acquire_restore(state)


class KubeletClient:
    """The API server's side: reach one node's kubelet at the endpoint its Node names; `lock` (the server's)
    is let go while the kubelet answers."""

    def __init__(self, api: Any, node: str, token: str, lock: Any = None) -> None:
        self.api, self.node, self.token, self.lock = api, node, token, lock
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE  # as kube-apiserver without --kubelet-certificate-authority

    def address(self) -> str:
        node = self.api.get("nodes", self.node)
        assert isinstance(node, Node)
        ip = next((a.address for a in node.status.addresses if a.type == "InternalIP"), "127.0.0.1")
        port = node.status.daemon_endpoints.get(ENDPOINT, {}).get("Port", 10250)
        return f"https://{ip}:{port}"

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> str:
        url = self.address() + path
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"Bearer {self.token}"})
        try:
            with unlocked(self.lock), urllib.request.urlopen(req, context=self.context, timeout=70) as answer:
                return str(answer.read().decode())
        except urllib.error.HTTPError as e:
            text = e.read().decode(errors="replace")
            raise (NotFound(text) if e.code == 404 else KubeletUnreachable(text)) from None
        except (urllib.error.URLError, OSError) as e:
            raise KubeletUnreachable(f'{method.title()} "{url}": '
                                     f'{dial_tcp(urlsplit(url).netloc, getattr(e, "reason", e))}') from None

    def stream_location(self, subresource: str, pod: Pod, container: str, query: str) -> str:
        """Where kube-apiserver sends an exec or attach (ExecLocation, AttachLocation): the kubelet's
        /exec/<namespace>/<pod>/<container>?command=...&input=1&output=1&tty=1."""
        return f"{self.address()}/{subresource}/{pod.namespace}/{pod.name}/{container}" + (f"?{query}" if query else "")

    def dial(self, location: str) -> ssl.SSLSocket:
        """A TLS connection to the kubelet at `location` (made without the server's lock, which is not held);
        KubeletUnreachable, worded as kube-apiserver's stream translator words its failed request, if none."""
        netloc = urlsplit(location).netloc
        host, _, port = netloc.rpartition(":")
        try:
            raw = socket.create_connection((host, int(port)), timeout=DIAL_TIMEOUT)
            sock = self.context.wrap_socket(raw)
        except OSError as e:
            raise KubeletUnreachable(f'error sending request: Post "{location}": {dial_tcp(netloc, e)}') from None
        sock.settimeout(None)
        return sock

    def follow(self, pod: Pod, container: str | None, query: dict[str, str]) -> tuple[Any, socket.socket]:
        """`kubectl logs -f`: the kubelet's chunked answer to containerLogs?follow=true, open, to be read as it
        comes, and its socket (proxy.relay_answer shuts it when kubectl goes). The server's lock is let go
        while the kubelet answers; it must not be held while the answer is read either."""
        name = container or pod.spec.containers[0].name
        given = {k: query[k] for k in ("previous", "tailLines") if query.get(k)}
        path = f"/containerLogs/{pod.namespace}/{pod.name}/{name}?" + urlencode({"follow": "true", **given})
        url = self.address() + path
        host, _, port = urlsplit(url).netloc.rpartition(":")
        connection = http.client.HTTPSConnection(host, int(port), context=self.context, timeout=70)
        try:
            with unlocked(self.lock):
                connection.connect()
                sock = connection.sock
                connection.request("GET", path, headers={"Authorization": f"Bearer {self.token}"})
                answer = connection.getresponse()
        except OSError as e:
            connection.close()
            raise KubeletUnreachable(f'Get "{url}": {dial_tcp(urlsplit(url).netloc, e)}') from None
        if answer.status != 200:
            text = answer.read().decode(errors="replace")
            connection.close()
            raise (NotFound(text) if answer.status == 404 else KubeletUnreachable(text))
        sock.settimeout(None)  # a followed log may be quiet for hours
        return answer, sock

    def logs(self, pod: Pod, container: str | None, previous: bool = False) -> str:
        name = container or pod.spec.containers[0].name
        query = urlencode({"previous": "true"}) if previous else ""
        return self.request("GET", f"/containerLogs/{pod.namespace}/{pod.name}/{name}" + (f"?{query}" if query else ""))

    def run(self, pod: Pod, container: str | None, argv: list[str], stdin: str | None = None) -> tuple[int, str]:
        name = container or pod.spec.containers[0].name
        answer = json.loads(self.request("POST", f"/run/{pod.namespace}/{pod.name}/{name}",
                                         {"command": argv, "stdin": stdin}))
        return int(answer["code"]), str(answer["output"])
