"""Builders for scheduler tests: nodes, node infos with pods on them, and random clusters."""

from __future__ import annotations

import random

from builders import make_pod

from k8slite.api.meta import ObjectMeta
from k8slite.api.node import Node, NodeSpec, NodeStatus
from k8slite.api.pod import Pod, Taint
from k8slite.scheduler.cache import SchedulerCache
from k8slite.scheduler.framework import NodeInfo


def make_node(name: str, cpu: str = "4", memory: str = "8Gi", pods: int = 110, labels: dict[str, str] | None = None,
              taints: list[Taint] | None = None, unschedulable: bool = False) -> Node:
    capacity: dict[str, str | int] = {"cpu": cpu, "memory": memory, "pods": str(pods)}
    return Node(metadata=ObjectMeta(name=name, labels={"kubernetes.io/hostname": name, **(labels or {})}),
                spec=NodeSpec(taints=list(taints or []), unschedulable=unschedulable or None),
                status=NodeStatus(capacity=dict(capacity), allocatable=dict(capacity)))


def placed(pod: Pod, node: str) -> Pod:
    pod.metadata.namespace = pod.metadata.namespace or "default"
    pod.spec.node_name = node
    pod.status.phase = "Running"
    return pod


def cache_of(nodes: list[Node], pods: list[Pod] = ()) -> SchedulerCache:  # type: ignore[assignment]
    cache = SchedulerCache()
    for n in nodes:
        cache.set_node(n)
    for p in pods:
        cache.set_pod(p)
    return cache


def info(node: Node, *pods: Pod) -> NodeInfo:
    return cache_of([node], [placed(p, node.name) for p in pods]).nodes[node.name]


def random_cluster(rng: random.Random, n_nodes: int, n_pods: int) -> tuple[list[Node], list[Pod]]:
    """Nodes of a few shapes, some tainted, cordoned or labelled; pods placed where they fit or not."""
    nodes = []
    for i in range(n_nodes):
        taints = [Taint("dedicated", "gpu", rng.choice(["NoSchedule", "PreferNoSchedule", "NoExecute"]))] \
            if rng.random() < 0.1 else []
        nodes.append(make_node(f"n-{i:04d}", cpu=rng.choice(["2", "4", "8"]), memory=rng.choice(["4Gi", "8Gi"]),
                               pods=rng.choice([5, 110]), labels={"disk": rng.choice(["ssd", "hdd"])},
                               taints=taints, unschedulable=rng.random() < 0.05))
    pods = []
    for i in range(n_pods):
        pod = make_pod(f"placed-{i}", cpu=rng.choice([None, "100m", "500m", "1"]),
                       memory=rng.choice([None, "128Mi", "1Gi"]))
        pods.append(placed(pod, rng.choice(nodes).name))
    return nodes, pods
