"""Handles for fault injection: a machine that fails, a container that is killed.

Mirrors nothing in Kubernetes itself: these are the experimenter's hands.
`c.node("node-2").fail()` is the machine losing power (its kubelet stops
posting status and its containers stop); `.recover()` boots it again.
`.disconnect()` unplugs its network cable instead: the containers keep
running, but heartbeats and pod traffic to or from other nodes are lost
until `.reconnect()`.
`c.pod("web-x").kill()` kills a container's process, as the OOM killer or
a crash would; what happens next is the kubelet's and the controllers' job.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.errors import NotFound
from k8slite.runtime.cri import ContainerRuntime
from k8slite.runtime.terminal import TerminalSession, open_terminal

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


class NodeHandle:
    def __init__(self, cluster: Cluster, name: str) -> None:
        self.cluster, self.name = cluster, name

    @property
    def kubelet(self):  # type: ignore[no-untyped-def]
        return self.cluster.kubelets[self.name]

    @property
    def object(self) -> Node:
        node = self.cluster.api.get("nodes", self.name)
        assert isinstance(node, Node)
        return node

    @property
    def up(self) -> bool:
        return bool(self.kubelet.running)

    def fail(self) -> NodeHandle:
        """The machine stops: no more heartbeats, every container on it dies."""
        if self.kubelet.running:
            self.kubelet.stop()
        return self

    def recover(self) -> NodeHandle:
        """The machine boots again: the kubelet re-registers and syncs its pods."""
        if not self.kubelet.running:
            self.kubelet.start()
            self.cluster.run(0)
        return self

    def write_file(self, path: str, content: str) -> NodeHandle:
        """Put a file on this machine's own disk, as `ssh node; echo ... > path` would (hostPath sees it)."""
        self.kubelet.runtime.write_host_file(path, content)
        return self

    @property
    def connected(self) -> bool:
        return bool(self.kubelet.connected)

    def disconnect(self) -> NodeHandle:
        """Unplug the machine's network: it keeps running, but its heartbeats and its pods' traffic are lost."""
        kubelet = self.kubelet
        kubelet.connected = False
        if kubelet.heartbeat_timer:  # its status updates would never arrive
            kubelet.heartbeat_timer.cancel()
        self.cluster.network.cut_off.add(self.name)
        return self

    def reconnect(self) -> NodeHandle:
        """Plug it back: the next heartbeat gets through and the kubelet looks at every pod again."""
        kubelet = self.kubelet
        if not kubelet.connected:
            kubelet.connected = True
            self.cluster.network.cut_off.discard(self.name)
            for key in sorted({*kubelet.pods, *(kubelet.informer.cache if kubelet.informer else {})}):
                kubelet.queue.add(key)  # the watch is re-established: look at every pod again
            if kubelet.running:
                kubelet.heartbeat()
            self.cluster.run(0)
        return self

    def routes(self) -> str:
        """The node's routing table as `ip route` prints it, for the cluster's network backend."""
        nodes = self.cluster.get("nodes")
        return str(self.cluster.pod_network.ip_route(nodes, self.object))

    def __repr__(self) -> str:
        state = "up" if self.up else "down"
        return f"<node {self.name} {state}{'' if self.connected else ', disconnected'}>"


class PodHandle:
    def __init__(self, cluster: Cluster, name: str, namespace: str) -> None:
        self.cluster, self.name, self.namespace = cluster, name, namespace

    @property
    def object(self) -> Pod:
        pod = self.cluster.api.get("pods", self.name, self.namespace)
        assert isinstance(pod, Pod)
        return pod

    def logs(self, container: str | None = None, previous: bool = False) -> str:
        """The container's output so far, read from its node's runtime (`kubectl logs`)."""
        pod = self.object
        if self.remote(pod):  # a kubelet process (`k8slite kubelet`): ask it, as kube-apiserver does
            return str(self.cluster.kubelet_clients[pod.spec.node_name].logs(pod, container, previous))
        kubelet = self.cluster.kubelets[pod.spec.node_name] if pod.spec.node_name else None
        if kubelet is None:
            raise NotFound(f'pod "{self.name}" has no node yet, so it has no logs')
        cid, _ = kubelet.find_container(pod, container, previous)
        return kubelet.runtime.logs(cid)

    def exec(self, command: str | list[str], container: str | None = None,
             stdin: str | None = None) -> tuple[int, str]:
        """Run a command in a running container (`kubectl exec`, with `stdin` as its input as with -i):
        its exit code and output."""
        argv = ["sh", "-c", command] if isinstance(command, str) else list(command)
        pod = self.object
        if self.remote(pod):
            return self.cluster.kubelet_clients[pod.spec.node_name].run(pod, container, argv, stdin)  # type: ignore
        runtime, cid = self.running_container(container)
        return runtime.exec_sync(cid, argv, 60.0, stdin)

    def remote(self, pod: Pod) -> bool:
        """Does a kubelet of its own process (k8slite.kubelet.process) run this pod?"""
        node = pod.spec.node_name
        return bool(node) and node not in self.cluster.kubelets and node in self.cluster.kubelet_clients

    def terminal(self, command: list[str], container: str | None = None) -> TerminalSession | None:
        """An interactive shell on a terminal in a running container (`kubectl exec -it POD -- sh`), if the
        command is one and the runtime has terminals (the fake one); None otherwise."""
        if self.remote(self.object):
            return None  # a kubelet process runs its own terminals: the API server relays to it (proxy.py)
        return open_terminal(*self.running_container(container), command)

    def running_container(self, container: str | None) -> tuple[ContainerRuntime, str]:
        """The runtime and id of the container, NotFound unless it is running now."""
        pod = self.object
        kubelet = self.cluster.kubelets.get(pod.spec.node_name)
        if kubelet is None:
            raise NotFound(f'pod "{self.name}" is not running on any node')
        return kubelet.runtime, kubelet.running_container(pod, container)

    def kill(self, container: str | None = None) -> PodHandle:
        """Kill a container's process (SIGKILL, exit 137); restartPolicy decides what follows."""
        pod = self.object
        kubelet = self.cluster.kubelets[pod.spec.node_name]
        cid, _ = kubelet.find_container(pod, container)
        kubelet.runtime.stop_container(cid, 0)
        self.cluster.run(0)
        return self

    def delete(self) -> PodHandle:
        self.cluster.delete("pod", self.name, self.namespace)
        return self
