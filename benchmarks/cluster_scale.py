"""A whole cluster at scale: N nodes, a Deployment of M pods, every controller and kubelet running.

Issue 15's benchmark. N nodes of 4 cpu, 32Gi and 110 pods; one Deployment
of M replicas asking 10m cpu and 10Mi memory each, on the fake runtime
(containers are simulated, so this measures k8slite, not an engine). The
pods run registry.k8s.io/pause:3.10, as ClusterLoader2's density and load
tests do, and every node has it already (it is the sandbox image): pod
startup as Kubernetes' pod-startup SLO measures it, "excluding time to pull
images" (sig-scalability/slos/pod_startup_latency.md). With --pull they run
busybox (latest: pulled for every pod, policy Always) instead, so every
kubelet pulls, waits and syncs each pod twice (15 % more wall time at 1,000 nodes
/ 30,000 pods). Prints:

1. the wall time from `apply` to every pod Running (scheduling, binding,
   kubelets starting containers, status updates, all through the API);
2. the peak memory of the process (maxrss);
3. the speed-up over real time of the quiet cluster afterwards: cluster
   seconds per wall second while kubelets post heartbeats and renew their
   leases every 10 s and the controllers resync (1 hour by default).

Each result is printed as a ratio to its target (>= 1 meets it). The
targets are the issue's: 150,000 pods Running in 60 s (so 2,500 pods/s,
the rate the time target is scaled by for other sizes), at most 4 GiB, and
1 hour of 1,000 nodes / 30,000 pods at 60x real time or more. For scale:
KWOK (simulated kubelets behind a real API server) reports about 20 pods/s
on 1,000 nodes / 100,000 pods.

    .venv/bin/python benchmarks/cluster_scale.py                       # 100 nodes, 3,000 pods
    .venv/bin/python benchmarks/cluster_scale.py --nodes 1000 --pods 30000
    .venv/bin/python benchmarks/cluster_scale.py --nodes 5000 --pods 150000 --cluster-seconds 600
"""

from __future__ import annotations

import os

os.environ.setdefault("K8SLITE_PROGRESS", "0")  # a progress bar would garble the table

import argparse
import cProfile
import pstats
import resource
import time

from k8slite import Cluster
from k8slite.api.meta import KubeObject
from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.cluster import default_node
from k8slite.informer import Informer

TARGET_PODS_PER_SECOND = 150_000 / 60  # 150,000 pods Running within 60 s of wall time
TARGET_MAXRSS_GIB = 4.0
TARGET_SPEED_UP = 60.0
STEP = 5.0  # cluster seconds between checks for "all Running"
PAUSE = "registry.k8s.io/pause:3.10"  # on every node already: the sandbox image
BUSYBOX = "busybox"  # --pull: latest, so every pod pulls it (imagePullPolicy Always)
IMAGES = {PAUSE: PAUSE, BUSYBOX: f"{BUSYBOX}\n        command: [sleep, '86400']"}  # the container's image lines

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: scale}
spec:
  replicas: %d
  selector: {matchLabels: {app: scale}}
  template:
    metadata: {labels: {app: scale}}
    spec:
      containers:
      - name: c
        resources: {requests: {cpu: 10m, memory: 10Mi}}
        image: %s
"""  # idle containers: the benchmark measures the cluster, not the app


def big_node(i: int) -> Node:
    node = default_node(i)
    capacity: dict[str, str | int] = {"cpu": "4", "memory": "32Gi", "pods": "110"}
    node.status.capacity, node.status.allocatable = dict(capacity), dict(capacity)
    return node


class RunningPods:
    """The names of the Running pods, kept by a watch as `kubectl get pods -w` would (listing every pod
    every few seconds would copy 150,000 objects each time: the benchmark would measure itself)."""

    def __init__(self, c: Cluster) -> None:
        self.names: set[str] = set()
        self.informer = Informer(c.api, "pods", self.changed)

    def changed(self, event_type: str, pod: KubeObject) -> None:
        if event_type != "DELETED" and isinstance(pod, Pod) and pod.status.phase == "Running":
            self.names.add(pod.name)
        else:
            self.names.discard(pod.name)


def on_every_node(c: Cluster, image: str) -> None:
    """What a node image holds before any pod: the image in every node's runtime (no pull, no Event)."""
    for kubelet in c.kubelets.values():
        kubelet.runtime.pull_image(image)


def all_running(c: Cluster, pods: int, timeout: float, image: str = PAUSE) -> float:
    """Apply the Deployment and run the cluster until every pod runs; the wall seconds it took."""
    running = RunningPods(c)
    start = time.perf_counter()
    c.apply(DEPLOYMENT % (pods, IMAGES[image]))
    deadline = c.now + timeout
    while len(running.names) < pods:
        if c.now >= deadline:
            raise SystemExit(f"only {len(running.names)}/{pods} pods Running after {timeout:.0f} s of cluster time")
        c.run(STEP)
    running.informer.stop()
    return time.perf_counter() - start


def speed_up(c: Cluster, seconds: float) -> float:
    """Cluster seconds per wall second over `seconds` of a quiet cluster."""
    start = time.perf_counter()
    c.run(seconds)
    return seconds / (time.perf_counter() - start)


def maxrss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--pods", type=int, default=3000)
    parser.add_argument("--cluster-seconds", type=float, default=3600.0, help="quiet time to measure (default 1 h)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="cluster seconds to wait for Running")
    parser.add_argument("--pull", action="store_true", help="pods run busybox:latest, pulled for each pod")
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest functions")
    args = parser.parse_args()
    profiler = cProfile.Profile() if args.profile else None
    built = time.perf_counter()
    c = Cluster(nodes=[big_node(i) for i in range(1, args.nodes + 1)])
    if c.scheduler:
        c.scheduler.keep_records = False  # what every plugin said about every node: for notebooks, not at scale
    image = BUSYBOX if args.pull else PAUSE
    if not args.pull:
        on_every_node(c, PAUSE)
    print(f"{args.nodes:,} nodes up in {time.perf_counter() - built:.1f} s")
    if profiler:
        profiler.enable()
    wall = all_running(c, args.pods, args.timeout, image)
    memory = maxrss_gib()
    rate = speed_up(c, args.cluster_seconds)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    target_wall = args.pods / TARGET_PODS_PER_SECOND
    pulled = "busybox, pulled for each pod" if args.pull else f"{PAUSE}, on every node already"
    print(f"{args.nodes:,} nodes, {args.pods:,} pods (requests 10m/10Mi, image {pulled}), fake runtime, "
          "all controllers and kubelets")
    print(f"  all Running in {wall:.1f} s wall ({args.pods / wall:,.0f} pods/s): "
          f"{target_wall / wall:.2f} x target ({target_wall:.1f} s = {TARGET_PODS_PER_SECOND:,.0f} pods/s)")
    print(f"  peak memory (maxrss) {memory:.2f} GiB: {TARGET_MAXRSS_GIB / memory:.2f} x target "
          f"(<= {TARGET_MAXRSS_GIB:.0f} GiB)")
    print(f"  {args.cluster_seconds:,.0f} s of cluster time (heartbeats, leases) at {rate:,.1f}x real time: "
          f"{rate / TARGET_SPEED_UP:.2f} x target ({TARGET_SPEED_UP:.0f}x)")


if __name__ == "__main__":
    main()
