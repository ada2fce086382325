"""RemoteCluster: the Cluster's methods on a real Kubernetes cluster, so that a notebook runs on both.

Mirrors k8slite.cluster.Cluster, method for method where a real cluster
allows it, through the official Python client (`kubernetes`) and the real
`kubectl`:

    >>> c = RemoteCluster()                    # $KUBECONFIG or ~/.kube/config, its current context
    >>> c = RemoteCluster("kind.kubeconfig", context="kind-dev")
    >>> c.apply("manifests/08-web.yaml")      # server-side apply, field manager "k8slite"
    >>> c.run_until(lambda c: c.ready("deployment/web"), timeout=120)
    >>> c.get("pods")                          # k8slite's own objects: .status.phase, .is_ready()
    >>> c.kubectl("get pods -o wide")          # the real kubectl's output
    >>> c.node("kind-worker").fail()           # a kind node's container stops

What it simplifies, or cannot do:

- Time is the wall clock. `c.now` counts seconds since the RemoteCluster was
  made, `c.run(30)` waits 30 s, and `run_until` polls its condition every
  half second. Times in objects count from the same moment
  (remote_objects.py), so `event.time` compares with `c.now`.
- Objects are read into k8slite's dataclasses, so fields k8slite does not
  model are left out of what `get` returns (the server keeps them).
- `node(name).fail()` needs a machine this computer can stop
  (remote_nodes.py). No `add_node`, `pod(...).kill()`, `trace` or
  `animate`: a real cluster has no such levers, or no simulated network.
- Nothing is deterministic: what happens depends on the cluster.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from kubernetes.client import CoreV1Api
from kubernetes.stream import stream

from k8slite.api.core import Event
from k8slite.api.manifest import read_documents
from k8slite.api.meta import KubeObject
from k8slite.errors import ApiError
from k8slite.remote_api import ClusterAPI, lookup
from k8slite.remote_connect import ClusterUnreachable, connect, kubeconfig_path
from k8slite.remote_nodes import KubeletState, RemoteNode, kubelet_states
from k8slite.remote_objects import Translator

POLL = 0.5  # wall seconds between two looks at run_until's condition
EXEC_TIMEOUT = 60.0  # wall seconds a command run by exec may take, as Cluster's exec allows
ERROR_CHANNEL = 3  # the remotecommand stream that carries the exit status


class RemoteCluster:
    """A real cluster with the Cluster's methods. `machines`: a k8slite.machines.Machines whose kubelets
    `node(name).fail()` may kill."""

    runtime_name = "remote"  # the dashboard's Live toggle is on offer: time is the wall clock's

    def __init__(self, kubeconfig: str | Path | None = None, context: str | None = None,
                 machines: Any = None) -> None:
        self.kubeconfig = kubeconfig_path(kubeconfig)
        self.context = context
        self.machines = machines
        self.started = time.monotonic()
        self.client = connect(self.kubeconfig, context)
        self.api = ClusterAPI(self.client, Translator(time.time()))
        self.clock = WallClock(self)
        self.failed: set[str] = set()  # nodes that node(name).fail() stopped
        self.closers: list[Callable[[], None]] = []  # called by close(): e.g. a live dashboard's task

    # ------------------------------------------------------------ machines
    def node(self, name: str) -> RemoteNode:
        self.api.get("nodes", name)  # NotFound if there is none
        return RemoteNode(self, name)

    @property
    def kubelets(self) -> dict[str, KubeletState]:
        """Each node's kubelet as the pictures read it: running unless `node(name).fail()` stopped it."""
        return kubelet_states(self, self.api.list("nodes"))

    # ------------------------------------------------------------ time
    @property
    def now(self) -> float:
        """Wall seconds since this RemoteCluster was made."""
        return time.monotonic() - self.started

    def run(self, seconds: float) -> RemoteCluster:
        """Wait `seconds` of wall time: the cluster runs by itself."""
        time.sleep(max(0.0, seconds))
        return self

    def run_until(self, predicate: Callable[[RemoteCluster], bool], timeout: float = 300.0) -> float:
        """Poll predicate(cluster) until it holds; return the wall seconds it took. TimeoutError after `timeout`."""
        start = self.now
        while not predicate(self):
            if self.now - start >= timeout:
                raise TimeoutError(f"the condition did not hold within {timeout:g} s of wall time "
                                   f"(now {self.now:g} s)")
            time.sleep(min(POLL, max(0.0, start + timeout - self.now)))
        return self.now - start

    # ------------------------------------------------------------ the API, as kubectl uses it
    def apply(self, src: Any) -> list[KubeObject]:
        """Create or update every object in src (server-side apply); all are checked first, so one bad one
        stores none."""
        return self.api.apply([self.document(d) for d in read_documents(src)])

    def document(self, doc: Any) -> dict[str, Any]:
        """What apply sends for a document: an object read from the cluster without its managedFields (server-side
        apply refuses them) and resourceVersion (apply writes over what is there), its times on the wall clock."""
        if not isinstance(doc, KubeObject):
            return dict(doc)
        data = self.api.translator.to_wire(doc)
        for key in ("managedFields", "resourceVersion"):
            data.get("metadata", {}).pop(key, None)
        return data

    def get(self, kind: str, name: str | None = None, namespace: str = "default") -> Any:
        """One object by name, or all of a kind sorted by name (cluster-scoped kinds ignore namespace)."""
        k = lookup(kind)
        ns = namespace if k.namespaced else ""
        if name is not None:
            return self.api.get(k.plural, name, ns)
        return sorted(self.api.list(k.plural, ns or None), key=lambda o: o.name)

    def delete(self, kind: str, name: str, namespace: str = "default",
               propagation_policy: str | None = None, grace_period: int | None = None) -> KubeObject:
        """Delete an object, as the API call does (Cluster.delete says what the options mean). It does not wait."""
        return self.api.delete(kind, name, namespace, grace_period=grace_period,
                               propagation_policy=propagation_policy)

    def events(self) -> list[Event]:
        """Every Event in every namespace, in the order things happened."""
        events = [e for e in self.api.list("events") if isinstance(e, Event)]
        return sorted(events, key=lambda e: (e.time, int(e.metadata.resource_version or 0)))

    def ready(self, ref: str, namespace: str = "default") -> bool:
        """Whether `pod/x`, `replicaset/x`, `node/x` is ready, `deployment/x` rolled out, `job/x` complete."""
        from k8slite.cluster import Cluster
        return Cluster.ready(self, ref, namespace)  # type: ignore[arg-type]  # the same rules, read through self.get

    # ------------------------------------------------------------ containers
    def logs(self, pod: str, container: str | None = None, namespace: str = "default",
             previous: bool = False) -> str:
        """A container's output so far (`kubectl logs`); `previous` for the run before the last restart."""
        core = CoreV1Api(self.client)
        options = {"container": container} if container else {}
        return str(self.api.call(core.read_namespaced_pod_log, pod, namespace, previous=previous, **options))

    def exec(self, pod: str, command: str | list[str], container: str | None = None,
             namespace: str = "default") -> str:
        """Run a command in a running container; its output (exit code ignored, like `kubectl exec`)."""
        return self.exec_code(pod, command, container, namespace)[1]

    def exec_code(self, pod: str, command: str | list[str], container: str | None = None,
                  namespace: str = "default", stdin: str | None = None) -> tuple[int, str]:
        """Run a command in a running container (`stdin`: its input): its exit code and its output."""
        argv = ["sh", "-c", command] if isinstance(command, str) else list(command)
        self.api.get("pods", pod, namespace)  # NotFound in k8slite's words, before the WebSocket
        core = CoreV1Api(self.client)
        options = {"container": container} if container else {}
        session = self.api.call(stream, core.connect_get_namespaced_pod_exec, pod, namespace, command=argv,
                                stdin=stdin is not None, stdout=True, stderr=True, tty=False,
                                _preload_content=False, **options)
        try:
            if stdin is not None:
                session.write_stdin(stdin)
                session.close_channel(0)  # end of input (v5.channel.k8s.io)
            session.run_forever(timeout=EXEC_TIMEOUT)
            if session.is_open():
                raise TimeoutError(f"{shlex.join(argv)} did not finish within {EXEC_TIMEOUT:g} s in pod {pod}")
            status = yaml.safe_load(session.read_channel(ERROR_CHANNEL) or "{}") or {}
            return exit_code(status), session.read_all()
        finally:
            session.close()

    def kubectl(self, command: str) -> str:
        """What the real kubectl prints (stdout, then stderr) for `command` against this cluster."""
        binary = shutil.which("kubectl")
        if binary is None:
            raise FileNotFoundError("kubectl is not installed: see https://kubernetes.io/docs/tasks/tools/")
        words = shlex.split(command)
        if words[:1] == ["kubectl"]:
            words = words[1:]
        context = ["--context", self.context] if self.context else []
        done = subprocess.run([binary, "--kubeconfig", self.kubeconfig, *context, *words],
                              capture_output=True, text=True, timeout=300)
        return done.stdout + done.stderr

    # ------------------------------------------------------------ pictures
    def draw(self, **kwargs: Any) -> Any:
        from k8slite.viz import draw_cluster
        return draw_cluster(self, **kwargs)  # type: ignore[arg-type]  # it reads what a RemoteCluster has too

    def dashboard(self) -> Any:
        from k8slite.widgets import Dashboard
        return Dashboard(self).widget  # type: ignore[arg-type]  # it reads what a RemoteCluster has too

    def close(self) -> None:
        """Stop what this made (a live dashboard's task) and the client's connections; the cluster runs on."""
        for stop in self.closers:
            stop()
        self.client.close()

    def __enter__(self) -> RemoteCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<RemoteCluster {self.client.configuration.host}, t={self.now:.0f}s>"


def exit_code(status: dict[str, Any]) -> int:
    """The exit code in a remotecommand Status: 0 on Success, the ExitCode cause's message otherwise."""
    if status.get("status", "Success") == "Success":
        return 0
    for cause in (status.get("details") or {}).get("causes") or []:
        if cause.get("reason") == "ExitCode":
            return int(cause["message"])
    raise ApiError(str(status.get("message") or status))


class WallClock:
    """What the dashboard's Step button reads of a clock: on a real cluster, look again every second."""

    def __init__(self, cluster: RemoteCluster) -> None:
        self.cluster = cluster

    @property
    def now(self) -> float:
        return self.cluster.now

    def next_time(self) -> float:
        return self.cluster.now + 1.0

    def step(self) -> bool:
        time.sleep(1.0)
        return True


__all__ = ["ClusterUnreachable", "RemoteCluster"]
