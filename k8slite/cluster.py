"""The Cluster: every component wired together, and the notebooks' entry point.

Mirrors what kubeadm or kind assemble: an API server on its store, the
scheduler, the controller manager's controllers, and one kubelet per node,
each with its container runtime. Components are started and then left
alone: they talk only through the API server, as in Kubernetes. The
cluster adds what a learner needs around them: `apply`, `get`, `run`,
`kubectl`, fault injection, pictures.

Simulation by default: a VirtualClock and the fake runtime, seeded, so the
same seed gives the same events and the same text every time.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable
from typing import Any

from k8slite import heap, progress
from k8slite.api.core import Event, Namespace
from k8slite.api.daemonset import DaemonSet
from k8slite.api.deployment import Deployment
from k8slite.api.job import Job
from k8slite.api.kinds import decode, lookup
from k8slite.api.manifest import read_documents
from k8slite.api.meta import KubeObject, ObjectMeta
from k8slite.api.node import Node, NodeAddress, NodeStatus
from k8slite.api.pod import Pod
from k8slite.api.statefulset import StatefulSet, statefulset_rolled_out
from k8slite.apiserver import APIServer
from k8slite.apply import Applier
from k8slite.cluster_handles import NodeHandle, PodHandle
from k8slite.control_plane import start_control_plane
from k8slite.controllers.deployment_util import deployment_complete
from k8slite.controllers.node_lifecycle import NODE_MONITOR_GRACE_PERIOD
from k8slite.controllers.pv_provisioner import install_default_class
from k8slite.errors import NotFound
from k8slite.kubelet import Kubelet
from k8slite.network.bootstrap import create_default_services
from k8slite.network.podnet import PodNetwork
from k8slite.network.service_trace import service_resolver
from k8slite.network.services import ServiceNetwork
from k8slite.pod_history import PodHistory
from k8slite.restart import move_on, resume, writers_rngs
from k8slite.runtime.engine import make_engine
from k8slite.runtime.fake import FakeNetwork
from k8slite.runtime.registry import Registry
from k8slite.scheduler import Profile
from k8slite.store import Store

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def pod_cidr(index: int) -> str:
    """10.244.<index>.0/24, as flannel's default 10.244.0.0/16 hands out; past 255 nodes, /24s of 10.64.0.0/10."""
    if index < 256:
        return f"10.244.{index}.0/24"
    return str(ipaddress.ip_network(("10.64.0.0", 10)).network_address + 256 * index) + "/24"


def default_node(index: int) -> Node:
    """node-<index>: 4 CPU, 8Gi memory, 110 pods, its own /24 of pod addresses."""
    node = Node(metadata=ObjectMeta(name=f"node-{index}"))
    node.spec.pod_cidr = pod_cidr(index)
    node.spec.pod_cidrs = [node.spec.pod_cidr]
    capacity: dict[str, str | int] = {"cpu": "4", "memory": "8Gi", "pods": "110"}
    node.status = NodeStatus(capacity=dict(capacity), allocatable=dict(capacity),
                             addresses=[NodeAddress("InternalIP", f"172.18.0.{index + 1}"),
                                        NodeAddress("Hostname", f"node-{index}")])
    return node


class Cluster:
    """A whole small Kubernetes. `Cluster(nodes=3)`; docs/ARCHITECTURE.md is the map of its parts.
    `store=EtcdStore(url)` keeps its objects in a real etcd; on a store that holds a cluster already,
    the new one carries it on, as a restarted control plane does (restart.py)."""

    def __init__(self, nodes: int | list[Any] = 3, seed: int = 0, runtime: str = "fake",
                 scheduler: bool | None = True, controllers: bool | None = True,
                 node_monitor_grace_period: float = NODE_MONITOR_GRACE_PERIOD,
                 scheduler_profile: Profile | None = None,
                 network: str = "host-gw", store: Store | None = None) -> None:
        self.pod_network = PodNetwork(network)  # "host-gw" or "vxlan": flannel's backends (network/podnet.py)
        self.runtime_name = runtime
        self.engine = make_engine(runtime)  # RuntimeEngine, or LinuxHost for runtime="linux"
        self.clock = self.engine.clock
        self.registry: Registry = self.engine.registry  # the registries its nodes pull from; push to localhost:5000
        self.rng = random.Random(seed)
        self.seed = seed
        self.api = APIServer(self.clock, self.rng, store)
        restarted = resume(self.api, seed)  # a store that holds a cluster already: carry on from it (restart.py)
        self.applier = Applier(self.api)  # client-side apply and dry-run, as kubectl does them (apply.py)
        self.network = FakeNetwork()
        self.storage = self.network.storage  # the simulated network storage behind PersistentVolumes
        if runtime == "docker":
            self.storage.root = self.engine.root / "storage"
        self.kubelets: dict[str, Kubelet] = {}
        self.kubelet_clients: dict[str, Any] = {}  # node -> KubeletClient: kubelets in processes of their own
        self.closers: list[Callable[[], None]] = []  # called by close(): e.g. a live dashboard's task
        if not restarted:  # what a new cluster starts with: a restarted one has it already
            for name in SYSTEM_NAMESPACES:
                self.api.create(Namespace(metadata=ObjectMeta(name=name)))
            install_default_class(self.api, seed)
        self.pod_history = PodHistory(self.api, self.clock)  # for gantt(c): pods over time
        if not restarted:
            create_default_services(self.api)
        self.services = ServiceNetwork(self.api, self.rng)  # cluster DNS and each node's kube-proxy
        self.network.services = self.services
        self.pod_network.resolvers.append(service_resolver(self.services))  # c.trace(pod, "my-service")
        plane = start_control_plane(self.api, self.storage, self.rng, bool(controllers), bool(scheduler),
                                    node_monitor_grace_period, scheduler_profile)
        self.controllers = plane.controllers  # chapters 07 and 10; the others come with their chapters:
        self.workload_controllers = plane.workload_controllers  # 08 and 09: Deployments and Jobs
        self.namespace_controllers = plane.namespace_controllers  # 11: namespaces and their quotas
        self.network_controllers = plane.network_controllers  # 12: who stands behind each Service
        self.scheduler = plane.scheduler
        if restarted:
            move_on(writers_rngs(plane.namespace_controllers), seed, self.api.store.revision)
        self.docker_services: Any = None  # Service names inside real containers (network/docker_services.py)
        if runtime == "docker":
            from k8slite.network.docker_services import DockerServiceProxy
            self.docker_services = DockerServiceProxy(self.api, self.engine.client, self.engine.cluster_id)
        if runtime == "linux":  # flanneld, the kube-proxy's iptables rules and CoreDNS for the nodes' namespaces
            from k8slite.runtime.linux.coredns import LinuxClusterDNS
            from k8slite.runtime.linux.flannel import Flanneld
            from k8slite.runtime.linux.kube_proxy import LinuxServiceProxy
            self.engine.network.backend = self.pod_network.backend  # host-gw or vxlan between the nodes
            self.linux_services = LinuxServiceProxy(self.api, self.engine.network)
            self.flanneld = Flanneld(self.api, self.engine.network)
            self.linux_dns = LinuxClusterDNS(self.api, self.engine.network, self.engine.root)  # 10.96.0.10 in pods
        specs = nodes if isinstance(nodes, list) else [default_node(i) for i in range(1, nodes + 1)]
        for spec in specs:
            self.add_node(spec)
        self.run(0)

    # ------------------------------------------------------------ machines
    def add_node(self, node: Node | dict[str, Any] | str) -> NodeHandle:
        """A machine joins: its kubelet starts and registers the Node."""
        obj = node if isinstance(node, Node) else decode(read_documents(node)[0])
        if not isinstance(obj, Node):
            raise TypeError(f"add_node takes a Node, not a {obj.kind}")
        if obj.name in self.kubelets:
            raise ValueError(f'node "{obj.name}" has already joined the cluster')
        if not obj.spec.pod_cidr:
            obj = obj.copy()
            obj.spec.pod_cidr = pod_cidr(len(self.kubelets) + 1)
        if not obj.status.capacity:
            obj.status = default_node(len(self.kubelets) + 1).status
        kubelet = Kubelet(self.api, self.engine.runtime_for(obj.name, self.network), obj)
        self.kubelets[obj.name] = kubelet
        self.services.add_node(obj.name)
        kubelet.start()
        return NodeHandle(self, obj.name)

    def node(self, name: str) -> NodeHandle:
        if name not in self.kubelets:
            raise NotFound(f'nodes "{name}" not found (no machine of that name has joined)')
        return NodeHandle(self, name)

    def pod(self, name: str, namespace: str = "default") -> PodHandle:
        self.api.get("pods", name, namespace)
        return PodHandle(self, name, namespace)

    def trace(self, src: str, dst: str, namespace: str = "default") -> Any:
        """The hops of a request from pod `src` to `dst` (pod, "ns/pod" or IP); print it (network/trace.py)."""
        from k8slite.network.trace import trace
        pods = sorted((p for p in self.api.list("pods") if isinstance(p, Pod)), key=lambda p: (p.namespace, p.name))
        return trace(self.pod_network, self.get("nodes"), pods, src, dst, namespace, self.network.cut_off)

    def draw_path(self, src: str, dst: str, namespace: str = "default") -> Any:
        """`c.trace(src, dst)` drawn across the machines (viz/network.py)."""
        from k8slite.viz.network import draw_trace
        return draw_trace(self, self.trace(src, dst, namespace))

    # ------------------------------------------------------------ time
    @property
    def now(self) -> float:
        return self.clock.now

    def run(self, seconds: float) -> Cluster:
        """Advance the cluster by `seconds` (instant on the virtual clock)."""
        with heap.frozen():  # long-lived objects out of the garbage collector's way
            progress.run(self.clock, self.clock.now + seconds)  # clock.run(until), with a bar if it takes long
        return self

    def run_until(self, predicate: Callable[[Cluster], bool], timeout: float = 300.0) -> float:
        """Run until predicate(cluster) holds; return the time it took. TimeoutError after `timeout`."""
        start = self.clock.now
        deadline = start + timeout
        with heap.frozen():
            while not predicate(self):
                due = self.clock.next_time()
                if due is None or due > deadline:
                    self.clock.run(deadline)
                    if predicate(self):
                        break
                    raise TimeoutError(f"the condition did not hold within {timeout:g} s of cluster time "
                                       f"(now {self.clock.now:g} s)")
                self.clock.run_next(due)  # a real clock returns early when a container has started
        return self.clock.now - start

    # ------------------------------------------------------------ the API, as kubectl uses it
    def apply(self, src: Any) -> list[KubeObject]:
        """Create or update every object in src; all are validated first, so one bad one stores none."""
        return self.applier.apply(src)  # stored; run the clock to act

    def get(self, kind: str, name: str | None = None, namespace: str = "default") -> Any:
        """One object by name, or all of a kind sorted by name (cluster-scoped kinds ignore namespace)."""
        k = lookup(kind)
        ns = namespace if k.namespaced else ""
        if name is not None:
            return self.api.get(k.plural, name, ns)
        return sorted(self.api.list(k.plural, ns or None), key=lambda o: o.name)

    def delete(self, kind: str, name: str, namespace: str = "default",
               propagation_policy: str | None = None, grace_period: int | None = None) -> KubeObject:
        """Delete an object, as the API call does: what it owns goes too with "Background" or
        "Foreground", stays with "Orphan"; None is the server's default, Background except for a Job
        (batch/v1 orphans its pods, with a warning; `kubectl delete` sends Background). It does not wait.
        A pod gets `grace_period` seconds (default: its terminationGracePeriodSeconds); 0 removes it
        from the API at once, without waiting for its kubelet (`kubectl delete --force`)."""
        return self.api.delete(kind, name, namespace, grace_period=grace_period,
                               propagation_policy=propagation_policy)

    def events(self) -> list[Event]:
        """Every Event, in the order things happened."""
        events = [e for e in self.api.list("events") if isinstance(e, Event)]
        return sorted(events, key=lambda e: (e.time, int(e.metadata.resource_version)))

    def ready(self, ref: str, namespace: str = "default") -> bool:
        """Whether `pod/x`, `replicaset/x`, `node/x` is ready, `deployment/x`, `daemonset/x` or `statefulset/x`
        rolled out, `job/x` complete."""
        kind_name, _, name = ref.partition("/")
        obj = self.get(kind_name, name, namespace)
        if isinstance(obj, Pod | Node):
            return obj.is_ready()
        if isinstance(obj, Deployment):
            return deployment_complete(obj, obj.status)
        if isinstance(obj, Job):
            return obj.status.finished() == "Complete"
        if isinstance(obj, StatefulSet):  # kubectl's StatefulSetStatusViewer
            return statefulset_rolled_out(obj)
        if isinstance(obj, DaemonSet):  # what `kubectl rollout status` waits for
            s = obj.status
            return (s.observed_generation or 0) >= (obj.metadata.generation or 0) and \
                min(s.updated_number_scheduled, s.number_available) >= s.desired_number_scheduled
        status = getattr(obj, "status", None)
        if status is not None and hasattr(status, "ready_replicas"):
            return bool(status.ready_replicas == obj.spec.replicas)
        raise ValueError(f"k8slite cannot tell whether a {obj.kind} is ready yet")

    # ------------------------------------------------------------ containers
    def logs(self, pod: str, container: str | None = None, namespace: str = "default",
             previous: bool = False) -> str:
        """A container's output so far (`kubectl logs`); `previous` for the run before the last restart."""
        return self.pod(pod, namespace).logs(container, previous)

    def exec(self, pod: str, command: str | list[str], container: str | None = None,
             namespace: str = "default") -> str:
        """Run a command in a running container; its output (exit code ignored, like `kubectl exec`)."""
        return self.pod(pod, namespace).exec(command, container)[1]

    def exec_code(self, pod: str, command: str | list[str], container: str | None = None,
                  namespace: str = "default", stdin: str | None = None) -> tuple[int, str]:
        """Run a command in a running container (`stdin`: its input): its exit code and its output."""
        return self.pod(pod, namespace).exec(command, container, stdin)

    def kubectl(self, command: str) -> str:
        from k8slite.kubectl import run_kubectl
        return run_kubectl(self, command)

    def serve(self, port: int = 0, wall_clock: bool = True) -> Any:
        """This cluster's Kubernetes API over HTTPS on 127.0.0.1 (k8slite.server), for the real kubectl
        (`--kubeconfig server.kubeconfig`) and any Kubernetes client; closed with the cluster. While it
        serves, change or run the cluster under `server.lock` (or with `server.run(seconds)`). wall_clock:
        timestamps shifted so that the cluster's now is the real now (kubectl's AGE column)."""
        from k8slite.server import serve
        server = serve(self, port, wall_clock=wall_clock)
        self.closers.append(server.close)
        return server

    # ------------------------------------------------------------ pictures
    def draw(self, **kwargs: Any) -> Any:
        from k8slite.viz import draw_cluster
        return draw_cluster(self, **kwargs)

    def animate(self, seconds: float, step: float = 5.0, **kwargs: Any) -> Any:
        """Run `seconds`, drawing a frame every `step` s: an animation for the notebook (viz/animate.py)."""
        from k8slite.viz.animate import animate
        return animate(self, seconds, step=step, **kwargs)

    def dashboard(self) -> Any:
        from k8slite.widgets import Dashboard
        return Dashboard(self).widget

    def close(self) -> None:
        """Release what the cluster holds: every real container it made, for real runtimes."""
        for stop in self.closers:
            stop()
        for kubelet in self.kubelets.values():
            kubelet.running = False
        self.engine.close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Cluster {len(self.kubelets)} nodes, t={self.now:g}s, seed={self.seed}>"


__all__ = ["Cluster"]
