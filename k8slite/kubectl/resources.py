"""Which objects a command means, as kubectl's resource builder finds them (k8s.io/cli-runtime/pkg/resource).

`pods a b` (a kind and names), `pod/a rs/b` (kind/name pairs), `pods,rs`
(several kinds) and `all` (kubectl's "all" category); no names means every
object of the kind in the namespace (or in all of them with -A), filtered by
-l and --field-selector. A missing name is reported the way the server
words it, and the others are still printed. Also how kubectl names a kind
in its messages: `pod/web`, `replicaset.apps/web`. Left out: categories
other than "all", and discovery (kubectl asks the server which kinds exist;
k8slite's are a fixed list in k8slite.api.kinds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k8slite.api.kinds import Kind, lookup
from k8slite.api.meta import KubeObject
from k8slite.errors import NotFound, not_found
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.selectors import fields_match, selector_matches

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

# kubectl's "all" category, in the order it prints it: discovery's groups in turn, each one's resources by name
ALL = ("pods", "services", "daemonsets", "deployments", "replicasets", "statefulsets", "cronjobs", "jobs")
# what delete and wait say when given nothing to act on
NO_RESOURCES = ("You must provide one or more resources by argument or filename.\nExample resource specifications "
                "include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")


def resources(args: list[str]) -> list[tuple[Kind, list[str]]]:
    """`pods a b`, `pod/a rs/b`, `pods,rs`, `all` -> [(kind, names)] (no names: every object)."""
    if not args:
        raise UsageError("Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed "
                         "description of that resource (e.g. kubectl explain pods).")
    slashed = sum("/" in a for a in args)
    if slashed and slashed != len(args):  # hasCombinedTypeArgs
        raise UsageError("there is no need to specify a resource type as a separate argument when passing "
                         "arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of "
                         "'kubectl get resource resource/<resource_name>'")
    if slashed:
        return [(lookup(k), [n]) for k, n in map(resource_and_name, args)]
    if args[0] == "all":
        return [(lookup(k), args[1:]) for k in ALL]
    return [(lookup(k), args[1:]) for k in args[0].split(",")]


def resource_and_name(arg: str) -> tuple[str, str]:
    """cli-runtime's splitResourceTypeName: `pod/web` -> ("pod", "web"), one resource and one name."""
    parts = arg.split("/")
    if len(parts) != 2:
        raise UsageError("arguments in resource/name form may not have more than one slash")
    if not all(parts) or "," in parts[0]:
        raise UsageError("arguments in resource/name form must have a single resource and name")
    return parts[0], parts[1]


def kind_name(kind: Any) -> str:
    """`pod`, `replicaset.apps`, `job.batch`: how kubectl names a kind in its messages."""
    group = kind.api_version.split("/")[0] if "/" in kind.api_version else ""
    return kind.kind.lower() + (f".{group}" if group else "")


def resource_name(kind: Any, name: str) -> str:
    """`pod/web-x`, `replicaset.apps/web`: what `-o name` and the write verbs print."""
    return f"{kind_name(kind)}/{name}"


def fetch(cluster: Cluster, cmd: Command, kind: Kind, names: list[str],
          read: bool = False) -> tuple[list[KubeObject], list[str]]:
    """The objects named (or all, filtered by -l), and NotFound messages for names that are missing; `read`
    (get, describe): cli-runtime's Info.Get, which says a missing namespace is missing."""
    ns = None if cmd.flags.get("all_namespaces") or not kind.namespaced else cmd.namespace  # None: every namespace
    if names and ns is None and kind.namespaced:
        raise UsageError("a resource cannot be retrieved by name across all namespaces")
    if names:
        return fetch_named(cluster, kind, names, ns or "", read)
    found = [o for o in cluster.api.list(kind.plural, ns)
             if selector_matches(cmd.flags.get("selector", ""), o.metadata.labels)
             and fields_match(cmd.flags.get("field_selector", ""), o)]
    found.sort(key=lambda o: (o.namespace, o.name))  # etcd's key order; events too (kubectl events sorts)
    return found, []


def fetch_named(cluster: Cluster, kind: Kind, names: list[str], namespace: str,
                read: bool = False) -> tuple[list[KubeObject], list[str]]:
    """Each name that exists, in the order given, and an error line for each that does not."""
    found, errors = [], []
    for name in names:
        try:
            found.append(cluster.api.get(kind.plural, name, namespace))
        except NotFound:
            errors.append(f"Error from server (NotFound): {missing(cluster, kind, name, namespace, read)}\n")
    return found, errors


def missing(cluster: Cluster, kind: Kind, name: str, namespace: str, read: bool = True) -> str:
    """What a NotFound says: `pods "x" not found`; when read through Info.Get in a namespace other than
    default that does not exist either, `namespaces "x" not found` (cli-runtime's visitor.go)."""
    if read and kind.namespaced and namespace not in ("", "default"):
        try:
            cluster.api.get("namespaces", namespace, "")
        except NotFound:
            return not_found("namespaces", namespace).message
    return not_found(kind.resource, name).message
