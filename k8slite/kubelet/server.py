"""The kubelet's own HTTPS API, and the API server's client for it: how `kubectl logs` and `exec` reach a machine.

Mirrors pkg/kubelet/server (the kubelet listens on port 10250) and the
API server's kubelet client (pkg/kubelet/client): the API server does not
hold any container's output; for `kubectl logs` it asks the kubelet of the
pod's node, at the address and port that kubelet wrote into its Node
(`status.addresses` InternalIP, `status.daemonEndpoints.kubeletEndpoint.Port`).
When that machine is gone the request fails, in client-go's words, as it
does on a real cluster:

    Get "https://127.0.0.1:41237/containerLogs/default/web/web": dial tcp 127.0.0.1:41237: connect: connection refused

Two paths: GET /containerLogs/<namespace>/<pod>/<container> (`previous`,
`tailLines`), and POST /run/<namespace>/<pod>/<container>, which runs a
command to its end (the kubelet's old non-streaming exec) and answers its
exit code and output. Only k8slite's kubelet processes serve it
(`k8slite kubelet`, process.py); in a simulated cluster the API server
reads the kubelets in its own process.

Simplified: the API server proves who it is with the node's own token
(a real one presents its kubelet-client certificate, and the kubelet asks
the API server whether that identity may); the kubelet's certificate is
self-signed and not checked (kube-apiserver does not check it either unless
given --kubelet-certificate-authority); no streaming exec, attach,
port-forward or `follow` (the API server's follow polls).
"""

from __future__ import annotations

import hmac
import json
import shutil
import ssl
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.errors import ApiError, NotFound
from k8slite.runtime.cri import RUNNING
from k8slite.server.tls import make_certificate, server_context

ENDPOINT = "kubeletEndpoint"  # status.daemonEndpoints.kubeletEndpoint.Port


class KubeletServer:
    """The kubelet's HTTPS endpoint on 127.0.0.1: `port`; `lock` is held around every read of the kubelet."""

    def __init__(self, kubelet: Any, token: str, lock: threading.RLock) -> None:
        self.kubelet, self.token, self.lock = kubelet, token, lock
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
        text: str = self.kubelet.runtime.logs(cid)  # a read: the loop may run meanwhile
        lines = text.splitlines(keepends=True)
        return "".join(lines[-int(query["tailLines"]):] if query.get("tailLines") else lines)

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
        self.httpd.shutdown()
        self.httpd.server_close()
        shutil.rmtree(self.directory, ignore_errors=True)


class KubeletHandler(BaseHTTPRequestHandler):
    server_side: KubeletServer

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
            if method == "GET" and len(parts) == 4 and parts[0] == "containerLogs":
                namespace, pod, container = parts[1:]
                return self.send(200, self.server_side.logs(namespace, pod, container, dict(parse_qsl(url.query))))
            if method == "POST" and len(parts) == 4 and parts[0] == "run":
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                namespace, pod, container = parts[1:]
                return self.send(200, json.dumps(self.server_side.run(namespace, pod, container, body)))
            self.send(404, "404 page not found")
        except NotFound as e:
            self.send(404, e.message)
        except Exception as e:  # answer every request
            self.send(500, f"Internal error occurred: {e!r}")

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
            reason = getattr(e, "reason", e)
            raise KubeletUnreachable(f'{method.title()} "{url}": dial tcp {urlsplit(url).netloc}: '
                                     f'connect: {describe(reason)}') from None

    def logs(self, pod: Pod, container: str | None, previous: bool = False) -> str:
        name = container or pod.spec.containers[0].name
        query = urlencode({"previous": "true"}) if previous else ""
        return self.request("GET", f"/containerLogs/{pod.namespace}/{pod.name}/{name}" + (f"?{query}" if query else ""))

    def run(self, pod: Pod, container: str | None, argv: list[str], stdin: str | None = None) -> tuple[int, str]:
        name = container or pod.spec.containers[0].name
        answer = json.loads(self.request("POST", f"/run/{pod.namespace}/{pod.name}/{name}",
                                         {"command": argv, "stdin": stdin}))
        return int(answer["code"]), str(answer["output"])


def describe(reason: object) -> str:
    """An OS error as Go's net package words it ("connection refused")."""
    text = str(reason)
    if isinstance(reason, ConnectionRefusedError) or "Connection refused" in text:
        return "connection refused"
    return text
