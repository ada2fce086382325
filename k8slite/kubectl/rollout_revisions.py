"""kubectl rollout of the kinds whose versions are ControllerRevisions: DaemonSets and StatefulSets
(pkg/polymorphichelpers: their StatusViewers, HistoryViewers and Rollbackers).

Both controllers keep each version of the pod template as a ControllerRevision
whose data is a strategic merge patch, `{"spec": {"template": {...,
"$patch": "replace"}}}`, so history and undo work the same for both:

- `status` prints the object's state when it starts, then once more each
  time the object is written (status writes included), as kubectl's watch
  does, until its viewer says the rollout is done. A DaemonSet: `Waiting for
  daemon set "x" rollout to finish: 1 out of 3 new pods have been
  updated...`, `... 2 of 3 updated pods are available...`, `daemon set "x"
  successfully rolled out`. A StatefulSet: `Waiting for 1 pods to be
  ready...`; with a rollingUpdate (which the defaults always give, partition
  0) `Waiting for partitioned roll out to finish: 1 out of 2 new pods have
  been updated...` until `partitioned roll out complete: 2 new pods have been
  updated...`; with `type: RollingUpdate` and no rollingUpdate, `waiting for
  statefulset rolling update to complete 1 pods at revision web-xxx...` until
  `statefulset rolling update complete 2 pods at revision web-xxx...`. OnDelete
  has no rollout to watch: `error: rollout status is only available for
  RollingUpdate strategy type`. kubectl has no default --timeout; here the
  wait stops after 10 minutes of cluster time unless --timeout says otherwise.
- `history` lists the ControllerRevisions the object's selector matches and
  it controls; the change-cause is the revision's annotation, which the
  controllers copy from the object; `--revision=N` shows the template the
  revision's patch gives.
- `undo` applies the revision's patch to the object as a strategic merge
  patch; it is skipped when that patch is the one the current template would
  make; `--dry-run=client` prints `will roll back to` and the template.
- `pause` and `resume` are refused (only Deployments pause); `restart` is
  the same as a Deployment's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k8slite import strategicpatch
from k8slite.api.daemonset import ControllerRevision, DaemonSet
from k8slite.api.deployment import CHANGE_CAUSE
from k8slite.api.kinds import decode, kind_of
from k8slite.api.meta import KubeObject
from k8slite.api.pod import PodTemplateSpec
from k8slite.api.statefulset import StatefulSet
from k8slite.controllers.daemonset import template_patch
from k8slite.kubectl import dryrun
from k8slite.kubectl.command import Command
from k8slite.kubectl.describe_other import describe_template
from k8slite.kubectl.describe_writer import PrefixWriter
from k8slite.kubectl.rollout import not_implemented, resource_name_of, restart, seconds, with_revision
from k8slite.kubectl.tabwriter import tabwrite
from k8slite.kubectl.write import write

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

Revisioned = DaemonSet | StatefulSet
WAIT = "10m"  # how long `rollout status` waits without --timeout (kubectl: for ever)
NOT_ROLLING = "rollout status is only available for RollingUpdate strategy type"


# ------------------------------------------------------------ status
def daemonset_status_message(ds: DaemonSet) -> tuple[str, bool]:
    """kubectl's DaemonSetStatusViewer: (what to print, whether the rollout is done); ValueError for OnDelete."""
    s, name = ds.status, ds.name
    if ds.spec.update_strategy.type != "RollingUpdate":
        raise ValueError(NOT_ROLLING)
    if (ds.metadata.generation or 0) > (s.observed_generation or 0):
        return "Waiting for daemon set spec update to be observed...\n", False
    waiting, desired = f'Waiting for daemon set "{name}" rollout to finish: ', s.desired_number_scheduled
    if s.updated_number_scheduled < desired:
        return f"{waiting}{s.updated_number_scheduled} out of {desired} new pods have been updated...\n", False
    if s.number_available < desired:
        return f"{waiting}{s.number_available} of {desired} updated pods are available...\n", False
    return f'daemon set "{name}" successfully rolled out\n', True


def statefulset_status_message(sts: StatefulSet) -> tuple[str, bool]:
    """kubectl's StatefulSetStatusViewer: (what to print, whether the rollout is done); ValueError for OnDelete.

    A set with a rollingUpdate is done once the pods at or above the partition are updated, before the
    status names the update revision the current one."""
    s, spec, strategy = sts.status, sts.spec, sts.spec.update_strategy
    if strategy.type != "RollingUpdate":
        raise ValueError(NOT_ROLLING)
    if not s.observed_generation or (sts.metadata.generation or 0) > s.observed_generation:
        return "Waiting for statefulset spec update to be observed...\n", False
    if spec.replicas is not None and s.ready_replicas < spec.replicas:
        return f"Waiting for {spec.replicas - s.ready_replicas} pods to be ready...\n", False
    rolling = strategy.rolling_update
    if rolling is not None:
        if spec.replicas is not None and rolling.partition is not None and \
                s.updated_replicas < spec.replicas - rolling.partition:
            return (f"Waiting for partitioned roll out to finish: {s.updated_replicas} out of "
                    f"{spec.replicas - rolling.partition} new pods have been updated...\n"), False
        return f"partitioned roll out complete: {s.updated_replicas} new pods have been updated...\n", True
    if s.update_revision != s.current_revision:
        return (f"waiting for statefulset rolling update to complete {s.updated_replicas} pods at revision "
                f"{s.update_revision}...\n"), False
    return f"statefulset rolling update complete {s.current_replicas} pods at revision {s.current_revision}...\n", True


VIEWERS: dict[type, Callable[[Any], tuple[str, bool]]] = {
    DaemonSet: daemonset_status_message, StatefulSet: statefulset_status_message}


class StatusWatch:
    """watchtools.UntilWithSync as `rollout status` uses it: one line per state of the object it is told
    about (the listed one, then each change), until the viewer says done or fails."""

    def __init__(self, watch: bool) -> None:
        self.watch, self.lines, self.done = watch, list[str](), False

    def show(self, obj: KubeObject | None) -> None:
        if self.done:
            return
        viewer = VIEWERS.get(type(obj))
        if viewer is None:  # deleted: kubectl stops rather than watch a namesake
            message, done = "error: object has been deleted\n", True
        else:
            try:
                message, done = viewer(obj)
            except ValueError as e:
                message, done = f"error: {e}\n", True
        self.lines.append(message)
        self.done = done or not self.watch


def watch_status(cluster: Cluster, cmd: Command, obj: Revisioned) -> str:
    """Watch the object from now on, running the cluster's clock, until the rollout is done or --timeout."""
    limit = seconds(str(cmd.flags.get("timeout", WAIT)))
    seen = StatusWatch(bool(cmd.flags.get("watch", True)))

    def changed() -> None:
        for event in stream.drain():
            seen.show(None if event.type == "DELETED" else event.value)

    stream = cluster.api.watch(kind_of(obj).plural, obj.namespace, cluster.api.store.revision, changed,
                               match=lambda o: o.name == obj.name)
    try:
        seen.show(obj)
        if not seen.done:
            cluster.run_until(lambda c: seen.done, timeout=limit or float("inf"))
    except TimeoutError:
        seen.lines.append("error: timed out waiting for the condition\n")
    finally:
        stream.stop()
    return "".join(seen.lines)


# ------------------------------------------------------------ history and undo
def controller_revisions(cluster: Cluster, owner: Revisioned) -> list[ControllerRevision]:
    """controlledHistory: the ControllerRevisions its selector matches that the owner controls, oldest first."""
    return sorted((r for r in cluster.api.list("controllerrevisions", owner.namespace)
                   if isinstance(r, ControllerRevision) and owner.spec.selector.matches(r.metadata.labels)
                   and (ref := r.metadata.controller_ref()) is not None and ref.uid == owner.metadata.uid),
                  key=lambda r: r.revision)


def revision_template(owner: Revisioned, history: ControllerRevision) -> PodTemplateSpec:
    """applyDaemonSetHistory and applyStatefulSetHistory: the template once the revision's patch is applied."""
    applied = decode(strategicpatch.merge(owner.to_dict(), history.data))
    assert isinstance(applied, (DaemonSet, StatefulSet))
    return applied.spec.template


def current_patch(owner: Revisioned) -> dict[str, Any]:
    """getDaemonSetPatch and getStatefulSetPatch: the revision data the current template would make."""
    return template_patch(owner.spec.template)


def history(cluster: Cluster, cmd: Command, owner: Revisioned) -> str:
    revisions = {r.revision: r for r in controller_revisions(cluster, owner)}
    wanted = int(cmd.flags.get("revision", 0) or 0)
    if not revisions:
        return f"{resource_name_of(owner)} \nNo rollout history found.\n"
    if wanted:
        if wanted not in revisions:
            raise ValueError("unable to find the specified revision")
        return with_revision(owner, wanted, revision_template(owner, revisions[wanted]))
    rows = [["REVISION", "CHANGE-CAUSE"]] + [[str(n), r.metadata.annotations.get(CHANGE_CAUSE) or "<none>"]
                                             for n, r in revisions.items()]
    return f"{resource_name_of(owner)} \n{tabwrite(rows, minwidth=0, padding=2)}\n"


def undo(cluster: Cluster, cmd: Command, owner: Revisioned) -> str:
    """DaemonSetRollbacker and StatefulSetRollbacker: the chosen revision's data, sent as a strategic merge
    patch."""
    wanted, mode, name = int(cmd.flags.get("to_revision", 0) or 0), dryrun.mode(cmd), resource_name_of(owner)
    revisions = controller_revisions(cluster, owner)
    if wanted == 0 and len(revisions) <= 1:
        raise ValueError("no last revision to roll back to")
    target = revisions[-2] if wanted == 0 else next((r for r in revisions if r.revision == wanted), None)
    if target is None:
        raise ValueError(f"unable to find specified revision {wanted} in history")
    if mode == "client":
        w = PrefixWriter()
        describe_template(w, revision_template(owner, target))
        return f"{name} will roll back to {w.text} (dry run)\n"  # printPodTemplate: tabs not lined up
    note = dryrun.NOTES.get(mode, "")
    if current_patch(owner) == target.data:  # kubectl names the revision asked for (0 by default)
        return f"{name} skipped rollback (current template already matches revision {wanted}){note}\n"
    new = decode(strategicpatch.merge(owner.to_dict(), target.data))
    if mode == "server":
        with dryrun.dry(cluster):
            write(cluster, new)
    else:
        write(cluster, new)
    return f"{name} rolled back{note}\n"


def not_paused(cluster: Cluster, cmd: Command, owner: Revisioned) -> str:
    """defaultObjectPauser and defaultObjectResumer: only a Deployment pauses."""
    raise ValueError(not_implemented(cmd.args[0], kind_of(owner), owner.name))


HANDLERS: dict[str, Callable[[Cluster, Command, Any], str]] = {
    "status": watch_status, "history": history, "undo": undo, "pause": not_paused, "resume": not_paused,
    "restart": restart}
