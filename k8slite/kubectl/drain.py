"""kubectl drain: cordon a node, then evict its pods and wait until they are gone.

Mirrors k8s.io/kubectl/pkg/drain as `kubectl drain NODE` runs it: the node
is cordoned first (no new pods go there), then every pod on it is checked
by kubectl's filters and evicted, and kubectl waits until each one is gone
(its controller makes a replacement elsewhere; the pod itself is not
moved). The filters refuse, unless told otherwise: a pod that no controller
owns, which would be gone for good (`--force`), and a pod with an emptyDir,
whose data would be lost (`--delete-emptydir-data`). Finished pods are
always fine to delete. Planned maintenance is the polite twin of a node
failure: the pods go at once, each with its grace period, instead of after
the 50 s + 300 s a dead node costs.

Simplified: no DaemonSets or PodDisruptionBudgets in k8slite, so an
eviction is a deletion with the pod's grace period (`--grace-period`
overrides it); pods are evicted one after another, in name order.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.clock import go_duration
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.rollout import seconds
from k8slite.kubectl.wait import current
from k8slite.kubectl.write import write

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

UNMANAGED = ("cannot delete Pods that declare no controller (use --force to override)",
             "deleting Pods that declare no controller")
LOCAL_STORAGE = ("cannot delete Pods with local storage (use --delete-emptydir-data to override)",
                 "deleting Pods with local storage")


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
    fatal, warnings = check(pods, cmd.flags)
    if fatal:
        return "".join(out) + not_drained(node.name, "; ".join(fatal))
    out += [f"Warning: {w}\n" for w in warnings]
    evicted, late = evict(cluster, pods, cmd.flags)
    out += evicted
    if late:
        return "".join(out) + not_drained(node.name, f"[{', '.join(late)}]")
    return "".join(out) + f"node/{node.name} drained\n"


def not_drained(node: str, message: str) -> str:
    return (f'error: unable to drain node "{node}" due to error: {message}, continuing command...\n'
            f"There are pending nodes to be drained:\n {node}\n{message}\n")


def cordon(cluster: Cluster, node: Node) -> str:
    if node.spec.unschedulable:
        return f"node/{node.name} already cordoned\n"
    new = node.copy()
    new.spec.unschedulable = True
    write(cluster, new)
    return f"node/{node.name} cordoned\n"


def unmanaged(pod: Pod) -> bool:
    return pod.metadata.controller_ref() is None


def local_storage(pod: Pod) -> bool:
    return any(v.empty_dir is not None for v in pod.spec.volumes)


FILTERS = ((UNMANAGED, "force", unmanaged), (LOCAL_STORAGE, "delete_emptydir_data", local_storage))


def check(pods: list[Pod], flags: dict[str, Any]) -> tuple[list[str], list[str]]:
    """kubectl's filters: (what stops the drain, what it only warns about), each with the pods it names."""
    fatal: list[str] = []
    warnings: list[str] = []
    for (refusal, warning), override, matches in FILTERS:
        named = ", ".join(f"{p.namespace}/{p.name}" for p in pods if not finished(p) and matches(p))
        if not named:
            continue
        if flags.get(override):
            warnings.append(f"{warning}: {named}")
        else:
            fatal.append(f"{refusal}: {named}")
    return fatal, warnings


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
