"""kubectl apply -f (k8s.io/kubectl/pkg/cmd/apply): create what is new, update what changed, leave the rest.

Each object of the manifest is `created` when it does not exist, else
compared with what is stored: `unchanged` when an earlier apply made it
and the manifest, defaulted and admitted as a create would store it,
declares nothing the stored object does not have; otherwise it is
updated and `configured`. What others set is no difference: a pod's
nodeName (the scheduler's), a Service's cluster IPs and node ports (the
API server's). One difference kubectl sees and this comparison would not:
a StatefulSet's volumeClaimTemplates, a list the strategic merge replaces
whole, is in kubectl's three-way patch whenever the manifest's list is not
the live one, and the live claims carry the server's defaults, so such a
set is `configured` at every apply (kubernetes#66450). Left out: the
three-way strategic merge patch itself (the last-applied configuration is
kept by the cluster's Applier, not in the annotation), --prune and
server-side apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k8slite.api.kinds import Kind, kind_of
from k8slite.api.meta import KubeObject
from k8slite.api.pod import Pod
from k8slite.api.service import Service
from k8slite.api.statefulset import StatefulSet
from k8slite.errors import BadRequest, NotFound
from k8slite.kubectl.command import Command
from k8slite.kubectl.resources import resource_name
from k8slite.kubectl.write import manifests, refused

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

ALLOCATED = ("clusterIP", "clusterIPs", "healthCheckNodePort")  # a Service's, when its manifest leaves them out


def apply(cluster: Cluster, cmd: Command) -> str:
    """Create what is new, update what changed, leave the rest: `created`, `configured`, `unchanged`."""
    try:
        objects, ignored = manifests(cmd)
    except BadRequest as e:
        return refused(cmd, e)
    for obj in objects:  # -n places what names no namespace (before the dry run, which admits each object)
        if "namespace" in cmd.flags and kind_of(obj).namespaced and not obj.namespace:
            obj.metadata.namespace = cmd.namespace
    cluster.applier.dry_run(objects)
    cluster.applier.warn_ignored(objects, ignored)
    lines = []
    for obj in objects:
        kind = kind_of(obj)
        lines.append(f"{resource_name(kind, obj.name)} {apply_one(cluster, cmd, kind, obj)}\n")
        cmd.written.append(cluster.api.get(kind.plural, obj.name, (obj.namespace or cmd.namespace)
                                           if kind.namespaced else ""))
    cluster.run(0)
    return "".join(lines)


def apply_one(cluster: Cluster, cmd: Command, kind: Kind, obj: KubeObject) -> str:
    """Create or update one object from a manifest; what happened to it, in apply's words."""
    try:
        namespace = (obj.namespace or cmd.namespace) if kind.namespaced else ""
        current = cluster.api.get(kind.plural, obj.name, namespace)
    except NotFound:
        cluster.applier.apply_one(obj)  # created, and what was applied remembered for the next apply
        return "created"
    prepared = cluster.api.admission.mutate(cluster.api.prepare(obj, kind), kind)  # what a create would store
    if desired(prepared, current) == desired(current, current) and cluster.applier.applied(kind, current) \
            and not claim_templates_differ(obj, current):
        return "unchanged"
    cluster.applier.apply_one(obj)  # an object no apply made gets its last-applied configuration: "configured"
    return "configured"


def desired(obj: KubeObject, current: KubeObject) -> dict[str, Any]:
    """What a manifest declares: labels, annotations and everything but status (nodeName is the scheduler's,
    a Service's cluster IPs and node ports the API server's, when the manifest leaves them out)."""
    data = obj.to_dict()
    if isinstance(obj, Pod) and isinstance(current, Pod) and not obj.spec.node_name:
        data["spec"]["nodeName"] = current.spec.node_name
    if isinstance(obj, Service) and isinstance(current, Service):
        spec, live = data["spec"], current.to_dict()["spec"]
        spec.update({k: live[k] for k in ALLOCATED if k in live and k not in spec})
        for port, live_port in zip(spec.get("ports", []), live.get("ports", [])):
            if "nodePort" in live_port and "nodePort" not in port:
                port["nodePort"] = live_port["nodePort"]
    meta = data.get("metadata", {})
    return {"labels": meta.get("labels"), "annotations": meta.get("annotations"),
            **{k: v for k, v in data.items() if k not in ("metadata", "status")}}


def claim_templates_differ(obj: KubeObject, current: KubeObject) -> bool:
    """A StatefulSet's volumeClaimTemplates is a list that a strategic merge replaces whole: kubectl's three-way
    patch carries it whenever the manifest's list is not the live one, whose claims have the server's defaults
    (volumeMode, status), so a set with claim templates is `configured` at every apply (kubernetes#66450)."""
    if not isinstance(obj, StatefulSet) or not isinstance(current, StatefulSet):
        return False
    claims = "volumeClaimTemplates"
    return bool(obj.to_dict()["spec"].get(claims) != current.to_dict()["spec"].get(claims))
