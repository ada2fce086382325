"""-o for kubectl's writes: label, annotate, scale, taint and delete print the objects they changed in the
format asked for, instead of saying what they did (cli-runtime's PrintFlags on each command).

`kubectl label pod p a=b -o name` prints `pod/p` where it would say `pod/p labeled`; `-o yaml`,
`json`, `jsonpath=` or `go-template=` print the object as the command left it (a dry run's object
as the dry run left it; `scale` prints it as it was before, as kubectl does). `delete -o name`
prints the names of what it deleted. cordon, uncordon and drain have no -o: cobra refuses it.
`create -f` and `apply -f` print what they wrote: create each object in turn (YAML documents apart
by `---`), apply one object, or a `kind: List` of several. Left out: `delete -o yaml` (kubectl prints
the deleted objects' last state), and apply's last-applied annotation (k8slite keeps it beside the
store, k8slite/apply.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.kinds import BY_KIND
from k8slite.api.meta import KubeObject
from k8slite.errors import NotFound
from k8slite.kubectl import get
from k8slite.kubectl.command import Command, FlagError, UsageError, unknown_flag
from k8slite.kubectl.output import printed as printed_dict
from k8slite.kubectl.resources import fetch, resource_name, resources

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

VERBS = {"label", "annotate", "scale", "taint", "delete"}
WITHOUT = {"cordon", "uncordon", "drain"}  # commands without -o


def refuse(cmd: Command) -> None:
    """Cobra's refusal of -o where the command has no such flag."""
    if cmd.verb in WITHOUT and "output" in cmd.flags:
        if any(word.startswith("--output") for word in cmd.words):
            raise unknown_flag("--output", cmd.verb)
        raise FlagError(f"unknown shorthand flag: 'o' in -o\nSee 'kubectl {cmd.verb} --help' for usage.")


def before(cluster: Cluster, cmd: Command) -> dict[str, KubeObject]:
    """For `scale -o yaml`: the objects as they were, which kubectl prints (its info.Object, read before the
    scale), by `kind/name`."""
    if cmd.verb != "scale" or cmd.flags.get("output", "name") == "name" or not cmd.args:
        return {}
    try:
        groups = resources(cmd.args)
    except UsageError:
        return {}
    found = {}
    for kind, names in groups:
        for obj in fetch(cluster, cmd, kind, names)[0]:
            found[resource_name(kind, obj.name)] = obj
    return found


def printed(cluster: Cluster, cmd: Command, out: str, earlier: dict[str, KubeObject] | None = None) -> str:
    """What the command prints with -o: its objects in that format (`earlier`: as they were before it);
    errors and warnings as they were."""
    if cmd.verb in ("create", "apply") and "filename" in cmd.flags and "output" in cmd.flags:
        return written(cmd, out)
    if cmd.verb not in VERBS or "output" not in cmd.flags:
        return out
    names, kept = [], []
    for line in out.splitlines(keepends=True):
        name = changed(line)
        if name is None:
            kept.append(line)
        else:
            names.append(name)
    output = str(cmd.flags["output"])
    if output == "name" or cmd.verb == "delete":
        return "".join(f"{n}\n" for n in names) + "".join(kept)
    texts = []
    for name in names:
        kind, objects = resources([name])[0]
        try:
            obj = (earlier or {}).get(name) or cluster.api.get(kind.plural, objects[0],
                                                               cmd.namespace if kind.namespaced else "")
        except NotFound:
            continue
        texts.append(get.render(cluster.now, [(kind, [obj])], cmd.flags, True, False))
    return "".join(texts) + "".join(kept)


def written(cmd: Command, out: str) -> str:
    """`create -f` and `apply -f` with -o: the objects the server answered with (with --dry-run=client, create's
    objects as read). create prints each in turn, YAML documents apart by `---` (one printer for all); apply
    prints one object as itself and several as a `kind: List`, as its printObjects does."""
    kept = "".join(line for line in out.splitlines(keepends=True) if changed(line) is None)
    dicts = [printed_dict(o) if isinstance(o, KubeObject) else o for o in cmd.written]  # documents: as read
    output = str(cmd.flags["output"])
    if output == "name":
        return "".join(f"{resource_name(BY_KIND[d['kind']], d['metadata']['name'])}\n" for d in dicts) + kept
    if cmd.verb == "apply" and len(dicts) > 1:
        data = {"apiVersion": "v1", "items": dicts, "kind": "List", "metadata": {}}
        return get.render_data(data, cmd.flags) + kept
    return ("---\n" if output == "yaml" else "").join(get.render_data(d, cmd.flags) for d in dicts) + kept


def changed(line: str) -> str | None:
    """The object a line reports on: `pod/p labeled` -> pod/p, `pod "p" deleted` -> pod/p; None for others."""
    words = line.split()
    if len(words) == 2 and "/" in words[0] and not line.startswith(("error", "Error", "Warning")):
        return words[0]
    if len(words) == 3 and words[2] == "deleted" and words[1].startswith('"'):
        return f"{words[0]}/{words[1].strip(chr(34))}"
    return None
