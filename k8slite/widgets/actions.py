"""What the dashboard's controls do, as plain functions on a cluster (tested without a browser).

Mirrors the kubectl commands a learner would type: `kubectl scale`,
`kubectl delete pod`, `kubectl set image`, `kubectl events`,
`kubectl describe pod`; plus the two things only a simulation offers:
letting time pass and stepping to the next thing that happens. Each
function changes the cluster through the API server and returns the line
kubectl would print; user errors raise `ApiError` for the dashboard to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k8slite.api.core import Event
from k8slite.api.meta import KubeObject
from k8slite.pod_history import HIDDEN_NAMESPACES
from k8slite.viz.palette import pod_state

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

STEP_LIMIT = 300.0  # Step gives up after this many seconds without a new Event
EVENT_LINES = 10


def visible(objects: list[Any]) -> list[Any]:
    return [o for o in objects if o.namespace not in HIDDEN_NAMESPACES]


def scale_target(cluster: Cluster) -> KubeObject | None:
    """The first Deployment with a typed spec.replicas, else the first ReplicaSet, else None."""
    for plural in ("deployments", "replicasets"):
        for obj in visible(cluster.api.list(plural)):
            if isinstance(getattr(obj.spec, "replicas", None), int):
                return obj  # type: ignore[no-any-return]
    return None


def first_deployment(cluster: Cluster) -> KubeObject | None:
    found = visible(cluster.api.list("deployments"))
    return found[0] if found else None  # type: ignore[no-any-return]


def run_for(cluster: Cluster, seconds: float) -> str:
    cluster.run(seconds)
    return f"ran {seconds:g} s"


def step(cluster: Cluster, limit: float = STEP_LIMIT) -> str:
    """Run clock callback by callback until an Event is recorded, or a repeat counted (or `limit` seconds pass)."""
    start, before = cluster.now, occurrences(cluster)
    while cluster.now < start + limit and occurrences(cluster) == before:
        due = cluster.clock.next_time()
        if due is None or due > start + limit:
            cluster.run(start + limit - cluster.now)
            break
        cluster.clock.step()
    cluster.run(0)  # what else is due at this very instant
    fresh = sorted((e for e in cluster.events() if e.count > before.get(e.name, 0)),
                   key=lambda e: (e.last_timestamp or 0.0, int(e.metadata.resource_version)))
    if not fresh:
        return f"nothing happened in {cluster.now - start:g} s"
    return f"after {cluster.now - start:g} s: {fresh[0].reason} {fresh[0].message}"


def occurrences(cluster: Cluster) -> dict[str, int]:
    """Each Event's count by name: a repeat updates an Event's count rather than adding one (events.py)."""
    return {e.name: e.count for e in cluster.api.list("events") if isinstance(e, Event)}


def scale(cluster: Cluster, replicas: int) -> str:
    """Write spec.replicas of the scale target through the API (copy, change, update), as kubectl scale."""
    target = scale_target(cluster)
    if target is None:
        raise ValueError("nothing to scale: apply a Deployment (or a ReplicaSet) first")
    if target.spec.replicas == replicas:  # type: ignore[attr-defined]
        return f"{resource(target)} already has {replicas} replicas"
    scaled = target.copy()
    scaled.spec.replicas = replicas  # type: ignore[attr-defined]
    cluster.api.update(scaled)
    cluster.run(0)
    return f"{resource(target)} scaled"


def resource(obj: KubeObject) -> str:
    group = ".apps" if obj.kind in ("Deployment", "ReplicaSet") else ""
    return f"{obj.kind.lower()}{group}/{obj.name}"


def fail_node(cluster: Cluster, name: str) -> str:
    cluster.node(name).fail()
    cluster.run(0)
    return f"machine {name} is down (its kubelet stops heartbeating)"


def recover_node(cluster: Cluster, name: str) -> str:
    cluster.node(name).recover()
    cluster.run(0)
    return f"machine {name} is back"


def split_ref(ref: str) -> tuple[str, str]:
    namespace, _, name = ref.partition("/")
    return namespace, name


def delete_pod(cluster: Cluster, ref: str) -> str:
    namespace, name = split_ref(ref)
    cluster.delete("pods", name, namespace=namespace)
    cluster.run(0)
    return f'pod "{name}" deleted'


def roll_out(cluster: Cluster, image: str) -> str:
    """`kubectl set image deployment/<first> *=<image>`: a new pod template, so a new ReplicaSet."""
    target = first_deployment(cluster)
    if target is None:
        raise ValueError("nothing to roll out: apply a Deployment first")
    image = image.strip()
    if not image or any(ch.isspace() for ch in image):
        raise ValueError(f'"{image}" is not an image reference: type one like busybox:1.36')
    out = str(cluster.kubectl(f"set image deployment/{target.name} *={image} -n {target.namespace}")).strip()
    if not out.endswith(("image updated", f"deployment.apps/{target.name}")):
        raise ValueError(out)  # kubectl printed an error: the dashboard shows it as one
    cluster.run(0)
    return out


def current_image(cluster: Cluster) -> str:
    target = first_deployment(cluster)
    if target is None:
        return ""
    containers = target.spec.template.spec.containers  # type: ignore[attr-defined]
    return containers[0].image if containers else ""


def pod_choices(cluster: Cluster) -> list[tuple[str, str]]:
    """(label, "namespace/name") for every visible pod, sorted by name."""
    return [(f"{p.name}  {pod_state(p)}  {p.spec.node_name or '<none>'}", f"{p.namespace}/{p.name}")
            for p in visible(cluster.api.list("pods"))]


def describe_pod(cluster: Cluster, ref: str | None) -> str:
    if not ref:
        return "choose a pod above to see `kubectl describe pod`"
    namespace, name = split_ref(ref)
    return str(cluster.kubectl(f"describe pod {name} -n {namespace}"))


def recent_events(cluster: Cluster, lines: int = EVENT_LINES) -> str:
    """The header and the last `lines` rows of `kubectl events -A`: the latest events (`kubectl get events`
    lists them by name, as the API server does, so its last rows are not the latest)."""
    if not cluster.events():
        return "no events yet"
    table = str(cluster.kubectl("events -A")).rstrip("\n").split("\n")
    return "\n".join([table[0], *table[1:][-lines:]])
