"""kubectl describe (k8s.io/kubectl/pkg/cmd/describe): each object asked for, as its kind's describer writes it.

Pods, nodes, ReplicaSets, Deployments, DaemonSets, StatefulSets, Jobs, CronJobs, Services, Endpoints,
EndpointSlices, ConfigMaps, Secrets, ServiceAccounts, volumes, claims and
StorageClasses have describers of their own (and ResourceQuotas,
LimitRanges and Namespaces, in k8slite.kubectl.policy); every other kind
gets the generic one. Descriptions are separated by a blank line. Like
kubectl, `describe pod web` falls back to every pod whose name starts with
`web` when there is no pod called exactly that, which is why
`kubectl describe pod web` works on a ReplicaSet's pods. Left out:
--show-events=false, --chunk-size, and the describers of the kinds k8slite
only stores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k8slite.api.meta import KubeObject
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.describe_config import describe_configmap, describe_secret, describe_serviceaccount
from k8slite.kubectl.describe_network import describe_endpoints, describe_endpointslice, describe_service
from k8slite.kubectl.describe_node import describe_node
from k8slite.kubectl.describe_other import describe_generic, describe_replicaset
from k8slite.kubectl.describe_pod import describe_pod
from k8slite.kubectl.describe_storage import describe_pv, describe_pvc, describe_storageclass
from k8slite.kubectl.describe_workloads import (
    describe_cronjob,
    describe_daemonset,
    describe_deployment,
    describe_job,
    describe_statefulset,
)
from k8slite.kubectl.policy import DESCRIBERS as POLICY_DESCRIBERS
from k8slite.kubectl.resources import fetch, resources

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


def describe_cmd(cluster: Cluster, cmd: Command) -> str:
    if not cmd.args:
        raise UsageError('You must specify the type of resource to describe. Use "kubectl api-resources" for '
                         "a complete list of supported resources.")
    texts, errors = [], []
    for kind, names in resources(cmd.args):
        objects, missing = fetch(cluster, cmd, kind, names, read=True)
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


DESCRIBERS: dict[str, Callable[[Any, Any], str]] = {
    "Pod": describe_pod, "Node": describe_node, "ReplicaSet": describe_replicaset,
    "Deployment": describe_deployment, "DaemonSet": describe_daemonset, "Job": describe_job,
    "StatefulSet": describe_statefulset, "CronJob": describe_cronjob,
    "PersistentVolumeClaim": describe_pvc, "PersistentVolume": describe_pv, "Service": describe_service,
    "ConfigMap": describe_configmap, "Secret": describe_secret, "ServiceAccount": describe_serviceaccount,
    "Endpoints": describe_endpoints, "EndpointSlice": describe_endpointslice, "StorageClass": describe_storageclass,
    **POLICY_DESCRIBERS,  # ResourceQuota, LimitRange, Namespace (k8slite.kubectl.policy)
}


def describe(cluster: Cluster, obj: KubeObject) -> str:
    """The description of one object, by its kind's describer (the generic one for the other kinds)."""
    return DESCRIBERS.get(obj.kind, describe_generic)(cluster, obj)
