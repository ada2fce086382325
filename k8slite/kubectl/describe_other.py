"""kubectl describe for ReplicaSets (describe.go's ReplicaSetDescriber) and for every other kind (genericDescriber).

A ReplicaSet shows its selector, `Replicas: 3 current / 3 desired`, how
many of the pods it controls are in each phase (`pods_status`, which the
DaemonSet describer uses too), and its pod template through the same
sections a pod uses (`describe_template`, shared by every workload and by
`rollout history --revision`). Kinds without a describer of their own get
kubectl's generic one: every field of the object, nested by indentation,
with keys title-cased by smartLabelFor (`clusterIP` -> `Cluster IP`).
Left out: the describers of the kinds k8slite only stores (kubectl has
one for each), and a pod template's topology spread constraints.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from k8slite.api.meta import KubeObject, LabelSelector
from k8slite.api.pod import Pod, PodTemplateSpec
from k8slite.api.replicaset import ReplicaSet
from k8slite.kubectl.describe_containers import describe_containers, describe_volumes
from k8slite.kubectl.describe_writer import (
    PrefixWriter,
    annotations_multiline,
    describe_events,
    events_for,
    heading,
    labels_multiline,
    tolerations_multiline,
)
from k8slite.kubectl.gofmt import go_print
from k8slite.kubectl.selectors import format_selector

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

HIDDEN = {".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels",
          ".metadata.annotations"}  # the generic describer shows these at the top, or not at all
ACRONYMS = ("API", "URL", "UID", "OSB", "GUID")


def describe_replicaset(cluster: Cluster, rs: ReplicaSet) -> str:
    w = PrefixWriter()
    w.write(0, f"Name:\t{rs.name}\nNamespace:\t{rs.namespace}\nSelector:\t{format_selector(rs.spec.selector)}\n")
    labels_multiline(w, "Labels", rs.metadata.labels)
    annotations_multiline(w, "Annotations", rs.metadata.annotations)
    owner = rs.metadata.controller_ref()
    if owner is not None:
        w.write(0, f"Controlled By:\t{owner.kind}/{owner.name}\n")
    w.write(0, f"Replicas:\t{rs.status.replicas} current / {rs.spec.replicas} desired\n")
    pods_status(w, cluster, rs, rs.spec.selector)
    describe_template(w, rs.spec.template)
    if rs.status.conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in rs.status.conditions:
            w.write(1, f"{c.type} \t{c.status}\t{c.reason}\n")
    describe_events(w, events_for(cluster, rs), cluster.now)
    return w.result()


def pods_status(w: PrefixWriter, cluster: Cluster, owner: KubeObject, selector: LabelSelector) -> None:
    """getPodStatusForController: `Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed`, counting the
    pods the selector matches that `owner` controls."""
    pods = [p for p in cluster.api.list("pods", owner.namespace) if isinstance(p, Pod)
            and selector.matches(p.metadata.labels)
            and (ref := p.metadata.controller_ref()) is not None and ref.uid == owner.metadata.uid]
    counts = [sum(p.status.phase == phase for p in pods) for phase in ("Running", "Pending", "Succeeded", "Failed")]
    w.write(0, "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed\n".format(*counts))


def describe_template(w: PrefixWriter, template: PodTemplateSpec) -> None:
    """DescribePodTemplate: the pod's sections, indented, without anything a status would say."""
    w.write(0, "Pod Template:\n")
    labels_multiline(w, "Labels", template.metadata.labels, "  ")
    if template.metadata.annotations:
        annotations_multiline(w, "Annotations", template.metadata.annotations, "  ")
    if template.spec.service_account_name:
        w.write(1, f"Service Account:\t{template.spec.service_account_name}\n")
    if template.spec.init_containers:
        describe_containers(w, template.spec.init_containers, None, "  ", "Init Containers")
    describe_containers(w, template.spec.containers, None, "  ")
    describe_volumes(w, template.spec.volumes, "  ")
    if template.spec.priority_class_name:
        w.write(1, f"Priority Class Name:\t{template.spec.priority_class_name}\n")
    labels_multiline(w, "Node-Selectors", template.spec.node_selector, "  ")
    tolerations_multiline(w, template.spec.tolerations, "  ")


def smart_label(field: str) -> str:
    """kubectl's smartLabelFor: `clusterIP` -> `Cluster IP`, `apiVersion` -> `API Version`."""
    if re.search(r"[^A-Za-z-]", field):
        return field
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|-", field)
    return " ".join(p.upper() if p.upper() in ACRONYMS else p[:1].upper() + p[1:] for p in parts)


def unstructured(w: PrefixWriter, level: int, content: dict[str, Any], prefix: str = "") -> None:
    """printUnstructuredContent: `Key:  value`, and maps and lists one level deeper below their key."""
    for key in sorted(content):
        value, path = content[key], f"{prefix}.{key}"
        if path in HIDDEN:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label(key)}:\n")
            unstructured(w, level + 1, value, path)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(key)}:\n")
            for item in value:
                if isinstance(item, dict):
                    unstructured(w, level + 1, item, path)
                else:
                    w.write(level + 1, f"{go_print(item)}\n")
        else:
            w.write(level, f"{smart_label(key)}:\t{go_print(value)}\n")


def describe_generic(cluster: Cluster, obj: KubeObject) -> str:
    """kubectl's genericDescriber, used for kinds without a describer of their own."""
    w = PrefixWriter()
    heading(w, obj)
    unstructured(w, 0, obj.to_dict())
    describe_events(w, events_for(cluster, obj), cluster.now)
    return w.result()
