"""Same manifests, same story: the fake runtime against real containers (marker `docker`).

Runs the course's own manifests that use busybox (and the docs' busybox
example) on both runtimes, each manifest in its own namespace of one
cluster, and compares what a learner sees after the same span of time:
phases, restart counts, exit codes and reasons, logs, and the files in
mounted volumes. Generated pod names are replaced by their owner's name, and
lines that name a pod (hostname, pod names in logs) are normalised, since
those come from the random source, not from the runtime.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from builders import example

from k8slite import Cluster
from k8slite.api.kinds import decode
from k8slite.runtime.busybox import ALIASES

pytestmark = pytest.mark.docker

MANIFESTS = Path(__file__).resolve().parents[1] / "manifests"
LOCAL_IMAGES = {"busybox", "busybox:latest", *ALIASES}  # what k8slite.runtime.busybox makes; nothing is pulled
STORIES = {"Pod", "ReplicaSet"}  # pods and their restarts; Deployments and Jobs have their own timing tests
SECONDS = 125
# At 125 s every story is on a plateau: crash loops restarted at 0, 10, 30 and 70 s and wait until 150 s;
# the liveness example restarted at 70 s, was killed again at 110 s and is waiting out its 30 s grace.
# Real containers start one after another (about half a second each), so the docker timeline runs up to
# ~20 s late; on a plateau that lag changes nothing a learner sees.


def busybox_only(path: Path) -> bool:
    """Manifests of pods and ReplicaSets whose images are all on the engine already."""
    text = path.read_text()
    images = re.findall(r"image:\s*\"?([^\s\",}]+)", text)
    kinds = set(re.findall(r"kind:\s*\"?(\w+)", text))
    return bool(images) and all(i in LOCAL_IMAGES for i in images) and kinds <= STORIES


def sources() -> list[Path]:
    """The runtime chapters' manifests (the scheduler's chapter 06 stories are about placement, not containers)."""
    chapters = ("00-", "01-", "03-", "04-", "05-", "07-", "13-")
    ours = [p for p in MANIFESTS.glob("*.yaml") if p.name.startswith(chapters) and busybox_only(p)]
    return sorted(ours) + [example("exec-liveness.yaml")]


def namespaced(path: Path, namespace: str) -> list[dict]:
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    for doc in docs:
        decode(doc)  # the manifest is valid on its own
        doc.setdefault("metadata", {})["namespace"] = namespace
        doc.get("spec", {}).pop("nodeName", None)  # placement is the scheduler's, and may differ
    return docs


def what_a_learner_sees(c: Cluster, namespaces: dict[str, str]) -> dict[str, list[tuple]]:
    seen: dict[str, list[tuple]] = {}
    for namespace, source in namespaces.items():
        rows = []
        for pod in c.get("pods", namespace=namespace):
            owner = pod.metadata.controller_ref()
            name = owner.name if owner else pod.name
            for status in pod.status.container_statuses:
                last = status.last_state.terminated or status.state.terminated
                logs = c.logs(pod.name, status.name, namespace) if status.container_id else ""
                rows.append((name, pod.status.phase, status.name, status.restart_count,
                             last.exit_code if last else None, last.reason if last else None,
                             normalise(logs, pod.name, name)))
        seen[source] = sorted(rows)
    return seen


def normalise(text: str, pod_name: str, owner: str) -> str:
    return text.replace(pod_name, f"<{owner}>")


def run(runtime: str) -> dict[str, list[tuple]]:
    with Cluster(nodes=3, runtime=runtime) as c:
        namespaces = {}
        for i, path in enumerate(sources()):
            namespace = f"parity-{i}"
            c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
            c.apply(namespaced(path, namespace))
            namespaces[namespace] = path.name
        c.run(SECONDS)
        return what_a_learner_sees(c, namespaces)


def test_there_is_something_to_compare():
    assert len(sources()) >= 8


def test_fake_and_docker_runtimes_tell_the_same_story():
    fake, docker = run("fake"), run("docker")
    assert fake.keys() == docker.keys()
    differences = {name: (fake[name], docker[name]) for name in fake if fake[name] != docker[name]}
    assert not differences, "\n".join(f"{n}:\n  fake:   {f}\n  docker: {d}" for n, (f, d) in differences.items())


test_there_is_something_to_compare.pytestmark = []  # type: ignore[attr-defined]
