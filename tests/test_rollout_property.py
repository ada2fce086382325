"""The rollout invariant, as a property over seeded random clusters, checked at every simulated second.

Never more than replicas + maxSurge pods (not terminating) of the Deployment's
ReplicaSets; never fewer than replicas - maxUnavailable available pods,
except while something the controller did not cause is being repaired (a
deleted pod, a failed node, a scale-up, the first start); and in the end
the rollout finishes. Random: node count, replicas, maxSurge and
maxUnavailable (numbers or percentages), minReadySeconds, and a script of
image changes, scalings, pod deletions and node failures.
"""

import random

import pytest
from builders import available_pods, deployment_pods, deployment_yaml

from k8slite import Cluster
from k8slite.controllers.deployment_util import resolve_fenceposts

CHOICES = [0, 1, 2, "25%", "50%"]


def random_spec(rng: random.Random) -> tuple[int, object, object, int]:
    surge, unavailable = rng.choice(CHOICES), rng.choice(CHOICES)
    if surge in (0, "0%") and unavailable in (0, "0%"):
        surge = 1
    return rng.randint(1, 6), surge, unavailable, rng.choice([0, 0, 2, 5])


class Checker:
    """Checks the invariant each second; `disturbed()` starts an exemption that ends once all is well again."""

    def __init__(self, c: Cluster, min_ready: int) -> None:
        self.c, self.min_ready, self.exempt = c, min_ready, True

    def disturbed(self) -> None:
        self.exempt = True

    def check(self) -> None:
        d = self.c.get("deploy", "web")
        surge, unavailable = resolve_fenceposts(d)
        unavailable = min(unavailable, d.spec.replicas)
        pods = deployment_pods(self.c)
        assert len(pods) <= d.spec.replicas + surge, f"t={self.c.now}: {len(pods)} pods"
        available = len(available_pods(self.c, pods, self.min_ready))
        settled = all(n.up for n in map(self.c.node, self.c.kubelets)) and \
            all(self.c.get("node", p.spec.node_name).is_ready() for p in pods if p.spec.node_name)
        if available >= d.spec.replicas - unavailable and settled:
            self.exempt = False
        assert self.exempt or available >= d.spec.replicas - unavailable, \
            f"t={self.c.now}: {available} available of {d.spec.replicas} (maxUnavailable {unavailable})"


def act(c: Cluster, rng: random.Random, checker: Checker, version: list[int], min_ready: int,
        spec: tuple[int, object, object, int]) -> None:
    """One random thing a user or the world does."""
    replicas, surge, unavailable, _ = spec
    roll = rng.random()
    if roll < 0.35:
        version[0] += 1
        c.registry.push(f"busybox:{version[0]}")  # a new version is in the registry before a rollout asks for it
        c.kubectl(f"set image deployment/web app=busybox:{version[0]}")
    elif roll < 0.55:
        new = rng.randint(0, 7)
        if new > c.get("deploy", "web").spec.replicas:
            checker.disturbed()
        c.kubectl(f"scale deployment web --replicas={new}")
    elif roll < 0.8:
        pods = deployment_pods(c)
        if pods:
            checker.disturbed()
            c.delete("pod", rng.choice(pods).name)
    else:
        node = c.node(rng.choice(sorted(c.kubelets)))
        checker.disturbed()
        node.recover() if not node.up else node.fail()


@pytest.mark.parametrize("seed", range(12))
def test_rollout_invariant(seed: int) -> None:
    rng = random.Random(seed)
    spec = random_spec(rng)
    replicas, surge, unavailable, min_ready = spec
    c = Cluster(nodes=rng.randint(2, 4), seed=seed)
    strategy = f"  strategy: {{rollingUpdate: {{maxSurge: {surge!r}, maxUnavailable: {unavailable!r}}}}}"
    c.apply(deployment_yaml(replicas=replicas, strategy=strategy.replace("'", '"'),
                            extra=f"  minReadySeconds: {min_ready}"))
    checker, version = Checker(c, min_ready), [1]
    for _ in range(150):
        if rng.random() < 0.08:
            act(c, rng, checker, version, min_ready, spec)
        c.run(1)
        checker.check()
    for name in sorted(c.kubelets):
        c.node(name).recover()
    for _ in range(900):
        if c.ready("deployment/web"):
            break
        c.run(1)
        checker.check()
    assert c.ready("deployment/web"), c.kubectl("get deploy,rs")
    images = {p.spec.containers[0].image for p in deployment_pods(c)}
    assert images <= {f"busybox:{version[0]}"} if version[0] > 1 else images <= {"busybox"}
