"""`c.node("worker").fail()` on a real cluster: the machine really stops, by whatever means it can be reached.

Mirrors cluster_handles.NodeHandle, the experimenter's hands, for a
RemoteCluster. A real machine cannot be switched off through the API
server, so the handle looks for what runs the node:

- a `k8slite.machines.Machines` given to the RemoteCluster: the node's
  kubelet is a process; `fail()` kills it (SIGKILL), `recover()` starts it;
- a kind cluster (Kubernetes IN Docker): every node is a Docker container of
  the node's name, labelled `io.x-k8s.kind.cluster`; `fail()` is
  `docker stop`, `recover()` is `docker start`;
- anything else: an error that says what to do by hand.

Then, as in the simulation, the node's Lease stops being renewed and the
node lifecycle controller marks it NotReady after its grace period (50 s
by default on a real control plane).
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING, Any

from k8slite.api.node import Node

if TYPE_CHECKING:
    from k8slite.remote import RemoteCluster

KIND_LABEL = "io.x-k8s.kind.cluster"


class NodeUnreachable(RuntimeError):
    """A node that this computer has no way to stop or start."""


def kind_cluster_of(node: str) -> str | None:
    """The kind cluster whose Docker container `node` is, or None (no Docker, no such container, no label)."""
    docker = shutil.which("docker")
    if docker is None:
        return None
    done = subprocess.run([docker, "inspect", "--format", f'{{{{ index .Config.Labels "{KIND_LABEL}" }}}}', node],
                          capture_output=True, text=True, timeout=30)
    label = done.stdout.strip()
    return label if done.returncode == 0 and label and label != "<no value>" else None


class RemoteNode:
    """A handle on one machine of a real cluster: `fail()`, `recover()`, `object`, `up`."""

    def __init__(self, cluster: RemoteCluster, name: str) -> None:
        self.cluster, self.name = cluster, name

    @property
    def object(self) -> Node:
        node = self.cluster.api.get("nodes", self.name)
        assert isinstance(node, Node)
        return node

    @property
    def up(self) -> bool:
        """False after `fail()` until `recover()`: what this handle did, not what the control plane believes."""
        return self.name not in self.cluster.failed

    def fail(self) -> RemoteNode:
        """The machine stops: its kubelet is killed (Machines) or its container stopped (kind)."""
        machines = self.cluster.machines
        if machines is not None and self.name in machines.kubelets:
            machines.kill(self.name)
        else:
            self.docker("stop")
        self.cluster.failed.add(self.name)
        return self

    def recover(self) -> RemoteNode:
        """The machine boots again: its kubelet starts and renews its Lease."""
        machines = self.cluster.machines
        if machines is not None and self.name in machines.kubelets:
            if machines.kubelets[self.name].poll() is not None:
                machines.start_kubelet(self.name)
        else:
            self.docker("start")
        self.cluster.failed.discard(self.name)
        return self

    def docker(self, verb: str) -> None:
        """`docker stop|start NODE` for a kind node; NodeUnreachable for any other machine."""
        if kind_cluster_of(self.name) is None:
            raise NodeUnreachable(
                f'k8slite cannot {"stop" if verb == "stop" else "start"} node "{self.name}": it is neither a kubelet '
                "of the Machines given to RemoteCluster(machines=...) nor a kind node (a Docker container of that "
                f"name labelled {KIND_LABEL}). Do it by hand: power the machine off (or `sudo systemctl "
                f"{verb} kubelet` on it), then watch `c.get('node', '{self.name}')`.")
        done = subprocess.run([str(shutil.which("docker")), verb, self.name], capture_output=True, text=True,
                              timeout=120)
        if done.returncode != 0:
            raise NodeUnreachable(f"docker {verb} {self.name}: {done.stderr.strip()}")

    def __repr__(self) -> str:
        return f"<node {self.name} {'up' if self.up else 'down'}>"


class KubeletState:
    """What the pictures read of a node's kubelet (`running`), for a node on a real cluster."""

    def __init__(self, running: bool) -> None:
        self.running = running


def kubelet_states(cluster: RemoteCluster, nodes: list[Any]) -> dict[str, KubeletState]:
    return {node.name: KubeletState(node.name not in cluster.failed) for node in nodes}
