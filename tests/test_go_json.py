"""k8slite writes each field as Go's encoding/json writes the Kubernetes 1.32 types (tests/golden/go_json_tags.json,
recorded from k8s.io/api v0.32.1 by tests/golden/make_go_json_tags.py).

What a learner sees in `kubectl get -o yaml` depends on it: an old ReplicaSet's status is `observedGeneration`
and `replicas: 0` only (the other counts are omitempty), every pod condition has `lastProbeTime: null` (a
metav1.Time is a struct, not a pointer), a waiting container has `imageID: ""`.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import k8slite.api as api
from k8slite import Cluster
from k8slite.api.serialize import fields_of

GO: dict[str, dict[str, list[Any]]] = json.loads(
    (Path(__file__).resolve().parent / "golden" / "go_json_tags.json").read_text())
# strings Go always writes that validation never lets be empty (a name, a key, a condition's type ...)
REQUIRED = {"AttachedVolume.name", "CSIPersistentVolumeSource.driver", "CSIPersistentVolumeSource.volumeHandle",
            "Container.name", "ContainerStatus.image", "ContainerStatus.name", "CronJobSpec.schedule",
            "DaemonSetCondition.status", "DaemonSetCondition.type", "DeploymentCondition.status",
            "DeploymentCondition.type", "EndpointAddress.ip", "EnvVar.name", "HostIP.ip",
            "HostPathVolumeSource.path", "JobCondition.status", "JobCondition.type", "LimitRangeItem.type",
            "NFSVolumeSource.path", "NFSVolumeSource.server", "NodeAddress.address", "NodeAddress.type",
            "NodeCondition.status", "NodeCondition.type", "NodeSelectorRequirement.key",
            "NodeSelectorRequirement.operator", "PersistentVolumeClaimVolumeSource.claimName",
            "PodAffinityTerm.topologyKey", "PodCondition.status", "PodCondition.type",
            "PodFailurePolicyOnExitCodesRequirement.operator", "PodFailurePolicyOnPodConditionsPattern.status",
            "PodFailurePolicyOnPodConditionsPattern.type", "PodFailurePolicyRule.action", "PodIP.ip",
            "ReplicaSetCondition.status", "ReplicaSetCondition.type", "StatefulSetCondition.status",
            "StatefulSetCondition.type", "StorageClass.provisioner", "Taint.effect",
            "Taint.key", "TopologySpreadConstraint.topologyKey", "Volume.name", "VolumeMount.mountPath",
            "VolumeMount.name"}


def modelled() -> list[tuple[str, dataclasses.Field[Any], str, str, bool]]:
    """(Struct.field, k8slite's field, its Go type, json name, omitempty) for every field both have."""
    found, seen = [], set()
    for module in pkgutil.iter_modules(api.__path__):
        for name, cls in vars(importlib.import_module(f"k8slite.api.{module.name}")).items():
            if dataclasses.is_dataclass(cls) and isinstance(cls, type) and name in GO and cls not in seen:
                seen.add(cls)
                for f, _, json_name in fields_of(cls):
                    if json_name in GO[name]:
                        go_type, omitempty = GO[name][json_name]
                        found.append((f"{name}.{json_name}", f, go_type, json_name, omitempty))
    return found


def wrong(where: str, f: dataclasses.Field[Any], go_type: str, omitempty: bool) -> str | None:
    """What k8slite writes differently from Go for the field's zero value, or None."""
    pointer, meta = go_type.startswith("*"), f.metadata
    if meta.get("time"):
        if meta.get("null") == pointer:
            return f"a {go_type} is {'left out' if pointer else 'written null'} when unset"
    elif go_type in ("int32", "int64", "bool") and f.default in (0, False):
        if bool(meta.get("omitempty")) != omitempty:
            return f"a {go_type}{' omitempty' if omitempty else ''} is {'left out' if omitempty else 'written'} at 0"
    elif f.default == "" and not pointer and not go_type.startswith(("[]", "map[")):
        keeps = bool(meta.get("empty_string") or meta.get("keep_empty"))
        if keeps if omitempty else not keeps and where not in REQUIRED:
            return f'a {go_type}{" omitempty" if omitempty else ""} is {"left out" if omitempty else "written"} at ""'
    return None


def test_every_modelled_field_is_written_as_go_writes_it() -> None:
    fields = modelled()
    assert len(fields) > 300  # the recording covers what k8slite models
    problems = [f"{where}: {why}" for where, f, go_type, _, omitempty in fields
                if (why := wrong(where, f, go_type, omitempty))]
    assert problems == []
    assert all(where in {w for w, *_ in fields} for where in REQUIRED)  # no stale exception


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(nodes=2)
    c.kubectl("create deployment web --image=nginx --replicas=2")
    c.run(30)
    c.kubectl("set image deploy/web nginx=nginx:1.27")
    c.kubectl("create job pi --image=busybox -- sleep 5")
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sized"}, "spec": {"containers": [
        {"name": "c", "image": "nginx", "resources": {"limits": {"cpu": "100m", "memory": "64Mi"}}}]}})
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "half"}, "spec": {"containers": [
        {"name": "c", "image": "nginx", "resources": {"limits": {"cpu": "100m", "memory": "64Mi"}}},
        {"name": "d", "image": "nginx", "resources": {"requests": {"cpu": "0"}}}]}})
    c.run(60)
    return c


def test_an_old_replicaset_shows_only_its_generation_and_zero_replicas(cluster: Cluster) -> None:
    rs = [o for o in cluster.get("replicasets") if o.spec.replicas == 0]
    assert len(rs) == 1 and rs[0].to_dict()["status"] == {"observedGeneration": 3, "replicas": 0}
    template = cluster.get("deployments")[0].to_dict()["spec"]["template"]
    assert template["metadata"] == {"creationTimestamp": None, "labels": {"app": "web"}}


def test_a_finished_job_writes_ready_terminating_and_uncounted_pods(cluster: Cluster) -> None:
    status = cluster.get("jobs")[0].to_dict()["status"]
    assert {k: status[k] for k in ("ready", "succeeded", "terminating", "uncountedTerminatedPods")} == \
        {"ready": 0, "succeeded": 1, "terminating": 0, "uncountedTerminatedPods": {}}
    assert "active" not in status and "failed" not in status


def test_a_pod_has_its_qos_class_host_ips_and_null_probe_times(cluster: Cluster) -> None:
    qos = {p.name.split("-")[0]: p.status.qos_class for p in cluster.get("pods")}
    assert qos == {"web": "BestEffort", "pi": "BestEffort", "sized": "Guaranteed", "half": "Burstable"}
    pod = cluster.get("pods", "sized").to_dict()
    assert pod["status"]["hostIPs"] == [{"ip": pod["status"]["hostIP"]}]
    assert pod["spec"]["enableServiceLinks"] is True  # SetDefaults_PodSpec
    # once running, the image as the runtime names it (containerd: the image's first repo tag)
    assert {cs.image for p in cluster.get("pods") for cs in p.status.container_statuses if p.name.startswith("web")} \
        == {"docker.io/library/nginx:1.27"}
    assert all(c["lastProbeTime"] is None for c in pod["status"]["conditions"])
    assert cluster.kubectl("get events -o yaml").count("eventTime: null") == len(cluster.get("events"))


def test_a_waiting_container_has_an_empty_image_id_and_has_not_started() -> None:
    c = Cluster(nodes=1)
    c.kubectl("run p --image=nginx")
    c.run(1)
    status = c.get("pods", "p").to_dict()["status"]["containerStatuses"][0]
    assert (status["image"], status["imageID"], status["started"], status["state"]) == \
        ("nginx", "", False, {"waiting": {"reason": "ContainerCreating"}})  # the pod's own image, until created
