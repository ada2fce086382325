"""Builders for tests: short ways to make the objects the tests need."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from k8slite import Cluster
from k8slite.api.meta import ObjectMeta
from k8slite.api.pod import Container, Pod, PodSpec, ResourceRequirements, Toleration
from k8slite.machines import free_port  # noqa: F401  # the tests' servers take their ports from it

# The Kubernetes docs' example manifests: real input that k8slite must accept. They are the docs'
# text, not ours, so they stay outside the repository: K8SLITE_EXAMPLES names their folder, else
# ../shared/k8s-examples beside the checkout (where the project's CI has them).
EXAMPLES = Path(os.environ.get("K8SLITE_EXAMPLES") or Path(__file__).resolve().parents[2] / "shared" / "k8s-examples")


def examples_problem() -> str:
    """Why the docs' examples cannot be read here (empty when they can)."""
    if not EXAMPLES.is_dir():
        return (f"the Kubernetes docs' example manifests are not at {EXAMPLES}: set K8SLITE_EXAMPLES to a folder "
                f"of them, or put them in ../shared/k8s-examples beside the checkout")
    if not any(EXAMPLES.glob("*.yaml")):
        return f"{EXAMPLES} holds no .yaml example manifests"
    return ""


def skip_unless_required(problem: str, require: str) -> None:
    """Skip the calling test for ``problem``, or fail it where the variable ``require`` is 1 (CI)."""
    if os.environ.get(require) == "1":
        pytest.fail(f"{require}=1 but {problem}", pytrace=False)
    pytest.skip(problem)


def need_examples() -> None:
    """Skip the calling test when the examples are missing; fail instead under K8SLITE_REQUIRE_EXAMPLES=1 (CI)."""
    if examples_problem():
        skip_unless_required(examples_problem(), "K8SLITE_REQUIRE_EXAMPLES")


def example(name: str) -> Path:
    """The path of one of the docs' examples, e.g. ``c.apply(example("job-pi.yaml"))``; skips the test
    (or fails it, in CI) when the examples are not there, and fails when this one is missing from them."""
    need_examples()
    path = EXAMPLES / name
    assert path.is_file(), f"the docs' example {name} is not in {EXAMPLES}"
    return path


def make_pod(name: str, cpu: str | None = None, memory: str | None = None, command: str = "sleep 3600",
             image: str = "busybox", restart_policy: str = "Always", labels: dict[str, str] | None = None,
             namespace: str = "default") -> Pod:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    container = Container(name="main", image=image, command=["sh", "-c", command],
                          resources=ResourceRequirements(requests=dict(requests)))
    return Pod(metadata=ObjectMeta(name=name, namespace=namespace, labels=labels or {}),
               spec=PodSpec(containers=[container], restart_policy=restart_policy))


def cluster_with_a_failed_node_and_a_pod_tolerating_it_10s() -> Cluster:
    """Pod `quick` on node-1 tolerates unreachable for 10 s; node-1 fails at 5 s; the cluster runs to 105 s."""
    c = Cluster(nodes=2)
    pod = make_pod("quick")
    pod.spec.tolerations = [Toleration(key="node.kubernetes.io/unreachable", operator="Exists",
                                       effect="NoExecute", toleration_seconds=10)]
    pod.spec.node_name = "node-1"
    c.apply(pod)
    c.run(5)
    c.node("node-1").fail()
    c.run(100)
    return c


def replicaset_yaml(name: str = "web", replicas: int = 3, command: str = "sleep 3600",
                    image: str = "busybox") -> str:
    return f"""
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: app
        image: {image}
        command: ["sh", "-c", "{command}"]
"""


def deployment_yaml(name: str = "web", replicas: int = 4, image: str = "busybox", command: str = "sleep 3600",
                    extra: str = "", strategy: str = "") -> str:
    """A Deployment of busybox pods labelled app=<name>; `extra` and `strategy` are indented spec lines."""
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
{extra}
{strategy}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: app
        image: {image}
        command: ["sh", "-c", "{command}"]
"""


def job_yaml(name: str = "work", command: str = "sleep 1", restart_policy: str = "Never", extra: str = "") -> str:
    """A Job of busybox pods; `extra` holds indented spec lines (completions, backoffLimit ...)."""
    return f"""
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
{extra}
  template:
    spec:
      restartPolicy: {restart_policy}
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "{command}"]
"""


def deployment_pods(c, name: str = "web", namespace: str = "default") -> list:
    """The pods of a Deployment's ReplicaSets that are not terminating or finished."""
    d = c.get("deploy", name, namespace)
    rs_uids = {rs.metadata.uid for rs in c.get("rs", namespace=namespace)
               if any(r.uid == d.metadata.uid for r in rs.metadata.owner_references)}
    return [p for p in c.get("pods", namespace=namespace) if p.metadata.deletion_timestamp is None
            and p.status.phase not in ("Succeeded", "Failed")
            and any(r.uid in rs_uids for r in p.metadata.owner_references)]


def available_pods(c, pods: list, min_ready_seconds: float = 0) -> list:
    """Pods Ready for at least min_ready_seconds."""
    return [p for p in pods if p.is_ready()
            and (p.status.condition("Ready").last_transition_time or 0) + min_ready_seconds <= c.now]


def engine_containers(cluster_id: str, *filters: str, running: bool = False) -> list[str]:
    """Ids of the Docker containers labelled with a cluster (and `filters`, e.g. "k8slite.node=node-1")."""
    argv = ["docker", "ps", "-q" if running else "-aq", "--filter", f"label=k8slite.cluster={cluster_id}"]
    for label in filters:
        argv += ["--filter", f"label={label}"]
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()


KUBECTL = shutil.which("kubectl")  # the real kubectl 1.32, where it is installed


def real_kubectl(server: Any, command: str) -> str:
    """What the real kubectl prints (stdout, then stderr) for `command` against a served cluster
    (`cluster.serve(wall_clock=False)`, with a `home` of its own for kubectl's cache), in UTC."""
    env = dict(os.environ, HOME=str(server.home), TZ="UTC")
    done = subprocess.run([str(KUBECTL), "--kubeconfig", server.kubeconfig, *shlex.split(command)],
                          capture_output=True, text=True, env=env, timeout=60)
    return done.stdout + done.stderr


def same(server: Any, command: str) -> tuple[str, str]:
    """(the real kubectl's output, c.kubectl's) for one command: a test asserts they are equal."""
    with server.lock:
        expected = server.cluster.kubectl(command)
    return real_kubectl(server, command), expected
