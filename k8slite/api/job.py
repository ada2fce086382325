"""The Job: pods that must run to completion, with retries.

Mirrors k8s.io/api/batch/v1 Job. The Job controller (controllers/job.py)
runs pods from `spec.template` until `completions` (default 1) of them have
exited 0, at most `parallelism` (default 1) at a time. A failed attempt is
retried after a back-off of 10 s, doubling up to 10 minutes, until
`backoffLimit` (default 6) failures; with restartPolicy `Never` each attempt
is a new pod, with `OnFailure` the kubelet restarts the container in place
and each restart counts. `activeDeadlineSeconds` bounds the whole Job and
wins over backoffLimit; `ttlSecondsAfterFinished` deletes a finished Job
(and its pods) that long after it finished. With `completionMode: Indexed`
each pod gets a completion index 0..completions-1 (annotation
`batch.kubernetes.io/job-completion-index`, env `JOB_COMPLETION_INDEX`,
hostname `<job>-<index>`).

`podFailurePolicy` decides, rule by rule (the first that matches wins),
what a failed pod means: FailJob (the Job fails at once), Ignore (the
failure does not count toward backoffLimit) or Count (the default
handling). A rule matches on the exit codes of the pod's containers
(`onExitCodes`: operator In or NotIn, values, optionally one containerName)
or on its conditions (`onPodConditions`, e.g. DisruptionTarget True).

The API server generates the selector (`batch.kubernetes.io/controller-uid:
<uid>`) and the template labels that match it. `suspend: true` (default
false) keeps a Job from running pods until it is set back to false.
Simplified: no successPolicy, backoffLimitPerIndex (so no FailIndex
action) or podReplacementPolicy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from k8slite.api.meta import OMITEMPTY, TIME, TIME_OR_NULL, KubeObject, LabelSelector
from k8slite.api.pod import PodTemplateSpec

JOB_NAME = "batch.kubernetes.io/job-name"
LEGACY_JOB_NAME = "job-name"
CONTROLLER_UID = "batch.kubernetes.io/controller-uid"
LEGACY_CONTROLLER_UID = "controller-uid"
COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"


@dataclass(slots=True)
class PodFailurePolicyOnExitCodesRequirement:
    operator: str = ""
    """In or NotIn."""
    values: list[int] = field(default_factory=list)
    """Exit codes, ordered; 0 never matches (a container that exited 0 did not fail)."""
    container_name: str | None = None
    """Only this container's exit code is checked; unset: any container's."""


@dataclass(slots=True)
class PodFailurePolicyOnPodConditionsPattern:
    type: str = ""
    """A pod condition type, e.g. DisruptionTarget."""
    status: str = ""
    """True, False or Unknown; defaulted to True."""


@dataclass(slots=True)
class PodFailurePolicyRule:
    action: str = ""
    """FailJob, Ignore, Count (or FailIndex, which needs backoffLimitPerIndex)."""
    on_exit_codes: PodFailurePolicyOnExitCodesRequirement | None = None
    on_pod_conditions: list[PodFailurePolicyOnPodConditionsPattern] = field(default_factory=list)


@dataclass(slots=True)
class PodFailurePolicy:
    rules: list[PodFailurePolicyRule] = field(default_factory=list)
    """Checked in order against each failed pod; the first rule that matches decides."""


@dataclass(slots=True)
class JobSpec:
    template: PodTemplateSpec = field(default_factory=PodTemplateSpec)
    completions: int | None = None
    """Successful pods needed; defaulted to 1 when parallelism is unset too (None: a work queue)."""
    parallelism: int | None = None
    """Pods at a time; defaulted to 1."""
    backoff_limit: int | None = None
    """Failures (pods, or container restarts for OnFailure) before the Job fails; defaulted to 6."""
    active_deadline_seconds: int | None = None
    ttl_seconds_after_finished: int | None = None
    completion_mode: str | None = None
    """NonIndexed (the default) or Indexed."""
    selector: LabelSelector | None = None
    manual_selector: bool | None = None
    suspend: bool | None = None
    """No pods while true (the active ones are deleted); defaulted to false."""
    pod_failure_policy: PodFailurePolicy | None = None
    IGNORED: ClassVar[frozenset[str]] = frozenset({
        "successPolicy", "backoffLimitPerIndex", "maxFailedIndexes",
        "podReplacementPolicy", "managedBy"})


@dataclass(slots=True)
class JobCondition:
    type: str = ""
    """SuccessCriteriaMet then Complete, or FailureTarget then Failed (also Suspended)."""
    status: str = ""
    last_probe_time: float | None = field(default=None, metadata=TIME_OR_NULL)
    last_transition_time: float | None = field(default=None, metadata=TIME_OR_NULL)
    reason: str = ""
    message: str = ""


@dataclass(slots=True)
class UncountedTerminatedPods:
    succeeded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@dataclass(slots=True)
class JobStatus:
    start_time: float | None = field(default=None, metadata=TIME)
    completion_time: float | None = field(default=None, metadata=TIME)
    active: int = field(default=0, metadata=OMITEMPTY)
    succeeded: int = field(default=0, metadata=OMITEMPTY)
    failed: int = field(default=0, metadata=OMITEMPTY)
    ready: int | None = None
    terminating: int | None = None
    """Pods being deleted that have not finished (JobPodReplacementPolicy, on by default since 1.29)."""
    completed_indexes: str = ""
    conditions: list[JobCondition] = field(default_factory=list)
    uncounted_terminated_pods: UncountedTerminatedPods | None = None
    """The finished pods counted in neither succeeded nor failed yet (their finalizer still on): always `{}`
    here, as k8slite's controller counts a finished pod in the sync that sees it (job_tracking.py)."""
    IGNORED: ClassVar[frozenset[str]] = frozenset({"failedIndexes"})

    def condition(self, type_: str) -> JobCondition | None:
        return next((c for c in self.conditions if c.type == type_), None)

    def has(self, type_: str) -> bool:
        """Whether the condition type_ is there with status True."""
        return any(c.type == type_ and c.status == "True" for c in self.conditions)

    def finished(self) -> str:
        """"Complete" or "Failed" once the Job is done, else ""."""
        return next((c.type for c in self.conditions if c.type in ("Complete", "Failed") and c.status == "True"), "")


@dataclass(slots=True)
class Job(KubeObject):
    KIND: ClassVar[str] = "Job"
    API_VERSION: ClassVar[str] = "batch/v1"
    spec: JobSpec = field(default_factory=JobSpec)
    status: JobStatus = field(default_factory=JobStatus)
