"""Checks for notebook 08, Deployments and rolling updates.

08.1 `surge_and_unavailable(replicas, max_surge, max_unavailable)`: maxSurge and
maxUnavailable as numbers of pods, tried on random specs (numbers and
percentages) and against the peak pod count and the lowest availability
observed during real rollouts.
08.2 `next_step(replicas, surge, unavailable, new_total, new_available,
old_total, old_available)`: the next two moves of a rolling update (the new
ReplicaSet's size, then the old one's), tried on random states against the two
bounds and the controller's own answer, then replayed as whole rollouts and
compared, size by size, with the ScalingReplicaSet events of real Deployments.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from k8slite.cluster import Cluster
from k8slite.course.checks import exercise

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  strategy: {{type: RollingUpdate, rollingUpdate: {{maxSurge: {surge}, maxUnavailable: {unavailable}}}}}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: {image}
        command: ["sh", "-c", "mkdir -p /www; echo hi > /www/index.html; sleep {delay}; httpd -f -p 80 -h /www"]
        readinessProbe:
          httpGet: {{path: /, port: 80}}
          periodSeconds: 1
"""


def yaml_value(value: int | str) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def deployment(replicas: int, surge: int | str, unavailable: int | str, image: str, delay: int) -> str:
    return DEPLOYMENT.format(replicas=replicas, surge=yaml_value(surge), unavailable=yaml_value(unavailable),
                             image=image, delay=delay)


def scaled(value: int | str, replicas: int, round_up: bool) -> int:
    """A number, or a percentage of replicas rounded up (surge) or down (unavailable)."""
    if isinstance(value, int):
        return value
    exact = int(value.rstrip("%")) * replicas / 100
    return math.ceil(exact) if round_up else math.floor(exact)


def fenceposts(replicas: int, surge: int | str, unavailable: int | str) -> tuple[int, int]:
    """What the Deployment controller computes (ResolveFenceposts)."""
    s, u = scaled(surge, replicas, True), scaled(unavailable, replicas, False)
    return (s, 1) if s == 0 and u == 0 else (s, u)


def random_value(rng: random.Random) -> int | str:
    if rng.random() < 0.35:
        return rng.randint(0, 4)
    return f"{rng.choice([0, 1, 5, 10, 20, 25, 30, 33, 40, 50, 60, 75, 90, 100])}%"


def random_spec(rng: random.Random) -> tuple[int, int | str, int | str]:
    replicas = rng.choice([rng.randint(1, 12), rng.randint(1, 40)])
    surge, unavailable = random_value(rng), random_value(rng)
    if surge in (0, "0%") and unavailable in (0, "0%"):
        unavailable = "25%"  # both literally 0 is rejected by validation
    return replicas, surge, unavailable


# ---------------------------------------------------------------- 08.1

def call_fenceposts(f: Callable[..., Any], replicas: int, surge: int | str, unavailable: int | str) -> tuple[int, int]:
    call = f"surge_and_unavailable({replicas}, {surge!r}, {unavailable!r})"
    result = f(replicas, surge, unavailable)
    assert isinstance(result, tuple) and len(result) == 2 and all(
        isinstance(n, int) and not isinstance(n, bool) for n in result), (
        f"{call} returned {result!r}: return a tuple of two ints (surge, unavailable), numbers of pods")
    want = fenceposts(replicas, surge, unavailable)
    s, u = scaled(surge, replicas, True), scaled(unavailable, replicas, False)
    if result[0] != want[0]:
        if s == 0 and u == 0:
            raise AssertionError(f"{call}: surge should be 0, not {result[0]}. Both came out 0: the controller then "
                                 "allows 1 UNAVAILABLE pod, and the surge stays 0.")
        if not isinstance(surge, str):
            raise AssertionError(f"{call}: surge should be {want[0]}, not {result[0]}: a number of pods is used as "
                                 "it is.")
        exact = f" ({surge} of {replicas} is {int(surge.rstrip('%')) * replicas / 100:g})"
        raise AssertionError(f"{call}: surge should be {want[0]}, not {result[0]}{exact}. "
                             "maxSurge as a percentage is rounded UP: the rollout may always add a pod.")
    if result[1] != want[1]:
        if s == 0 and u == 0:
            raise AssertionError(f"{call}: unavailable should be 1, not {result[1]}. Both came out 0, and a "
                                 "rollout that may neither add nor remove a pod could never move: the controller "
                                 "then allows 1 unavailable pod.")
        exact = f" ({unavailable} of {replicas} is {int(str(unavailable).rstrip('%')) * replicas / 100:g})" \
            if isinstance(unavailable, str) else ""
        raise AssertionError(f"{call}: unavailable should be {want[1]}, not {result[1]}{exact}. maxUnavailable "
                             "as a percentage is rounded DOWN: availability errs on the safe side.")
    return result


def observe_rollout(seed: int, replicas: int, surge: int | str, unavailable: int | str) -> tuple[int, int]:
    """(most pods that count, fewest available pods) seen every 0.5 s during a real rollout."""
    rng = random.Random(seed)
    delay = rng.randint(1, 5)
    c = Cluster(nodes=3, seed=seed)
    c.apply(deployment(replicas, surge, unavailable, "busybox:1.35", delay))
    c.run(12)
    c.apply(deployment(replicas, surge, unavailable, "busybox:1.36", delay))
    peak, lowest = 0, replicas
    for _ in range(80):
        c.run(0.5)
        pods = [p for p in c.get("pods") if p.metadata.deletion_timestamp is None]
        peak, lowest = max(peak, len(pods)), min(lowest, sum(1 for p in pods if p.is_ready()))
    return peak, lowest


def rollout_specs(count: int) -> list[tuple[int, int | str, int | str]]:
    """Specs whose bounds a rollout actually reaches (surge + unavailable <= replicas)."""
    rng = random.Random(801)
    found: list[tuple[int, int | str, int | str]] = []
    while len(found) < count:
        replicas = rng.randint(2, 8)
        surge, unavailable = random_value(rng), random_value(rng)
        s, u = fenceposts(replicas, surge, unavailable)
        if (surge, unavailable) != (0, 0) and s + u <= replicas and (s, u) not in [
                fenceposts(*spec) for spec in found]:
            found.append((replicas, surge, unavailable))
    return found


@exercise("08.1")
def check_08_1(surge_and_unavailable: Callable[..., Any]) -> str:
    assert callable(surge_and_unavailable), (
        "define a function surge_and_unavailable(replicas, max_surge, max_unavailable) -> (surge, unavailable)")
    rng = random.Random(800)
    cases: list[tuple[int, int | str, int | str]] = [(4, "25%", "25%"), (10, "25%", "25%"), (3, 0, "25%")]
    cases += [random_spec(rng) for _ in range(300)]
    for replicas, surge, unavailable in cases:
        call_fenceposts(surge_and_unavailable, replicas, surge, unavailable)
    specs = rollout_specs(4)
    for seed, (replicas, surge, unavailable) in enumerate(specs):
        s, u = call_fenceposts(surge_and_unavailable, replicas, surge, unavailable)
        peak, lowest = observe_rollout(seed, replicas, surge, unavailable)
        assert (peak, lowest) == (replicas + s, replicas - u), (
            f"a real rollout of {replicas} replicas with maxSurge {surge!r}, maxUnavailable {unavailable!r} had at "
            f"most {peak} pods and at least {lowest} available; your numbers predict {replicas + s} and "
            f"{replicas - u}")
    return f"{len(cases)} specs, and {len(specs)} real rollouts' peak and lowest pod counts."


# ---------------------------------------------------------------- 08.2

def reference_step(replicas: int, surge: int, unavailable: int, new_total: int, new_available: int,
                   old_total: int, old_available: int) -> tuple[int, int]:
    """The controller's step: grow the new ReplicaSet, then shrink the old ones."""
    new_to = new_total
    if new_total > replicas:
        new_to = replicas
    elif new_total + old_total < replicas + surge:
        new_to = new_total + min(replicas + surge - new_total - old_total, replicas - new_total)
    old_to = min(old_total, max(0, replicas - unavailable - new_available))
    return new_to, old_to


def random_state(rng: random.Random) -> dict[str, int]:
    replicas = rng.randint(1, 10)
    surge = rng.randint(0, max(1, replicas // 2))
    unavailable = rng.randint(0 if surge else 1, max(1, replicas // 2))
    new_total = rng.randint(0, replicas + (1 if rng.random() < 0.1 else 0))
    old_total = rng.randint(0, max(0, replicas + surge - new_total) + (1 if rng.random() < 0.15 else 0))
    return {"replicas": replicas, "surge": surge, "unavailable": unavailable,
            "new_total": new_total, "new_available": rng.randint(0, new_total),
            "old_total": old_total, "old_available": old_total if rng.random() < 0.6 else rng.randint(0, old_total)}


def call_step(step: Callable[..., Any], state: dict[str, int]) -> tuple[int, int]:
    call = "next_step(" + ", ".join(f"{k}={v}" for k, v in state.items()) + ")"
    result = step(**state)
    assert isinstance(result, tuple) and len(result) == 2 and all(
        isinstance(n, int) and not isinstance(n, bool) for n in result), (
        f"{call} returned {result!r}: return a tuple (scale_new_to, scale_old_to) of two ints")
    new_to, old_to = result
    want_new, want_old = reference_step(**state)
    r, s, u = state["replicas"], state["surge"], state["unavailable"]
    old_before = state["old_total"]
    if new_to != want_new:
        if new_to > want_new and new_to + old_before > r + s:
            hint = (f"{new_to} new + {old_before} old pods is more than replicas + surge = {r + s}")
        elif new_to > r:
            hint = f"the new ReplicaSet never needs more than replicas = {r} pods"
        else:
            hint = (f"the new ReplicaSet may grow to {want_new}: that keeps new + old (the old as they are now) "
                    f"within replicas + surge = {r + s} and new within replicas")
        raise AssertionError(f"{call}: scale_new_to should be {want_new}, not {new_to}: {hint}")
    if old_to != want_old:
        left = state["new_available"] + min(state["old_available"], old_to)
        if old_to < want_old:
            hint = (f"scaling the old ReplicaSet to {old_to} (it deletes unavailable pods first) leaves {left} "
                    f"available pods, fewer than replicas - unavailable = {r - u}")
        elif old_to > old_before:
            hint = "the old ReplicaSet is never scaled up"
        else:
            hint = (f"it may go down to {want_old}: keep just enough old pods that, with the "
                    f"{state['new_available']} available new ones, {r - u} could be available")
        raise AssertionError(f"{call}: scale_old_to should be {want_old}, not {old_to}: {hint}")
    return new_to, old_to


def replay(step: Callable[..., Any], replicas: int, surge: int, unavailable: int,
           delay: int) -> list[tuple[int, int]]:
    """A rollout in a toy world where a new pod is available `delay` s after it is made: the sizes, change by change."""
    new, old = 0, replicas
    ready_at: list[int] = []
    sizes: list[tuple[int, int]] = []
    for t in range(400):
        for _ in range(50):  # repeat the step until nothing moves, then let a second pass
            new_available = sum(1 for at in ready_at if at <= t)
            new_to, old_to = call_step(step, {"replicas": replicas, "surge": surge, "unavailable": unavailable,
                                              "new_total": new, "new_available": new_available,
                                              "old_total": old, "old_available": old})
            if (new_to, old_to) == (new, old):
                break
            if new_to != new:
                ready_at = ready_at[:new_to] + [t + delay] * max(0, new_to - len(ready_at))
                new = new_to
                sizes.append((new, old))
            if old_to != old:
                old = old_to
                sizes.append((new, old))
        if (new, old) == (replicas, 0):
            return sizes
    raise AssertionError(f"replicas={replicas}, surge={surge}, unavailable={unavailable}: your step never "
                         f"finishes the rollout; it is stuck at new={new}, old={old}")


def prepull(c: Cluster, image: str) -> None:
    """A pod with `image` on every node, run until it has started, then deleted: the image stays."""
    nodes = [node.name for node in c.get("nodes")]
    c.apply([{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pull-{node}"},
              "spec": {"nodeName": node, "terminationGracePeriodSeconds": 0,
                       "containers": [{"name": "pull", "image": image, "command": ["sleep", "3600"]}]}}
             for node in nodes])
    c.run_until(lambda c: all(c.ready(f"pod/pull-{node}") for node in nodes))
    for node in nodes:
        c.delete("pod", f"pull-{node}")
    c.run_until(lambda c: not c.get("pods"))


def real_sizes(seed: int, replicas: int, surge: int, unavailable: int, delay: int) -> list[tuple[int, int]]:
    """(new, old) ReplicaSet sizes after each change of a ReplicaSet's spec.replicas in a real rollout,
    read from a watch on ReplicaSets (the events' words would do, until the recorder combines them)."""
    c = Cluster(nodes=3, seed=seed)
    prepull(c, "busybox:1.36")  # so new pods start as soon as they are placed, as the replay assumes
    c.apply(deployment(replicas, surge, unavailable, "busybox:1.35", delay))
    c.run(12 + 2 * replicas)  # serialised pulls of the old image too, about a second each on a node
    watch = c.api.watch("replicasets", "default")
    c.apply(deployment(replicas, surge, unavailable, "busybox:1.36", delay))
    c.run(90)
    new_name = next(rs.name for rs in c.get("replicasets")
                    if rs.spec.template.spec.containers[0].image == "busybox:1.36")
    wanted = {rs.name: replicas for rs in c.get("replicasets") if rs.name != new_name}  # before the watch
    sizes = [(0, replicas)]
    for event in watch.drain():
        wanted[event.value.name] = event.value.spec.replicas
        size = (wanted.get(new_name, 0), sum(n for name, n in wanted.items() if name != new_name))
        if size != sizes[-1]:
            sizes.append(size)
    return sizes[1:]


@exercise("08.2")
def check_08_2(next_step: Callable[..., Any]) -> str:
    assert callable(next_step), (
        "define a function next_step(replicas, surge, unavailable, new_total, new_available, old_total, "
        "old_available) -> (scale_new_to, scale_old_to)")
    rng = random.Random(802)
    for _ in range(400):
        call_step(next_step, random_state(rng))
    runs = 0
    for seed in range(5):
        replicas = rng.randint(2, 8)
        surge = rng.randint(0, 2)
        unavailable = rng.randint(0 if surge else 1, 2)
        delay = rng.randint(1, 5)
        toy = replay(next_step, replicas, surge, unavailable, delay)
        real = real_sizes(seed, replicas, surge, unavailable, delay)
        assert toy == real, (
            f"replicas={replicas}, surge={surge}, unavailable={unavailable}, pods ready {delay} s after they start:\n"
            f"the real controller's (new, old) sizes were {real},\nreplaying your step gives {toy}")
        runs += 1
    return f"400 random states, and {runs} rollouts replayed step by step against real Deployments."
