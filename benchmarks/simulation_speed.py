"""How much faster than real time the simulation runs, and how it scales with nodes.

Prints, for clusters of growing size running one pod per node-ish workload,
the simulated seconds per wall-clock second (the speed-up over real time)
and the wall time per simulated pod start. A ratio, not a pass/fail test:
run it before and after a change to see what the change cost.

    .venv/bin/python benchmarks/simulation_speed.py
"""

from __future__ import annotations

import os

os.environ.setdefault("K8SLITE_PROGRESS", "0")  # a progress bar would garble the table

import time

from k8slite import Cluster

RS = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: load}
spec:
  replicas: %d
  selector: {matchLabels: {app: load}}
  template:
    metadata: {labels: {app: load}}
    spec:
      containers: [{name: c, image: busybox, command: [sh, -c, "while true; do sleep 30; done"]}]
"""


def measure(nodes: int, pods: int, seconds: float = 300.0) -> tuple[float, float]:
    start = time.perf_counter()
    c = Cluster(nodes=nodes)
    c.apply(RS % pods)
    c.run(seconds)
    wall = time.perf_counter() - start
    running = sum(1 for p in c.get("pods") if p.status.phase == "Running")
    assert running == pods, f"{running}/{pods} running"
    return seconds / wall, wall / pods


def main() -> None:
    print(f"{'nodes':>6} {'pods':>6} {'speed-up over real time':>24} {'ms of wall time per pod':>24}")
    for nodes, pods in ((3, 10), (10, 100), (50, 500)):
        speedup, per_pod = measure(nodes, pods)
        print(f"{nodes:>6} {pods:>6} {speedup:>23.0f}x {per_pod * 1000:>24.2f}")


if __name__ == "__main__":
    main()
