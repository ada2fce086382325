"""kubectl's write verbs, k8s.io/kubectl/pkg/cmd/{delete,scale,create,label,taint,cordon} (apply is apply.py).

Every change is made the way kubectl makes it: read the object, change a
copy, send the copy as an update (the stored object is never touched), then
let the cluster react before answering. The answers are kubectl's:
`pod "x" deleted`, `replicaset.apps/web scaled`, `node/n tainted`. An object
named that does not exist is missing as cli-runtime's Info.Get says it (in a
namespace that does not exist either, the namespace is missing); scale puts
its own words first (`no objects passed to scale`). Left out: drain (drain.py)
and `scale --current-replicas`.
`delete --cascade` chooses the propagation policy (background, the default,
sent explicitly; foreground or orphan) for what the object owns. `delete`
prints `pod "x" deleted` as each delete is sent, then (`--wait=true`, the
default) runs the cluster clock until every deleted object is gone, as
delete.go waits with `--for=delete`; `--timeout=0` (the default) is a week;
`--wait=false` answers at once, the object maybe still Terminating.
`Cluster.delete` is the API call alone: it does not wait.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from k8slite.api.kinds import Kind, decode, kind_of
from k8slite.api.manifest import read_documents
from k8slite.api.meta import KubeObject
from k8slite.api.node import Node
from k8slite.api.pod import Taint
from k8slite.errors import AlreadyExists, BadRequest, NotFound
from k8slite.kubectl import dryrun
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.generate import GENERATORS, create_generated
from k8slite.kubectl.resources import NO_RESOURCES, fetch, kind_name, missing, resource_name, resources

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def write(cluster: Cluster, obj: KubeObject) -> KubeObject:
    """Update obj and let the cluster react, as the next kubectl command would find it."""
    stored = cluster.api.update(obj)
    cluster.run(0)
    return stored  # type: ignore[no-any-return]


def one_object(cluster: Cluster, cmd: Command, args: list[str]) -> tuple[Kind, KubeObject]:
    """`pod x` or `pod/x` -> the object (NotFound as cli-runtime's Info.Get words it: a missing namespace other
    than default is named)."""
    pairs = resources(args)
    if len(pairs) != 1 or len(pairs[0][1]) != 1:
        raise UsageError("exactly one NAME is required")
    kind, (name,) = pairs[0]
    namespace = cmd.namespace if kind.namespaced else ""
    try:
        return kind, cluster.api.get(kind.plural, name, namespace)
    except NotFound:
        raise NotFound(missing(cluster, kind, name, namespace)) from None


def manifests(cmd: Command) -> tuple[list[KubeObject], list[str]]:
    """The objects in the -f file (or the .yaml, .yml and .json files of a -f directory), and ignored fields."""
    ignored: list[str] = []
    return [decode(d, ignored) for d in documents(cmd)], ignored


def documents(cmd: Command) -> list[Any]:
    """The documents of the -f file, or of the .yaml, .yml and .json files of a -f directory, as read."""
    if "filename" not in cmd.flags:
        raise UsageError("must specify one of -f and -k")
    path = Path(cmd.flags["filename"])
    paths = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json")) if path.is_dir() else [path]
    return [d for p in paths for d in read_documents(p)]


def delete(cluster: Cluster, cmd: Command) -> str:
    if "filename" in cmd.flags:
        docs, _ = manifests(cmd)
        targets = [(kind_of(o), [o.name]) for o in docs]
    elif not cmd.args:
        raise UsageError(NO_RESOURCES)
    else:
        targets = resources(cmd.args)
    policy = cascade_policy(str(cmd.flags.get("cascade", "background")))
    grace = grace_period(cmd)
    lines, deleted = [], []
    for kind, names in targets:
        if not names and not cmd.flags.get("all") and "selector" not in cmd.flags:
            raise UsageError("resource(s) were provided, but no name was specified")
        objects, missing = fetch(cluster, cmd, kind, names)
        for obj in objects:
            cluster.delete(kind.plural, obj.name, obj.namespace, propagation_policy=policy,
                           grace_period=None if grace < 0 else grace)
            lines.append(f'{kind_name(kind)} "{obj.name}" {"force deleted" if grace == 0 else "deleted"}\n')
            deleted.append(obj)
        lines += missing
    warning = FORCE_WARNING if grace == 0 else ""  # kubectl writes it to stderr, before the rest
    from k8slite.kubectl.wait import wait_after_delete  # here: wait.py imports rollout.py, which imports this
    lines.append(wait_after_delete(cluster, cmd, deleted))  # the lines above are printed before kubectl waits
    return warning + ("".join(lines) or f"No resources found in {cmd.namespace} namespace.\n")


FORCE_WARNING = ("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                 "terminated. The resource may continue to run on the cluster indefinitely.\n")


def grace_period(cmd: Command) -> int:
    """kubectl delete's --grace-period, --now and --force as one number: -1 means the object's own default.
    --grace-period=0 alone becomes 1 (kubectl guards against losing data); --force alone means 0."""
    try:
        grace = int(cmd.flags.get("grace_period", -1))
    except ValueError:
        raise UsageError(f'invalid argument "{cmd.flags["grace_period"]}" for "--grace-period" flag: '
                         "strconv.ParseInt: parsing: invalid syntax") from None
    force = bool(cmd.flags.get("force"))
    if cmd.flags.get("now"):
        if grace != -1:
            raise UsageError("--now and --grace-period cannot be specified together")
        grace = 1
    if grace == 0 and not force:
        grace = 1
    if force and grace < 0:
        grace = 0
    if force and grace > 0:
        raise UsageError("--force and --grace-period greater than 0 cannot be specified together")
    return grace


def cascade_policy(cascade: str) -> str:
    """--cascade=background|foreground|orphan (and the old true/false) as a propagationPolicy."""
    policies = {"background": "Background", "true": "Background", "foreground": "Foreground",
                "orphan": "Orphan", "false": "Orphan"}
    if cascade not in policies:
        raise UsageError(f'invalid cascade value ({cascade}). Must be "background", "foreground", or "orphan"')
    return policies[cascade]


def scale(cluster: Cluster, cmd: Command) -> str:
    if "replicas" not in cmd.flags:
        raise UsageError('required flag(s) "replicas" not set')
    if str(cmd.flags["replicas"]).startswith("-") and str(cmd.flags["replicas"])[1:].isdigit():
        raise UsageError("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
    if not str(cmd.flags["replicas"]).isdigit():
        raise UsageError(f'invalid argument "{cmd.flags["replicas"]}" for "--replicas" flag: '
                         f'strconv.ParseInt: parsing "{cmd.flags["replicas"]}": invalid syntax')
    replicas = int(cmd.flags["replicas"])
    try:
        kind, obj = one_object(cluster, cmd, cmd.args)
    except NotFound as e:  # scale.go: the builder's error after its own words
        raise ValueError(f"no objects passed to scale {e.message}") from None
    new = obj.copy()
    if kind.kind in ("ReplicaSet", "Deployment", "StatefulSet"):
        new.spec.replicas = replicas  # type: ignore[attr-defined]
    elif kind.kind == "Job":
        new.spec.parallelism = replicas  # type: ignore[attr-defined]
    else:  # the scale client asks for the kind's /scale subresource, which the server does not have
        raise NotFound("the server could not find the requested resource")
    write(cluster, new)
    return f"{resource_name(kind, obj.name)} scaled\n"


def refused(cmd: Command, error: BadRequest) -> str:
    """A manifest the server could not decode, named as kubectl names it (cmdutil.AddSourceToErr).

    Simplified: kubectl sends each document on its own; k8slite refuses the whole file."""
    return f'Error from server (BadRequest): error when creating "{cmd.flags["filename"]}": {error.message}\n'


def create(cluster: Cluster, cmd: Command) -> str:
    if cmd.args and cmd.args[0] in GENERATORS:  # `create namespace x`, `create quota q --hard=pods=2`
        return create_generated(cluster, cmd)
    if cmd.args and "filename" not in cmd.flags:  # no subcommand of that name, and no -f
        raise UsageError(f"Unexpected args: [{' '.join(cmd.args)}]\nSee 'kubectl create -h' for help and examples")
    try:
        read = documents(cmd)
        objects = [decode(d) for d in read]
    except BadRequest as e:
        return refused(cmd, e)
    lines = []
    client = dryrun.mode(cmd) == "client"
    for document, obj in zip(read, objects):
        kind = kind_of(obj)
        try:
            if client:  # kubectl sends nothing: it prints the document as read, in the namespace it would use
                document = copy.deepcopy(document)
                if kind.namespaced:
                    document["metadata"]["namespace"] = obj.namespace or cmd.namespace
                cmd.written.append(document)
            else:
                cmd.written.append(cluster.api.create(obj))
            lines.append(f"{resource_name(kind, obj.name)} created\n")
        except AlreadyExists as e:
            lines.append(f'Error from server (AlreadyExists): error when creating "{cmd.flags["filename"]}": '
                         f"{e.message}\n")
    cluster.run(0)
    return "".join(lines)


def change_map(mapping: dict[str, str], changes: list[str], overwrite: bool) -> str:
    """`k=v` sets, `k-` removes, in place; "" when done, else the first key that already has another value
    (without --overwrite), leaving the map partly changed: the caller refuses and stores nothing."""
    for change in changes:
        if change.endswith("-"):
            mapping.pop(change[:-1], None)
            continue
        key, _, value = change.partition("=")
        if key in mapping and mapping[key] != value and not overwrite:
            return key
        mapping[key] = value
    return ""


def changes_and_targets(cluster: Cluster, cmd: Command, what: str) -> tuple[list[str], list[tuple[Kind, KubeObject]],
                                                                             list[str]]:
    """label and annotate's arguments: the changes (`k=v`, `k-`), the objects (names, `-l`, `--all`) and a
    NotFound line for each name that is missing."""
    changes = [a for a in cmd.args[1:] if "=" in a or a.endswith("-")]
    args = [a for a in cmd.args if a not in changes]
    if not args:
        raise UsageError("one or more resources must be specified as <resource> <name> or <resource>/<name>")
    if not changes:
        raise UsageError(f"at least one {what} update is required")
    groups = resources(args)
    if not any(names for _, names in groups) and not cmd.flags.get("all") and "selector" not in cmd.flags:
        raise UsageError("resource(s) were provided, but no name was specified")
    targets, missing = [], []
    for kind, names in groups:
        found, errors = fetch(cluster, cmd, kind, names)
        targets += [(kind, obj) for obj in found]
        missing += errors
    return changes, targets, missing


def label(cluster: Cluster, cmd: Command) -> str:
    """`label nodes n k=v k2-`: add or overwrite (with --overwrite) or remove labels, on each object named,
    selected (-l) or all (--all)."""
    changes, targets, missing = changes_and_targets(cluster, cmd, "label")
    return "".join(label_one(cluster, cmd, kind, obj, changes) for kind, obj in targets) + "".join(missing)


def label_one(cluster: Cluster, cmd: Command, kind: Kind, obj: KubeObject, changes: list[str]) -> str:
    new = obj.copy()
    labels = new.metadata.labels
    taken = change_map(labels, changes, bool(cmd.flags.get("overwrite")))
    if taken:
        raise UsageError(f"'{taken}' already has a value ({labels[taken]}), and --overwrite is false")
    if labels == obj.metadata.labels:
        return f"{resource_name(kind, obj.name)} not labeled\n"
    write(cluster, new)
    removed = len(labels) < len(obj.metadata.labels) and not cmd.flags.get("overwrite")
    return f"{resource_name(kind, obj.name)} {'unlabeled' if removed else 'labeled'}\n"


def taint(cluster: Cluster, cmd: Command) -> str:
    """`taint nodes n key=value:NoSchedule` adds; `key:NoSchedule-` or `key-` removes."""
    split = 1 if "/" in (cmd.args[0] if cmd.args else "") else 2
    kind, node = one_object(cluster, cmd, cmd.args[:split])
    if not isinstance(node, Node):
        raise UsageError(f"taints apply to nodes, not {kind.plural}")
    new, removed, added = node.copy(), False, False
    for spec in cmd.args[split:]:
        if spec.endswith("-"):
            remove_taint(new, spec[:-1])
            removed = True
        else:
            add_taint(new, spec, bool(cmd.flags.get("overwrite")), cluster.now)
            added = True
    write(cluster, new)
    return f"node/{node.name} {'modified' if added and removed else 'untainted' if removed else 'tainted'}\n"


def remove_taint(node: Node, spec: str) -> None:
    """`key:effect` removes that taint, `key` every taint with that key."""
    key, _, effect = spec.partition(":")
    keep = [t for t in node.spec.taints if not (t.key == key and effect in ("", t.effect))]
    if len(keep) == len(node.spec.taints):
        raise UsageError(f'taint "{spec}" not found')
    node.spec.taints = keep


def add_taint(node: Node, spec: str, overwrite: bool, now: float) -> None:
    """`key=value:effect`; a NoExecute taint records when it was added (its evictions count from then)."""
    keyval, _, effect = spec.partition(":")
    key, _, value = keyval.partition("=")
    if effect not in EFFECTS:
        raise UsageError(f'invalid argument "{spec}": invalid taint effect: {effect}, unsupported taint effect')
    same = [t for t in node.spec.taints if t.key == key and t.effect == effect]
    if same and not overwrite:
        raise UsageError(f"node {node.name} already has {key} taint(s) with same effect(s) and --overwrite is false")
    node.spec.taints = [t for t in node.spec.taints if t not in same]
    node.spec.taints.append(Taint(key, value, effect, now if effect == "NoExecute" else None))


def cordon(cluster: Cluster, cmd: Command) -> str:
    """`cordon` and `uncordon`: set or clear spec.unschedulable."""
    desired_state = cmd.verb == "cordon"
    lines = []
    for name in cmd.args:
        node = cluster.api.get("nodes", name.removeprefix("node/").removeprefix("nodes/"), "")
        assert isinstance(node, Node)
        if bool(node.spec.unschedulable) == desired_state:
            lines.append(f"node/{node.name} already {cmd.verb}ed\n")
            continue
        new = node.copy()
        new.spec.unschedulable = True if desired_state else None
        write(cluster, new)
        lines.append(f"node/{node.name} {cmd.verb}ed\n")
    return "".join(lines)
