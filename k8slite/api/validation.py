"""Validation with field paths, in the API server's own words.

Mirrors pkg/apis/core/validation and apimachinery's name checks: names are
RFC 1123 subdomains (namespaces and container names are RFC 1123 labels),
pods need containers with images, volume mounts must name a volume, a
workload kinds are checked in validation_workloads. Init containers share the
container checks; only they may set restartPolicy (Always: a sidecar). Each check returns
FieldErrors; the API server joins them into one `Invalid` that names every
bad field. Simplified: only the rules the course's objects meet.
"""

from __future__ import annotations

from k8slite.api.cronjob import CronJob
from k8slite.api.daemonset import DaemonSet
from k8slite.api.deployment import Deployment
from k8slite.api.job import Job
from k8slite.api.kinds import kind_of
from k8slite.api.meta import KubeObject, ObjectMeta
from k8slite.api.pod import Container, Pod, PodSpec, Probe
from k8slite.api.policy import LimitRange, ResourceQuota, validate_limit_range, validate_resource_quota
from k8slite.api.quantity import MESSAGE as QUANTITY_MESSAGE
from k8slite.api.quantity import parse_quantity
from k8slite.api.replicaset import ReplicaSet
from k8slite.api.security import validate_pod_security_context, validate_security_context
from k8slite.api.service import Service
from k8slite.api.statefulset import StatefulSet
from k8slite.api.validation_names import check_name
from k8slite.api.validation_service import validate_service
from k8slite.api.validation_storage import validate_storage_kind
from k8slite.api.validation_workloads import (
    validate_cronjob,
    validate_daemonset,
    validate_deployment,
    validate_job,
    validate_replicaset,
    validate_statefulset,
)
from k8slite.errors import FieldError, forbidden, invalid, required, unsupported

POD_UPDATE_FORBIDDEN = (
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
    "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
    "(allow it to be set to 1 if it was previously negative)")
RESTART_POLICIES = ["Always", "OnFailure", "Never"]
PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
PREEMPTION_POLICIES = ["Never", "PreemptLowerPriority"]


def validate_meta(meta: ObjectMeta, namespaced: bool, label_name: bool = False) -> list[FieldError]:
    if not meta.name:
        return [required("metadata.name")]
    errors = check_name("metadata.name", meta.name, label_name)
    if namespaced and meta.namespace:
        errors += check_name("metadata.namespace", meta.namespace, label=True)
    return errors


def validate(obj: KubeObject) -> list[FieldError]:
    """Every problem with obj, each with its field path."""
    kind = kind_of(obj)
    errors = validate_meta(obj.metadata, kind.namespaced, label_name=obj.kind == "Namespace")
    if isinstance(obj, Pod):
        errors += validate_pod_spec(obj.spec, "spec")
    elif isinstance(obj, ReplicaSet):
        errors += validate_replicaset(obj, validate_pod_spec)
    elif isinstance(obj, Deployment):
        errors += validate_deployment(obj, validate_pod_spec)
    elif isinstance(obj, DaemonSet):
        errors += validate_daemonset(obj, validate_pod_spec)
    elif isinstance(obj, StatefulSet):
        errors += validate_statefulset(obj)
    elif isinstance(obj, Job):
        errors += validate_job(obj, validate_pod_spec)
    elif isinstance(obj, CronJob):
        errors += validate_cronjob(obj, validate_pod_spec)
    elif isinstance(obj, ResourceQuota):
        errors += validate_resource_quota(obj)
    elif isinstance(obj, LimitRange):
        errors += validate_limit_range(obj)
    elif isinstance(obj, Service):
        errors += validate_service(obj)
    errors += validate_storage_kind(obj)
    return errors


def validate_pod_spec(spec: PodSpec, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    if not spec.containers:
        errors.append(required(f"{path}.containers"))
    volumes = [v.name for v in spec.volumes]
    for i, volume in enumerate(spec.volumes):
        where = f"{path}.volumes[{i}]"
        errors += check_name(f"{where}.name", volume.name, label=True) if volume.name else [required(f"{where}.name")]
        if volume.name in volumes[:i]:
            errors.append(FieldError(f"{where}.name", "Duplicate value", f'"{volume.name}"'))
    names: list[str] = []
    for i, container in enumerate(spec.containers):
        errors += validate_container(container, f"{path}.containers[{i}]", volumes, names)
        names.append(container.name)
        if container.restart_policy:
            errors.append(forbidden(f"{path}.containers[{i}].restartPolicy", "may not be set for non-init containers"))
    errors += validate_init_containers(spec.init_containers, f"{path}.initContainers", volumes, names)
    if spec.restart_policy not in RESTART_POLICIES:
        errors.append(unsupported(f"{path}.restartPolicy", spec.restart_policy, RESTART_POLICIES))
    errors += validate_pod_security_context(spec.security_context, f"{path}.securityContext")
    if spec.preemption_policy is not None and spec.preemption_policy not in PREEMPTION_POLICIES:
        errors.append(unsupported(f"{path}.preemptionPolicy", spec.preemption_policy, PREEMPTION_POLICIES))
    for i, t in enumerate(spec.tolerations):
        if t.operator == "Exists" and t.value:
            errors.append(invalid(f"{path}.tolerations[{i}].operator", t.operator,
                                  "value must be empty when `operator` is 'Exists'"))
    return errors


def validate_init_containers(containers: list[Container], path: str, volumes: list[str],
                             names: list[str]) -> list[FieldError]:
    """validateInitContainers: names unique across both lists; probes only on sidecars (restartPolicy Always)."""
    errors: list[FieldError] = []
    for i, c in enumerate(containers):
        where = f"{path}[{i}]"
        errors += validate_container(c, where, volumes, names)
        names.append(c.name)
        if c.restart_policy and not c.is_sidecar():
            errors.append(unsupported(f"{where}.restartPolicy", c.restart_policy, ["Always"]))
        if not c.is_sidecar():
            errors += [forbidden(f"{where}.{field}", "may not be set for init containers without restartPolicy=Always")
                       for field, probe in (("livenessProbe", c.liveness_probe), ("readinessProbe", c.readiness_probe),
                                            ("startupProbe", c.startup_probe)) if probe is not None]
    return errors


def validate_container(c: Container, path: str, volumes: list[str], seen: list[str]) -> list[FieldError]:
    errors: list[FieldError] = []
    if not c.name:
        errors.append(required(f"{path}.name"))
    else:
        errors += check_name(f"{path}.name", c.name, label=True)
        if c.name in seen:
            errors.append(FieldError(f"{path}.name", "Duplicate value", f'"{c.name}"'))
    if not c.image:
        errors.append(required(f"{path}.image"))
    if c.image_pull_policy and c.image_pull_policy not in PULL_POLICIES:
        errors.append(unsupported(f"{path}.imagePullPolicy", c.image_pull_policy, PULL_POLICIES))
    if c.termination_message_policy and c.termination_message_policy not in TERMINATION_MESSAGE_POLICIES:
        errors.append(unsupported(f"{path}.terminationMessagePolicy", c.termination_message_policy,
                                  TERMINATION_MESSAGE_POLICIES))
    for i, port in enumerate(c.ports):
        if not 1 <= port.container_port <= 65535:
            errors.append(invalid(f"{path}.ports[{i}].containerPort", port.container_port,
                                  "must be between 1 and 65535, inclusive"))
    for i, mount in enumerate(c.volume_mounts):
        if mount.name not in volumes:
            errors.append(FieldError(f"{path}.volumeMounts[{i}].name", "Not found", f'"{mount.name}"'))
        if not mount.mount_path:
            errors.append(required(f"{path}.volumeMounts[{i}].mountPath"))
    errors += validate_resources(c, f"{path}.resources")
    for probe_name in ("liveness_probe", "readiness_probe", "startup_probe"):
        probe = getattr(c, probe_name)
        if probe is not None:
            errors += validate_probe(probe, f"{path}.{probe_name.replace('_p', 'P')}")
    errors += validate_security_context(c.security_context, f"{path}.securityContext")
    return errors


def validate_resources(c: Container, path: str) -> list[FieldError]:
    errors: list[FieldError] = []
    values: dict[tuple[str, str], object] = {}
    for group in ("requests", "limits"):
        for name, value in getattr(c.resources, group).items():
            try:
                values[group, name] = parse_quantity(value)
            except ValueError:
                errors.append(invalid(f"{path}.{group}.{name}", str(value), QUANTITY_MESSAGE))
    for (group, name), value in values.items():
        limit = values.get(("limits", name))
        if group == "requests" and limit is not None and value > limit:  # type: ignore[operator]
            errors.append(invalid(f"{path}.requests", str(c.resources.requests[name]),
                                  f"must be less than or equal to {name} limit of {c.resources.limits[name]}"))
    return errors


def validate_probe(probe: Probe, path: str) -> list[FieldError]:
    handlers = [h for h in (probe.exec, probe.http_get, probe.tcp_socket) if h is not None]
    if not handlers:
        return [required(f"{path}: must specify a handler type")]
    if len(handlers) > 1:
        return [forbidden(path, "may not specify more than 1 handler type")]
    return []

