"""kubectl wait: let cluster time pass until objects meet a condition.

Mirrors k8s.io/kubectl/pkg/cmd/wait: `--for=condition=Ready` (or
`condition=Ready=false`) looks at `status.conditions`; `--for=delete` waits
until the object is gone; `--for=jsonpath='{.status.phase}'=Running`
compares a JSONPath value. Objects are named (`pod/x`, `pods a b`) or
selected (`-l app=web`, `--all`). Each one that meets the condition prints
`pod/x condition met`; `--timeout` (default 30s) of cluster time bounds the
wait: `error: timed out waiting for the condition on pods/x`. On the virtual
clock the wait takes no real time; on Docker it is real time. `wait_deleted`
is the same wait as `kubectl delete` runs it after sending its deletes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k8slite.api.kinds import kind_of
from k8slite.api.meta import KubeObject
from k8slite.errors import NotFound
from k8slite.kubectl import jsonpath
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.gofmt import go_print
from k8slite.kubectl.resources import NO_RESOURCES, fetch, resource_name, resources
from k8slite.kubectl.rollout import seconds

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


def condition_test(wanted: str) -> Callable[[KubeObject | None], bool]:
    """What --for asks, as a test of the current object (None: it is gone)."""
    if wanted == "delete":
        return lambda obj: obj is None
    if wanted.startswith("condition="):
        name, _, value = wanted[len("condition="):].partition("=")
        status = (value or "true").lower()
        return lambda obj: obj is not None and any(
            str(c.get("type", "")).lower() == name.lower() and str(c.get("status", "")).lower() == status
            for c in obj.to_dict().get("status", {}).get("conditions", []))
    if wanted.startswith("jsonpath="):
        path, _, value = wanted[len("jsonpath="):].rpartition("=")
        if not path:
            raise UsageError("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3")
        return lambda obj: obj is not None and value in [go_print(v) for v in
                                                         jsonpath.values_at(path, obj.to_dict())]
    raise UsageError(f'unrecognized condition: "{wanted}"')


def wait(cluster: Cluster, cmd: Command) -> str:
    if not cmd.args:
        raise UsageError(NO_RESOURCES)
    meets = condition_test(str(cmd.flags.get("for", "")))
    limit = seconds(str(cmd.flags.get("timeout", "30s")))
    targets: list[tuple[Any, KubeObject]] = []
    missing: list[str] = []  # a name that is not there: the server's NotFound, after the others' results
    for_delete = str(cmd.flags.get("for", "")).lower() == "delete"
    for kind, names in resources(cmd.args):
        found, absent = fetch(cluster, cmd, kind, names, read=True)
        targets += [(kind, obj) for obj in found]
        missing += [] if for_delete else absent  # gone is deleted
    if not targets and not missing and not for_delete:
        raise UsageError("no matching resources found")
    lines: list[str] = []
    start = cluster.now
    for kind, obj in targets:
        def met(c: Cluster, obj: KubeObject = obj) -> bool:
            return meets(current(c, obj))
        try:
            cluster.run_until(met, timeout=max(0.0, start + limit - cluster.now))
        except TimeoutError:
            return "".join(lines) + f"error: timed out waiting for the condition on {kind.plural}/{obj.name}\n"
        lines.append(f"{resource_name(kind_of(obj), obj.name)} condition met\n")
    return "".join(lines + missing)


WEEK = 168 * 3600.0  # delete.go: "if we requested to wait forever, set it to a week"


def wait_after_delete(cluster: Cluster, cmd: Command, deleted: list[KubeObject]) -> str:
    """kubectl delete's wait: unless --wait=false, until all are gone or --timeout (0, the default: a week)."""
    if not cmd.flags.get("wait", True) or cmd.flags.get("dry_run", "none") != "none":
        return ""
    limit = seconds(str(cmd.flags.get("timeout", "0")))
    return wait_deleted(cluster, deleted, limit if limit > 0 else WEEK)


def wait_deleted(cluster: Cluster, objects: list[KubeObject], limit: float) -> str:
    """Run the clock until every object is gone (kubectl delete's wait): "" or the timeout error."""
    start = cluster.now
    for obj in objects:
        def gone(c: Cluster, obj: KubeObject = obj) -> bool:
            return current(c, obj) is None
        try:
            cluster.run_until(gone, timeout=max(0.0, start + limit - cluster.now))
        except TimeoutError:
            return f"error: timed out waiting for the condition on {kind_of(obj).plural}/{obj.name}\n"
    return ""


def current(cluster: Cluster, obj: KubeObject) -> KubeObject | None:
    """The object as stored now; None once it is gone (or replaced by another of the same name)."""
    try:
        found = cluster.api.get(kind_of(obj).plural, obj.name, obj.namespace)
    except NotFound:
        return None
    return found if found.metadata.uid == obj.metadata.uid else None  # type: ignore[no-any-return]
