"""The Kubernetes API over HTTP: the real kubectl, and any Kubernetes client, talking to a k8slite cluster.

Mirrors kube-apiserver's HTTP face (k8s.io/apiserver/pkg/endpoints): the
same paths (`/api/v1/namespaces/default/pods`), the same JSON, the same
Status errors, discovery, watch streams and the Table format kubectl
prints, served on 127.0.0.1 for one Cluster. Behind it is k8slite's own
APIServer: the HTTP layer only decodes a request, calls it and encodes the
answer, which is all kube-apiserver's handlers do around its registry.

    >>> server = serve(c)            # a thread; port 0 picks a free port
    >>> server.url                   # 'https://127.0.0.1:40123'
    >>> !kubectl --kubeconfig {server.kubeconfig} get pods
    >>> server.run(30)               # c.run(30), holding the server's lock
    >>> server.close()

The cluster is not thread-safe: while a server runs, change or run the
cluster only under `server.lock` (or with `server.run`), as every request does.

The modules, in the order a request meets them: handler (authentication
and routing), auth (tokens, and what a kubelet may write), discovery, openapi (Kubernetes' OpenAPI v3 schemas, which
`kubectl explain` reads, from the table openapi_gen writes), paths, rest
(the verbs), apply (server-side apply and the managedFields of every
write, with fieldsets and managedfields), subresources (scale, log), remotecommand (`kubectl exec`
and `attach`, their streams.py over websocket.py's WebSocket; proxy relays them to a kubelet process), paging
(limit and continue),
protobuf (request bodies in Kubernetes' protobuf, read with the table
protoschema_gen writes), tables (server-side printing), watch (with
bookmarks), status (errors), wire (required fields), wallclock
(timestamps on the real clock), tls, kubeconfig, tokenfile; `python -m
k8slite.server` runs one for a new cluster.

Credentials: each server makes a certificate and tokens of its own, which
end with it, unless it is given a `cert_dir` (kube-apiserver's --cert-dir):
there it keeps the certificate, its key and a token file (tokenfile.py) and
reads them again at the next start, so that a server restarted on the same
directory, port and etcd is the same server to every kubeconfig written
before, the kubelets' included.

Simplified: TLS with a self-signed certificate (tls.py), bearer tokens
(the admin's may do everything; a kubelet's, from `kubelet_kubeconfig`,
only what is its node's: auth.py), the cluster clock moves only when the program runs
it (or with `--speed` on the command line). Answers are JSON only:
kubectl's typed clients send protobuf bodies (`kubectl create
deployment|namespace|configmap ...`), which are read (protobuf.py), and
take a JSON answer. OpenAPI v3 only (no v2), with the schemas of the
kinds k8slite serves but only their PATCH operations; server-side apply
with field-set rules by field name, not from the schema (fieldsets.py);
no port-forward, no eviction subresource; exec and attach speak
WebSocket only (kubectl's first choice; no SPDY), and an exec's command
runs to its end before its output is sent (remotecommand.py); for a pod of
a kubelet process, exec and attach are relayed to the kubelet as they come
(proxy.py: kube-apiserver 1.32 would translate them to SPDY) and `logs -f`
is the kubelet's stream, relayed; later pages
of a paged list (limit/continue, paging.py) are read from the current
state, not a snapshot.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from k8slite.server import auth, tokenfile
from k8slite.server.handler import Handler
from k8slite.server.kubeconfig import write_kubeconfig
from k8slite.server.tls import server_context, serving_certificate

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


class Server:
    """A running API server for one cluster: `url`, `kubeconfig`, `token`, `lock`; `close()` stops it."""

    def __init__(self, cluster: Cluster, port: int = 0, kubeconfig: str | Path | None = None,
                 token: str | None = None, wall_clock: bool = False, cert_dir: str | Path | None = None) -> None:
        self.cluster = cluster
        self.lock = threading.RLock()
        """Held around every cluster call; hold it too to run the cluster (`with server.lock: c.run(5)`)."""
        self.cert_dir = Path(cert_dir) if cert_dir else None
        """Where the certificate, its key and the tokens are kept across restarts (None: a temporary directory)."""
        self.directory = self.cert_dir or Path(tempfile.mkdtemp(prefix="k8slite-apiserver-"))
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.token_file = self.directory / tokenfile.FILE if self.cert_dir else None
        """kube-apiserver's --token-auth-file: every token handed out, read again at the next start."""
        self.users = self.read_tokens()
        """Bearer token -> user: the admin's, and one per kubelet (`kubelet_kubeconfig`)."""
        cert, key = serving_certificate(self.directory)  # after the tokens: a garbled file leaves nothing new
        self.token = self.token_of(auth.ADMIN, token or None)
        for kept, user in sorted(self.users.items(), key=lambda item: item[1]):
            if (node := auth.node_name(user)) is not None:
                self.reach_kubelet(node, kept)  # kubelets that ran before the restart may run still
        self.closing = threading.Event()
        handler = type("ClusterHandler", (Handler,), {"cluster": cluster, "lock": self.lock,
                                                      "token": self.token, "users": self.users,
                                                      "closing": self.closing, "wall_clock": wall_clock})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.socket = server_context(cert, key).wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.url = f"https://127.0.0.1:{self.port}"
        path = Path(kubeconfig) if kubeconfig else self.directory / "kubeconfig"
        self.ca_pem = cert.read_bytes()
        self.kubeconfig = str(write_kubeconfig(path, self.url, self.token, self.ca_pem))
        """The path of a kubeconfig for this server: `kubectl --kubeconfig PATH ...`."""
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="k8slite-apiserver", daemon=True)
        self.thread.start()

    def read_tokens(self) -> dict[str, str]:
        """The tokens the token file keeps (none without a cert_dir, or before the first start)."""
        if self.token_file is None or not self.token_file.exists():
            return {}
        return tokenfile.read_token_file(self.token_file)

    def token_of(self, user: str, token: str | None = None) -> str:
        """The user's token: `token`, else the one the token file keeps for the user, else a new one.
        One the server did not know yet is added to the token file (if there is one)."""
        if token is None:
            kept = (t for t, name in self.users.items() if name == user)
            token = next(kept, None) or secrets.token_hex(16)
        if self.users.get(token) != user:
            self.users[token] = user
            if self.token_file:
                tokenfile.append_token(self.token_file, token, user)
        return token

    def kubelet_kubeconfig(self, node: str, path: str | Path | None = None) -> str:
        """A kubeconfig for node `node`'s kubelet (`k8slite kubelet --kubeconfig PATH --node NODE`): its own
        token (the one in the token file, if it has one), whose user system:node:<node> may write only what
        is that node's (auth.py). Its path."""
        token = self.token_of(auth.NODE_PREFIX + node)
        self.reach_kubelet(node, token)
        where = Path(path) if path else self.directory / f"{node}.kubeconfig"
        return str(write_kubeconfig(where, self.url, token, self.ca_pem))

    def reach_kubelet(self, node: str, token: str) -> None:
        """Send `kubectl logs` and `exec` for the node's pods to its kubelet process, which knows its token."""
        from k8slite.kubelet.server import KubeletClient  # here: kubelet/server.py uses this package's tls.py
        self.cluster.kubelet_clients[node] = KubeletClient(self.cluster.api, node, token, self.lock)

    def run(self, seconds: float) -> None:
        """Advance the cluster's clock by `seconds`, holding the lock (requests wait meanwhile)."""
        with self.lock:
            self.cluster.run(seconds)

    def close(self) -> None:
        """Stop serving: watch streams end, the port is freed."""
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.cert_dir is None:  # a --cert-dir is kept for the next start
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<k8slite API server {self.url}, kubeconfig {self.kubeconfig}>"


def serve(cluster: Cluster, port: int = 0, kubeconfig: str | Path | None = None, token: str | None = None,
          wall_clock: bool = False, cert_dir: str | Path | None = None) -> Server:
    """Serve a cluster's API on 127.0.0.1:port (0: a free port) in a background thread.

    kubeconfig: where to write the kubeconfig (default: in the server's temporary directory); token:
    the bearer token (default: a random one); wall_clock: send timestamps shifted so that the
    cluster's now is the real now, for `kubectl describe`'s ages (wallclock.py); cert_dir: where to keep
    the certificate, its key and the tokens, read again by the next server on the same directory, whose
    port must be the same for the kubeconfigs to stay right (default: new ones in a temporary directory)."""
    return Server(cluster, port, kubeconfig, token, wall_clock, cert_dir)


__all__ = ["Server", "serve"]
