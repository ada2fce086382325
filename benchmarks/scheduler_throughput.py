"""Scheduler throughput in kube-scheduler's scheduler_perf shape, "SchedulingBasic".

test/integration/scheduler_perf/config/performance-config.yaml, SchedulingBasic
5000Nodes_10000Pods: 5,000 nodes (4 cpu, 32Gi, 110 pods), 1,000 pods placed
first, then 10,000 pods to schedule (requests 100m cpu, 500Mi memory), all
through the API server, binding included. Like scheduler_perf, only the API
server and the scheduler run: the nodes are Node objects created through
the API with a Ready condition, with no kubelets (so no containers start),
and no controllers. Pods/s counts from the first measured pod's creation to
the last binding, on the wall clock (the benchmark's, not the simulation's).

The pods go through the same plugins that notebook 06 prints (there is no
second implementation): per pod, the cycle filters nodes in batches from
where the last cycle stopped until 500 fit (percentageOfNodesToScore: 10%
of 5,000) and scores those 500, each vectorised plugin answering for a
whole batch in one NumPy operation (framework.Nodes). The pods are created
under the garbage-collector policy that Cluster.run uses (k8slite/heap.py).

Prints pods/s, the ratio to the target (2,000 pods/s, issue 15) and to
kube-scheduler's CI floor for this workload (680 pods/s, the threshold in
performance-config.yaml).

    .venv/bin/python benchmarks/scheduler_throughput.py [--nodes 5000 --init 1000 --pods 10000] [--profile]
"""

from __future__ import annotations

import os

os.environ.setdefault("K8SLITE_PROGRESS", "0")  # a progress bar would garble the table

import argparse
import cProfile
import pstats
import time

from k8slite import Cluster, heap
from k8slite.api.meta import ObjectMeta
from k8slite.api.node import Node, NodeCondition, NodeStatus
from k8slite.api.pod import Container, Pod, PodSpec, ResourceRequirements

CI_FLOOR = 680.0
TARGET = 2000.0


def ready_node(i: int) -> Node:
    capacity: dict[str, str | int] = {"cpu": "4", "memory": "32Gi", "pods": "110"}
    return Node(metadata=ObjectMeta(name=f"node-{i}", labels={"kubernetes.io/hostname": f"node-{i}"}),
                status=NodeStatus(capacity=dict(capacity), allocatable=dict(capacity),
                                  conditions=[NodeCondition("Ready", "True", "KubeletReady")]))


def pod(name: str) -> Pod:
    requests: dict[str, str | int | float] = {"cpu": "100m", "memory": "500Mi"}
    container = Container(name="pause", image="registry.k8s.io/pause:3.10",
                          resources=ResourceRequirements(requests=dict(requests), limits=dict(requests)))
    return Pod(metadata=ObjectMeta(name=name, namespace="default"), spec=PodSpec(containers=[container]))


def bound(c: Cluster) -> int:
    return sum(1 for p in c.api.list("pods") if isinstance(p, Pod) and p.spec.node_name)


def run(nodes: int, init: int, pods: int) -> float:
    c = Cluster(nodes=0, controllers=False)
    assert c.scheduler is not None
    c.scheduler.keep_records = False
    for i in range(1, nodes + 1):
        c.api.create(ready_node(i))
    for i in range(init):
        c.api.create(pod(f"init-{i}"))
    c.run(0)
    start = time.perf_counter()
    with heap.frozen():  # the collector policy of Cluster.run, for the creates too
        for i in range(pods):
            c.api.create(pod(f"pod-{i}"))
        c.run(0)
    wall = time.perf_counter() - start
    assert bound(c) == init + pods, f"{bound(c)}/{init + pods} bound"
    return pods / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--init", type=int, default=1000)
    parser.add_argument("--pods", type=int, default=10000)
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest functions")
    args = parser.parse_args()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    rate = run(args.nodes, args.init, args.pods)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    print(f"SchedulingBasic {args.nodes} nodes, {args.init} placed, {args.pods} scheduled: {rate:,.0f} pods/s = "
          f"{rate / TARGET:.2f} x target ({TARGET:,.0f} pods/s), "
          f"{rate / CI_FLOOR:.2f} x kube-scheduler's CI floor ({CI_FLOOR:.0f} pods/s)")


if __name__ == "__main__":
    main()
