"""Checks for notebook 13, real containers end to end.

Both checks run without a Docker engine, so they give the same verdict everywhere.

13.1 `pause_of(containers)`: find each app container's pause container in
`docker inspect`-shaped dicts, the way a pod is rebuilt from what the engine
holds. Random engines mix k8slite pods (full IDs, k8slite labels) with
containers a person started by hand (`--network container:<name or ID prefix>`,
no labels) and containers on ordinary networks.
13.2 `web_pod`: a pod manifest (a dict) for busybox httpd on port 8080 whose
readiness follows /www/index.html and whose liveness does not. It runs on
fake clusters: the check writes and removes the file at random times and
watches Ready and the restart count; then it runs the pod with a server that
never listens and expects the liveness probe to restart it.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

from k8slite.api.pod import Pod
from k8slite.cluster import Cluster
from k8slite.course.checks import exercise
from k8slite.errors import ApiError

# ---------------------------------------------------------------- 13.1

WORDS = ("web", "db", "cache", "api", "worker", "proxy", "queue", "search", "auth", "metrics", "logs", "shop")


def container_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def inspect_dict(cid: str, name: str, network_mode: str, labels: dict[str, str]) -> dict[str, Any]:
    """What `docker inspect` says about a container, cut down to the fields that matter here."""
    ipc = network_mode if network_mode.startswith("container:") else "shareable" if labels else "private"
    return {"Id": cid, "Name": "/" + name, "Config": {"Image": "busybox:latest", "Labels": dict(labels)},
            "HostConfig": {"NetworkMode": network_mode, "IpcMode": ipc},
            "State": {"Status": "running", "Running": True}}


def k8slite_pod(rng: random.Random, pod: str, answer: dict[str, str]) -> list[dict[str, Any]]:
    """A pause container and 1-3 app containers, as k8slite's Docker runtime creates them."""
    uid = f"{rng.getrandbits(128):032x}"
    base = {"k8slite.cluster": "p4242n1", "k8slite.node": f"node-{rng.randint(1, 3)}", "k8slite.pod": pod,
            "k8slite.namespace": "default", "k8slite.pod-uid": uid}
    pause = container_id(rng)
    found = [inspect_dict(pause, f"k8slite-p4242n1-{uid[:8]}-pause", "default",
                          {**base, "k8slite.role": "pause", "k8slite.container": ""})]
    for index in range(rng.randint(1, 3)):
        app = container_id(rng)
        name = f"{rng.choice(WORDS)}_{rng.choice(WORDS)}_{index}"
        found.append(inspect_dict(app, name, f"container:{pause}",
                                  {**base, "k8slite.role": "app", "k8slite.container": f"c{index}"}))
        answer[app] = pause
    return found


def hand_made(rng: random.Random, leader: str, answer: dict[str, str]) -> list[dict[str, Any]]:
    """`docker run --name db ...` then `docker run --network container:db ...`: no labels at all."""
    owner = container_id(rng)
    found = [inspect_dict(owner, leader, rng.choice(["bridge", "default"]), {})]
    for index in range(rng.randint(1, 2)):
        joiner = container_id(rng)
        reference = rng.choice([leader, owner[:12], owner])
        found.append(inspect_dict(joiner, f"{leader}-sidecar-{index}", f"container:{reference}", {}))
        answer[joiner] = owner
    return found


def random_engine(rng: random.Random) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Every container on one engine, shuffled, and the right answer."""
    answer: dict[str, str] = {}
    containers: list[dict[str, Any]] = []
    names = rng.sample(WORDS, 6)
    for pod in names[:rng.randint(1, 3)]:
        containers += k8slite_pod(rng, f"{pod}-{rng.randint(1000, 9999)}", answer)
    for leader in names[3:3 + rng.randint(0, 2)]:
        containers += hand_made(rng, f"{leader}-{rng.randint(10, 99)}", answer)
    for index in range(rng.randint(0, 3)):
        mode = rng.choice(["bridge", "host", "none", "default", "shop-net"])
        containers.append(inspect_dict(container_id(rng), f"standalone-{index}", mode, {}))
    rng.shuffle(containers)
    return containers, answer


def describe_container(c: dict[str, Any]) -> str:
    return f"{c['Name']} (Id {c['Id'][:12]}..., NetworkMode {c['HostConfig']['NetworkMode'][:22]!r})"


def compare(containers: list[dict[str, Any]], got: Any, want: dict[str, str]) -> None:
    assert isinstance(got, dict), (
        f"pause_of must return a dict {{app container Id: pause container Id}}, not {type(got).__name__}")
    by_id = {c["Id"]: c for c in containers}
    extra = [k for k in got if k not in want]
    assert not extra, (
        f"{describe_container(by_id[extra[0]]) if extra[0] in by_id else repr(extra[0])} joins no other "
        "container's network namespace: only containers whose HostConfig.NetworkMode starts with "
        "'container:' belong in the answer (keys are full container Ids)")
    missing = [k for k in want if k not in got]
    assert not missing, (
        f"{describe_container(by_id[missing[0]])} is missing from your answer. Some containers carry no k8slite "
        "labels (a person ran `docker run --network container:...`): read NetworkMode, not the labels")
    for app, pause in want.items():
        mode = by_id[app]["HostConfig"]["NetworkMode"]
        assert got[app] == pause, (
            f"{describe_container(by_id[app])}: its namespace owner is {by_id[pause]['Name']} with Id "
            f"{pause[:12]}..., but you gave {got[app]!r}. The reference after 'container:' ({mode[10:22]}...) is "
            "what was typed at creation: a full Id, a unique Id prefix, or a name (inspect's Name starts with '/'). "
            "Answer with the full Id")


@exercise("13.1")
def check_13_1(pause_of: Callable[[list[dict[str, Any]]], Any]) -> str:
    assert callable(pause_of), "define a function pause_of(containers) that returns a dict"
    rng = random.Random(1301)
    count = 30
    for _ in range(count):
        containers, want = random_engine(rng)
        got = pause_of(copy.deepcopy(containers))
        assert got is not None, "pause_of returned None: return a dict {app container Id: pause container Id}"
        compare(containers, got, want)
    return f"{count} random engines"


# ---------------------------------------------------------------- 13.2

SILENT = ["sh", "-c", "mkdir -p /www; sleep 3600"]


def pod_from(manifest: Any) -> Pod:
    assert isinstance(manifest, dict), (
        f"web_pod must be a dict (a Pod manifest as Python data), not {type(manifest).__name__}")
    assert manifest.get("kind") == "Pod", "web_pod needs kind: Pod (and apiVersion: v1)"
    assert (manifest.get("metadata") or {}).get("name"), "give the pod a name in metadata.name"
    containers = (manifest.get("spec") or {}).get("containers") or []
    assert len(containers) == 1, "give the pod exactly one container, the web server"
    container = containers[0]
    assert "busybox" in str(container.get("image", "")), "use the image busybox (it has httpd)"
    assert container.get("readinessProbe"), "the container needs a readinessProbe"
    assert container.get("livenessProbe"), "the container needs a livenessProbe"
    c = Cluster(nodes=1, seed=0)
    try:
        [obj] = c.apply(copy.deepcopy(manifest))
    except ApiError as e:
        raise AssertionError(f"the API server refuses web_pod: {e}") from None
    assert isinstance(obj, Pod)
    return obj


def status_of(c: Cluster, name: str) -> tuple[str, bool, int]:
    pod = c.get("pod", name)
    restarts = sum(s.restart_count for s in pod.status.container_statuses)
    return pod.status.phase, pod.is_ready(), restarts


def watch(c: Cluster, name: str, seconds: int) -> list[tuple[float, str, bool, int]]:
    """(time, phase, ready, restarts) once a second."""
    seen = []
    for _ in range(seconds):
        c.run(1)
        seen.append((c.now, *status_of(c, name)))
    return seen


def run_scenario(manifest: dict[str, Any], seed: int) -> None:
    rng = random.Random(seed)
    name = manifest["metadata"]["name"]
    c = Cluster(nodes=rng.randint(1, 3), seed=seed)
    c.apply(copy.deepcopy(manifest))
    appear = rng.randint(8, 40)
    early = watch(c, name, appear)
    assert early[-1][1] == "Running", f"after {appear} s the pod is {early[-1][1]}, not Running: does httpd start?"
    ready_early = [t for t, _, ready, _ in early if ready]
    assert not ready_early, (
        f"the pod was Ready at t={ready_early[0]:g} s, but /www/index.html does not exist yet (the check writes it at "
        f"t={appear} s). Readiness must ask for /index.html itself: a tcpSocket probe, or httpGet on /, "
        "succeeds as soon as httpd listens")
    code, output = c.exec_code(name, "echo ready > /www/index.html")
    assert code == 0, (f"writing /www/index.html failed ({output.strip()}): the container must have a folder /www "
                       "(mkdir -p /www in its command, or an emptyDir mounted there) and serve it with -h /www")
    after = watch(c, name, 15)
    assert any(ready for _, _, ready, _ in after), (
        f"/www/index.html was written at t={appear} s but the pod was still not Ready 15 s later: probe "
        "httpGet path /index.html on port 8080, every few seconds (periodSeconds)")
    stay = rng.randint(5, 30)
    watch(c, name, stay)
    c.exec_code(name, "rm /www/index.html")
    gone_at = c.now
    late = watch(c, name, 90)
    assert any(not ready for _, _, ready, _ in late[:45]), (
        f"/www/index.html was removed at t={gone_at:g} s, yet the pod stayed Ready for 45 s: readiness is checked "
        "all the time, not only at start; probe the file, and keep failureThreshold x periodSeconds under 45 s")
    restarted = [t for t, _, _, restarts in early + after + late if restarts > 0]
    assert not restarted, (
        f"the container was restarted at t={restarted[0]:g} s although httpd was fine: only /index.html was "
        "missing. That is the liveness probe's doing: liveness must ask 'is the server alive?' (tcpSocket on 8080), "
        "not 'is the content there?', or every missing file becomes a restart loop")


def run_silent(manifest: dict[str, Any], seed: int) -> None:
    """The same pod with a server that never answers: liveness must restart it."""
    hung = copy.deepcopy(manifest)
    container = hung["spec"]["containers"][0]
    container.pop("args", None)
    container["command"] = list(SILENT)
    name = hung["metadata"]["name"]
    c = Cluster(nodes=1, seed=seed)
    c.apply(hung)
    seen = watch(c, name, 120)
    assert any(restarts > 0 for *_, restarts in seen), (
        "with a container that never listens on 8080, your liveness probe did not restart it within 120 s: probe "
        "port 8080 (tcpSocket) with a modest periodSeconds and failureThreshold")
    assert not any(ready for _, _, ready, _ in seen), "a server that never answers must never be Ready"


@exercise("13.2")
def check_13_2(manifest: Any) -> str:
    assert manifest is not None, (
        'web_pod is still None: set it to the Pod manifest as a dict, {"apiVersion": "v1", "kind": "Pod", '
        '"metadata": {"name": ...}, "spec": {"containers": [...]}}, with one busybox container that serves /www '
        "with httpd on port 8080 and has a readinessProbe and a livenessProbe")
    pod_from(manifest)
    seeds = range(1302, 1308)
    for seed in seeds:
        run_scenario(manifest, seed)
    run_silent(manifest, 1302)
    return f"{len(seeds)} readiness timelines and a hung server"
