"""Pods on the Linux runtime: the pause container's namespaces, limits, stopping, logs, exec and probes.

Reasons and exit codes are the kubelet's (pkg/kubelet/kuberuntime/kuberuntime_container.go,
containerd's CRI plugin: "OOMKilled", "Completed", "Error"); probe errors read as Go's net.Dial."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from linux_builders import need_linux, pod

from k8slite.api.security import PodSecurityContext
from k8slite.runtime.cri import EXITED, RUNNING
from k8slite.runtime.linux.host import LinuxHost
from k8slite.runtime.linux.runtime import LinuxRuntime

SERVER = "while true; do echo -e 'HTTP/1.0 200 OK\\r\\n\\r\\nhello' | nc -l -p 8080; done"


@pytest.fixture(scope="module", params=["runc", "minirunc", "crun"])
def runtime(host: LinuxHost, request: pytest.FixtureRequest) -> Iterator[LinuxRuntime]:
    need_linux(request.param)
    made = LinuxRuntime(host.clock, f"node-{request.param}", host.cluster_id, host.root, request.param)
    made.pull_image("busybox")
    yield made
    made.close()


def run_until(runtime: LinuxRuntime, done: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = runtime.clock.now + timeout
    while not done() and runtime.clock.now < deadline:
        runtime.clock.run(runtime.clock.now + 0.2)
    assert done(), "timed out"


def start_pod(runtime: LinuxRuntime, name: str, *containers: dict, share: bool = False) -> tuple[str, list[str]]:
    made = pod(name, *containers, share_process_namespace=share)
    sandbox = runtime.run_pod_sandbox(made, "10.244.1.7")
    ids = [runtime.create_container(sandbox, made, c) for c in made.spec.containers]
    for cid in ids:
        runtime.start_container(cid)
    return sandbox, ids


def exited(runtime: LinuxRuntime, cid: str) -> Callable[[], bool]:
    return lambda: runtime.container_status(cid).state == EXITED


def test_containers_of_a_pod_share_localhost_and_the_hostname(runtime: LinuxRuntime) -> None:
    sandbox, (server, client) = start_pod(runtime, "web", {"name": "server", "command": ["sh", "-c", SERVER]},
                                          {"name": "client", "command": ["sh", "-c", "sleep 0.3; wget -q -O - "
                                                                         "http://127.0.0.1:8080/ && hostname"]})
    run_until(runtime, exited(runtime, client))
    status = runtime.container_status(client)
    assert (status.exit_code, status.reason) == (0, "Completed")
    assert runtime.logs(client) == "hello\nweb\n"  # the server's answer over loopback, then the pod's hostname
    assert runtime.http_get(sandbox, "", 8080, "/") == (200, "hello\n")  # a probe, from the pod's network
    with pytest.raises(ConnectionError, match="connect: connection refused"):
        runtime.http_get(sandbox, "", 9999, "/")
    assert runtime.exec_sync(server, ["sh", "-c", "echo from $(hostname)"], 5) == (0, "from web\n")
    runtime.remove_pod_sandbox(sandbox)


def test_share_process_namespace_shows_the_pause_process(runtime: LinuxRuntime) -> None:
    look = {"name": "look", "command": ["sh", "-c", "ps -o pid,args"]}
    shared, (one,) = start_pod(runtime, "shared", look, share=True)
    alone, (two,) = start_pod(runtime, "alone", look)
    run_until(runtime, lambda: exited(runtime, one)() and exited(runtime, two)())
    assert "1 /bin/busybox sleep" in runtime.logs(one)  # the pause container is pid 1 of the pod
    processes = runtime.logs(two).splitlines()[1:]  # under the PID COMMAND header
    assert len(processes) == 1 and processes[0].split()[0] == "1"  # alone: ps itself is pid 1
    runtime.remove_pod_sandbox(shared)
    runtime.remove_pod_sandbox(alone)


def test_a_container_over_its_memory_limit_is_oom_killed(runtime: LinuxRuntime) -> None:
    # reason OOMKilled, exit code 137 (128 + SIGKILL), as `kubectl describe pod` shows it
    sandbox, (hog,) = start_pod(runtime, "hog", {"name": "hog", "command": ["sh", "-c", "exec tail /dev/zero"],
                                                 "resources": {"limits": {"memory": "32Mi"}}})
    run_until(runtime, exited(runtime, hog))
    status = runtime.container_status(hog)
    assert (status.exit_code, status.reason) == (137, "OOMKilled")
    runtime.remove_pod_sandbox(sandbox)


def test_sigterm_then_sigkill_when_the_grace_period_is_over(runtime: LinuxRuntime) -> None:
    sandbox, (polite, stubborn) = start_pod(
        runtime, "stop", {"name": "polite", "command": ["sh", "-c", "trap 'echo bye; exit 0' TERM; "
                                                         "while :; do sleep 0.1; done"]},
        {"name": "stubborn", "command": ["sh", "-c", "while :; do sleep 0.1; done"]})  # pid 1 ignores TERM
    runtime.clock.run(runtime.clock.now + 0.3)
    stopped_at = runtime.clock.now
    for cid in (polite, stubborn):
        assert runtime.container_status(cid).state == RUNNING
        runtime.stop_container(cid, 1.0)
    run_until(runtime, lambda: exited(runtime, polite)() and exited(runtime, stubborn)())
    first, second = runtime.container_status(polite), runtime.container_status(stubborn)
    assert (first.exit_code, first.reason, runtime.logs(polite)) == (0, "Completed", "bye\n")
    assert (second.exit_code, second.reason) == (137, "Error")  # SIGKILLed, not by the OOM killer
    assert first.finished_at is not None and second.finished_at is not None
    assert first.finished_at < second.finished_at  # TERM ended the polite one; the other waited for KILL
    assert second.finished_at - stopped_at >= 1.0  # the grace period
    runtime.remove_pod_sandbox(sandbox)


def test_a_security_context_sets_user_groups_capabilities_and_a_read_only_root(runtime: LinuxRuntime) -> None:
    """The CRI request's LinuxSecurity in config.json: process.user with additionalGids (the fsGroup among them),
    root.readonly, no capabilities after drop ALL, and no_new_privs from allowPrivilegeEscalation: false."""
    made = pod("secure", {"name": "app", "command": ["sh", "-c", "id; echo x > /x; grep -E '^(CapEff|NoNewPrivs)' "
                                                                 "/proc/self/status"],
                          "securityContext": {"readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False,
                                              "capabilities": {"drop": ["ALL"]}}})
    made.spec.security_context = PodSecurityContext(run_as_user=1000, run_as_group=3000, fs_group=2000)
    sandbox = runtime.run_pod_sandbox(made, "10.244.1.7")
    cid = runtime.create_container(sandbox, made, made.spec.containers[0])
    runtime.start_container(cid)
    run_until(runtime, exited(runtime, cid))
    assert runtime.logs(cid) == ("uid=1000 gid=3000 groups=2000,3000\nsh: can't create /x: Read-only file system\n"
                                 "CapEff:\t0000000000000000\nNoNewPrivs:\t1\n")
    runtime.remove_pod_sandbox(sandbox)
