"""The scale and log subresources (pkg/registry/apps/deployment/storage, pkg/registry/core/pod/rest/log.go).

`/apis/apps/v1/namespaces/default/deployments/web/scale` is an
autoscaling/v1 Scale: the workload's desired replicas in `spec`, what it
has and its label selector in `status`. `kubectl scale` PATCHes it with
`{"spec":{"replicas":3}}`; the server changes only spec.replicas of the
Deployment, ReplicaSet or StatefulSet, and its manager (`kubectl`, from kubectl's
User-Agent) comes to own that field with subresource "scale", which a
later server-side apply of another replicas conflicts with (apply.py). `/api/v1/namespaces/default/pods/web/log` is the
container's log as plain text (`container`, `previous`, `tailLines`), with
the kubelet's refusal for a container that has not started (`container
"app" in pod "web" is waiting to start: ContainerCreating`); with `follow`
the answer is chunked and goes on as the container writes (follow_log; a
kubelet process streams it itself, proxy.py). Left out: `sinceSeconds`,
`timestamps`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k8slite.apiserver import APIServer
from k8slite.errors import ApiError, BadRequest
from k8slite.kubectl.command import Command
from k8slite.kubectl.containers import logs
from k8slite.kubectl.selectors import format_selector
from k8slite.server import apply, rest
from k8slite.server.paths import Target

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

REFUSED = "Error from server (BadRequest): "
FOLLOW_POLL = 0.2  # real seconds between looks at a followed log


def scale_of(api: APIServer, target: Target) -> dict[str, Any]:
    """The Scale of a Deployment, ReplicaSet or StatefulSet."""
    obj: Any = rest.get_object(api, target)
    meta = obj.to_dict()["metadata"]
    return {"kind": "Scale", "apiVersion": "autoscaling/v1",
            "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                         if k in meta},
            "spec": {"replicas": obj.spec.replicas},
            "status": {"replicas": obj.status.replicas, "selector": format_selector(obj.spec.selector)}}


def change_scale(api: APIServer, target: Target, scale: Any, manager: str) -> dict[str, Any]:
    """Set spec.replicas from a Scale (PUT) and answer the new Scale; `manager` comes to own spec.replicas
    (a managedFields entry with subresource "scale", as kube-apiserver's ScaleHandler records it).

    spec.replicas is an int32, not a pointer: left out, it is 0, as Go reads it (protobuf.py leaves out such a
    field's 0, which Go cannot tell from no value)."""
    spec = (scale.get("spec") or {}) if isinstance(scale, dict) else None
    replicas = spec.get("replicas", 0) if isinstance(spec, dict) else None
    if not isinstance(replicas, int) or isinstance(replicas, bool):
        raise BadRequest("Scale in version \"v1\" cannot be handled as a Scale: spec.replicas must be an integer")
    obj: Any = rest.get_object(api, target)
    if obj.spec.replicas != replicas:
        new = obj.copy()
        new.spec.replicas = replicas
        apply.record_update(obj, new, manager, "scale", api.clock.now)
        api.update(new)
    return scale_of(api, target)


def patch_scale(api: APIServer, target: Target, raw: bytes, content_type: str, manager: str) -> dict[str, Any]:
    """PATCH the Scale (kubectl scale sends a merge patch) and answer the new Scale."""
    import json
    try:
        body = json.loads(raw or b"null")
    except ValueError as e:
        raise BadRequest(f"error decoding patch: {e}") from None
    return change_scale(api, target, rest.patched(scale_of(api, target), body, content_type), manager)


def log_text(cluster: Cluster, target: Target, query: dict[str, str]) -> str:
    """A container's log, as kubectl logs shows it (k8slite.kubectl.containers does the reading)."""
    flags: dict[str, Any] = {"namespace": target.namespace or "default"}
    if query.get("container"):
        flags["container"] = query["container"]
    if query.get("previous") == "true":
        flags["previous"] = True
    if query.get("tailLines"):
        flags["tail"] = query["tailLines"]
    rest.get_object(cluster.api, target)  # NotFound first, as the server checks
    text: str = logs(cluster, Command("logs", [target.name], flags))
    if text.startswith(REFUSED):
        raise BadRequest(text[len(REFUSED):].rstrip("\n"))
    return text


def follow_log(cluster: Cluster, lock: threading.RLock, target: Target, query: dict[str, str], first: str,
               write: Callable[[bytes], None], closing: threading.Event) -> None:
    """`kubectl logs -f`: send what was read, then each new piece of the log, until the container stops."""
    if first:
        write(first.encode())
    whole = {k: v for k, v in query.items() if k != "tailLines"}
    with lock:
        seen = log_text(cluster, target, whole)
    while not closing.is_set():
        time.sleep(FOLLOW_POLL)  # real time: the server's thread, not the simulation
        with lock:
            try:
                text, running = log_text(cluster, target, whole), still_running(cluster, target, query)
            except ApiError:
                return  # the pod is gone
        if text.startswith(seen) and len(text) > len(seen):
            write(text[len(seen):].encode())
        seen = text
        if not running:
            return


def still_running(cluster: Cluster, target: Target, query: dict[str, str]) -> bool:
    pod: Any = rest.get_object(cluster.api, target)
    name = query.get("container") or pod.spec.containers[0].name
    status = next((s for s in pod.status.container_statuses if s.name == name), None)
    return status is not None and status.state.terminated is None
