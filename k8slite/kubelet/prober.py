"""Liveness and readiness probes, run by the kubelet for each container.

Mirrors pkg/kubelet/prober: a worker per probe waits initialDelaySeconds
after the container starts, then probes every periodSeconds. A probe is an
exec (exit code 0), an httpGet (status 200-399) or a tcpSocket (the port
accepts). failureThreshold failures in a row make the result Failure,
successThreshold successes make it Success. Liveness failure: the kubelet
kills the container and restartPolicy decides what happens next.
Readiness failure: the container stays running but is not Ready, so a
Service stops sending it traffic. Simplified: no startup probes, no gRPC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from k8slite.api.pod import Container, Probe
from k8slite.clock import Timer, VirtualClock
from k8slite.runtime.cri import RUNNING, ContainerRuntime


@dataclass(slots=True)
class ProbeWorker:
    """One probe of one container: its counters and its timer."""

    kind: str  # "Liveness" or "Readiness"
    probe: Probe
    container_id: str
    successes: int = 0
    failures: int = 0
    result: bool | None = None
    timer: Timer | None = None
    stopped: bool = False

    def stop(self) -> None:
        self.stopped = True
        if self.timer:
            self.timer.cancel()


def resolve_port(port: int | str, container: Container) -> int:
    if isinstance(port, int):
        return port
    if port.isdigit():
        return int(port)
    return next((p.container_port for p in container.ports if p.name == port), 0)


def run_probe(runtime: ContainerRuntime, sandbox_id: str, pod_ip: str, worker: ProbeWorker,
              container: Container) -> tuple[bool, str]:
    """Probe once: (success, the output to report on failure)."""
    probe = worker.probe
    if probe.exec is not None:
        code, output = runtime.exec_sync(worker.container_id, probe.exec.command, probe.timeout_seconds)
        return code == 0, output.strip()
    action = probe.http_get or probe.tcp_socket
    assert action is not None
    port = resolve_port(action.port, container)
    host = action.host or pod_ip
    path = probe.http_get.path if probe.http_get else "/"
    try:
        status, _ = runtime.http_get(sandbox_id, host, port, path)
    except ConnectionError as e:
        if probe.http_get:
            return False, f'Get "http://{host}:{port}{path}": {e}'
        return False, f"{e}"
    if probe.http_get and not 200 <= status < 400:
        return False, f"HTTP probe failed with statuscode: {status}"
    return True, ""


class Prober:
    """The probe workers of one pod; calls `report(worker, success, output)` after each probe."""

    def __init__(self, clock: VirtualClock, runtime: ContainerRuntime, sandbox_id: str, pod_ip: str,
                 report: Callable[[ProbeWorker, Container, bool, str], None]) -> None:
        self.clock, self.runtime, self.report = clock, runtime, report
        self.sandbox_id, self.pod_ip = sandbox_id, pod_ip
        self.workers: dict[tuple[str, str], ProbeWorker] = {}

    def start(self, container: Container, container_id: str) -> None:
        """Start the probes of a container that has just started (replacing any old workers)."""
        for kind, probe in (("Liveness", container.liveness_probe), ("Readiness", container.readiness_probe)):
            old = self.workers.pop((container.name, kind), None)
            if old:
                old.stop()
            if probe is not None:
                worker = ProbeWorker(kind, probe, container_id)
                self.workers[container.name, kind] = worker
                self.schedule(worker, container, probe.initial_delay_seconds)

    def schedule(self, worker: ProbeWorker, container: Container, delay: float) -> None:
        worker.timer = self.clock.call_later(delay, lambda: self.tick(worker, container))

    def tick(self, worker: ProbeWorker, container: Container) -> None:
        if self.runtime.container_status(worker.container_id).state != RUNNING:
            return
        success, output = run_probe(self.runtime, self.sandbox_id, self.pod_ip, worker, container)
        if success:
            worker.successes, worker.failures = worker.successes + 1, 0
            if worker.successes >= worker.probe.success_threshold:
                worker.result = True
        else:
            worker.successes, worker.failures = 0, worker.failures + 1
            if worker.failures >= worker.probe.failure_threshold:
                worker.result = False
        self.report(worker, container, success, output)
        if not worker.stopped and self.runtime.container_status(worker.container_id).state == RUNNING:
            self.schedule(worker, container, worker.probe.period_seconds)

    def ready(self, container_name: str) -> bool:
        """Readiness: True without a readiness probe, else the last result (False before the first)."""
        worker = self.workers.get((container_name, "Readiness"))
        return worker is None or worker.result is True

    def stop(self) -> None:
        for worker in self.workers.values():
            worker.stop()
        self.workers.clear()
