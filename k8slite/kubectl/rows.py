"""kubectl get's table printers for the kinds k8slite models, k8s.io/kubernetes/pkg/printers/internalversion.

One function per kind turns an object into the cells of its row: pods,
nodes, ReplicaSets, namespaces and events. A pod's STATUS is not its phase:
it is the reason of the first container that is not running
(CrashLoopBackOff, Completed, Error ...), or Terminating once the pod has a
deletionTimestamp, exactly as printPod computes it. RESTARTS says how long ago the last restart was
(kubectl 1.24+). While init containers run, STATUS is `Init:0/2`,
`Init:Error`, `Init:CrashLoopBackOff` ...; READY counts sidecars too.
Left out: readiness gates (always <none>), and NOMINATED NODE (preemption).
"""

from __future__ import annotations

from typing import Any

from k8slite.api.core import Event, Namespace
from k8slite.api.node import Node
from k8slite.api.pod import Container, Pod
from k8slite.api.replicaset import ReplicaSet
from k8slite.kubectl.durations import since
from k8slite.kubectl.selectors import format_selector

Row = list[str]


# ---------------------------------------------------------------- pods

def init_reason(pod: Pod) -> str:
    """printPod's walk of initContainerStatuses: `Init:1/2`, `Init:Error`, `Init:CrashLoopBackOff` ... or ""."""
    specs = {c.name: c for c in pod.spec.init_containers}
    for i, cs in enumerate(pod.status.init_container_statuses):
        sidecar = cs.name in specs and specs[cs.name].is_sidecar()
        t, waiting = cs.state.terminated, cs.state.waiting
        if t is not None and t.exit_code == 0 or sidecar and cs.started:
            continue  # done: exited 0, or a sidecar that has started
        if t is not None:
            return f"Init:{t.reason}" if t.reason else f"Init:ExitCode:{t.exit_code}"
        if waiting is not None and waiting.reason and waiting.reason != "PodInitializing":
            return f"Init:{waiting.reason}"
        return f"Init:{i}/{len(pod.spec.init_containers)}"
    return ""


def initialized(pod: Pod) -> bool:
    condition = pod.status.condition("Initialized")
    return condition is not None and condition.status == "True"


def pod_reason(pod: Pod) -> str:
    """The STATUS column: kubectl's printPod, walking init containers first, then containers from last to first."""
    status = pod.status
    initializing = init_reason(pod)
    reason = initializing or status.reason or status.phase
    if initializing and not initialized(pod):
        return terminating_reason(pod, reason)
    for cs in reversed(status.container_statuses):
        state = cs.state
        if state.waiting is not None and state.waiting.reason:
            reason = state.waiting.reason
        elif state.terminated is not None and state.terminated.reason:
            reason = state.terminated.reason
        elif state.terminated is not None:
            reason = f"ExitCode:{state.terminated.exit_code}"
    running = any(cs.ready and cs.state.running is not None for cs in status.container_statuses)
    if reason == "Completed" and running:
        reason = "Running" if status.condition("Ready") is not None else "NotReady"
    return terminating_reason(pod, reason)


def terminating_reason(pod: Pod, reason: str) -> str:
    status = pod.status
    if pod.metadata.deletion_timestamp is not None and status.reason == "NodeLost":
        return "Unknown"
    if pod.metadata.deletion_timestamp is not None and status.phase not in ("Succeeded", "Failed"):
        return "Terminating"
    return reason


def pod_ready(pod: Pod) -> str:
    """READY: `1/2`, containers (and started sidecars) running and ready, out of containers and sidecars."""
    sidecars = {c.name for c in pod.spec.init_containers if c.is_sidecar()}
    ok = sum(1 for cs in pod.status.container_statuses if cs.ready and cs.state.running is not None
             and not (cs.state.waiting and cs.state.waiting.reason))
    ok += sum(1 for cs in pod.status.init_container_statuses if cs.name in sidecars and cs.started and cs.ready)
    return f"{ok}/{len(pod.spec.containers) + len(sidecars)}"


def pod_restarts(pod: Pod, now: float) -> str:
    """`3 (25s ago)`: restarts, and how long ago the last one died (kubectl 1.24+).

    While a pod initializes its init containers' restarts count; afterwards only its sidecars' do.
    """
    done = initialized(pod)
    counted = [cs for cs in pod.status.init_container_statuses if not done
               or (pod.container(cs.name) or Container()).is_sidecar()] + pod.status.container_statuses
    restarts = sum(cs.restart_count for cs in counted)
    finished = [cs.last_state.terminated.finished_at for cs in counted
                if cs.last_state.terminated is not None and cs.last_state.terminated.finished_at is not None]
    if restarts and finished:
        return f"{restarts} ({since(now, max(finished))} ago)"
    return str(restarts)


def pod_row(pod: Pod, now: float, wide: bool) -> Row:
    row = [pod.name, pod_ready(pod), pod_reason(pod), pod_restarts(pod, now),
           since(now, pod.metadata.creation_timestamp)]
    if wide:
        ip = pod.status.pod_ips[0].ip if pod.status.pod_ips else ""
        row += [ip or "<none>", pod.spec.node_name or "<none>", "<none>", "<none>"]
    return row


# ---------------------------------------------------------------- nodes

def node_roles(node: Node) -> str:
    """ROLES: from `node-role.kubernetes.io/<role>` labels (and the older `kubernetes.io/role`)."""
    roles = {k.split("/", 1)[1] for k in node.metadata.labels
             if k.startswith("node-role.kubernetes.io/") and "/" in k}
    if node.metadata.labels.get("kubernetes.io/role"):
        roles.add(node.metadata.labels["kubernetes.io/role"])
    return ",".join(sorted(r for r in roles if r)) or "<none>"


def node_status(node: Node) -> str:
    """STATUS: the Ready condition (Ready, NotReady, Unknown), then SchedulingDisabled if cordoned."""
    ready = node.status.condition("Ready")
    words = ["Unknown" if ready is None else ("Ready" if ready.status == "True" else "NotReady")]
    if node.spec.unschedulable:
        words.append("SchedulingDisabled")
    return ",".join(words)


def node_row(node: Node, now: float, wide: bool) -> Row:
    info = node.status.node_info
    row = [node.name, node_status(node), node_roles(node), since(now, node.metadata.creation_timestamp),
           str(info.get("kubeletVersion", ""))]
    if wide:
        def address(kind: str) -> str:
            return next((a.address for a in node.status.addresses if a.type == kind), "<none>")
        row += [address("InternalIP"), address("ExternalIP"), info.get("osImage") or "<unknown>",
                info.get("kernelVersion") or "<unknown>", info.get("containerRuntimeVersion") or "<unknown>"]
    return row


# ---------------------------------------------------------------- ReplicaSets, namespaces, events

def containers_images(spec: Any) -> tuple[str, str]:
    """CONTAINERS and IMAGES of a pod template (a PodSpec or its dict)."""
    if isinstance(spec, dict):
        cs = spec.get("containers") or []
        return ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs)
    return ",".join(c.name for c in spec.containers), ",".join(c.image for c in spec.containers)


def rs_row(rs: ReplicaSet, now: float, wide: bool) -> Row:
    row = [rs.name, str(rs.spec.replicas), str(rs.status.replicas), str(rs.status.ready_replicas),
           since(now, rs.metadata.creation_timestamp)]
    if wide:
        row += [*containers_images(rs.spec.template.spec), format_selector(rs.spec.selector)]
    return row


def ns_row(ns: Namespace, now: float, wide: bool) -> Row:
    return [ns.name, ns.status.phase, since(now, ns.metadata.creation_timestamp)]


def event_row(ev: Event, now: float, wide: bool) -> Row:
    """LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; -o wide adds where it came from, FIRST SEEN and COUNT."""
    ref = ev.involved_object
    target = f"{ref.kind.lower()}/{ref.name}" if ref.name else ref.kind.lower()
    first = since(now, ev.first_timestamp)
    last = since(now, ev.last_timestamp) if ev.last_timestamp is not None else first
    if not wide:
        return [last, ev.type, ev.reason, target, ev.message.strip()]
    component = ev.source.component or ev.reporting_component
    host = ev.source.host or ev.reporting_instance
    source = f"{component}, {host}" if host else component
    return [last, ev.type, ev.reason, target, ref.field_path, source, ev.message.strip(), first,
            str(ev.count or 1), ev.name]
