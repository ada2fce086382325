"""Checks for notebook 07, controllers and self-healing.

07.1 `manage_replicas(desired, pods)`: the core of the ReplicaSet controller's
reconcile, tried on random pod sets and against what the real controller
deletes when a ReplicaSet on a small cluster is scaled down.
07.2 `replacement_time(failure_time, toleration_seconds, ...)`: when the
replacement of a pod on a failed machine appears, compared with the
SuccessfulCreate event of real clusters whose node fails at a random time.
07.3 `silent_nodes(url, token, ca, now, grace)`: the nodes whose Lease has gone
stale, read over HTTPS (ch07_http.py).
07.4 `daemon_nodes(ds, nodes)`: the nodes a DaemonSet wants a pod on, compared with
the real controller's choice on clusters in random states (ch07_daemon.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any
from unittest import mock

import k8slite.controllers.node_lifecycle as node_lifecycle
import k8slite.kubelet.agent as kubelet
from k8slite.api.meta import ObjectMeta
from k8slite.api.pod import Container, Pod, PodCondition, PodSpec, PodStatus
from k8slite.cluster import Cluster
from k8slite.controllers.replicaset import deletion_rank, is_active
from k8slite.course.checks import exercise

# ---------------------------------------------------------------- 07.1


def describe(pod: Pod) -> str:
    """A pod in the words of the deletion order, for hints."""
    where = f"on {pod.spec.node_name}" if pod.spec.node_name else "on no node"
    ready = "ready" if pod.is_ready() else "not ready"
    gone = ", terminating" if pod.metadata.deletion_timestamp is not None else ""
    return (f"{pod.name} ({pod.status.phase}, {ready}, {where}, "
            f"created at {pod.metadata.creation_timestamp:g} s{gone})")


def random_pod(rng: random.Random, name: str) -> Pod:
    """A pod a ReplicaSet could own, in any state, with few distinct creation times (so ties happen)."""
    phase = rng.choice(["Pending", "Pending", "Running", "Running", "Running", "Unknown", "Succeeded", "Failed"])
    node = "" if phase == "Pending" and rng.random() < 0.6 else f"node-{rng.randint(1, 3)}"
    ready = phase == "Running" and rng.random() < 0.7
    pod = Pod(metadata=ObjectMeta(name=name, namespace="default", labels={"app": "web"},
                                  creation_timestamp=float(rng.choice([0, 10, 20, 30, 45]))),
              spec=PodSpec(containers=[Container(name="web", image="busybox")], node_name=node),
              status=PodStatus(phase=phase, conditions=[PodCondition("Ready", "True" if ready else "False")]))
    if rng.random() < 0.12:
        pod.metadata.deletion_timestamp = 50.0
    return pod


def call_manage(manage: Callable[..., Any], desired: int, pods: list[Pod]) -> tuple[int, list[str]]:
    names = ", ".join(describe(p) for p in pods)
    result = manage(desired, [p.copy() for p in pods])
    assert isinstance(result, tuple) and len(result) == 2, (
        f"manage_replicas(desired, pods) must return a tuple (to_create, to_delete); it returned {result!r}")
    to_create, to_delete = result
    assert isinstance(to_create, int) and not isinstance(to_create, bool), (
        f"to_create must be an int (how many pods to create), not {to_create!r}")
    assert isinstance(to_delete, list) and all(isinstance(n, str) for n in to_delete), (
        f"to_delete must be a list of pod names (str), not {to_delete!r}")
    active = [p for p in pods if is_active(p)]
    want_create = max(0, desired - len(active))
    want_delete = max(0, len(active) - desired)
    context = f"desired={desired}, pods: {names}"
    inactive = len(pods) - len(active)
    assert to_create == want_create, (
        f"{context}\n-> to_create should be {want_create}, not {to_create}: {len(active)} of the pods count "
        f"({inactive} are terminating or finished, and those do not count)")
    assert len(to_delete) == want_delete and len(set(to_delete)) == want_delete, (
        f"{context}\n-> delete exactly {want_delete} distinct pod(s), not {to_delete}")
    by_name = {p.name: p for p in pods}
    for name in to_delete:
        assert name in by_name, f"{context}\n-> {name!r} is not one of the pods"
        assert is_active(by_name[name]), (
            f"{context}\n-> {describe(by_name[name])} is already terminating or finished: "
            "deleting it removes nothing; delete an active pod")
    return to_create, to_delete


def assert_best_choice(pods: list[Pod], chosen: list[str], desired: int, best: list[str]) -> None:
    """`chosen` must be as good as `best` under the deletion order (ties may fall either way)."""
    by_name = {p.name: p for p in pods}
    if sorted(deletion_rank(by_name[n]) for n in chosen) == sorted(deletion_rank(by_name[n]) for n in best):
        return
    kept = [p for p in pods if is_active(p) and p.name not in chosen]
    worst_kept = min(kept, key=deletion_rank)
    best_deleted = max((by_name[n] for n in chosen), key=deletion_rank)
    raise AssertionError(
        f"desired={desired}: you delete {describe(best_deleted)} but keep {describe(worst_kept)}.\n"
        f"The ReplicaSet controller deletes {sorted(best)}. Delete first pods on no node, then Pending before "
        "Unknown before Running, then not ready before ready, then the youngest (largest creation_timestamp).")


def random_sets(manage: Callable[..., Any], count: int) -> None:
    rng = random.Random(701)
    for index in range(count):
        pods = [random_pod(rng, f"web-{index}-{k}") for k in range(rng.randint(0, 8))]
        desired = rng.randint(0, 7)
        _, to_delete = call_manage(manage, desired, pods)
        best = [p.name for p in sorted([p for p in pods if is_active(p)], key=deletion_rank)]
        assert_best_choice(pods, to_delete, desired, best[:len(to_delete)])


def replicaset_yaml(replicas: int, cpu: str) -> str:
    return f"""
apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: busybox
        command: ["httpd", "-f", "-p", "80"]
        resources: {{requests: {{cpu: {cpu}}}}}
"""


def messy_cluster(seed: int) -> tuple[Cluster, random.Random]:
    """A ReplicaSet whose pods differ: some Pending, one young, some on a dead node, maybe one terminating."""
    rng = random.Random(seed)
    c = Cluster(nodes=3, seed=seed)
    c.apply(replicaset_yaml(rng.randint(5, 8), "1500m"))  # 2 pods fit a node: beyond 6 they stay Pending
    c.run(rng.randint(10, 25))
    c.delete("pod", rng.choice([p.name for p in c.get("pods") if p.spec.node_name]))
    c.run(rng.randint(3, 9))
    dead = rng.choice(sorted({p.spec.node_name for p in c.get("pods") if p.spec.node_name}))
    c.node(dead).fail()
    c.run(60)
    if rng.random() < 0.5:
        c.delete("pod", rng.choice([p.name for p in c.get("pods") if p.spec.node_name == dead]))
        c.run(2)
    return c, rng


def cluster_scale(manage: Callable[..., Any], seed: int) -> None:
    c, rng = messy_cluster(seed)
    pods = c.get("pods")
    active = [p for p in pods if is_active(p)]
    desired = rng.randint(0, len(active) - 1) if rng.random() < 0.8 else len(active) + rng.randint(1, 2)
    to_create, to_delete = call_manage(manage, desired, pods)
    start = c.now
    c.apply(replicaset_yaml(desired, "1500m"))
    c.run(1)
    deleted = [pod.split("/")[1] for pod in c.pod_history.deleted(start)]  # what SuccessfulDelete says
    created = len(c.pod_history.created(start))
    assert to_create == created, (
        f"seed {seed}: scaling to {desired}, the real controller created {created} pod(s), you said {to_create}")
    assert_best_choice(pods, to_delete, desired, deleted)


@exercise("07.1")
def check_07_1(manage_replicas: Callable[..., Any]) -> str:
    assert callable(manage_replicas), "define a function manage_replicas(desired, pods) -> (to_create, to_delete)"
    random_sets(manage_replicas, 200)
    for seed in range(6):
        cluster_scale(manage_replicas, seed)
    return "200 random pod sets, and 6 ReplicaSets scaled on real clusters."


# ---------------------------------------------------------------- 07.2

TOLERATING_RS = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: web}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      tolerations:
      - {{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: {seconds}}}
      containers:
      - {{name: web, image: busybox, command: ["httpd", "-f", "-p", "80"]}}
"""


def real_replacement(failure_time: float, toleration: int, grace: float, monitor: float,
                     heartbeat: float) -> tuple[float, float]:
    """(NotReady time, first SuccessfulCreate after the failure) on a real cluster whose node-2 fails."""
    with mock.patch.object(kubelet, "STATUS_UPDATE_PERIOD", heartbeat), \
            mock.patch.object(node_lifecycle, "NODE_MONITOR_PERIOD", monitor):
        c = Cluster(nodes=3, seed=int(failure_time * 10), node_monitor_grace_period=grace)
        c.apply(TOLERATING_RS.format(seconds=toleration))
        c.run(failure_time)
        victim = c.get("pods")[0].spec.node_name
        c.node(victim).fail()
        c.run(grace + 2 * heartbeat + 2 * monitor + toleration + 30)
    events = c.events()
    not_ready = next(e.time for e in events if e.reason == "NodeNotReady" and e.involved_object.kind == "Node")
    created = next(e.time for e in events if e.reason == "SuccessfulCreate" and e.time > failure_time)
    return not_ready, created


def scenarios() -> list[tuple[float, int, float, float, float]]:
    """(failure time, tolerationSeconds, grace, monitor period, heartbeat period)."""
    rng = random.Random(702)
    default_grace = node_lifecycle.NODE_MONITOR_GRACE_PERIOD
    found: list[tuple[float, int, float, float, float]] = [(30.0, 300, default_grace, 5.0, 10.0)]
    for index in range(9):
        failure = float(rng.randint(2, 12) * 10) if index % 3 == 0 else round(rng.uniform(5, 120), 1)
        toleration = rng.choice([0, 10, rng.randint(1, 120), rng.randint(1, 120)])
        grace, monitor, heartbeat = default_grace, 5.0, 10.0
        if index >= 4:
            grace = float(rng.randint(25, 60))
        if index >= 7:
            monitor, heartbeat = float(rng.choice([3, 4, 7])), float(rng.choice([6, 8, 12]))
        found.append((failure, toleration, grace, monitor, heartbeat))
    return found


@exercise("07.2")
def check_07_2(replacement_time: Callable[..., Any]) -> str:
    assert callable(replacement_time), (
        "define a function replacement_time(failure_time, toleration_seconds, grace=50, monitor_period=5, "
        "heartbeat_period=10) -> seconds")
    cases = scenarios()
    for failure, toleration, grace, monitor, heartbeat in cases:
        answer = replacement_time(failure, toleration, grace=grace, monitor_period=monitor,
                                  heartbeat_period=heartbeat)
        call = (f"replacement_time({failure:g}, {toleration}, grace={grace:g}, monitor_period={monitor:g}, "
                f"heartbeat_period={heartbeat:g})")
        assert isinstance(answer, int | float) and not isinstance(answer, bool), (
            f"{call} returned {answer!r}: return a number of seconds on the cluster clock")
        not_ready, created = real_replacement(failure, toleration, grace, monitor, heartbeat)
        assert abs(answer - created) < 1e-6, (
            f"{call} = {answer:g}, but on a real cluster the node failed at {failure:g} s, was marked NotReady "
            f"at {not_ready:g} s and the replacement was created at {created:g} s.")
    return f"{len(cases)} node failures on real clusters."


from k8slite.course.checks import ch07_daemon, ch07_http  # noqa: E402,F401,I001  (07.3 and 07.4 live there)
