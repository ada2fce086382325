"""Pod start-up on real containers: k8slite's Docker runtime against plain `docker run -d`.

For 1 pod and for 50 pods on one node, measures the time from the request
(apply, or `docker run`) to Running (seen through the API for k8slite; the
engine saying "running" for docker), and prints p50, p99 and the ratio.
Targets from the course's design: p50 overhead over raw `docker run` at
most 100 ms for one pod; p99 under 5 s for 50 pods (Kubernetes' pod
start-up SLO). Needs a Docker engine and the busybox image.

    .venv/bin/python benchmarks/pod_startup.py
"""

from __future__ import annotations

import statistics
import time

import docker

from k8slite import Cluster

COMMAND = ["sh", "-c", "sleep 3600"]
LABEL = {"k8slite.benchmark": "pod-startup"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def raw_docker(count: int) -> list[float]:
    client = docker.from_env()
    start, latencies = time.perf_counter(), []
    try:
        for _ in range(count):
            client.containers.run("busybox", COMMAND, detach=True, labels=LABEL)
            latencies.append(time.perf_counter() - start)
    finally:
        for container in client.containers.list(all=True, filters={"label": "k8slite.benchmark"}):
            container.remove(force=True)
    return latencies


def pod(name: str) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "app", "image": "busybox", "command": COMMAND}]}}


def k8slite_pods(count: int) -> list[float]:
    with Cluster(nodes=1, runtime="docker") as c:
        names = [f"bench-{i}" for i in range(count)]
        start = c.now
        c.apply([pod(n) for n in names])
        running: dict[str, float] = {}

        def seen() -> None:  # a watch on pods: stamp each pod the moment its Running status is written
            for event in watch.drain():
                if event.value.status.phase == "Running":
                    running.setdefault(event.value.name, c.now - start)

        watch = c.api.watch("pods", notify=seen)
        c.run_until(lambda c: len(running) == count, timeout=300)
        watch.stop()
        return [running[n] for n in names]


def report(label: str, ours: list[float], raw: list[float]) -> None:
    p50, p99 = statistics.median(ours), percentile(ours, 0.99)
    raw50, raw99 = statistics.median(raw), percentile(raw, 0.99)
    print(f"{label:<8} k8slite p50 {p50 * 1000:7.0f} ms  p99 {p99 * 1000:7.0f} ms | docker run p50 "
          f"{raw50 * 1000:7.0f} ms  p99 {raw99 * 1000:7.0f} ms | p50 overhead {(p50 - raw50) * 1000:+6.0f} ms"
          f"  ratio {p50 / raw50:4.2f}x")


def main() -> None:
    singles, raw_singles = [], []
    for _ in range(7):
        singles += k8slite_pods(1)
        raw_singles += raw_docker(1)
    report("1 pod", singles, raw_singles)
    report("50 pods", k8slite_pods(50), raw_docker(50))


if __name__ == "__main__":
    main()
