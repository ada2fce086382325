"""Builders for tests: short ways to make the objects the tests need."""

from __future__ import annotations

from pathlib import Path

from k8slite.api.meta import ObjectMeta
from k8slite.api.pod import Container, Pod, PodSpec, ResourceRequirements

SHARED = Path(__file__).resolve().parents[2] / "shared"
EXAMPLES = SHARED / "k8s-examples"


def make_pod(name: str, cpu: str | None = None, memory: str | None = None, command: str = "sleep 3600",
             image: str = "busybox", restart_policy: str = "Always", labels: dict[str, str] | None = None,
             namespace: str = "default") -> Pod:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    container = Container(name="main", image=image, command=["sh", "-c", command],
                          resources=ResourceRequirements(requests=dict(requests)))
    return Pod(metadata=ObjectMeta(name=name, namespace=namespace, labels=labels or {}),
               spec=PodSpec(containers=[container], restart_policy=restart_policy))


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
