"""What a failed pod means to its Job: pkg/controller/job/pod_failure_policy.go.

A Job's `podFailurePolicy` is a list of rules, checked in order against each
failed pod; the first rule that matches decides:

- FailJob: the Job fails at once (FailureTarget, then Failed, reason
  PodFailurePolicy) with a message naming the container and exit code, or
  the pod condition, and the index of the rule;
- Ignore: the failure is not counted toward backoffLimit; a new pod is made;
- Count: the default handling, the failure counts.

No rule matching is the default handling too. A rule matches on exit codes
(`onExitCodes`: the first terminated container, of the app containers then
the init containers, whose non-zero exit code is In / NotIn the values;
`containerName` narrows it to one container) or on pod conditions
(`onPodConditions`: a condition of that type and status). Left out: the
FailIndex action, which needs backoffLimitPerIndex.

`is_pod_failed` mirrors job_controller.go's isPodFailed: a pod counts as
failed once its phase is Failed or, without a podFailurePolicy (whose
podReplacementPolicy is then TerminatingOrFailed), once it is being deleted
without having succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8slite.api.job import (
    Job,
    PodFailurePolicy,
    PodFailurePolicyOnExitCodesRequirement,
    PodFailurePolicyOnPodConditionsPattern,
)
from k8slite.api.pod import ContainerStatus, Pod

FAIL_JOB, IGNORE, COUNT = "FailJob", "Ignore", "Count"


@dataclass(frozen=True)
class Match:
    """The outcome of matching one failed pod against the policy."""

    count_failed: bool = True
    """False when an Ignore rule matched: the failure does not count toward backoffLimit."""
    action: str | None = None
    """The matched rule's action, None when no rule matched."""
    fail_job_message: str | None = None
    """For FailJob: the message of the Job's FailureTarget and Failed conditions."""


def match_pod_failure_policy(policy: PodFailurePolicy | None, pod: Pod) -> Match:
    """The first rule matching the failed pod decides; rules with an unknown action are skipped."""
    if policy is None:
        return Match()
    for index, rule in enumerate(policy.rules):
        if rule.action not in (FAIL_JOB, IGNORE, COUNT):
            continue
        if rule.on_exit_codes is not None:
            status = match_on_exit_codes(pod, rule.on_exit_codes)
            if status is None:
                continue
            assert status.state.terminated is not None
            message = (f"Container {status.name} for pod {pod.namespace}/{pod.name} failed with exit code "
                       f"{status.state.terminated.exit_code} matching {rule.action} rule at index {index}")
        elif rule.on_pod_conditions:
            condition = match_on_pod_conditions(pod, rule.on_pod_conditions)
            if condition is None:
                continue
            message = (f"Pod {pod.namespace}/{pod.name} has condition {condition} matching {rule.action} "
                       f"rule at index {index}")
        else:
            continue
        return Match(rule.action != IGNORE, rule.action, message if rule.action == FAIL_JOB else None)
    return Match()


def match_on_exit_codes(pod: Pod, requirement: PodFailurePolicyOnExitCodesRequirement) -> ContainerStatus | None:
    """The first terminated container (app containers, then init containers) whose exit code matches."""
    for status in [*pod.status.container_statuses, *pod.status.init_container_statuses]:
        terminated = status.state.terminated
        if terminated is None or terminated.exit_code == 0:
            continue  # still running, or did not fail: no exit code to match
        if requirement.container_name not in (None, status.name):
            continue
        if (terminated.exit_code in requirement.values) == (requirement.operator == "In") \
                and requirement.operator in ("In", "NotIn"):
            return status
    return None


def match_on_pod_conditions(pod: Pod, patterns: list[PodFailurePolicyOnPodConditionsPattern]) -> str | None:
    """The type of the first pod condition matching a pattern (a pattern's status defaults to True)."""
    for condition in pod.status.conditions:
        if any(condition.type == p.type and condition.status == (p.status or "True") for p in patterns):
            return condition.type
    return None


def is_pod_failed(pod: Pod, job: Job) -> bool:
    """Failed, or (without a podFailurePolicy) deleted before it succeeded: an orphan never reaches Failed."""
    if pod.status.phase == "Failed":
        return True
    if job.spec.pod_failure_policy is not None:
        return False  # podReplacementPolicy Failed: wait for the pod to reach phase Failed
    return pod.metadata.deletion_timestamp is not None and pod.status.phase != "Succeeded"
