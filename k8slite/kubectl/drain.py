"""kubectl drain: cordon a node, then evict its pods and wait until they are gone.

Mirrors k8s.io/kubectl/pkg/drain as `kubectl drain NODE` runs it: the node
is cordoned first (no new pods go there), then every pod on it is checked
by kubectl's filters and evicted, and kubectl waits until each one is gone
(its controller makes a replacement elsewhere; the pod itself is not
moved). Planned maintenance is the polite twin of a node failure: the pods
go at once, each with its grace period, instead of after the 50 s + 300 s a
dead node costs.

The filters (drain/filters.go) look at each pod in turn, and the first that
says "do not delete" decides for it; a finished pod is always fine to delete:
- a DaemonSet's pod is never evicted: its controller would only make it
  again on the same node (it tolerates the cordon's unschedulable taint).
  Without `--ignore-daemonsets` the drain stops (`cannot delete
  DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ...`); with it,
  `Warning: ignoring DaemonSet-managed Pods: ...` and the pod stays. A pod
  whose DaemonSet is gone stops the drain too (`cannot delete daemonsets.apps
  "x" not found: ...`), unless `--force` deletes it;
- a pod with an emptyDir, whose data would be lost, stops the drain unless
  `--delete-emptydir-data`;
- a pod that no controller owns, which would be gone for good, stops it
  unless `--force`. kubectl 1.32 words it `cannot delete cannot delete Pods
  that declare no controller ...`: its message already says "cannot delete"
  and the list of refusals adds it again.
Each refusal names its pods (`kube-system/fluentd-x, ...`); several refusals
print as `[a, b]` on the error line and one per line at the end, the warnings
as one `Warning:` line joined by `; `. A pod keeps only the word of the last
filter it went through, so a warning is lost when a later filter says okay:
kubectl 1.32 never prints `--delete-emptydir-data`'s (`deleting Pods with
local storage`), nor `--force`'s for a pod whose DaemonSet is gone. kubectl
gathers refusals and warnings in Go maps, whose order is random; here they
come in the order of their first pod.

Simplified: no PodDisruptionBudgets or mirror pods in k8slite, so an
eviction is a deletion with the pod's grace period (`--grace-period`
overrides it); pods are evicted one after another, in name order.
Left out: --pod-selector, --skip-wait-for-delete-timeout, --disable-eviction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.clock import go_duration
from k8slite.errors import NotFound
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.rollout import seconds
from k8slite.kubectl.wait import current
from k8slite.kubectl.write import write

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"


@dataclass(frozen=True)
class PodDeleteStatus:
    """What one filter says of a pod: whether to delete it, and why (Okay, Warning or Error, with a message)."""

    delete: bool
    reason: str = "Okay"
    message: str = ""


OKAY = PodDeleteStatus(True)


def warning(delete: bool, message: str) -> PodDeleteStatus:
    return PodDeleteStatus(delete, "Warning", message)


def error(message: str) -> PodDeleteStatus:
    return PodDeleteStatus(False, "Error", message)


def finished(pod: Pod) -> bool:
    return pod.status.phase in ("Succeeded", "Failed")


def drain(cluster: Cluster, cmd: Command) -> str:
    if len(cmd.args) != 1:
        raise UsageError("USAGE: drain NODE [flags]" if not cmd.args else "exactly one NODE is required")
    node = cluster.api.get("nodes", cmd.args[0].removeprefix("node/").removeprefix("nodes/"), "")
    assert isinstance(node, Node)
    out = [cordon(cluster, node)]
    pods = sorted((p for p in cluster.api.list("pods") if isinstance(p, Pod) and p.spec.node_name == node.name),
                  key=lambda p: (p.namespace, p.name))
    statuses = filter_pods(cluster, pods, cmd.flags)
    fatal = grouped(statuses, "Error", "cannot delete {}: {}")
    if fatal:
        return "".join(out) + not_drained(node.name, fatal)
    warnings = grouped(statuses, "Warning", "{}: {}")
    out += [f"Warning: {'; '.join(warnings)}\n"] if warnings else []
    evicted, late = evict(cluster, [p for p, status in statuses if status.delete], cmd.flags)
    out += evicted
    if late:
        return "".join(out) + not_drained(node.name, [f"[{', '.join(late)}]"])
    return "".join(out) + f"node/{node.name} drained\n"


def not_drained(node: str, errors: list[str]) -> str:
    """RunDrain's report: the errors as one aggregate (`[a, b]` if several), then each on a line of its own,
    as kubectl's checkErr prints an aggregate."""
    message = errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]"
    return (f'error: unable to drain node "{node}" due to error: {message}, continuing command...\n'
            f"There are pending nodes to be drained:\n {node}\n" + "".join(f"{e}\n" for e in errors))


def cordon(cluster: Cluster, node: Node) -> str:
    if node.spec.unschedulable:
        return f"node/{node.name} already cordoned\n"
    new = node.copy()
    new.spec.unschedulable = True
    write(cluster, new)
    return f"node/{node.name} cordoned\n"


def daemonset_filter(cluster: Cluster, pod: Pod, flags: dict[str, Any]) -> PodDeleteStatus:
    """A DaemonSet's running pod is never deleted: an error, or with --ignore-daemonsets a warning. A pod whose
    DaemonSet is gone is an error too, unless --force deletes it."""
    ref = pod.metadata.controller_ref()
    if ref is None or ref.kind != "DaemonSet" or finished(pod):
        return OKAY
    try:
        cluster.api.get("daemonsets", ref.name, pod.namespace)
    except NotFound as e:
        return warning(True, e.message) if flags.get("force") else error(e.message)
    return warning(False, DAEMONSET_WARNING) if flags.get("ignore_daemonsets") else error(DAEMONSET_FATAL)


def local_storage_filter(cluster: Cluster, pod: Pod, flags: dict[str, Any]) -> PodDeleteStatus:
    if not any(v.empty_dir is not None for v in pod.spec.volumes) or finished(pod):
        return OKAY
    return warning(True, LOCAL_STORAGE_WARNING) if flags.get("delete_emptydir_data") else error(LOCAL_STORAGE_FATAL)


def unreplicated_filter(cluster: Cluster, pod: Pod, flags: dict[str, Any]) -> PodDeleteStatus:
    if finished(pod) or pod.metadata.controller_ref() is not None:
        return OKAY
    return warning(True, UNMANAGED_WARNING) if flags.get("force") else error(UNMANAGED_FATAL)


FILTERS = (daemonset_filter, local_storage_filter, unreplicated_filter)


def filter_pods(cluster: Cluster, pods: list[Pod], flags: dict[str, Any]) -> list[tuple[Pod, PodDeleteStatus]]:
    """filterPods: each pod with what the last filter it went through said (a "do not delete" stops it)."""
    statuses = []
    for pod in pods:
        status = OKAY
        for check in FILTERS:
            status = check(cluster, pod, flags)
            if not status.delete:
                break
        statuses.append((pod, status))
    return statuses


def grouped(statuses: list[tuple[Pod, PodDeleteStatus]], reason: str, form: str) -> list[str]:
    """PodDeleteList's errors() or Warnings(): one message per kind of refusal (or warning), with its pods."""
    pods: dict[str, list[str]] = {}
    for pod, status in statuses:
        if status.reason == reason:
            pods.setdefault(status.message, []).append(f"{pod.namespace}/{pod.name}")
    return [form.format(message, ", ".join(names)) for message, names in pods.items()]


def evict(cluster: Cluster, pods: list[Pod], flags: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Evict every pod, then wait (in cluster time) until each is gone: (`pod/x evicted` lines as they go,
    the pods still there when --timeout ran out)."""
    grace = int(flags.get("grace_period", -1))
    limit = seconds(str(flags["timeout"])) if "timeout" in flags else 0.0  # 0: wait as long as it takes
    lines = []
    for pod in pods:
        lines.append(f"evicting pod {pod.namespace}/{pod.name}\n")
        cluster.delete("pods", pod.name, pod.namespace, grace_period=grace if grace >= 0 else None)
    if flags.get("dry_run", "none") != "none":
        return lines, []  # a dry run does not wait
    waiting, deadline = list(pods), cluster.now + limit if limit else math.inf
    while waiting:
        gone = [p for p in waiting if current(cluster, p) is None]  # deleted, or replaced by a namesake
        lines += [f"pod/{p.name} evicted\n" for p in gone]
        waiting = [p for p in waiting if p not in gone]
        if not waiting:
            break
        def one_gone(c: Cluster, left: list[Pod] = waiting) -> bool:
            return any(current(c, p) is None for p in left)
        try:
            cluster.run_until(one_gone, timeout=max(0.0, deadline - cluster.now))
        except TimeoutError:
            return lines, [f'error when waiting for pod "{p.name}" in namespace "{p.namespace}" to terminate: '
                           f"global timeout reached: {go_duration(limit)}" for p in waiting]
    return lines, []
