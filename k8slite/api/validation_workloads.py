"""Validation of the workload kinds: ReplicaSet, Deployment, DaemonSet, StatefulSet, Job and CronJob, with
field paths.

Mirrors pkg/apis/apps/validation and pkg/apis/batch/validation. A
selector is required and must match the template's labels; counts may not
be negative; a Deployment's maxSurge and maxUnavailable are a number or a
percentage (at most 100% for maxUnavailable) and may not both be 0; a
DaemonSet's likewise, but exactly one of them is non-zero; a Deployment's
or a DaemonSet's pods must restart Always (a DaemonSet's have no
activeDeadlineSeconds), a Job's OnFailure or Never (Always
would never let a Job finish); a Job's podFailurePolicy needs restartPolicy
Never, and each rule a known action and exactly one of onExitCodes (an
operator, ordered unique values, no 0 for In) and onPodConditions. A CronJob's
schedule must parse (robfig/cron's message) and name no time zone (that is
`timeZone`'s job, which must be a known IANA zone), its name is at most 52
characters, and its jobTemplate is a Job spec without a selector. Simplified: no immutability checks on
updates (Kubernetes refuses a changed Job template or selector).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from k8slite.api import cron
from k8slite.api.cronjob import CONCURRENCY_POLICIES, MAX_NAME_LENGTH, CronJob
from k8slite.api.daemonset import DaemonSet
from k8slite.api.deployment import Deployment
from k8slite.api.job import Job, PodFailurePolicyOnExitCodesRequirement, PodFailurePolicyRule
from k8slite.api.meta import LabelSelector, ObjectMeta
from k8slite.api.pod import PodSpec, PodTemplateSpec
from k8slite.api.replicaset import ReplicaSet
from k8slite.api.statefulset import POD_MANAGEMENT_POLICIES, RETENTION_POLICIES, StatefulSet
from k8slite.errors import FieldError, forbidden, invalid, required, unsupported

PERCENT = re.compile(r"^[0-9]+%$")
JOB_RESTART_POLICIES = ["OnFailure", "Never"]
COMPLETION_MODES = ["NonIndexed", "Indexed"]
PodSpecCheck = Callable[[PodSpec, str], list[FieldError]]  # validation.validate_pod_spec, passed in


def non_negative(path: str, value: int | None) -> list[FieldError]:
    if value is not None and value < 0:
        return [invalid(path, value, "must be greater than or equal to 0")]
    return []


def validate_selector(selector: LabelSelector | None, template: PodTemplateSpec) -> list[FieldError]:
    if selector is None or selector.is_empty():
        return [required("spec.selector")]
    if not selector.matches(template.metadata.labels):
        labels = template.metadata.labels  # printed as Go's %#v prints a map (errors.go_value)
        return [invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`")]
    return []


def validate_always(template: PodTemplateSpec) -> list[FieldError]:
    policy = template.spec.restart_policy
    return [] if policy == "Always" else [unsupported("spec.template.spec.restartPolicy", policy, ["Always"])]


def validate_replicaset(rs: ReplicaSet, validate_pod_spec: PodSpecCheck) -> list[FieldError]:
    errors = non_negative("spec.replicas", rs.spec.replicas)
    errors += validate_selector(rs.spec.selector, rs.spec.template)
    errors += validate_pod_spec(rs.spec.template.spec, "spec.template.spec")
    return errors + validate_always(rs.spec.template)


def int_or_percent(path: str, value: int | str | None) -> list[FieldError]:
    if isinstance(value, str) and not PERCENT.match(value):
        return [invalid(path, value, "a valid percent string must be a numeric string followed by an ending '%' "
                        "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")]
    return non_negative(path, value) if isinstance(value, int) else []


def is_zero(value: int | str | None) -> bool:
    return value in (0, "0%")


def validate_strategy(d: Deployment) -> list[FieldError]:
    strategy, path = d.spec.strategy, "spec.strategy"
    if strategy.type not in ("RollingUpdate", "Recreate"):
        return [unsupported(f"{path}.type", strategy.type, ["Recreate", "RollingUpdate"])]
    rolling = strategy.rolling_update
    if strategy.type == "Recreate":
        return [forbidden(f"{path}.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")] \
            if rolling is not None else []
    if rolling is None:
        return []
    where = f"{path}.rollingUpdate"
    errors = int_or_percent(f"{where}.maxUnavailable", rolling.max_unavailable)
    errors += int_or_percent(f"{where}.maxSurge", rolling.max_surge)
    errors += over_100_percent(f"{where}.maxUnavailable", rolling.max_unavailable)
    if is_zero(rolling.max_surge) and is_zero(rolling.max_unavailable):
        errors.append(invalid(f"{where}.maxUnavailable", rolling.max_unavailable,
                              "may not be 0 when `maxSurge` is 0"))
    return errors


def over_100_percent(path: str, value: int | str | None) -> list[FieldError]:
    if isinstance(value, str) and PERCENT.match(value) and int(value[:-1]) > 100:
        return [invalid(path, value, "must not be greater than 100%")]
    return []


class GoStruct:
    """A value printed as it is: a Go struct as %#v shows it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


def validate_update_strategy(ds: DaemonSet) -> list[FieldError]:
    """ValidateDaemonSetUpdateStrategy: OnDelete, or RollingUpdate with exactly one of maxUnavailable and
    maxSurge non-zero."""
    strategy, path = ds.spec.update_strategy, "spec.updateStrategy"
    if strategy.type == "OnDelete":
        return []
    if strategy.type != "RollingUpdate":  # the value is the whole strategy, as %#v prints the Go struct
        shown = GoStruct(f'apps.DaemonSetUpdateStrategy{{Type:"{strategy.type}", RollingUpdate:'
                         f'(*apps.RollingUpdateDaemonSet)({"nil" if strategy.rolling_update is None else "0xc000"})}}')
        return [unsupported(path, shown, ["RollingUpdate", "OnDelete"])]
    rolling, where = strategy.rolling_update, f"{path}.rollingUpdate"
    if rolling is None:
        return [required(where)]
    errors = int_or_percent(f"{where}.maxUnavailable", rolling.max_unavailable)
    errors += int_or_percent(f"{where}.maxSurge", rolling.max_surge)
    errors += over_100_percent(f"{where}.maxUnavailable", rolling.max_unavailable)
    errors += over_100_percent(f"{where}.maxSurge", rolling.max_surge)
    unavailable, surge = not is_zero(rolling.max_unavailable), not is_zero(rolling.max_surge)
    if unavailable and surge:
        errors.append(invalid(f"{where}.maxSurge", rolling.max_surge, "may not be set when maxUnavailable is non-zero"))
    elif not unavailable and not surge:
        errors.append(FieldError(f"{where}.maxUnavailable", "Required value", "cannot be 0 when maxSurge is 0"))
    return errors


def validate_daemonset(ds: DaemonSet, validate_pod_spec: PodSpecCheck) -> list[FieldError]:
    """ValidateDaemonSetSpec."""
    spec = ds.spec
    errors = validate_selector(spec.selector, spec.template)
    errors += validate_pod_spec(spec.template.spec, "spec.template.spec")
    errors += validate_always(spec.template)
    if spec.template.spec.active_deadline_seconds is not None:
        errors.append(forbidden("spec.template.spec.activeDeadlineSeconds",
                                "activeDeadlineSeconds in DaemonSet is not Supported"))
    errors += non_negative("spec.minReadySeconds", spec.min_ready_seconds)
    errors += validate_update_strategy(ds)
    return errors + non_negative("spec.revisionHistoryLimit", spec.revision_history_limit)


def validate_statefulset(sts: StatefulSet) -> list[FieldError]:
    """ValidateStatefulSetSpec: the pod management policy, the update strategy, the claims' retention, counts,
    the selector and a template whose pods restart Always."""
    spec = sts.spec
    errors: list[FieldError] = []
    if not spec.pod_management_policy:
        errors.append(required("spec.podManagementPolicy"))
    elif spec.pod_management_policy not in POD_MANAGEMENT_POLICIES:
        errors.append(invalid("spec.podManagementPolicy", spec.pod_management_policy,
                              "must be 'OrderedReady' or 'Parallel'"))
    strategy, where = spec.update_strategy, "spec.updateStrategy"
    if strategy.type == "RollingUpdate" and strategy.rolling_update is not None:
        errors += non_negative(f"{where}.rollingUpdate.partition", strategy.rolling_update.partition)
    elif strategy.type == "OnDelete" and strategy.rolling_update is not None:
        shown = f"&apps.RollingUpdateStatefulSetStrategy{{Partition:{strategy.rolling_update.partition or 0}, " \
                "MaxUnavailable:<nil>}"
        errors.append(ShownFieldError(f"{where}.rollingUpdate", shown, "only allowed for updateStrategy "
                                      "'RollingUpdate'"))
    elif not strategy.type:
        errors.append(required(where))
    elif strategy.type not in ("RollingUpdate", "OnDelete"):
        shown = f'apps.StatefulSetUpdateStrategy{{Type:"{strategy.type}", RollingUpdate:' \
                f'(*apps.RollingUpdateStatefulSetStrategy)({"nil" if strategy.rolling_update is None else "0xc000"})}}'
        errors.append(ShownFieldError(where, shown, "must be 'RollingUpdate' or 'OnDelete'"))
    policy = spec.persistent_volume_claim_retention_policy
    if policy is not None:
        for name, value in (("whenDeleted", policy.when_deleted), ("whenScaled", policy.when_scaled)):
            if value not in RETENTION_POLICIES:
                errors.append(unsupported(f"spec.persistentVolumeClaimRetentionPolicy.{name}", value,
                                          RETENTION_POLICIES))
    errors += non_negative("spec.replicas", spec.replicas)
    errors += non_negative("spec.minReadySeconds", spec.min_ready_seconds)
    if spec.ordinals is not None:
        errors += non_negative("spec.ordinals.start", spec.ordinals.start)
    errors += validate_selector(spec.selector, spec.template)
    # ValidatePodTemplateSpecForStatefulSet checks the template's labels, not its pod spec (whose volumeMounts
    # may name claim templates): a bad pod spec is refused only when the controller creates the pod
    errors += validate_always(spec.template)
    if spec.template.spec.active_deadline_seconds is not None:
        errors.append(forbidden("spec.template.spec.activeDeadlineSeconds",
                                "activeDeadlineSeconds in StatefulSet is not Supported"))
    return errors


def validate_deployment(d: Deployment, validate_pod_spec: PodSpecCheck) -> list[FieldError]:
    spec = d.spec
    errors = non_negative("spec.replicas", spec.replicas)
    errors += validate_selector(spec.selector, spec.template)
    errors += validate_pod_spec(spec.template.spec, "spec.template.spec")
    errors += validate_always(spec.template) + validate_strategy(d)
    errors += non_negative("spec.minReadySeconds", spec.min_ready_seconds)
    errors += non_negative("spec.revisionHistoryLimit", spec.revision_history_limit)
    deadline, ready = spec.progress_deadline_seconds, spec.min_ready_seconds or 0
    if deadline is not None and deadline <= ready:
        errors.append(invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"))
    return errors


def validate_job(job: Job, validate_pod_spec: PodSpecCheck) -> list[FieldError]:
    spec = job.spec
    errors: list[FieldError] = []
    for name, value in (("parallelism", spec.parallelism), ("completions", spec.completions),
                        ("backoffLimit", spec.backoff_limit),
                        ("ttlSecondsAfterFinished", spec.ttl_seconds_after_finished)):
        errors += non_negative(f"spec.{name}", value)
    if spec.active_deadline_seconds is not None and spec.active_deadline_seconds <= 0:
        errors.append(invalid("spec.activeDeadlineSeconds", spec.active_deadline_seconds,
                              "must be greater than or equal to 1"))
    if spec.completion_mode not in (None, *COMPLETION_MODES):
        errors.append(unsupported("spec.completionMode", spec.completion_mode, COMPLETION_MODES))
    if spec.completion_mode == "Indexed" and spec.completions is None:
        errors.append(required("spec.completions"))
    if spec.selector is not None:
        errors += validate_selector(spec.selector, spec.template)
    errors += validate_pod_spec(spec.template.spec, "spec.template.spec")
    policy = spec.template.spec.restart_policy
    if policy not in JOB_RESTART_POLICIES:
        errors.append(unsupported("spec.template.spec.restartPolicy", policy, JOB_RESTART_POLICIES))
    return errors + validate_pod_failure_policy(job)


# ---------------------------------------------------------------- podFailurePolicy (pkg/apis/batch/validation)
POD_FAILURE_POLICY_ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"]
ON_EXIT_CODES_OPERATORS = ["In", "NotIn"]
ON_POD_CONDITIONS_STATUSES = ["False", "True", "Unknown"]


class ShownFieldError(FieldError):
    """An Invalid value printed as Go prints it: `[]int32{2, 1}`, or no value at all (field.OmitValueType)."""

    def __init__(self, path: str, shown: str, detail: str) -> None:
        super().__init__(path, "Invalid value", detail)
        self.shown = shown

    def __str__(self) -> str:
        value = f": {self.shown}" if self.shown else ""
        return f"{self.path}: Invalid value{value}: {self.detail}"


def go_int32s(values: list[int]) -> str:
    return "[]int32{" + ", ".join(map(str, values)) + "}" if values else "[]int32(nil)"


def validate_pod_failure_policy(job: Job) -> list[FieldError]:
    policy, path = job.spec.pod_failure_policy, "spec.podFailurePolicy.rules"
    if policy is None:
        return []
    errors: list[FieldError] = []
    restart = job.spec.template.spec.restart_policy
    if restart in JOB_RESTART_POLICIES and restart != "Never":
        errors.append(invalid("spec.template.spec.restartPolicy", restart,
                              'only "Never" is supported when podFailurePolicy is specified'))
    names = {c.name for c in [*job.spec.template.spec.containers, *job.spec.template.spec.init_containers]}
    for i, rule in enumerate(policy.rules):
        errors += validate_rule(rule, f"{path}[{i}]", names)
    return errors


def validate_rule(rule: PodFailurePolicyRule, where: str, names: set[str]) -> list[FieldError]:
    errors: list[FieldError] = []
    if not rule.action:
        quoted = " ".join(f'"{a}"' for a in POD_FAILURE_POLICY_ACTIONS)
        errors.append(FieldError(f"{where}.action", "Required value", f"valid values: [{quoted}]"))
    elif rule.action == "FailIndex":
        errors.append(invalid(f"{where}.action", rule.action, "requires the backoffLimitPerIndex to be set"))
    elif rule.action not in POD_FAILURE_POLICY_ACTIONS:
        errors.append(unsupported(f"{where}.action", rule.action, POD_FAILURE_POLICY_ACTIONS))
    if rule.on_exit_codes is not None:
        errors += validate_on_exit_codes(rule.on_exit_codes, f"{where}.onExitCodes", names)
    for j, pattern in enumerate(rule.on_pod_conditions):
        if pattern.status and pattern.status not in ON_POD_CONDITIONS_STATUSES:  # "" is defaulted to True
            errors.append(unsupported(f"{where}.onPodConditions[{j}].status", pattern.status,
                                      ON_POD_CONDITIONS_STATUSES))
    if rule.on_exit_codes is not None and rule.on_pod_conditions:
        errors.append(ShownFieldError(where, "", "specifying both OnExitCodes and OnPodConditions is "
                                      "not supported"))
    if rule.on_exit_codes is None and not rule.on_pod_conditions:
        errors.append(ShownFieldError(where, "", "specifying one of OnExitCodes and OnPodConditions is required"))
    return errors


def validate_on_exit_codes(req: PodFailurePolicyOnExitCodesRequirement, path: str,
                           names: set[str]) -> list[FieldError]:
    errors: list[FieldError] = []
    if not req.operator:
        errors.append(FieldError(f"{path}.operator", "Required value", 'valid values: ["In" "NotIn"]'))
    elif req.operator not in ON_EXIT_CODES_OPERATORS:
        errors.append(unsupported(f"{path}.operator", req.operator, ON_EXIT_CODES_OPERATORS))
    if req.container_name is not None and req.container_name not in names:
        errors.append(invalid(f"{path}.containerName", req.container_name,
                              "must be one of the container or initContainer names in the pod template"))
    if not req.values:
        errors.append(ShownFieldError(f"{path}.values", go_int32s(req.values), "at least one value is required"))
    for j, value in enumerate(req.values):
        if req.operator == "In" and value == 0:
            errors.append(invalid(f"{path}.values[{j}]", value, "must not be 0 for the In operator"))
        if value in req.values[:j]:
            errors.append(FieldError(f"{path}.values[{j}]", "Duplicate value", str(value)))
    if any(a > b for a, b in zip(req.values, req.values[1:])):
        errors.append(ShownFieldError(f"{path}.values", go_int32s(req.values), "must be ordered"))
    return errors


# ---------------------------------------------------------------- CronJob (ValidateCronJobCreate / Spec)
def validate_cronjob(cj: CronJob, validate_pod_spec: PodSpecCheck) -> list[FieldError]:
    spec = cj.spec
    errors: list[FieldError] = []
    if len(cj.name) > MAX_NAME_LENGTH:
        errors.append(invalid("metadata.name", cj.name, f"must be no more than {MAX_NAME_LENGTH} characters"))
    errors += validate_schedule(spec.schedule, spec.time_zone)
    errors += non_negative("spec.startingDeadlineSeconds", spec.starting_deadline_seconds)
    errors += validate_time_zone(spec.time_zone)
    if not spec.concurrency_policy:
        errors.append(required("spec.concurrencyPolicy"))
    elif spec.concurrency_policy not in CONCURRENCY_POLICIES:
        errors.append(unsupported("spec.concurrencyPolicy", spec.concurrency_policy, CONCURRENCY_POLICIES))
    errors += validate_job_template(cj, validate_pod_spec)
    errors += non_negative("spec.successfulJobsHistoryLimit", spec.successful_jobs_history_limit)
    return errors + non_negative("spec.failedJobsHistoryLimit", spec.failed_jobs_history_limit)


def validate_schedule(schedule: str, time_zone: str | None) -> list[FieldError]:
    """validateScheduleFormat: robfig/cron must parse it; a time zone belongs in spec.timeZone."""
    if not schedule:
        return [required("spec.schedule")]
    errors: list[FieldError] = []
    try:
        cron.parse_standard(schedule)
    except cron.CronError as e:
        errors.append(invalid("spec.schedule", schedule, str(e)))
    if "TZ" in schedule:
        detail = "cannot use both timeZone field and TZ or CRON_TZ in schedule" if time_zone is not None \
            else "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
        errors.append(invalid("spec.schedule", schedule, detail))
    return errors


def validate_time_zone(time_zone: str | None) -> list[FieldError]:
    if time_zone is None:
        return []
    if not time_zone:
        return [invalid("spec.timeZone", time_zone, "timeZone must be nil or non-empty string")]
    if any(part in (".", "..") or part.startswith("-") or not re.fullmatch(r"[A-Za-z._+\-0-9]+", part)
           for part in time_zone.split("/")):
        return [invalid("spec.timeZone", time_zone, f"unknown time zone {time_zone}")]
    if time_zone.lower() == "local":
        return [invalid("spec.timeZone", time_zone,
                        "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")]
    try:
        cron.zone(time_zone)
    except cron.CronError as e:
        return [invalid("spec.timeZone", time_zone, str(e))]
    return []


def validate_job_template(cj: CronJob, validate_pod_spec: PodSpecCheck) -> list[FieldError]:
    """ValidateJobTemplateSpec: the template's spec as a Job's (paths under spec.jobTemplate), with no
    selector or manualSelector: the Jobs made from it get theirs when they are created."""
    template = cj.spec.job_template
    as_job = Job(metadata=ObjectMeta(name=cj.name, namespace=cj.namespace), spec=template.spec)
    errors = validate_job(as_job, validate_pod_spec)
    for e in errors:
        e.path = "spec.jobTemplate." + e.path if e.path.startswith("spec.") else e.path
    if template.spec.selector is not None:  # printed as Go's %#v of a v1.LabelSelector
        labels = ", ".join(f'"{k}":"{v}"' for k, v in sorted(template.spec.selector.match_labels.items()))
        shown = f"v1.LabelSelector{{MatchLabels:map[string]string{{{labels}}}, MatchExpressions:[]v1." \
                "LabelSelectorRequirement(nil)}"
        errors.append(ShownFieldError("spec.jobTemplate.spec.selector", shown, "`selector` will be auto-generated"))
    if template.spec.manual_selector:
        errors.append(unsupported("spec.jobTemplate.spec.manualSelector", True, ["nil", "false"]))
    return errors
