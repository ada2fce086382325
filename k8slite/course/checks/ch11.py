"""Checks for notebook 11, Namespaces.

11.1 `admit(quota, requested)`: the ResourceQuota admission decision. Given a
quota (`name`, `hard`, `used`, quantities as strings) and what a new object
counts for, return None when it fits, else Kubernetes' reason
`exceeded quota: q, requested: ..., used: ..., limited: ...`, compared word for
word with k8slite's admission plugin on random quotas and pods.
11.2 `replicas_running(replicas, hard, requests)`: how many pods of a
Deployment a quota lets exist, compared with real Deployments in a namespace
with that quota on small clusters (pods without a request for a quota'd
resource are all refused; otherwise the tightest resource decides).
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from k8slite.admission.evaluator import format_quantity, parse_list
from k8slite.admission.resourcequota import charge
from k8slite.api.meta import ObjectMeta
from k8slite.api.policy import ResourceQuota, ResourceQuotaStatus
from k8slite.cluster import Cluster
from k8slite.course.checks import exercise
from k8slite.errors import Forbidden

# ---------------------------------------------------------------- 11.1

CPU_STEP, MEMORY_STEP = Fraction(1, 10), Fraction(64 * 2**20)  # 100m, 64Mi


def expected_decision(quota: dict[str, Any], requested: dict[str, str]) -> str | None:
    """What k8slite's ResourceQuota plugin says (the reference)."""
    obj = ResourceQuota(metadata=ObjectMeta(name=quota["name"], namespace="team-a"),
                        status=ResourceQuotaStatus(hard=dict(quota["hard"]), used=dict(quota["used"])))
    try:
        charge(obj, parse_list(quota["hard"]), parse_list(requested), "")
    except Forbidden as refused:
        return str(refused)
    return None


def step_of(name: str) -> Fraction:
    if name in ("pods", "count/deployments.apps"):
        return Fraction(1)
    return MEMORY_STEP if "memory" in name else CPU_STEP


def random_case(rng: random.Random) -> tuple[dict[str, Any], dict[str, str]]:
    """A quota on a few resources, its usage (sometimes already over, after the quota was lowered), a pod."""
    names = ["pods", "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"]
    hard, used = {}, {}
    for name in rng.sample(names, rng.randint(1, 3)):
        steps = rng.randint(2, 24)
        hard[name] = format_quantity(step_of(name) * steps)
        used_steps = steps + 1 if rng.random() < 0.1 else rng.randint(0, steps - 1)
        used[name] = format_quantity(step_of(name) * used_steps)
    cpu, memory = CPU_STEP * rng.randint(1, 4), MEMORY_STEP * rng.randint(1, 4)
    limit_cpu, limit_memory = cpu * rng.randint(1, 2), memory * rng.randint(1, 2)
    requested = {"pods": "1", "count/pods": "1", "cpu": format_quantity(cpu), "requests.cpu": format_quantity(cpu),
                 "memory": format_quantity(memory), "requests.memory": format_quantity(memory),
                 "limits.cpu": format_quantity(limit_cpu), "limits.memory": format_quantity(limit_memory)}
    return {"name": rng.choice(["compute", "team-quota", "q"]), "hard": hard, "used": used}, requested


@exercise("11.1")
def check_11_1(admit: Any) -> str:
    assert callable(admit), "define admit(quota, requested) -> None or 'exceeded quota: ...'"
    rng = random.Random(1101)
    refused = 0
    for _ in range(60):
        quota, requested = random_case(rng)
        want = expected_decision(quota, requested)
        got = admit({**quota, "hard": dict(quota["hard"]), "used": dict(quota["used"])}, dict(requested))
        where = f"quota {quota}, a pod that counts for {requested}:\n"
        if want is None:
            assert got is None, (f"{where}everything the quota limits still fits (used + requested <= hard for "
                                 f"each resource in hard), so it is admitted: return None, not {got!r}")
            continue
        refused += 1
        assert got is not None, f"{where}it must be refused: {want!r}"
        assert got == want, (f"{where}Kubernetes says\n  {want!r}\nyou said\n  {got!r}\nOnly the resources that "
                             "go over are named, sorted by name, joined by ','; quantities as format_quantity "
                             "writes them; `used` is the usage before this pod.")
    assert refused, "the scenarios should include refusals"
    return f"60 scenarios ({refused} refused), messages word for word."


# ---------------------------------------------------------------- 11.2


def deployment(replicas: int, requests: dict[str, str]) -> str:
    asked = ", ".join(f"{k}: {v}" for k, v in requests.items())
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: team-a}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: app
        image: busybox
        command: ["sh", "-c", "sleep 3600"]
        resources: {{requests: {{{asked}}}}}
"""


def pods_in_cluster(replicas: int, hard: dict[str, str], requests: dict[str, str], seed: int) -> int:
    c = Cluster(nodes=1, seed=seed)
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
    c.apply({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": "team-a"},
             "spec": {"hard": hard}})
    c.run(1)
    c.apply(deployment(replicas, requests))
    c.run(20)
    return len(c.get("pods", namespace="team-a"))


def quota_case(rng: random.Random) -> tuple[int, dict[str, str], dict[str, str]]:
    hard: dict[str, str] = {}
    if rng.random() < 0.6:
        hard["pods"] = str(rng.randint(1, 6))
    if rng.random() < 0.7:
        hard[rng.choice(["cpu", "requests.cpu"])] = format_quantity(CPU_STEP * rng.randint(2, 25))
    if rng.random() < 0.5 or not hard:
        hard[rng.choice(["memory", "requests.memory"])] = format_quantity(MEMORY_STEP * rng.randint(2, 40))
    requests = {}
    if rng.random() < 0.85:
        requests["cpu"] = format_quantity(CPU_STEP * rng.randint(1, 6))
    if rng.random() < 0.85:
        requests["memory"] = format_quantity(MEMORY_STEP * rng.randint(1, 8))
    return rng.randint(1, 8), hard, requests


@exercise("11.2")
def check_11_2(replicas_running: Any) -> str:
    assert callable(replicas_running), "define replicas_running(replicas, hard, requests) -> int"
    rng = random.Random(1102)
    cases = [(3, {"cpu": "1"}, {"memory": "64Mi"}),  # a quota'd resource not requested: refused outright
             (5, {"pods": "2", "requests.memory": "1Gi"}, {"cpu": "100m", "memory": "128Mi"})]  # pods decide
    cases += [quota_case(rng) for _ in range(8)]
    for seed, (replicas, hard, requests) in enumerate(cases):
        want = pods_in_cluster(replicas, hard, requests, seed)
        got = replicas_running(replicas, dict(hard), dict(requests))
        assert isinstance(got, int) and not isinstance(got, bool), (
            f"replicas_running({replicas}, {hard}, {requests}) must return a number of pods, not {got!r}")
        assert got == want, (
            f"A Deployment of {replicas} replicas, each pod requesting {requests or 'nothing'}, in a namespace "
            f"with the quota hard={hard}: the cluster ends with {want} pod(s); you said {got}.\n"
            "`cpu` and `memory` in a quota mean requests; a pod that does not request a resource the quota limits "
            "is refused outright; otherwise each limited resource allows floor(hard / request) pods.")
    return f"{len(cases)} Deployments in quota'd namespaces."
