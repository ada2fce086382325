"""Checks for notebook 15, the capstone: the guestbook.

Both exercises are YAML text, the learner's manifests, run on fake clusters next to the
book's own manifests for the rest of the application (manifests/15-*.yaml).

15.1 `frontend_yaml`: the front end, a Deployment `frontend` and a Service `frontend`. The
check starts the Redis follower late (so there is no page to serve for a while), sets a random
title in the ConfigMap `guestbook-config`, puts an `admin` pod labelled `app: guestbook` in the
namespace, reads the guestbook through the Service from a visitor pod, then fails a node that
runs a frontend pod and watches the Service's endpoints for 400 s.
15.2 `leader_yaml`: the Redis leader, a PersistentVolumeClaim, a Deployment `redis-leader` and a
Service `redis-leader`. The check writes random entries, drains the leader's node (twice, on some
clusters) and reads them back from the new pod.
15.3 `quota_yaml`: a ResourceQuota that admits the whole guestbook, applied in a random order with the
seed Job running among it, and refuses a fourth front-end pod.
"""

from __future__ import annotations

import random
from typing import Any

import yaml

from k8slite.api.manifest import load_yaml_all
from k8slite.api.pod import Pod
from k8slite.cluster import Cluster
from k8slite.course import manifest
from k8slite.course.checks import exercise
from k8slite.errors import ApiError

NS = "guestbook"
WORDS = ("maple", "harbor", "comet", "granite", "willow", "lantern", "meadow", "quartz", "ember", "orchid")
ENTRIES = "Hello from the seed Job"  # what 15-seed.yaml writes first

ADMIN = {  # a pod of the same application that visitors must never reach
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "admin", "namespace": NS, "labels": {"app": "guestbook", "tier": "admin"}},
    "spec": {"containers": [{"name": "admin", "image": "busybox:1.36", "command": [
        "sh", "-c", "mkdir -p /www; echo admin console > /www/index.html; httpd -f -p 8080 -h /www"]}]},
}

WRITER = {  # a pod with redis-cli, to write and read the leader as the front end would
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "writer", "namespace": NS},
    "spec": {"containers": [{"name": "writer", "image": "redis:7", "command": ["sleep", "infinity"]}]},
}


def documents(text: Any, name: str, wanted: dict[str, str]) -> list[dict[str, Any]]:
    """The learner's YAML as dicts, each in the namespace guestbook; AssertionError with a hint."""
    shown = ", ".join(f"a {kind} {obj!r}" for kind, obj in wanted.items())
    assert text is not None, f"{name} is still None: set it to YAML text (a string) with {shown}"
    assert isinstance(text, str), (
        f"{name} must be YAML text (a string between triple quotes), not {type(text).__name__}")
    try:
        docs = [d for d in load_yaml_all(text) if d]
    except yaml.YAMLError as e:
        raise AssertionError(f"{name} is not valid YAML: {e}") from None
    assert all(isinstance(d, dict) and d.get("kind") for d in docs), "every YAML document needs a kind"
    for d in docs:
        meta = d.setdefault("metadata", {}) or {}
        assert meta.get("namespace", NS) == NS, f"{d['kind']} {meta.get('name')!r} must be in the namespace {NS}"
        meta["namespace"] = NS
    for kind, obj in wanted.items():
        assert any(d["kind"] == kind and d["metadata"].get("name") == obj for d in docs), (
            f"{name} has no {kind} named {obj!r} (documents found: "
            + ", ".join(f"{d['kind']} {d['metadata'].get('name')!r}" for d in docs) + ")")
    return docs


def apply(c: Cluster, docs: Any, name: str) -> None:
    try:
        c.apply(docs)
    except ApiError as e:
        raise AssertionError(f"the API server refuses {name}: {e}") from None


def book_app(seed: int, nodes: int, parts: list[str]) -> Cluster:
    c = Cluster(nodes=nodes, seed=seed)
    for part in ["15-namespace.yaml", *parts]:
        c.apply(manifest(part))
    return c


def guestbook_pods(c: Cluster, prefix: str) -> list[Pod]:
    return [p for p in c.get("pods", namespace=NS)
            if p.name.startswith(prefix + "-") and p.metadata.deletion_timestamp is None]


# ---------------------------------------------------------------- 15.1

def frontend_pods(c: Cluster) -> set[str]:
    """The names of the pods owned by the Deployment frontend's ReplicaSets."""
    owned = {rs.name for rs in c.get("replicasets", namespace=NS)
             if any(o.name == "frontend" for o in rs.metadata.owner_references)}
    return {p.name for p in c.get("pods", namespace=NS)
            if any(o.name in owned for o in p.metadata.owner_references)}


def endpoint_pods(c: Cluster) -> list[str]:
    endpoints = c.get("endpoints", "frontend", namespace=NS)
    return sorted(a.target_ref.name for s in endpoints.subsets for a in s.addresses if a.target_ref)


def visit(c: Cluster) -> tuple[int, str]:
    return c.exec_code("visitor", "wget -qO- -T 2 http://frontend", namespace=NS)


def before_the_follower(c: Cluster, delay: int) -> None:
    """No page can be made while the follower is missing: no frontend pod may be Ready."""
    for _ in range(delay):
        c.run(1)
        ready = sorted(p.name for p in guestbook_pods(c, "frontend") if p.is_ready())
        assert not ready, (
            f"{ready[0]} was Ready at t={c.now:g} s, but redis-follower did not exist yet, so it had no page "
            "to serve (httpd answers 404 for /index.html). Give the web container a readinessProbe that asks "
            "for the page itself: httpGet /index.html on the port httpd listens on")


def serving(c: Cluster, title: str) -> None:
    """Ready within 90 s of the follower, the page through the Service, only the front end behind it."""
    try:
        c.run_until(lambda c: c.ready("deployment/frontend", NS), 90)
    except TimeoutError:
        raise AssertionError(
            "the Deployment frontend was not Ready 90 s after redis-follower started: "
            + c.kubectl("get pods -n guestbook -l '!job-name'").strip()) from None
    deployment = c.get("deployment", "frontend", namespace=NS)
    assert deployment.spec.replicas == 3, f"frontend has {deployment.spec.replicas} replicas: the guestbook wants 3"
    c.run(10)
    code, page = visit(c)
    assert code == 0, (
        f"the visitor's `wget http://frontend` failed ({page.strip()}): the Service must listen on port 80 "
        "and send to the port httpd listens on (targetPort 8080)")
    assert ENTRIES in page, f"the page has no guestbook entries: {page.strip()!r}"
    assert title in page, (
        f"the page says {page.splitlines()[0]!r}, but the ConfigMap guestbook-config says TITLE={title!r}: "
        "take the title (and the Redis host) from the ConfigMap (envFrom: configMapRef), don't write them in")
    extra = sorted(set(endpoint_pods(c)) - frontend_pods(c))
    assert not extra, (
        f"the Service frontend sends visitors to {extra[0]}, which is not a pod of the Deployment frontend: "
        "its selector must be the pods' labels that only the front end has (the admin pod is app=guestbook too)")


def through_a_node_failure(c: Cluster, rng: random.Random) -> None:
    """Fail a node with a frontend pod (one without Redis, when there is one): the Service must keep a
    ready endpoint all along, and have 3 again once the lost pod is replaced (50 s + 300 s)."""
    fronts = {p.spec.node_name for p in guestbook_pods(c, "frontend")}
    redis_nodes = {p.spec.node_name for p in guestbook_pods(c, "redis-leader") + guestbook_pods(c, "redis-follower")}
    candidates = sorted(fronts - redis_nodes) or sorted(fronts)
    victim, failed_at = rng.choice(candidates), c.now
    c.node(victim).fail()
    for _ in range(200):
        c.run(2)
        assert endpoint_pods(c), (
            f"{c.now - failed_at:g} s after {victim} failed, the Service frontend had no ready endpoint: "
            "spread the 3 replicas over the nodes (do not pin them to one node)")
    if victim not in redis_nodes:
        assert len(endpoint_pods(c)) == 3, (
            f"400 s after {victim} failed the Service has {len(endpoint_pods(c))} endpoints, not 3")


@exercise("15.1")
def check_15_1(frontend_yaml: Any) -> str:
    docs = documents(frontend_yaml, "frontend_yaml", {"Deployment": "frontend", "Service": "frontend"})
    seeds = range(1501, 1504)
    for seed in seeds:
        rng = random.Random(seed)
        c = book_app(seed, 4, ["15-redis-leader.yaml", "15-seed.yaml", "15-visitor.yaml"])
        c.apply(ADMIN)
        apply(c, [d for d in docs if d["kind"] != "ConfigMap" or d["metadata"]["name"] != "guestbook-config"],
              "frontend_yaml")
        title = f"The {rng.choice(WORDS)} {rng.choice(WORDS)} guestbook"
        c.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "guestbook-config", "namespace": NS},
                 "data": {"TITLE": title, "REDIS_READ_HOST": "redis-follower"}})
        before_the_follower(c, rng.randint(10, 25))
        c.apply(manifest("15-redis-follower.yaml"))
        serving(c, title)
        through_a_node_failure(c, rng)
    return f"{len(seeds)} clusters: readiness, the page through the Service, a node failure"


# ---------------------------------------------------------------- 15.2

def leader_ready(c: Cluster, why: str) -> Pod:
    try:
        c.run_until(lambda c: c.ready("deployment/redis-leader", NS), 120)
    except TimeoutError:
        raise AssertionError(
            f"the Deployment redis-leader was not Ready 120 s {why}: "
            + c.kubectl("get pods -n guestbook").strip()) from None
    [pod] = guestbook_pods(c, "redis-leader")
    return pod


def redis(c: Cluster, command: str) -> str:
    code, out = c.exec_code("writer", f"redis-cli -h redis-leader {command}", namespace=NS)
    assert code == 0, (
        f"`redis-cli -h redis-leader {command}` from another pod failed: {out.strip()}. The Service "
        "redis-leader must select the leader's pod and listen on port 6379")
    return out


@exercise("15.2")
def check_15_2(leader_yaml: Any) -> str:
    docs = documents(leader_yaml, "leader_yaml", {"Deployment": "redis-leader", "Service": "redis-leader"})
    assert any(d["kind"] == "PersistentVolumeClaim" for d in docs), (
        "leader_yaml has no PersistentVolumeClaim: an emptyDir or the container's own files go with the pod")
    seeds = range(1511, 1515)
    moves = 0
    for seed in seeds:
        rng = random.Random(seed)
        c = book_app(seed, 3, [])
        c.apply(WRITER)
        apply(c, docs, "leader_yaml")
        pod = leader_ready(c, "after it was applied")
        entries = [f"{rng.choice(WORDS)}-{rng.randint(100, 999)}" for _ in range(rng.randint(2, 5))]
        redis(c, "RPUSH guestbook " + " ".join(entries))
        for _ in range(rng.randint(1, 2)):
            node = pod.spec.node_name
            c.kubectl(f"drain {node} --ignore-daemonsets --delete-emptydir-data")
            pod = leader_ready(c, f"after {node} was drained")
            assert pod.spec.node_name != node
            c.kubectl(f"uncordon {node}")
            moves += 1
            got = redis(c, "LRANGE guestbook 0 -1").split()
            assert got == entries, (
                f"the leader wrote {entries} on {node}; after the drain its new pod on {pod.spec.node_name} has "
                f"{got or 'nothing'}. Redis must write to a PersistentVolumeClaim mounted at /data (the redis image's "
                "working directory), and with `--appendonly yes` (without it, Redis keeps its data in memory)")
    return f"{len(seeds)} clusters, {moves} drains, every entry read back"


# ---------------------------------------------------------------- 15.3

APP = ["15-redis-leader.yaml", "15-redis-follower.yaml", "15-frontend.yaml", "15-seed.yaml", "15-visitor.yaml"]


def namespace_without_quota() -> list[dict[str, Any]]:
    """15-namespace.yaml's Namespace and LimitRange: the budget is the learner's."""
    with open(manifest("15-namespace.yaml")) as f:
        return [d for d in load_yaml_all(f) if d and d["kind"] != "ResourceQuota"]


def refusals(c: Cluster, since: float) -> list[str]:
    return [e.message for e in c.events() if e.reason == "FailedCreate" and e.time >= since]


def admits_the_app(c: Cluster, rng: random.Random) -> None:
    parts = list(APP)
    rng.shuffle(parts)
    for part in parts:
        c.apply(manifest(part))
        c.run(rng.choice([0, 0, 2, 5, 15]))
    try:
        c.run_until(lambda c: c.ready("job/seed", NS) and all(
            c.ready(f"deployment/{d}", NS) for d in ("redis-leader", "redis-follower", "frontend")), 150)
    except TimeoutError:
        refused = refusals(c, 0)
        raise AssertionError(
            "your quota refuses the guestbook itself"
            + (f": {refused[-1]}" if refused else ": " + c.kubectl("get pods -n guestbook").strip())
            + ". Count every pod that exists at the same time, the seed Job's too (its pod counts while it runs), "
            "each container at the LimitRange's default requests") from None


def refuses_a_fourth_frontend(c: Cluster) -> None:
    since = c.now
    c.kubectl("scale deployment frontend --replicas=4 -n guestbook")
    c.run(30)
    ready = c.get("deployment", "frontend", namespace=NS).status.ready_replicas
    assert ready == 3, (
        f"a fourth front-end pod was admitted ({ready} ready). Once the seed Job's pod has finished it no longer "
        "counts (quota counts pods that are not Succeeded or Failed): size the budget for the app at its peak, "
        "with no room for one more front-end pod")
    assert any("exceeded quota" in m for m in refusals(c, since)), (
        "the fourth front-end pod was not refused by the quota (no FailedCreate 'exceeded quota' Event)")


@exercise("15.3")
def check_15_3(quota_yaml: Any) -> str:
    docs = documents(quota_yaml, "quota_yaml", {})
    quotas = [d for d in docs if d["kind"] == "ResourceQuota"]
    assert len(quotas) == 1 and len(docs) == 1, "quota_yaml must hold one ResourceQuota, and nothing else"
    seeds = range(1521, 1525)
    for seed in seeds:
        rng = random.Random(seed)
        c = Cluster(nodes=3, seed=seed)
        c.apply(namespace_without_quota())
        apply(c, docs, "quota_yaml")
        admits_the_app(c, rng)
        refuses_a_fourth_frontend(c)
    return f"{len(seeds)} namespaces: the app admitted in any order, a fourth front-end pod refused"
