"""Defaulting: the values the API server fills in before storing an object.

Mirrors pkg/apis/core/v1/defaults.go, apps/v1 and batch/v1 defaults, and the
DefaultTolerationSeconds admission plugin. imagePullPolicy is Always for
`:latest` or no tag, else IfNotPresent; every pod tolerates
`node.kubernetes.io/not-ready` and `node.kubernetes.io/unreachable`
(NoExecute) for 300 s, which is why pods on a dead node wait five minutes
before they are evicted. A Deployment's RollingUpdate gets maxSurge and
maxUnavailable of 25%, a DaemonSet's maxUnavailable 1 and maxSurge 0, a
StatefulSet OrderedReady pods, partition 0 and its claims retained; a Job gets completions and parallelism 1 and
backoffLimit 6, and at creation a selector made from its uid
(`job_selector`); a CronJob gets concurrencyPolicy Allow, suspend false and
keeps 3 successful and 1 failed Job (its jobTemplate's Job spec gets no
defaults: the Jobs made from it get theirs when they are created). A pod's container with a limit and no request for a
resource requests its limit; a pod spec without a securityContext gets an
empty one. Other defaults (restartPolicy Always, probe timings,
revisionHistoryLimit 10, progressDeadlineSeconds 600) are the dataclasses' own.
"""

from __future__ import annotations

from k8slite.api.cronjob import CronJob
from k8slite.api.daemonset import DaemonSet, RollingUpdateDaemonSet
from k8slite.api.deployment import Deployment, RollingUpdateDeployment
from k8slite.api.job import CONTROLLER_UID, JOB_NAME, LEGACY_CONTROLLER_UID, LEGACY_JOB_NAME, Job
from k8slite.api.meta import KubeObject, LabelSelector
from k8slite.api.node import NOT_READY, UNREACHABLE
from k8slite.api.pod import Pod, PodSpec, Toleration
from k8slite.api.policy import LimitRange, default_limit_range
from k8slite.api.replicaset import ReplicaSet
from k8slite.api.security import PodSecurityContext
from k8slite.api.service import Service
from k8slite.api.statefulset import (
    RollingUpdateStatefulSetStrategy,
    StatefulSet,
    StatefulSetPersistentVolumeClaimRetentionPolicy,
)
from k8slite.api.storage import default_storage
from k8slite.api.validation_service import default_service

DEFAULT_TOLERATION_SECONDS = 300
DEFAULT_BACKOFF_LIMIT = 6


def image_tag(image: str) -> str:
    """The tag of an image reference: "latest" when it has neither tag nor digest (ParseImageName),
    "" when it is pinned by digest alone."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return last.split(":", 1)[1]
    return "" if digest else "latest"


TERMINATION_MESSAGE_PATH, TERMINATION_MESSAGE_POLICY = "/dev/termination-log", "File"


def default_pull_policy(image: str) -> str:
    """pkg/apis/core/v1/defaults.go SetDefaults_Container: Always for the tag latest, else IfNotPresent."""
    return "Always" if image_tag(image) == "latest" else "IfNotPresent"


def default_pod_spec(spec: PodSpec) -> None:
    if spec.enable_service_links is None:
        spec.enable_service_links = True
    if spec.security_context is None:
        spec.security_context = PodSecurityContext()
    for container in [*spec.init_containers, *spec.containers]:
        if not container.image_pull_policy:
            container.image_pull_policy = default_pull_policy(container.image)
        container.termination_message_path = container.termination_message_path or TERMINATION_MESSAGE_PATH
        container.termination_message_policy = container.termination_message_policy or TERMINATION_MESSAGE_POLICY


def default_requests(spec: PodSpec) -> None:
    """SetDefaults_Pod: a limit without a request makes the request equal to it (on a Pod, not in a template:
    a Deployment's pods get theirs when they are created)."""
    for container in [*spec.init_containers, *spec.containers]:
        resources = container.resources
        if resources.limits and any(name not in resources.requests for name in resources.limits):
            resources.requests = {**resources.limits, **resources.requests}


def default_tolerations(spec: PodSpec) -> None:
    """The DefaultTolerationSeconds admission plugin: 300 s for not-ready and unreachable."""
    for key in (NOT_READY, UNREACHABLE):
        if not any(t.key in (key, "") and t.effect in ("NoExecute", "") for t in spec.tolerations):
            spec.tolerations.append(Toleration(key=key, operator="Exists", effect="NoExecute",
                                               toleration_seconds=DEFAULT_TOLERATION_SECONDS))


def default_deployment(d: Deployment) -> None:
    default_pod_spec(d.spec.template.spec)
    strategy = d.spec.strategy
    if strategy.type == "RollingUpdate":
        rolling = strategy.rolling_update = strategy.rolling_update or RollingUpdateDeployment()
        rolling.max_surge = "25%" if rolling.max_surge is None else rolling.max_surge
        rolling.max_unavailable = "25%" if rolling.max_unavailable is None else rolling.max_unavailable


def default_daemonset(ds: DaemonSet) -> None:
    """SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0; 10 revisions kept."""
    default_pod_spec(ds.spec.template.spec)
    strategy = ds.spec.update_strategy
    strategy.type = strategy.type or "RollingUpdate"
    if strategy.type == "RollingUpdate":
        rolling = strategy.rolling_update = strategy.rolling_update or RollingUpdateDaemonSet()
        rolling.max_unavailable = 1 if rolling.max_unavailable is None else rolling.max_unavailable
        rolling.max_surge = 0 if rolling.max_surge is None else rolling.max_surge
    if ds.spec.revision_history_limit is None:
        ds.spec.revision_history_limit = 10


def default_statefulset(sts: StatefulSet) -> None:
    """SetDefaults_StatefulSet: OrderedReady, RollingUpdate with partition 0, claims retained, 1 replica,
    10 revisions; the claim templates get a claim's defaults."""
    default_pod_spec(sts.spec.template.spec)
    spec = sts.spec
    spec.pod_management_policy = spec.pod_management_policy or "OrderedReady"
    strategy = spec.update_strategy
    if not strategy.type:
        strategy.type = "RollingUpdate"
        strategy.rolling_update = strategy.rolling_update or RollingUpdateStatefulSetStrategy()
    if strategy.type == "RollingUpdate" and strategy.rolling_update is not None:
        strategy.rolling_update.max_unavailable = None  # MaxUnavailableStatefulSet: alpha, off in 1.32
        if strategy.rolling_update.partition is None:
            strategy.rolling_update.partition = 0
    policy = spec.persistent_volume_claim_retention_policy = \
        spec.persistent_volume_claim_retention_policy or StatefulSetPersistentVolumeClaimRetentionPolicy()
    policy.when_deleted, policy.when_scaled = policy.when_deleted or "Retain", policy.when_scaled or "Retain"
    spec.replicas = 1 if spec.replicas is None else spec.replicas
    spec.revision_history_limit = 10 if spec.revision_history_limit is None else spec.revision_history_limit
    for claim in spec.volume_claim_templates:
        default_storage(claim)


def default_job(job: Job) -> None:
    default_pod_spec(job.spec.template.spec)
    spec = job.spec
    if spec.completions is None and spec.parallelism is None:
        spec.completions = 1
    spec.parallelism = 1 if spec.parallelism is None else spec.parallelism
    spec.backoff_limit = DEFAULT_BACKOFF_LIMIT if spec.backoff_limit is None else spec.backoff_limit
    spec.completion_mode = spec.completion_mode or "NonIndexed"
    spec.suspend = bool(spec.suspend)


def default_cronjob(cj: CronJob) -> None:
    """SetDefaults_CronJob: Allow, not suspended, 3 successful and 1 failed Job kept."""
    default_pod_spec(cj.spec.job_template.spec.template.spec)
    spec = cj.spec
    spec.concurrency_policy = spec.concurrency_policy or "Allow"
    spec.suspend = bool(spec.suspend)
    spec.successful_jobs_history_limit = 3 if spec.successful_jobs_history_limit is None \
        else spec.successful_jobs_history_limit
    spec.failed_jobs_history_limit = 1 if spec.failed_jobs_history_limit is None else spec.failed_jobs_history_limit


def job_selector(job: Job) -> None:
    """At creation: select the Job's pods by its uid, and label the template to match (unless manualSelector)."""
    if job.spec.manual_selector:
        return
    labels = {CONTROLLER_UID: job.metadata.uid, LEGACY_CONTROLLER_UID: job.metadata.uid,
              JOB_NAME: job.name, LEGACY_JOB_NAME: job.name}
    job.spec.template.metadata.labels = {**job.spec.template.metadata.labels, **labels}
    job.metadata.labels = job.metadata.labels or dict(job.spec.template.metadata.labels)
    job.spec.selector = LabelSelector(match_labels={CONTROLLER_UID: job.metadata.uid})


def apply_defaults(obj: KubeObject) -> None:
    """Fill in defaults in place (on the API server's own copy)."""
    if isinstance(obj, Pod):
        default_pod_spec(obj.spec)
        default_requests(obj.spec)
        default_tolerations(obj.spec)
    elif isinstance(obj, ReplicaSet):
        default_pod_spec(obj.spec.template.spec)
    elif isinstance(obj, Deployment):
        default_deployment(obj)
    elif isinstance(obj, DaemonSet):
        default_daemonset(obj)
    elif isinstance(obj, StatefulSet):
        default_statefulset(obj)
    elif isinstance(obj, Job):
        default_job(obj)
    elif isinstance(obj, CronJob):
        default_cronjob(obj)
    elif isinstance(obj, LimitRange):
        default_limit_range(obj)
    elif isinstance(obj, Service):
        default_service(obj)
    default_storage(obj)
