"""Checks for notebook 04, nodes and the kubelet: a pod's phase and CrashLoopBackOff.

04.1 compares the learner's ``pod_phase(containers, restart_policy)`` with
k8slite's own (k8slite/kubelet/phase.py) on random pods, and with what a running
cluster reports for pods whose containers crash, finish or keep running.
04.2 compares ``backoff_delays(n)`` with the waits a kubelet really made
between a crash and the restart that followed, for random crashing commands.
04.3 (optional) predicts every start time of a container whose runs last
given times, the 10-minute reset included, and a cluster confirms them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from k8slite.api.pod import (
    ContainerState,
    ContainerStateRunning,
    ContainerStateTerminated,
    ContainerStateWaiting,
    ContainerStatus,
)
from k8slite.cluster import Cluster
from k8slite.course.checks import exercise
from k8slite.kubelet.phase import pod_phase as reference_phase

Containers = list[tuple[str, int | None]]
POLICIES = ("Always", "OnFailure", "Never")


# ------------------------------------------------------------ 04.1 pod_phase
def to_status(name: str, state: str, code: int | None) -> ContainerStatus:
    """One ``(state, exit_code)`` pair as the container status a kubelet would write."""
    status = ContainerStatus(name=name)
    if state == "running":
        status.state = ContainerState(running=ContainerStateRunning(0.0))
    elif state == "exited":
        status.state = ContainerState(terminated=ContainerStateTerminated(exit_code=code or 0))
    else:
        status.state = ContainerState(waiting=ContainerStateWaiting("ContainerCreating"))
        if code is not None:  # it ran before: waiting to be restarted (CrashLoopBackOff)
            status.state = ContainerState(waiting=ContainerStateWaiting("CrashLoopBackOff"))
            status.last_state = ContainerState(terminated=ContainerStateTerminated(exit_code=code))
    return status


def from_status(status: ContainerStatus) -> tuple[str, int | None]:
    """The other way: what a cluster's container status looks like in the exercise's format."""
    if status.state.running is not None:
        return ("running", None)
    if status.state.terminated is not None:
        return ("exited", status.state.terminated.exit_code)
    last = status.last_state.terminated
    return ("waiting", None if last is None else last.exit_code)


def random_container(rng: random.Random, policy: str) -> tuple[str, int | None]:
    """A container state that can really be seen under ``policy``."""
    code = rng.choice([0, 0, 1, 2, 137])
    choices: list[tuple[str, int | None]] = [("waiting", None), ("running", None), ("running", None)]
    if policy == "Always":
        choices += [("waiting", code), ("exited", code)]
    elif policy == "OnFailure":
        choices += [("exited", 0), ("exited", 0), ("waiting", rng.choice([1, 2, 137]))]
    else:
        choices += [("exited", code), ("exited", code)]
    return rng.choice(choices)


def expected_phase(containers: Containers, policy: str) -> str:
    statuses = [to_status(f"c{i}", state, code) for i, (state, code) in enumerate(containers)]
    return reference_phase(statuses, policy)


def ask_phase(pod_phase: Callable[..., Any], containers: Containers, policy: str, where: str) -> None:
    want = expected_phase(containers, policy)
    got = pod_phase(list(containers), policy)
    assert got is not None, "pod_phase returned None: return one of 'Pending', 'Running', 'Succeeded', 'Failed'"
    assert got == want, (f"pod_phase({containers!r}, {policy!r}) should be {want!r}, not {got!r} ({where}). "
                         "Ask in order: has a container never run? is one running? will the kubelet restart "
                         "any? did all that stopped exit 0?")


COMMANDS = ["sleep 3600", "sleep 5; exit 0", "sleep 8; exit 1", "sleep 3; exit 2", "exit 0", "sleep 12; exit 137"]


def cluster_pods(seed: int) -> list[tuple[str, Containers, str]]:
    """Pods of 1-3 containers with random commands on a 1-node cluster, at a random moment."""
    rng = random.Random(1000 + seed)
    c = Cluster(nodes=1, seed=seed)
    pods = []
    for p in range(3):
        policy = rng.choice(POLICIES)
        containers = [{"name": f"c{i}", "image": "busybox:1.36", "command": ["sh", "-c", rng.choice(COMMANDS)]}
                      for i in range(rng.randint(1, 3))]
        c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{p}"},
                 "spec": {"restartPolicy": policy, "containers": containers}})
        pods.append((f"pod-{p}", policy))
    c.run(rng.choice([0, 4, 9, 30]))
    seen = []
    for name, policy in pods:
        pod = c.get("pod", name)
        seen.append((pod.status.phase, [from_status(s) for s in pod.status.container_statuses], policy))
    return seen


@exercise("04.1")
def check_04_1(pod_phase: Any) -> str:
    assert callable(pod_phase), "define a function pod_phase(containers, restart_policy) and pass it to check"
    rng = random.Random(4)
    simple: list[tuple[str, int | None]] = [("waiting", None), ("running", None), ("exited", 0), ("exited", 1)]
    for policy in POLICIES:  # a few pods everyone should get right first
        for one in simple:
            if one != ("exited", 1) or policy != "OnFailure":  # OnFailure would have restarted it
                ask_phase(pod_phase, [one], policy, "a one-container pod")
    count = 0
    for _ in range(300):
        policy = rng.choice(POLICIES)
        containers: Containers = [random_container(rng, policy) for _ in range(rng.randint(1, 4))]
        ask_phase(pod_phase, containers, policy, "k8slite's podstatus.pod_phase says so")
        count += 1
    for seed in range(4):
        for phase, containers, policy in cluster_pods(seed):
            got = pod_phase(list(containers), policy)
            assert got == phase, (f"a cluster shows a pod with containers {containers!r} and restartPolicy "
                                  f"{policy!r} as {phase!r}; your pod_phase says {got!r}")
            count += 1
    return f"{count} pods, 12 of them from running clusters."


# ------------------------------------------------------------ 04.2 and 04.3: CrashLoopBackOff
def start_times(c: Cluster, pod: str) -> list[float]:
    """When each run of the pod's container started, from the pod's history (the kubelet's Started events
    are folded into one Event with a count, which keeps only the first and last time)."""
    container = c.get("pod", pod).spec.containers[0].name
    return [start for start, _ in c.pod_history.runs(f"default/{pod}", container)]


def restarts(c: Cluster, pod: str) -> int:
    statuses = c.get("pod", pod).status.container_statuses
    return int(statuses[0].restart_count) if statuses else 0


def counted_runs_command(runs: list[int]) -> str:
    """A shell command whose k-th run (counted in an emptyDir, which survives restarts) sleeps runs[k-1]."""
    parts = ["echo run >> /data/runs", "n=$(wc -l < /data/runs)"]
    parts += [f"if [ $n -eq {k} ]; then sleep {s}; fi" for k, s in enumerate(runs, start=1)]
    return "; ".join(parts) + "; exit 1"


def crash_pod(name: str, command: str, policy: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"restartPolicy": policy, "volumes": [{"name": "data", "emptyDir": {}}],
                     "containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", command],
                                     "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]}}


def observed_waits(seed: int) -> tuple[str, list[float]]:
    """Run `sleep k; exit 1` (random k) on a cluster; the waits between each crash and the next start."""
    rng = random.Random(2000 + seed)
    k, code, policy = rng.randint(1, 40), rng.choice([1, 2, 3, 137]), rng.choice(["Always", "OnFailure"])
    command = f"sleep {k}; exit {code}"
    c = Cluster(nodes=1, seed=seed)
    c.apply(crash_pod("crasher", command, policy))
    c.run(rng.randint(900, 1600))
    starts = start_times(c, "crasher")
    return f"{command!r} (restartPolicy {policy})", [round(b - (a + k), 6) for a, b in zip(starts, starts[1:])]


@exercise("04.2")
def check_04_2(backoff_delays: Any) -> str:
    assert callable(backoff_delays), "define a function backoff_delays(n) and pass it to check"
    crashes = 0
    for seed in range(5):
        what, waits = observed_waits(seed)
        n = len(waits)
        got = backoff_delays(n)
        assert got is not None, f"backoff_delays({n}) returned None: return a list of {n} numbers of seconds"
        got = list(got)
        assert len(got) == n, f"backoff_delays({n}) should give {n} waits, not {len(got)}"
        for i, (mine, seen) in enumerate(zip(got, waits), start=1):
            assert mine == seen, (f"running {what}, the kubelet waited {seen:g} s after crash {i} before "
                                  f"restarting; backoff_delays({n})[{i - 1}] is {mine!r}. "
                                  "Look at the Started times: is the first restart delayed at all?")
        crashes += n
    return f"{crashes} crashes on 5 clusters."


# Runs that tell the rule apart from its near misses: after six quick crashes the back-off is 160 s, so a
# 450 s run puts 610 s between two crashes (reset, though no run lasted 600 s), and a 440 s run exactly
# 600 s (no reset: it takes *more* than 600 s); after seven, a 301 s run plus the 300 s wait resets it.
EDGE_RUNS = ([1, 1, 1, 1, 1, 1, 450, 1, 1], [1, 1, 1, 1, 1, 1, 440, 1, 1], [1, 1, 1, 1, 1, 1, 1, 301, 1, 1])


def random_runs(seed: int) -> list[int]:
    """6 to 10 runs of random lengths, some long enough to reset the back-off."""
    rng = random.Random(3000 + seed)
    return [rng.choice([1, 2, 5, 20, 60, 200, 400, 650]) for _ in range(rng.randint(6, 10))]


def observed_starts(runs: list[int], seed: int) -> list[float]:
    """When each run starts, counted from the first start (the image pull before it takes about a second),
    on a cluster, for a container whose k-th run lasts runs[k-1] s."""
    c = Cluster(nodes=1, seed=seed)
    c.apply(crash_pod("crasher", counted_runs_command(runs), "Always"))
    end = sum(runs) + 300 * len(runs)
    c.run_until(lambda c: restarts(c, "crasher") >= len(runs) - 1, timeout=end)
    starts = start_times(c, "crasher")[: len(runs)]
    return [round(start - starts[0], 6) for start in starts]


@exercise("04.3")
def check_04_3(restart_times: Any) -> str:
    assert callable(restart_times), "define a function restart_times(runs) and pass it to check"
    scenarios = [random_runs(seed) for seed in range(6)] + [list(runs) for runs in EDGE_RUNS]
    for seed, runs in enumerate(scenarios):
        starts = observed_starts(runs, seed)
        got = restart_times(list(runs))
        assert got is not None, f"restart_times({runs}) returned None: return a list of {len(runs)} start times"
        got = list(got)
        assert len(got) == len(runs), f"restart_times({runs}) should give {len(runs)} start times, not {len(got)}"
        for i, (mine, seen) in enumerate(zip(got, starts)):
            assert mine == seen, (f"with runs lasting {runs} s, run {i + 1} started {seen:g} s after the first; "
                                  f"you said {mine!r}. Remember: the back-off is forgotten when more than "
                                  "600 s pass between two crashes (from one crash to the next, the wait included).")
    return f"{len(scenarios)} clusters, each with 6 to 10 runs."
