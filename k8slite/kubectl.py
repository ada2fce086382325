"""kubectl, as text: `c.kubectl("get pods -o wide")`, and the `k8slite` command line.

Mirrors kubectl (k8s.io/kubectl): a command line parsed into a verb,
resources and flags; reads through the API server's get and list; writes
the way kubectl does them (read the object, change a copy, update it), then
the text kubectl 1.32 would print, errors included ("Error from server
(NotFound): pods "x" not found") so that a notebook cell shows what a
terminal would. Simplified: no server-side apply (apply compares the
manifest with what is stored), no --watch, and `delete` does not wait.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k8slite.api.kinds import Kind, decode, kind_of, lookup
from k8slite.api.manifest import read_documents
from k8slite.api.meta import KubeObject
from k8slite.api.node import Node
from k8slite.api.pod import Pod, Taint
from k8slite.errors import AlreadyExists, ApiError, Invalid, NotFound
from k8slite.kubectl_describe import describe
from k8slite.kubectl_print import kind_name, render, resource_name, selector_matches

VALUE_FLAGS = {"-n": "namespace", "--namespace": "namespace", "-o": "output", "--output": "output",
               "-l": "selector", "--selector": "selector", "-c": "container", "--container": "container",
               "-f": "filename", "--filename": "filename", "--replicas": "replicas",
               "--grace-period": "grace_period", "--tail": "tail",
               "--field-selector": "field_selector"}
BOOL_FLAGS = {"-A": "all_namespaces", "--all-namespaces": "all_namespaces", "--show-labels": "show_labels",
              "-p": "previous", "--previous": "previous", "--overwrite": "overwrite", "--all": "all",
              "--no-headers": "no_headers", "-i": "", "-t": "", "-it": "", "-ti": "", "--stdin": "",
              "--tty": "", "--force": "", "--now": "", "--wait": ""}


class UsageError(Exception):
    """A command kubectl itself refuses before asking the server (printed as `error: ...`)."""


@dataclass
class Command:
    verb: str
    args: list[str] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)
    rest: list[str] = field(default_factory=list)  # after `--`, for exec

    @property
    def namespace(self) -> str:
        return str(self.flags.get("namespace", "default"))


def parse(command: str) -> Command:
    words = shlex.split(command)
    if words[:1] == ["kubectl"]:
        words = words[1:]
    if not words:
        raise UsageError("kubectl controls the k8slite cluster manager: try 'get pods'")
    cmd, rest, i = Command(words[0]), words[1:], 0
    while i < len(rest):
        word = rest[i]
        name, eq, value = word.partition("=")
        if word == "--":
            cmd.rest = rest[i + 1:]
            break
        if name in VALUE_FLAGS or (word[:2] in ("-n", "-o", "-l", "-c", "-f") and len(word) > 2 and not eq):
            if name not in VALUE_FLAGS:
                name, value, eq = word[:2], word[2:], "="
            if not eq:
                if i + 1 >= len(rest):
                    raise UsageError(f"flag needs an argument: {name!r} in {word}")
                i, value = i + 1, rest[i + 1]
            cmd.flags[VALUE_FLAGS[name]] = value
        elif name in BOOL_FLAGS:
            cmd.flags[BOOL_FLAGS[name]] = value.lower() != "false"
        elif word.startswith("-") and word != "-":
            raise UsageError(f"unknown flag: {name}\nSee 'kubectl {cmd.verb} --help' for usage.")
        else:
            cmd.args.append(word)
        i += 1
    return cmd


def run_kubectl(cluster: Any, command: str) -> str:
    """The text `kubectl <command>` prints against this cluster (errors as kubectl prints them)."""
    try:
        cmd = parse(command)
        handler = VERBS.get(cmd.verb)
        if handler is None:
            raise UsageError(f'unknown command "{cmd.verb}" for "kubectl"')
        return handler(cluster, cmd)
    except (UsageError, ValueError) as e:
        return f"error: {e}\n"
    except NotFound as e:
        if e.message.startswith("the server doesn't have"):
            return f"error: {e.message}\n"
        return f"Error from server (NotFound): {e.message}\n"
    except Invalid as e:
        return f"The {e.message}\n" if " is invalid: " in e.message else f"error: {e.message}\n"
    except ApiError as e:
        return f"Error from server ({e.reason}): {e.message}\n"


# ---------------------------------------------------------------- reading: get and describe

def resources(args: list[str]) -> list[tuple[Kind, list[str]]]:
    """`pods a b`, `pod/a rs/b`, `pods,rs`, `all` -> [(kind, names)] (no names: every object)."""
    if not args:
        raise UsageError("Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed "
                         "description of that resource (e.g. kubectl explain pods).")
    if "/" in args[0]:
        pairs = [a.split("/", 1) for a in args]
        return [(lookup(k), [n]) for k, n in pairs]
    if args[0] == "all":  # kubectl's "all" category, in its order
        return [(lookup(k), args[1:]) for k in ("pods", "services", "deployments", "replicasets", "jobs")]
    return [(lookup(k), args[1:]) for k in args[0].split(",")]


def not_found(kind: Kind, name: str) -> NotFound:
    group = kind.api_version.split("/")[0] if "/" in kind.api_version else ""
    return NotFound(f'{kind.plural}{"." + group if group else ""} "{name}" not found')


def fetch(cluster: Any, cmd: Command, kind: Kind, names: list[str]) -> tuple[list[KubeObject], list[str]]:
    """The objects named (or all, filtered by -l), and NotFound messages for names that are missing."""
    ns = None if cmd.flags.get("all_namespaces") or not kind.namespaced else cmd.namespace if kind.namespaced else ""
    found, errors = [], []
    if names and ns is None and kind.namespaced:
        raise UsageError("a resource cannot be retrieved by name across all namespaces")
    for name in names:
        try:
            found.append(cluster.api.get(kind.plural, name, ns or ""))
        except NotFound:
            errors.append(f"Error from server (NotFound): {not_found(kind, name).message}\n")
    if not names:
        found = [o for o in cluster.api.list(kind.plural, ns)
                 if selector_matches(cmd.flags.get("selector", ""), o.metadata.labels)
                 and fields_match(cmd.flags.get("field_selector", ""), o)]
        order = (lambda o: (o.time, int(o.metadata.resource_version))) if kind.kind == "Event" else \
            (lambda o: (o.namespace, o.name))
        found.sort(key=order)
    return found, errors


def fields_match(selector: str, obj: KubeObject) -> bool:
    """A --field-selector such as `involvedObject.name=web-x,type!=Normal` or `spec.nodeName=node-1`."""
    data = obj.to_dict()
    for term in filter(None, selector.split(",")):
        path, op, wanted = term.partition("!=") if "!=" in term else term.replace("==", "=").partition("=")
        value: Any = data
        for part in path.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        if (str(value) == wanted) != (op != "!="):
            return False
    return True


def get(cluster: Any, cmd: Command) -> str:
    groups = resources(cmd.args)
    blocks: list[tuple[Kind, list[KubeObject]]] = []
    errors: list[str] = []
    for kind, names in groups:
        objects, missing = fetch(cluster, cmd, kind, names)
        blocks.append((kind, objects))
        errors += missing
    single = len(groups) == 1 and len(groups[0][1]) == 1 or ("/" in cmd.args[0] and len(cmd.args) == 1)
    with_kind = len({k for k, _ in groups}) > 1 or cmd.args[0] == "all"
    text = render(cluster.now, blocks, cmd.flags, single, with_kind)
    if not text and not errors:
        namespaced = all(k.namespaced for k, _ in groups) and not cmd.flags.get("all_namespaces")
        text = f"No resources found in {cmd.namespace} namespace.\n" if namespaced else "No resources found\n"
    return text + "".join(errors)


def describe_cmd(cluster: Any, cmd: Command) -> str:
    if not cmd.args:
        raise UsageError('You must specify the type of resource to describe. Use "kubectl api-resources" for '
                         "a complete list of supported resources.")
    texts, errors = [], []
    for kind, names in resources(cmd.args):
        objects, missing = fetch(cluster, cmd, kind, names)
        if missing and names:  # kubectl describe falls back to names that start with the one given
            everything, _ = fetch(cluster, cmd, kind, [])
            prefixed = [o for o in everything for n in names if o.name.startswith(n)
                        and o.name not in {x.name for x in objects}]
            objects += prefixed
            errors += [] if prefixed else missing
        texts += [describe(cluster, o) for o in objects]
    if not texts and not errors:
        return f"No resources found in {cmd.namespace} namespace.\n"
    return "\n\n".join(texts) + "".join(errors)


# ---------------------------------------------------------------- writing: read, change a copy, update

def write(cluster: Any, obj: KubeObject) -> KubeObject:
    stored = cluster.api.update(obj)
    cluster.run(0)
    return stored  # type: ignore[no-any-return]


def one_object(cluster: Any, cmd: Command, args: list[str]) -> tuple[Kind, KubeObject]:
    """`pod x` or `pod/x` -> the object (NotFound as kubectl words it)."""
    pairs = resources(args)
    if len(pairs) != 1 or len(pairs[0][1]) != 1:
        raise UsageError("exactly one NAME is required")
    kind, (name,) = pairs[0]
    try:
        return kind, cluster.api.get(kind.plural, name, cmd.namespace if kind.namespaced else "")
    except NotFound:
        raise not_found(kind, name) from None


def delete(cluster: Any, cmd: Command) -> str:
    if "filename" in cmd.flags:
        docs, _ = manifests(cmd)
        targets = [(kind_of(o), [o.name]) for o in docs]
    else:
        targets = resources(cmd.args)
    lines = []
    for kind, names in targets:
        if not names and not cmd.flags.get("all") and "selector" not in cmd.flags:
            raise UsageError("resource(s) were provided, but no name was specified")
        objects, missing = fetch(cluster, cmd, kind, names)
        for obj in objects:
            cluster.delete(kind.plural, obj.name, obj.namespace)
            lines.append(f'{kind_name(kind)} "{obj.name}" deleted\n')
        lines += missing
    return "".join(lines) or f"No resources found in {cmd.namespace} namespace.\n"


def scale(cluster: Any, cmd: Command) -> str:
    if "replicas" not in cmd.flags:
        raise UsageError('required flag(s) "replicas" not set')
    if not str(cmd.flags["replicas"]).isdigit():
        raise UsageError(f'invalid argument "{cmd.flags["replicas"]}" for "--replicas" flag: '
                         f'strconv.ParseInt: parsing "{cmd.flags["replicas"]}": invalid syntax')
    replicas = int(cmd.flags["replicas"])
    kind, obj = one_object(cluster, cmd, cmd.args)
    new = obj.copy()
    if kind.kind == "ReplicaSet":
        new.spec.replicas = replicas  # type: ignore[attr-defined]
    elif kind.kind in ("Deployment", "StatefulSet", "Job"):
        new.body.setdefault("spec", {})["replicas" if kind.kind != "Job" else "parallelism"] = replicas  # type: ignore
    else:
        raise UsageError(f'cannot scale {kind.plural} "{obj.name}": it has no /scale subresource')
    write(cluster, new)
    return f"{resource_name(kind, obj.name)} scaled\n"


def manifests(cmd: Command) -> tuple[list[KubeObject], list[str]]:
    if "filename" not in cmd.flags:
        raise UsageError("must specify one of -f and -k")
    ignored: list[str] = []
    path = Path(cmd.flags["filename"])
    paths = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json")) if path.is_dir() else [path]
    return [decode(d, ignored) for p in paths for d in read_documents(p)], ignored


def apply(cluster: Any, cmd: Command) -> str:
    """Create what is new, update what changed, leave the rest: `created`, `configured`, `unchanged`."""
    objects, ignored = manifests(cmd)
    cluster.dry_run(objects)
    cluster.warn_ignored(objects, ignored)
    lines = []
    for obj in objects:
        kind = kind_of(obj)
        if "namespace" in cmd.flags and kind.namespaced and not obj.namespace:
            obj.metadata.namespace = cmd.namespace
        try:
            namespace = (obj.namespace or cmd.namespace) if kind.namespaced else ""
            current = cluster.api.get(kind.plural, obj.name, namespace)
        except NotFound:
            cluster.api.create(obj)
            lines.append(f"{resource_name(kind, obj.name)} created\n")
            continue
        same = desired(cluster.api.prepare(obj, kind), current) == desired(current, current)
        if not same:
            cluster.apply_one(obj)
        lines.append(f"{resource_name(kind, obj.name)} {'unchanged' if same else 'configured'}\n")
    cluster.run(0)
    return "".join(lines)


def desired(obj: KubeObject, current: KubeObject) -> dict[str, Any]:
    """What a manifest declares: labels, annotations and everything but status (nodeName is the scheduler's)."""
    data = obj.to_dict()
    if isinstance(obj, Pod) and isinstance(current, Pod) and not obj.spec.node_name:
        data["spec"]["nodeName"] = current.spec.node_name
    meta = data.get("metadata", {})
    return {"labels": meta.get("labels"), "annotations": meta.get("annotations"),
            **{k: v for k, v in data.items() if k not in ("metadata", "status")}}


def create(cluster: Any, cmd: Command) -> str:
    objects, _ = manifests(cmd)
    lines = []
    for obj in objects:
        kind = kind_of(obj)
        try:
            cluster.api.create(obj)
            lines.append(f"{resource_name(kind, obj.name)} created\n")
        except AlreadyExists as e:
            lines.append(f'Error from server (AlreadyExists): error when creating "{cmd.flags["filename"]}": '
                         f"{e.message}\n")
    cluster.run(0)
    return "".join(lines)


def label(cluster: Any, cmd: Command) -> str:
    """`label nodes n k=v k2-`: add or overwrite (with --overwrite) or remove labels."""
    split = 1 if "/" in (cmd.args[0] if cmd.args else "") else 2
    kind, obj = one_object(cluster, cmd, cmd.args[:split])
    new = obj.copy()
    labels = new.metadata.labels
    for change in cmd.args[split:]:
        if change.endswith("-"):
            labels.pop(change[:-1], None)
            continue
        key, _, value = change.partition("=")
        if key in labels and labels[key] != value and not cmd.flags.get("overwrite"):
            raise UsageError(f"'{key}' already has a value ({labels[key]}), and --overwrite is false")
        labels[key] = value
    if labels == obj.metadata.labels:
        return f"{resource_name(kind, obj.name)} not labeled\n"
    write(cluster, new)
    removed = len(labels) < len(obj.metadata.labels) and not cmd.flags.get("overwrite")
    return f"{resource_name(kind, obj.name)} {'unlabeled' if removed else 'labeled'}\n"


def taint(cluster: Any, cmd: Command) -> str:
    """`taint nodes n key=value:NoSchedule` adds; `key:NoSchedule-` or `key-` removes."""
    split = 1 if "/" in (cmd.args[0] if cmd.args else "") else 2
    kind, node = one_object(cluster, cmd, cmd.args[:split])
    if not isinstance(node, Node):
        raise UsageError(f"taints apply to nodes, not {kind.plural}")
    new, removed, added = node.copy(), False, False
    for spec in cmd.args[split:]:
        if spec.endswith("-"):
            key, _, effect = spec[:-1].partition(":")
            keep = [t for t in new.spec.taints if not (t.key == key and effect in ("", t.effect))]
            if len(keep) == len(new.spec.taints):
                raise UsageError(f'taint "{spec[:-1]}" not found')
            new.spec.taints, removed = keep, True
            continue
        added = True
        add_taint(new, spec, bool(cmd.flags.get("overwrite")), cluster.now)
    write(cluster, new)
    return f"node/{node.name} {'modified' if added and removed else 'untainted' if removed else 'tainted'}\n"


def add_taint(node: Node, spec: str, overwrite: bool, now: float) -> None:
    keyval, _, effect = spec.partition(":")
    key, _, value = keyval.partition("=")
    if effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
        raise UsageError(f'invalid argument "{spec}": invalid taint effect: {effect}, unsupported taint effect')
    same = [t for t in node.spec.taints if t.key == key and t.effect == effect]
    if same and not overwrite:
        raise UsageError(f"node {node.name} already has {key} taint(s) with same effect(s) and --overwrite is false")
    node.spec.taints = [t for t in node.spec.taints if t not in same]
    node.spec.taints.append(Taint(key, value, effect, now if effect == "NoExecute" else None))


def cordon(cluster: Any, cmd: Command) -> str:
    desired_state = cmd.verb == "cordon"
    lines = []
    for name in cmd.args:
        node = cluster.api.get("nodes", name.removeprefix("node/").removeprefix("nodes/"), "")
        if bool(node.spec.unschedulable) == desired_state:
            lines.append(f"node/{node.name} already {cmd.verb}ed\n")
            continue
        new = node.copy()
        new.spec.unschedulable = True if desired_state else None
        write(cluster, new)
        lines.append(f"node/{node.name} {cmd.verb}ed\n")
    return "".join(lines)


# ---------------------------------------------------------------- containers: logs and exec

def target_pod(cluster: Any, cmd: Command) -> Pod:
    if not cmd.args:
        raise UsageError(f"expected POD: 'kubectl {cmd.verb} POD'")
    name = cmd.args[0].split("/", 1)[-1]
    try:
        pod: Pod = cluster.api.get("pods", name, cmd.namespace)
    except NotFound:
        raise NotFound(f'pods "{name}" not found') from None
    container = cmd.flags.get("container")
    if container and pod.container(container) is None:
        raise UsageError(f"container {container} is not valid for pod {pod.name}")
    return pod


def logs(cluster: Any, cmd: Command) -> str:
    if not cmd.args and "filename" in cmd.flags:  # `logs -f POD` follows: here, the logs so far
        cmd.args = [cmd.flags.pop("filename")]
    pod = target_pod(cluster, cmd)
    container = cmd.flags.get("container") or pod.spec.containers[0].name
    status = next((s for s in pod.status.container_statuses if s.name == container), None)
    previous = bool(cmd.flags.get("previous"))
    if not previous and (status is None or (status.state.waiting and not status.container_id)):
        reason = status.state.waiting.reason if status and status.state.waiting else "ContainerCreating"
        return (f'Error from server (BadRequest): container "{container}" in pod "{pod.name}" '
                f"is waiting to start: {reason}\n")
    try:
        text: str = cluster.logs(pod.name, container, pod.namespace, previous=previous)
    except NotFound:
        return (f'Error from server (BadRequest): previous terminated container "{container}" in pod '
                f'"{pod.name}" not found\n')
    lines = text.splitlines(keepends=True)
    return "".join(lines[-int(cmd.flags["tail"]):] if "tail" in cmd.flags else lines)


def exec_cmd(cluster: Any, cmd: Command) -> str:
    if not cmd.rest:
        raise UsageError("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead")
    pod = target_pod(cluster, cmd)
    if pod.status.phase in ("Succeeded", "Failed"):
        raise UsageError(f"cannot exec into a container in a completed pod; current phase is {pod.status.phase}")
    container = cmd.flags.get("container") or pod.spec.containers[0].name
    try:
        code, output = cluster.exec_code(pod.name, cmd.rest, container, pod.namespace)
    except NotFound:
        raise UsageError(f'unable to upgrade connection: container not found ("{container}")') from None
    return output + (f"command terminated with exit code {code}\n" if code else "")


VERBS = {"get": get, "describe": describe_cmd, "delete": delete, "scale": scale, "apply": apply,
         "create": create, "label": label, "taint": taint, "cordon": cordon, "uncordon": cordon,
         "logs": logs, "exec": exec_cmd}


# ---------------------------------------------------------------- the `k8slite` command line

DEMO = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: busybox, command: [sh, -c, sleep 3600]}]
"""


def main(argv: list[str] | None = None) -> int:
    """`k8slite demo`: a three-node cluster running a small ReplicaSet, as kubectl shows it."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["demo"]:
        print("usage: k8slite demo    (a 3-node simulated cluster running a ReplicaSet)", file=sys.stderr)
        return 2
    from k8slite.cluster import Cluster
    cluster = Cluster(nodes=3)
    cluster.apply(DEMO)
    cluster.run(30)
    for i, command in enumerate(("get nodes", "get pods -o wide")):
        print(f"{chr(10) if i else ''}$ kubectl {command}")
        print(cluster.kubectl(command), end="")
    return 0
