"""Naming a container's exit on Docker: OOMKilled even when the engine's flag lost the race.

The first tests use a stand-in for the engine (no Docker needed), so the
race can be staged exactly: the exit first, the `oom` event a relist later.
The last one asks the real engine's event log (marker `docker`).
"""

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from k8slite.clock import RealClock
from k8slite.runtime.cri import EXITED, RUNNING, ContainerInfo
from k8slite.runtime.docker import DockerRuntime
from k8slite.runtime.docker_exit import OOM_CHECKS, exit_reason, oom_logged

STARTED = "2026-11-26T03:00:00.123456789Z"


class Engine:
    """What the runtime asks of Docker when a container stops: its state and the `oom` events logged."""

    def __init__(self, exit_code: int, oom_flag: bool = False, oom_events: int = 0) -> None:
        self.state = {"Status": "exited", "ExitCode": exit_code, "OOMKilled": oom_flag, "StartedAt": STARTED,
                      "FinishedAt": "2026-11-26T03:00:05Z"}
        self.oom_events, self.queries = oom_events, []
        self.api = SimpleNamespace(inspect_container=lambda cid: {"State": self.state}, events=self.events,
                                   kill=lambda cid, signal: None, remove_container=lambda cid, force: None)

    def events(self, since, until, decode, filters):
        self.queries.append((float(since), float(until), filters))
        return iter([{"status": "oom", "id": filters["container"]}] * self.oom_events)


def reason(engine: Engine, suspect: bool = True, final: bool = False) -> str | None:
    return exit_reason(engine, "c1", engine.state, suspect_oom=suspect, final=final, now=1_800_000_000.0)


def test_the_engine_flag_and_the_exit_code_name_most_exits_without_reading_the_event_log():
    assert reason(Engine(137, oom_flag=True)) == "OOMKilled"
    assert reason(Engine(0)) == "Completed"
    assert reason(Engine(1)) == "Error"
    assert reason(Engine(137), suspect=False) == "Error"  # no memory limit, or this runtime killed it
    for code in (0, 1):
        engine = Engine(code)
        reason(engine)
        assert engine.queries == []


def test_a_sigkill_with_no_flag_is_an_oom_kill_when_the_engine_logged_an_oom_event():
    engine = Engine(137, oom_events=1)
    assert reason(engine) == "OOMKilled"
    since, until, filters = engine.queries[0]
    assert filters == {"container": "c1", "event": "oom"}
    assert (since, until) == (1_795_661_999.123, 1_800_000_000.0)  # a second before the start, up to now


def test_without_an_oom_event_the_answer_waits_and_finally_is_error():
    engine = Engine(137)
    assert reason(engine) is None
    assert reason(engine, final=True) == "Error"


def runtime_with_one_exit(engine: Engine, memory_limited: bool = True) -> tuple[DockerRuntime, ContainerInfo]:
    runtime = DockerRuntime(RealClock(), engine, "node-1", "test", Path("/nonexistent"), wall_origin=0.0)
    info = runtime.containers["c1"] = ContainerInfo("c1", "hog", "s1", "busybox", state=RUNNING)
    if memory_limited:
        runtime.memory_limited.add("c1")
    return runtime, info


def test_the_runtime_reports_an_oom_kill_whose_event_trails_the_exit():
    engine = Engine(137)
    runtime, info = runtime_with_one_exit(engine)
    exits = []
    runtime.on_exit = exits.append
    runtime.refresh(info)  # the exit is seen, the oom event is not logged yet
    assert info.state == RUNNING and exits == []
    engine.oom_events = 1  # the engine logs it a moment later
    runtime.refresh(info)  # the next relist
    assert (info.state, info.exit_code, info.reason, exits) == (EXITED, 137, "OOMKilled", ["c1"])
    runtime.close()


def test_the_runtime_settles_on_error_after_a_few_relists_without_an_oom_event():
    engine = Engine(137)
    runtime, info = runtime_with_one_exit(engine)
    for _ in range(OOM_CHECKS - 1):
        runtime.refresh(info)
        assert info.state == RUNNING
    runtime.refresh(info)
    assert (info.state, info.reason) == (EXITED, "Error")
    runtime.close()


def test_a_container_this_runtime_killed_is_not_suspected_of_an_oom_kill():
    engine = Engine(137, oom_events=0)
    runtime, info = runtime_with_one_exit(engine)
    runtime.signal("c1", "SIGKILL")  # the kubelet's kill at the end of a grace period
    runtime.refresh(info)
    assert (info.state, info.reason, engine.queries) == (EXITED, "Error", [])
    runtime.close()


@pytest.mark.docker
def test_the_engine_logs_an_oom_event_for_a_container_over_its_memory_limit_and_none_for_a_kill():
    from k8slite.runtime.docker_engine import connect

    client = connect()
    hog = client.containers.run("busybox", ["sh", "-c", "x=a; while true; do x=$x$x; done"], detach=True,
                                mem_limit="16m", labels={"k8slite.test": "docker_exit"})
    sleeper = client.containers.run("busybox", ["sleep", "60"], detach=True, mem_limit="16m",
                                    labels={"k8slite.test": "docker_exit"})
    try:
        sleeper.kill()
        assert hog.wait(timeout=30)["StatusCode"] == 137
        assert sleeper.wait(timeout=30)["StatusCode"] == 137
        now = time.time()
        for container in (hog, sleeper):
            container.reload()
        assert oom_logged(client, hog.id, hog.attrs["State"]["StartedAt"], now)
        assert not oom_logged(client, sleeper.id, sleeper.attrs["State"]["StartedAt"], now)
    finally:
        for container in (hog, sleeper):
            container.remove(force=True)
