"""Defaulting: the values the API server fills in before storing an object.

Mirrors pkg/apis/core/v1/defaults.go and the DefaultTolerationSeconds
admission plugin. imagePullPolicy is Always for `:latest` or no tag, else
IfNotPresent; every pod tolerates `node.kubernetes.io/not-ready` and
`node.kubernetes.io/unreachable` (NoExecute) for 300 s, which is why pods on
a dead node wait five minutes before they are evicted. Other defaults
(restartPolicy Always, probe timings) are the dataclasses' own.
"""

from __future__ import annotations

from k8slite.api.meta import KubeObject
from k8slite.api.pod import Pod, PodSpec, Toleration
from k8slite.api.replicaset import ReplicaSet

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
DEFAULT_TOLERATION_SECONDS = 300


def image_tag(image: str) -> str:
    """The tag of an image reference ("" when there is none or it is pinned by digest)."""
    if "@" in image:
        return "@"
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else ""


def default_pull_policy(image: str) -> str:
    return "Always" if image_tag(image) in ("", "latest") else "IfNotPresent"


def default_pod_spec(spec: PodSpec) -> None:
    for container in spec.containers:
        if not container.image_pull_policy:
            container.image_pull_policy = default_pull_policy(container.image)


def default_tolerations(spec: PodSpec) -> None:
    """The DefaultTolerationSeconds admission plugin: 300 s for not-ready and unreachable."""
    for key in (NOT_READY, UNREACHABLE):
        if not any(t.key in (key, "") and t.effect in ("NoExecute", "") for t in spec.tolerations):
            spec.tolerations.append(Toleration(key=key, operator="Exists", effect="NoExecute",
                                               toleration_seconds=DEFAULT_TOLERATION_SECONDS))


def apply_defaults(obj: KubeObject) -> None:
    """Fill in defaults in place (on the API server's own copy)."""
    if isinstance(obj, Pod):
        default_pod_spec(obj.spec)
        default_tolerations(obj.spec)
    elif isinstance(obj, ReplicaSet):
        default_pod_spec(obj.spec.template.spec)
