"""Pod start-up on real containers: k8slite's Docker runtime against plain `docker run -d`.

For 1 pod and for 50 pods on one node, measures the time from the request
(apply, or `docker run`) to Running (seen through the API for k8slite; the
engine saying "running" for docker), and prints p50, p99, the ratio, and
whether each target is met. Targets from the course's design: p50 overhead
over raw `docker run` at most 100 ms for one pod; p99 under 5 s for 50 pods
(Kubernetes' pod start-up SLO). Needs a Docker engine and the busybox image.

What the overhead is made of. A pod is two containers, and the engine
starts them one after the other: the pause container (a new network
namespace: ~250-300 ms on a quiet 2-CPU machine, like `docker run` itself),
then the app container, which joins the pause container's namespaces and
cannot start before it runs (~130 ms). k8slite hides everything else: it
creates the app container while the pause container starts, starts the app
on a worker thread the moment the pause container runs, and its clock wakes
as soon as a start returns (no polling delay); the API writes, scheduling
and status updates take a few ms. So the 1-pod overhead is the engine's
second start, which the "engine calls of a pod" line measures without
k8slite; it is above 100 ms on this machine. For 50 pods the engine is the
limit: it starts a few containers at a time at best, so the line "docker
run -d busybox, 8 at once" (50 containers, half of what 50 pods need) is a
floor; when it is over 5 s, so is any 50-pod start on this engine.

    .venv/bin/python benchmarks/pod_startup.py
"""

from __future__ import annotations

import os

os.environ.setdefault("K8SLITE_PROGRESS", "0")  # a progress bar would garble the table

import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import docker

from k8slite import Cluster

COMMAND = ["sh", "-c", "sleep 3600"]
LABEL = {"k8slite.benchmark": "pod-startup"}
OVERHEAD_TARGET = 0.100  # p50, 1 pod, over docker run
P99_TARGET = 5.0  # 50 pods on one node: Kubernetes' pod start-up SLO
WORKERS = 8  # as many engine calls at once as k8slite.runtime.docker.WORKERS


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def engine_run(count: int, shape: Callable[[Any, float], float], workers: int = 1) -> list[float]:
    """Raw engine calls, no k8slite: `count` times `shape`, `workers` at once; latencies from the start."""
    client = docker.from_env()
    start = time.perf_counter()
    try:
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(lambda _: shape(client, start), range(count)))
    finally:
        listed = client.api.containers(all=True, filters={"label": "k8slite.benchmark"})
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda c: client.api.remove_container(c["Id"], force=True), listed))


def docker_run(client: Any, start: float) -> float:
    """`docker run -d busybox ...`: create, start, inspect (what the SDK's containers.run does)."""
    client.containers.run("busybox", COMMAND, detach=True, labels=LABEL)
    return time.perf_counter() - start


def pod_shaped(client: Any, start: float) -> float:
    """What a pod needs from the engine, at best: a pause container, then an app container that joins
    its namespaces (created while the pause container starts, as k8slite does; started after it)."""
    api = client.api
    pause = api.create_container("busybox", COMMAND, labels=LABEL, host_config=api.create_host_config(
        ipc_mode="shareable"))
    shared = f"container:{pause['Id']}"
    app = api.create_container("busybox", COMMAND, labels=LABEL, host_config=api.create_host_config(
        network_mode=shared, ipc_mode=shared))
    api.start(pause["Id"])
    api.start(app["Id"])
    return time.perf_counter() - start


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


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.0f} ms"


def summary(label: str, values: list[float]) -> str:
    return f"  {label:<42} p50 {ms(statistics.median(values))}  p99 {ms(percentile(values, 0.99))}"


def verdict(met: bool) -> str:
    return "target MET" if met else "target NOT met"


def one_pod(rounds: int = 7) -> None:
    ours, raw, shaped = [], [], []
    for _ in range(rounds):  # interleaved, so a busy moment on the machine hits all three alike
        ours += k8slite_pods(1)
        raw += engine_run(1, docker_run)
        shaped += engine_run(1, pod_shaped)
    overhead = statistics.median(ours) - statistics.median(raw)
    floor = statistics.median(shaped) - statistics.median(raw)
    print(f"1 pod ({rounds} rounds)")
    print(summary("k8slite, created to Running via the API", ours))
    print(summary("docker run -d busybox", raw))
    print(summary("engine calls of a pod (pause, then app)", shaped))
    ratio = statistics.median(ours) / statistics.median(raw)
    print(f"  p50 overhead over docker run {ms(overhead)} (ratio {ratio:.2f}x), target <= {ms(OVERHEAD_TARGET)}: "
          f"{verdict(overhead <= OVERHEAD_TARGET)}")
    print(f"  of which the engine's second start (pod shape over docker run) {ms(floor)}; k8slite over the pod "
          f"shape {ms(statistics.median(ours) - statistics.median(shaped))}")


def fifty_pods(count: int = 50) -> None:
    ours, raw, floor = k8slite_pods(count), engine_run(count, docker_run), engine_run(count, docker_run, WORKERS)
    print(f"{count} pods on one node")
    print(summary("k8slite, created to Running via the API", ours))
    print(summary("docker run -d busybox, one after another", raw))
    print(summary(f"docker run -d busybox, {WORKERS} at once (engine floor)", floor))
    p99 = percentile(ours, 0.99)
    print(f"  p99 {ms(p99)}, target < {ms(P99_TARGET)}: {verdict(p99 < P99_TARGET)}")
    if percentile(floor, 0.99) >= P99_TARGET:
        print(f"  unreachable on this engine: {count} bare containers alone (half of what {count} pods need) "
              f"take p99 {ms(percentile(floor, 0.99))}")


def main() -> None:
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    one_pod()
    fifty_pods()


if __name__ == "__main__":
    main()
