"""kubectl diff -f (k8s.io/kubectl/pkg/cmd/diff): what `kubectl apply -f` would change, before it does.

Mirrors kubectl 1.32: each object of the manifests is applied as a server-side dry run (the merged
object is what the API server would store: defaults, a new generation for a new spec, a uid for a
new object), both it and the live object are written as YAML (without managedFields) into two
folders, /tmp/LIVE-<n> and /tmp/MERGED-<n>, one file per object named group.version.Kind.namespace.name
(empty where there is no live object), and `diff -u -N` compares the folders: a unified diff per
object that changes, nothing for one that does not. kubectl exits 1 when something differs (c.kubectl
returns only the text). Simplified: the folders' numbers are not random but drawn from the objects'
names, the files' times are the cluster's now, and the diff is Python's difflib in GNU diff's format.
Left out: --server-side, -k, --prune, KUBECTL_EXTERNAL_DIFF.
"""

from __future__ import annotations

import difflib
import zlib
from datetime import timedelta
from typing import TYPE_CHECKING

from k8slite.api.kinds import Kind, kind_of
from k8slite.api.meta import KubeObject
from k8slite.api.serialize import EPOCH
from k8slite.errors import BadRequest, NotFound
from k8slite.kubectl import dryrun
from k8slite.kubectl.apply import apply
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.output import printed, to_yaml
from k8slite.kubectl.write import manifests

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


def diff(cluster: Cluster, cmd: Command) -> str:
    if "filename" not in cmd.flags:
        raise UsageError("must specify one of -f and -k")
    try:
        objects, _ = manifests(cmd)
    except BadRequest as error:  # the server's dry run could not decode it
        return f"Error from server (BadRequest): {error.message}\n"
    keys = dict(key(cmd, kind_of(obj), obj) for obj in objects)
    live = {name: read(cluster, *where) for name, where in keys.items()}
    with dryrun.dry(cluster):
        refused = apply(cluster, cmd)
        if refused.startswith(("Error", "error:")):  # the dry run refused a manifest: that is the answer
            return refused
        merged = {name: read(cluster, *where) for name, where in keys.items()}
    texts = {name: yaml_of(live[name]) for name in keys}
    return folders_diff(cluster.now, texts, {name: yaml_of(answered(merged[name], live[name])) for name in keys})


def key(cmd: Command, kind: Kind, obj: KubeObject) -> tuple[str, tuple[Kind, str, str]]:
    """The object's file name (InfoObject.Name) and where to read it."""
    namespace = (obj.namespace or cmd.namespace) if kind.namespaced else ""
    group, _, version = kind.api_version.rpartition("/")
    name = f"{group + '.' if group else ''}{version}.{kind.kind}.{namespace}.{obj.name}"
    return name, (kind, namespace, obj.name)


def read(cluster: Cluster, kind: Kind, namespace: str, name: str) -> KubeObject | None:
    try:
        return cluster.api.get(kind.plural, name, namespace)
    except NotFound:
        return None


def answered(merged: KubeObject | None, live: KubeObject | None) -> KubeObject | None:
    """What the server's dry run answers: the stored resourceVersion, none for an object it would create."""
    if merged is None:
        return None
    merged = merged.copy()
    merged.metadata.resource_version = live.metadata.resource_version if live is not None else ""
    return merged


def yaml_of(obj: KubeObject | None) -> str:
    """The object as `-o yaml` prints it; nothing when there is none (kubectl writes an empty file)."""
    return to_yaml(printed(obj)) if obj is not None else ""


def folders_diff(now: float, live: dict[str, str], merged: dict[str, str]) -> str:
    """`diff -u -N LIVE MERGED` of two folders: a header and a unified diff per file that differs, by name."""
    names = sorted(live)
    seed = zlib.crc32("\n".join(names).encode())
    live_dir, merged_dir = f"/tmp/LIVE-{seed % 4_000_000_000}", f"/tmp/MERGED-{(seed * 7919) % 4_000_000_000}"
    stamp = f"{EPOCH + timedelta(microseconds=round(now * 1e6)):%Y-%m-%d %H:%M:%S.%f}000 +0000"
    out = []
    for name in names:
        if live[name] == merged[name]:
            continue
        a, b = f"{live_dir}/{name}", f"{merged_dir}/{name}"
        lines = list(difflib.unified_diff(live[name].splitlines(keepends=True), merged[name].splitlines(keepends=True),
                                          f"{a}\t{stamp}", f"{b}\t{stamp}"))
        out.append(f"diff -u -N {a} {b}\n" + "".join(lines))
    return "".join(out)
