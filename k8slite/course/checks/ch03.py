"""Checks for notebook 03, pods: how containers find each other, and what a pod may change.

03.1 asks for the URL one container uses to reach a server in the same pod or in
another pod; each answer is fetched with ``wget`` from inside the pod on small
seeded clusters, so only a URL that really reaches the right server passes.
03.2 asks whether the API server accepts an update of a running pod (images, added
tolerations, a set or shortened activeDeadlineSeconds); each prediction is compared
with what the API server does with that very update.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from functools import partial
from typing import Any

from k8slite.api.kinds import decode
from k8slite.cluster import Cluster
from k8slite.course.checks import exercise
from k8slite.errors import Invalid

SERVER_NAMES = ("web", "api", "metrics", "admin")
PORTS = (80, 3000, 5000, 8000, 8080, 9090)
POD_NAMES = ("shop", "cart", "search", "auth", "mail")


# ---------------------------------------------------------------- 03.1
def server(pod: str, name: str, port: int) -> dict[str, Any]:
    """A busybox httpd on ``port`` whose page says who it is."""
    script = f"mkdir -p /www && echo {pod}/{name} > /www/index.html && httpd -f -p {port} -h /www"
    return {"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script],
            "ports": [{"name": "http", "containerPort": port}]}


def random_pod(rng: random.Random, name: str) -> dict[str, Any]:
    """One to three servers on different ports, and a busybox ``shell`` to run wget from."""
    names = rng.sample(SERVER_NAMES, rng.randint(1, 3))
    ports = rng.sample(PORTS, len(names))
    containers = [server(name, n, p) for n, p in zip(names, ports)]
    shell = {"name": "shell", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"]}
    containers.insert(rng.randint(0, len(containers)), shell)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"containers": containers}}


def check_url(url_to: Callable[..., Any], c: Cluster, src: str, dst: str, container: str) -> None:
    url = url_to(c, src, dst, container)
    call = f"url_to(c, {src!r}, {dst!r}, {container!r})"
    assert isinstance(url, str), f"{call} returned {url!r}; return a URL string such as 'http://10.244.1.2:8080/'"
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    if src == dst:
        assert host in ("localhost", "127.0.0.1"), (
            f"{call} returned {url!r}: both containers are in pod {src!r}, which has one network "
            "namespace; use localhost, which a sidecar can be configured with before the pod has an IP")
    code, out = c.exec_code(src, ["wget", "-qO-", url], container="shell")
    want = f"{dst}/{container}\n"
    assert out == want, (
        f"{call} returned {url!r}, but wget from pod {src!r} got {out.strip()!r} instead of the page of "
        f"container {container!r} ({want.strip()!r}). Look at that container's ports[].containerPort, "
        "and at the target pod's status.pod_ip when it is another pod")


def all_ready(c: Cluster, names: list[str]) -> bool:
    return all(c.ready(f"pod/{name}") for name in names)


@exercise("03.1")
def check_03_1(url_to: Callable[..., Any], scenarios: int = 6) -> str:
    assert callable(url_to), "define url_to(c, from_pod, to_pod, container) returning a URL string"
    tried = 0
    for seed in range(scenarios):
        rng = random.Random(300 + seed)
        c = Cluster(nodes=rng.randint(2, 3), seed=seed)
        names = rng.sample(POD_NAMES, rng.randint(2, 4))
        manifests = {name: random_pod(rng, name) for name in names}
        c.apply(list(manifests.values()))
        c.run_until(partial(all_ready, names=names), timeout=60)
        for src in names:
            for dst in (src, rng.choice([n for n in names if n != src])):
                servers = [k["name"] for k in manifests[dst]["spec"]["containers"] if k["name"] != "shell"]
                check_url(url_to, c, src, dst, rng.choice(servers))
                tried += 1
    return f"{tried} URLs fetched with wget on {scenarios} clusters."


# ---------------------------------------------------------------- 03.2
Mutation = Callable[[random.Random, dict[str, Any]], str]


def bump_tag(image: str) -> str:
    repo, _, tag = image.partition(":")
    major, _, minor = tag.partition(".")
    return f"{repo}:{major}.{int(minor or 0) + 1}"


def some_container(rng: random.Random, m: dict[str, Any]) -> dict[str, Any]:
    container: dict[str, Any] = rng.choice(m["spec"]["containers"])
    return container


def change_image(rng: random.Random, m: dict[str, Any]) -> str:
    k = some_container(rng, m)
    old, k["image"] = k["image"], bump_tag(k["image"])
    return f"the image of container {k['name']!r} changed from {old} to {k['image']}"


def add_label(rng: random.Random, m: dict[str, Any]) -> str:
    m["metadata"].setdefault("labels", {})["tier"] = rng.choice(["frontend", "backend"])
    return "a label tier added"


def add_annotation(rng: random.Random, m: dict[str, Any]) -> str:
    m["metadata"].setdefault("annotations", {})["owner"] = rng.choice(["ana", "bo"])
    return "an annotation added"


def change_port(rng: random.Random, m: dict[str, Any]) -> str:
    k = some_container(rng, m)
    k["ports"] = [{"containerPort": rng.choice([81, 8081, 9000])}]
    return f"the ports of container {k['name']!r} changed"


def change_command(rng: random.Random, m: dict[str, Any]) -> str:
    k = some_container(rng, m)
    k["command"] = ["sh", "-c", f"sleep {rng.randint(100, 999)}"]
    return f"the command of container {k['name']!r} changed"


def add_env(rng: random.Random, m: dict[str, Any]) -> str:
    k = some_container(rng, m)
    k.setdefault("env", []).append({"name": "MODE", "value": rng.choice(["fast", "safe"])})
    return f"an environment variable added to container {k['name']!r}"


def add_container(rng: random.Random, m: dict[str, Any]) -> str:
    m["spec"]["containers"].append({"name": "extra", "image": "busybox:1.36", "command": ["sleep", "3600"]})
    return "a container added"


def change_restart_policy(rng: random.Random, m: dict[str, Any]) -> str:
    old = m["spec"].get("restartPolicy", "Always")
    m["spec"]["restartPolicy"] = rng.choice([p for p in ("Always", "OnFailure", "Never") if p != old])
    return f"restartPolicy changed from {old} to {m['spec']['restartPolicy']}"


def change_deadline(rng: random.Random, m: dict[str, Any]) -> str:
    """Set, shorten, lengthen or remove activeDeadlineSeconds: only the first two are allowed."""
    spec = m["spec"]
    old = spec.get("activeDeadlineSeconds")
    how = "set" if old is None else rng.choice(["shortened", "lengthened", "removed"])
    if how == "removed":
        del spec["activeDeadlineSeconds"]
        return f"activeDeadlineSeconds removed (was {old})"
    step = rng.choice([10, 600])
    spec["activeDeadlineSeconds"] = (rng.randint(60, 600) if old is None
                                     else old - step if how == "shortened" else old + step)
    return f"activeDeadlineSeconds {how} to {spec['activeDeadlineSeconds']} (was {old})"


def change_tolerations(rng: random.Random, m: dict[str, Any]) -> str:
    """Add, remove or reorder tolerations: removing one is refused."""
    tolerations = m["spec"].setdefault("tolerations", [])
    how = rng.choice(["added", "removed", "reordered and one added"]) if tolerations else "added"
    if how == "removed":
        gone = tolerations.pop(rng.randrange(len(tolerations)))
        return f"the toleration for {gone['key']!r} removed"
    if how != "added":
        tolerations.reverse()
    tolerations.append({"key": rng.choice(["zone", "dedicated"]), "operator": "Exists", "effect": "NoSchedule"})
    return f"tolerations {how}"


def change_requests(rng: random.Random, m: dict[str, Any]) -> str:
    k = some_container(rng, m)
    k["resources"] = {"requests": {"cpu": rng.choice(["100m", "250m"]), "memory": "64Mi"}}
    return f"the resource requests of container {k['name']!r} changed"


def add_node_selector(rng: random.Random, m: dict[str, Any]) -> str:
    m["spec"]["nodeSelector"] = {"disktype": "ssd"}
    return "a nodeSelector added"


MUTATIONS: tuple[Mutation, ...] = (
    change_image, add_label, add_annotation, change_port, change_command, add_env, add_container,
    change_restart_policy, change_deadline, change_tolerations, change_requests, add_node_selector)


TOLERATIONS = (
    {"key": "spot", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"},
)


def base_pod(rng: random.Random, name: str) -> dict[str, Any]:
    containers: list[dict[str, Any]] = [{"name": "app", "image": rng.choice(["nginx:1.25", "httpd:2.4"])}]
    if rng.random() < 0.5:
        containers[0]["ports"] = [{"containerPort": 80}]
    if rng.random() < 0.5:
        containers.append({"name": "sidecar", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"]})
    spec: dict[str, Any] = {"containers": containers}
    if rng.random() < 0.6:
        spec["activeDeadlineSeconds"] = 3600
    if rng.random() < 0.6:
        spec["tolerations"] = rng.sample(TOLERATIONS, rng.randint(1, 2))
    if rng.random() < 0.3:
        spec["restartPolicy"] = "OnFailure"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": name}}, "spec": spec}


TOKEN_VOLUME = "kube-api-access-"


def api_accepts(c: Cluster, new: dict[str, Any]) -> bool:
    """Send ``new`` as an update of the running pod, as `kubectl apply` would, keeping the
    fields the cluster filled in: nodeName, and what the ServiceAccount admission plugin added at
    creation (serviceAccountName, the kube-api-access-xxxxx volume and its mounts); True when the
    API server accepts it."""
    current = c.get("pod", new["metadata"]["name"])
    obj = decode(copy.deepcopy(new))
    obj.metadata.resource_version = current.metadata.resource_version
    spec, was = obj.spec, current.spec  # type: ignore[attr-defined]
    spec.node_name = was.node_name
    spec.service_account_name, spec.service_account = was.service_account_name, was.service_account
    spec.volumes += [v for v in was.volumes if v.name.startswith(TOKEN_VOLUME)]
    mounts = {k.name: [m for m in k.volume_mounts if m.name.startswith(TOKEN_VOLUME)] for k in was.containers}
    for k in spec.containers:
        k.volume_mounts += mounts.get(k.name, [])
    try:
        c.api.update(obj)
    except Invalid:
        return False
    return True


@exercise("03.2")
def check_03_2(update_allowed: Callable[..., Any], scenarios: int = 8) -> str:
    assert callable(update_allowed), "define update_allowed(old, new) returning True or False"
    tried = 0
    for seed in range(scenarios):
        rng = random.Random(3200 + seed)
        c = Cluster(nodes=2, seed=seed)
        olds = [base_pod(rng, f"pod-{i}") for i in range(5)]
        c.apply(copy.deepcopy(olds))
        c.run(2)
        for old in olds:
            new = copy.deepcopy(old)
            mutations = rng.sample(MUTATIONS, rng.choice([1, 1, 2]))
            if rng.random() < 0.5:  # the one-way fields, more often: most of what could go wrong is there
                mutations = [rng.choice([change_deadline, change_tolerations])]
            changes = [m(rng, new) for m in mutations]
            said = update_allowed(copy.deepcopy(old), copy.deepcopy(new))
            assert isinstance(said, bool), f"update_allowed returned {said!r}; return True or False"
            accepted = api_accepts(c, new)
            assert said == accepted, (
                f"update_allowed said {said} for a pod update in which {' and '.join(changes)}, "
                f"but the API server {'accepts' if accepted else 'refuses'} it. Besides metadata, only the "
                "images may change, tolerations may only be added (every old one kept), and "
                "activeDeadlineSeconds may only be set or shortened.")
            tried += 1
    return f"{tried} pod updates compared with the API server."
