"""Checks for notebook 01, containers: which namespaces two processes share, and how a container stops.

01.1 asks which namespaces two processes share, given what ``readlink /proc/<pid>/ns/*``
shows for each; the mappings are random, some entries shared, some present on one
side only, so only a real comparison passes.
01.2 asks for the exit code of a container whose pod is deleted, and how many
seconds after the deletion it exits; each prediction is compared with what
k8slite's kubelet and fake runtime do to real pods on small seeded clusters (no
Docker needed, so the check is deterministic everywhere).
01.3 and 01.4, a container by hand (a config.json; what a process sees in its
namespaces), live in ch01_oci.py.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from k8slite.cluster import Cluster
from k8slite.course.checks import exercise

NS_TYPES = ("cgroup", "ipc", "mnt", "net", "pid", "pid_for_children", "time", "time_for_children", "user", "uts")
FIRST_INODE = 4026531835  # the host's first namespaces have inode numbers near this one


# ---------------------------------------------------------------- 01.1
def random_pair(rng: random.Random) -> tuple[dict[str, str], dict[str, str]]:
    """Two processes' namespace links: each type shared or not, a few seen on one side only."""
    a: dict[str, str] = {}
    b: dict[str, str] = {}
    inodes = iter(rng.sample(range(FIRST_INODE, FIRST_INODE + 900), 2 * len(NS_TYPES)))
    for ns in rng.sample(NS_TYPES, rng.randint(3, len(NS_TYPES))):
        first = next(inodes)
        second = first if rng.random() < 0.5 else next(inodes)
        side = rng.random()
        if side > 0.15:
            a[ns] = f"{ns.removesuffix('_for_children')}:[{first}]"
        if side < 0.85:
            b[ns] = f"{ns.removesuffix('_for_children')}:[{second}]"
    return a, b


def fixed_pairs() -> list[tuple[dict[str, str], dict[str, str]]]:
    """The corner cases: the same process twice, nothing in common, nothing at all."""
    same = {ns: f"{ns}:[{FIRST_INODE + i}]" for i, ns in enumerate(("net", "ipc", "uts"))}
    other = {ns: f"{ns}:[{FIRST_INODE + 100 + i}]" for i, ns in enumerate(("net", "ipc", "uts"))}
    return [(same, dict(same)), (same, other), ({}, {}), (same, {})]


@exercise("01.1")
def check_01_1(shared_namespaces: Callable[..., Any], scenarios: int = 40) -> str:
    assert callable(shared_namespaces), "define shared_namespaces(ns_a, ns_b) returning a set of namespace types"
    rng = random.Random(101)
    pairs = fixed_pairs() + [random_pair(rng) for _ in range(scenarios)]
    for a, b in pairs:
        before = (dict(a), dict(b))
        got = shared_namespaces(a, b)
        want = {ns for ns in a.keys() & b.keys() if a[ns] == b[ns]}
        call = f"shared_namespaces({a}, {b})"
        assert isinstance(got, set | frozenset), (
            f"{call} returned {got!r}; return a set of namespace types, such as {{'net', 'ipc'}}")
        assert (a, b) == before, f"{call} changed its arguments; only read them"
        only_one_side = sorted(got - (a.keys() & b.keys()))
        assert not only_one_side, (
            f"{call} returned {sorted(got)}, but {only_one_side} is listed for one process only: "
            "a namespace is shared only when both processes show it with the same inode number")
        assert got == want, (
            f"{call} returned {sorted(got)}, expected {sorted(want)}: two processes share a namespace "
            "exactly when the inode numbers in brackets are equal")
    return f"{len(pairs)} pairs of processes."


# ---------------------------------------------------------------- 01.2
SERVER = {"name": "app", "image": "nginx:1.25"}  # nginx exits 0 on SIGTERM, in the fake runtime as for real
WORK_SECONDS = 40  # a worker's job, long enough that each pod is deleted while it runs


def scenario_pod(name: str, handles: bool, grace: int) -> dict[str, Any]:
    worker = {"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", f"sleep {WORK_SECONDS}; exit 0"]}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"terminationGracePeriodSeconds": grace, "containers": [SERVER if handles else worker]}}


def random_case(rng: random.Random) -> tuple[bool, int, int | None]:
    """(handles SIGTERM, grace period, seconds until it would exit on its own, or None for never)."""
    grace = rng.choice((0, 1, 2, 3, 5, 10, 30))
    if rng.random() < 0.35:
        return True, grace, None
    if rng.random() < 0.4:
        return False, grace, None  # a worker deleted so early that its work outlasts any grace period
    exits_in = rng.choice([s for s in (1, 2, 4, 6, 8, 12, 20) if s != grace])  # no ties: they race
    return False, grace, exits_in


def observed_stops(c: Cluster) -> dict[str, tuple[int, float]]:
    """Exit code and finish time of every container that exits, noted when the runtime reports it."""
    runtime = c.kubelets["node-1"].runtime
    forward = runtime.on_exit
    seen: dict[str, tuple[int, float]] = {}

    def on_exit(container_id: str) -> None:
        info = runtime.container_status(container_id)
        seen[info.sandbox_id] = (int(info.exit_code or 0), float(info.finished_at or 0.0))
        if forward is not None:
            forward(container_id)

    runtime.on_exit = on_exit
    return seen


def run_scenario(seed: int, stop_outcome: Callable[..., Any]) -> int:
    rng = random.Random(1200 + seed)
    cases = {f"pod-{i}": random_case(rng) for i in range(rng.randint(3, 5))}
    if seed == 0:  # grace period 0: SIGKILL at once, whatever the process would do
        cases.update({"now-server": (True, 0, None), "now-worker": (False, 0, 4)})
    c = Cluster(nodes=1, seed=seed)
    c.apply([scenario_pod("pull-nginx", True, 0), scenario_pod("pull-busybox", False, 0)])
    c.run_until(lambda c: c.ready("pod/pull-nginx") and c.ready("pod/pull-busybox"))  # both images on the node
    c.apply([scenario_pod(name, handles, grace) for name, (handles, grace, _) in cases.items()])
    c.run(1)  # no pulls now (IfNotPresent): every container starts at once
    seen = observed_stops(c)
    sandboxes = {name: c.kubelets["node-1"].pods[f"default/{name}"].sandbox_id for name in cases}
    delete_at = {}
    for name, (_, _, exits_in) in cases.items():
        started = c.get("pod", name).status.container_statuses[0].state.running.started_at
        delete_at[name] = started + (WORK_SECONDS - exits_in if exits_in is not None else rng.uniform(1, 5))
    for name in sorted(cases, key=lambda n: delete_at[n]):
        c.run(delete_at[name] - c.now)
        c.delete("pod", name)
    c.run(40)
    for name, (handles, grace, exits_in) in cases.items():
        code, finished = seen[sandboxes[name]]
        actual = (code, round(finished - delete_at[name], 3))
        call = f"stop_outcome(handles_sigterm={handles}, grace_seconds={grace}, exits_in={exits_in})"
        got = stop_outcome(handles, grace, exits_in)
        assert isinstance(got, tuple) and len(got) == 2, (
            f"{call} returned {got!r}; return a pair (exit_code, seconds), such as (137, 30)")
        assert got[0] == actual[0], (
            f"{call} says exit code {got[0]!r}, but the container exited with {actual[0]}. "
            "0: it finished by itself or handled SIGTERM; 137 = 128 + 9: SIGKILL, at the end of the grace "
            "period (at once when it is 0)")
        assert isinstance(got[1], int | float) and abs(got[1] - actual[1]) < 1e-6, (
            f"{call} says {got[1]!r} s after the deletion, but the container exited after {actual[1]:g} s: "
            "SIGTERM comes at once, SIGKILL when the grace period runs out, whichever ends it first")
    return len(cases)


@exercise("01.2")
def check_01_2(stop_outcome: Callable[..., Any], scenarios: int = 6) -> str:
    assert callable(stop_outcome), (
        "define stop_outcome(handles_sigterm, grace_seconds, exits_in) returning (exit_code, seconds)")
    pods = sum(run_scenario(seed, stop_outcome) for seed in range(scenarios))
    return f"{pods} pods deleted on {scenarios} clusters."


from k8slite.course.checks import ch01_oci  # noqa: E402,F401  (01.3 and 01.4, a container by hand, live there)
