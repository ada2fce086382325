"""kubectl rollout (k8s.io/kubectl/pkg/cmd/rollout and pkg/polymorphichelpers): status, history, undo, pause,
resume and restart of a Deployment, a DaemonSet or a StatefulSet.

- `rollout status deployment/web` watches the rollout as kubectl does: it
  lets cluster time pass one second at a time and prints each new state in
  kubectl's words ("Waiting for deployment "web" rollout to finish: 1 out of
  3 new replicas have been updated..."), until `deployment "web"
  successfully rolled out`, or `error: deployment "web" exceeded its
  progress deadline`. `--watch=false` prints the state once; `--timeout`
  (default: the progress deadline plus a minute) bounds the wait.
- `rollout history` lists the revisions (one per ReplicaSet, with its
  kubernetes.io/change-cause annotation); `--revision=N` shows that
  template, its tabs not lined up (printTemplate writes to a plain buffer).
- `rollout undo [--to-revision=N]` copies an old ReplicaSet's template
  back into the Deployment (kubectl does it client-side); the controller
  then finds that ReplicaSet is new again and gives it the next revision.
  With `--dry-run=client` it prints that template, with `=server` it says
  it rolled back: neither changes anything.
- `rollout pause` / `resume` set spec.paused: template changes wait while paused.
- `rollout restart` writes the time into the template's annotation
  `kubectl.kubernetes.io/restartedAt`: a new template, so a rolling update
  replaces every pod, with the same image and config (twice in the same
  second is refused: the second would change nothing).

DaemonSets and StatefulSets, whose versions are ControllerRevisions, are
rollout_revisions.py's (their pause and resume are refused; restart is the
one here). Any other kind (a Job, a CronJob, a pod) is refused in
polymorphichelpers' words: `no status viewer has been implemented for
CronJob.batch`, `cronjobs.batch "x" restarting is not supported`. Left out:
`--revision` of `rollout status`, `-o` of history, and for a Deployment,
`status` following each write (it looks once a second and prints what
changed).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, cast

from k8slite.api.daemonset import DaemonSet
from k8slite.api.deployment import CHANGE_CAUSE, POD_TEMPLATE_HASH, Deployment
from k8slite.api.kinds import Kind, kind_of
from k8slite.api.meta import KubeObject
from k8slite.api.pod import PodTemplateSpec
from k8slite.api.serialize import format_time
from k8slite.api.statefulset import StatefulSet
from k8slite.controllers.deployment_util import equal_ignore_hash, revision
from k8slite.kubectl import dryrun
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.describe_other import describe_template
from k8slite.kubectl.describe_workloads import owned_replicasets
from k8slite.kubectl.describe_writer import PrefixWriter
from k8slite.kubectl.resources import resource_name
from k8slite.kubectl.tabwriter import tabwrite
from k8slite.kubectl.write import one_object, write

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def rollout(cluster: Cluster, cmd: Command) -> str:
    sub = cmd.args[0] if cmd.args else ""
    handlers = {"status": status, "history": history, "undo": undo, "pause": pause, "resume": pause,
                "restart": restart}
    if sub == "undo" and dryrun.mode(cmd) != "none":
        handlers["undo"] = undo_dry_run
    if sub not in handlers:
        raise UsageError(f'unknown command "{sub}" for "kubectl rollout"' if sub else
                         "kubectl rollout needs a subcommand: status, history, undo, pause, resume or restart")
    if not cmd.args[1:]:
        raise UsageError("required resource not specified")
    kind, d = one_object(cluster, cmd, cmd.args[1:])
    if isinstance(d, (DaemonSet, StatefulSet)):
        from k8slite.kubectl import rollout_revisions  # here: it imports this module's shared pieces
        return rollout_revisions.HANDLERS[sub](cluster, cmd, d)
    if not isinstance(d, Deployment):
        raise ValueError(not_implemented(sub, kind, d.name))
    return handlers[sub](cluster, cmd, d)


def not_implemented(sub: str, kind: Kind, name: str) -> str:
    """polymorphichelpers' refusal of a kind it has no status viewer, history viewer, rollbacker, pauser,
    resumer or restarter for (`pausing`, `resuming`, `restarting`)."""
    refusals = {"status": f"no status viewer has been implemented for {kind.group_kind}",
                "history": f'no history viewer has been implemented for "{kind.group_kind}"',
                "undo": f'no rollbacker has been implemented for "{kind.group_kind}"'}
    return refusals.get(sub, f'{kind.resource} "{name}" {sub.removesuffix("e")}ing is not supported')


def status_message(d: Deployment) -> tuple[str, bool]:
    """kubectl's DeploymentStatusViewer: (what to print, whether the rollout is done); ValueError when stuck."""
    s, name, replicas = d.status, d.name, d.spec.replicas
    if (d.metadata.generation or 0) > (s.observed_generation or 0):
        return "Waiting for deployment spec update to be observed...\n", False
    cond = s.condition("Progressing")
    if cond is not None and cond.reason == "ProgressDeadlineExceeded":
        raise ValueError(f'deployment "{name}" exceeded its progress deadline')
    waiting = f'Waiting for deployment "{name}" rollout to finish: '
    if s.updated_replicas < replicas:
        return f"{waiting}{s.updated_replicas} out of {replicas} new replicas have been updated...\n", False
    if s.replicas > s.updated_replicas:
        return f"{waiting}{s.replicas - s.updated_replicas} old replicas are pending termination...\n", False
    if s.available_replicas < s.updated_replicas:
        return f"{waiting}{s.available_replicas} of {s.updated_replicas} updated replicas are available...\n", False
    return f'deployment "{name}" successfully rolled out\n', True


def seconds(text: str) -> float:
    """A Go duration as --timeout takes it: 90s, 5m, 1h, 0 (= no limit)."""
    units = {"s": 1, "m": 60, "h": 3600}
    return float(text[:-1]) * units[text[-1]] if text[-1:] in units else float(text)


def status(cluster: Cluster, cmd: Command, d: Deployment) -> str:
    watch = cmd.flags.get("watch", True)
    limit = seconds(str(cmd.flags["timeout"])) if "timeout" in cmd.flags else \
        (d.spec.progress_deadline_seconds or 540) + 60
    start, lines = cluster.now, list[str]()
    while True:
        d = cast(Deployment, cluster.api.get("deployments", d.name, d.namespace))
        try:
            message, done = status_message(d)
        except ValueError as e:
            return "".join(lines) + f"error: {e}\n"
        if not lines or lines[-1] != message:
            lines.append(message)
        if done or not watch:
            return "".join(lines)
        if limit and cluster.now - start >= limit:
            return "".join(lines) + "error: timed out waiting for the condition\n"
        cluster.run(1)


def history(cluster: Cluster, cmd: Command, d: Deployment) -> str:
    rss = sorted(owned_replicasets(cluster, d), key=revision)
    wanted = int(cmd.flags.get("revision", 0) or 0)
    if wanted:
        rs = next((r for r in rss if revision(r) == wanted), None)
        if rs is None:
            raise ValueError("unable to find the specified revision")
        return with_revision(d, wanted, rs.spec.template)
    rows = [["REVISION", "CHANGE-CAUSE"]] + [[str(revision(rs)), rs.metadata.annotations.get(CHANGE_CAUSE, "<none>")]
                                             for rs in rss if revision(rs)]
    return f"{resource_name_of(d)} \n{tabwrite(rows, minwidth=0, padding=2)}\n"  # kubectl's space after the name


def with_revision(obj: KubeObject, wanted: int, template: PodTemplateSpec) -> str:
    """`rollout history --revision=N`: printTemplate writes to a plain buffer, so the tabs are not lined up;
    the name printer adds a newline after it."""
    w = PrefixWriter()
    describe_template(w, template)
    return f"{resource_name_of(obj)} with revision #{wanted}\n{w.text}\n"


def undo(cluster: Cluster, cmd: Command, d: Deployment) -> str:
    if d.spec.paused:
        raise ValueError(f"you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume "
                         f"deployment/{d.name}' and try again")
    rss = sorted((rs for rs in owned_replicasets(cluster, d) if revision(rs)), key=revision)
    wanted = int(cmd.flags.get("to_revision", 0) or 0)
    if wanted:
        target = next((rs for rs in rss if revision(rs) == wanted), None)
        if target is None:
            raise ValueError(f"unable to find specified revision {wanted} in history")
    elif len(rss) < 2:
        raise ValueError(f'no rollout history found for deployment "{d.name}"')
    else:
        target = rss[-2]  # the previous revision
    if equal_ignore_hash(target.spec.template, d.spec.template):
        return f"{resource_name_of(d)} skipped rollback (current template already matches revision " \
               f"{revision(target)})\n"
    new = d.copy()
    new.spec.template = copy.deepcopy(target.spec.template)
    new.spec.template.metadata.labels.pop(POD_TEMPLATE_HASH, None)
    write(cluster, new)
    return f"{resource_name_of(d)} rolled back\n"


def undo_dry_run(cluster: Cluster, cmd: Command, d: Deployment) -> str:
    """`undo --dry-run`: the undo on a dry run of the cluster. kubectl says so (server), or prints the
    template it would roll back to (client), as PrefixWriter writes it: tabs not lined up."""
    with dryrun.dry(cluster):
        done = undo(cluster, cmd, d)
        rolled = cast(Deployment, cluster.api.get("deployments", d.name, d.namespace))
        target = next(rs for rs in owned_replicasets(cluster, d)
                      if equal_ignore_hash(rs.spec.template, rolled.spec.template))
    if dryrun.mode(cmd) == "server":
        return done.rstrip("\n") + " (server dry run)\n"
    w = PrefixWriter()
    describe_template(w, target.spec.template)
    return f"{resource_name_of(d)} {w.text} (dry run)\n"


def pause(cluster: Cluster, cmd: Command, d: Deployment) -> str:
    wanted = cmd.args[0] == "pause"
    if bool(d.spec.paused) == wanted:
        raise ValueError(f'deployments.apps "{d.name}" is {"already" if wanted else "not"} paused')
    new = d.copy()
    new.spec.paused = True if wanted else None
    write(cluster, new)
    return f"{resource_name_of(d)} {'paused' if wanted else 'resumed'}\n"


def restart(cluster: Cluster, cmd: Command, d: Deployment | DaemonSet | StatefulSet) -> str:
    if isinstance(d, Deployment) and d.spec.paused:
        raise ValueError(f'deployments.apps "{d.name}" can\'t restart paused deployment (run rollout resume first)')
    new = d.copy()
    new.spec.template.metadata.annotations[RESTARTED_AT] = format_time(cluster.now)
    if new.spec.template == d.spec.template:  # an empty patch
        raise ValueError(f"failed to create patch for {d.name}: if restart has already been triggered within the "
                         "past second, please wait before attempting to trigger another")
    write(cluster, new)
    return f"{resource_name_of(d)} restarted\n"


def resource_name_of(d: KubeObject) -> str:
    return resource_name(kind_of(d), d.name)
