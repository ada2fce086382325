"""kubectl expose (k8s.io/kubectl/pkg/cmd/expose): a Service in front of a Deployment, ReplicaSet or pod.

The new Service is named after the object (or --name), selects the pods
by the object's selector (a pod's own labels), and forwards --port to
--target-port (by default the same number). Without --port, kubectl takes
the first containerPort of the pod template ("introspection"). --type
chooses ClusterIP (the default), NodePort or LoadBalancer. --dry-run and
-o show the Service as kubectl generates it, as `create` does. Other kinds
are refused as canBeExposed refuses them (`cannot expose a CronJob.batch`).
Left out: exposing a Service, --external-ip, --session-affinity, --overrides,
generators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k8slite.api.pod import Pod, PodSpec
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.generate import meta, submit
from k8slite.kubectl.resources import resources

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

EXPOSABLE = ("Pod", "Service", "ReplicationController", "Deployment", "ReplicaSet")  # polymorphichelpers.canBeExposed


def selector_and_spec(obj: Any) -> tuple[dict[str, str], PodSpec]:
    if isinstance(obj, Pod):
        return dict(obj.metadata.labels), obj.spec
    selector = obj.spec.selector
    if selector is None or selector.match_expressions or not selector.match_labels:
        raise UsageError(f"couldn't retrieve selectors via --selector flag or introspection: the {obj.kind} "
                         "selector is not a simple map of labels")
    return dict(selector.match_labels), obj.spec.template.spec


def expose(cluster: Cluster, cmd: Command) -> str:
    groups = resources(cmd.args)
    if len(groups) != 1 or len(groups[0][1]) != 1:
        raise UsageError("You must provide one resource and name to expose, e.g. `expose deployment web --port 80`")
    kind, (name,) = groups[0]
    obj = cluster.api.get(kind.plural, name, cmd.namespace)
    if kind.kind not in EXPOSABLE:
        raise UsageError(f"cannot expose a {kind.group_kind}")
    selector, pod_spec = selector_and_spec(obj)
    declared = [p.container_port for c in pod_spec.containers for p in c.ports]
    port = int(cmd.flags["port"]) if "port" in cmd.flags else (declared[0] if declared else None)
    if port is None:
        raise UsageError("couldn't find port via --port flag or introspection")
    target = cmd.flags.get("target_port", port)
    target = int(target) if str(target).isdigit() else str(target)
    spec: dict[str, Any] = {"ports": [{"port": port, "protocol": cmd.flags.get("protocol", "TCP"),
                                       "targetPort": target}], "selector": selector}
    if "type" in cmd.flags:
        spec["type"] = cmd.flags["type"]
    labels = dict(obj.metadata.labels)
    manifest = {"apiVersion": "v1", "kind": "Service", "metadata": meta(cmd, str(cmd.flags.get("name", name)), labels),
                "spec": spec, "status": {"loadBalancer": {}}}
    return submit(cluster, cmd, manifest, done="exposed")
