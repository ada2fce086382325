"""The CronJob: a Job made on a timetable.

Mirrors k8s.io/api/batch/v1 CronJob. `spec.schedule` is a cron line of five
fields (minute, hour, day of month, month, day of week: `*/5 * * * *`, or a
descriptor such as `@hourly`), read in `spec.timeZone` (default: the
controller's, UTC here). At each time the schedule names, the CronJob
controller (controllers/cronjob.py) makes a Job from `spec.jobTemplate`,
named `<cronjob>-<scheduled time in minutes since 1970>`, so that one
scheduled time can never make two Jobs. `concurrencyPolicy` says what
happens when the previous Job is still running: `Allow` (the default: both
run), `Forbid` (the new run waits, and only the latest missed run starts
once the old Job is done) or `Replace` (the old Job is deleted).
`startingDeadlineSeconds` drops a run that could not start that soon after
its time; `suspend: true` stops new runs. The finished Jobs kept are the 3
newest successful and the newest failed one (`successfulJobsHistoryLimit`,
`failedJobsHistoryLimit`). The status lists the running Jobs (`active`) and
when a Job was last scheduled and last succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from k8slite.api.job import JobSpec
from k8slite.api.meta import TIME, KubeObject, ObjectMeta, ObjectReference

SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"  # batchv1.CronJobScheduledTimestampAnnotation
INSTANTIATE = "cronjob.kubernetes.io/instantiate"  # `kubectl create job --from=cronjob/x` sets it to "manual"
CONCURRENCY_POLICIES = ["Allow", "Forbid", "Replace"]
MAX_NAME_LENGTH = 52  # a Job's name adds "-" and 10 digits of minutes; a Job's pods' label values stop at 63


@dataclass(slots=True)
class JobTemplateSpec:
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: JobSpec = field(default_factory=JobSpec)


@dataclass(slots=True)
class CronJobSpec:
    schedule: str = ""
    """Five cron fields (minute hour day-of-month month day-of-week) or a descriptor (@hourly, @every 90s)."""
    time_zone: str | None = None
    """An IANA time zone (Europe/Berlin) the schedule is read in; unset: the controller's (UTC)."""
    starting_deadline_seconds: int | None = None
    """A run that could not start within this many seconds of its time is skipped."""
    concurrency_policy: str = ""
    """Allow (the default), Forbid or Replace: what to do when the previous Job still runs."""
    suspend: bool | None = None
    """No new Jobs while true (running ones go on); defaulted to false."""
    job_template: JobTemplateSpec = field(default_factory=JobTemplateSpec)
    successful_jobs_history_limit: int | None = None
    """Successful Jobs kept; defaulted to 3."""
    failed_jobs_history_limit: int | None = None
    """Failed Jobs kept; defaulted to 1."""


@dataclass(slots=True)
class CronJobStatus:
    active: list[ObjectReference] = field(default_factory=list)
    """The Jobs it started that have not finished."""
    last_schedule_time: float | None = field(default=None, metadata=TIME)
    """The scheduled time of the last Job it started (not when the Job was created)."""
    last_successful_time: float | None = field(default=None, metadata=TIME)
    """When the last of its Jobs that succeeded completed."""


@dataclass(slots=True)
class CronJob(KubeObject):
    KIND: ClassVar[str] = "CronJob"
    API_VERSION: ClassVar[str] = "batch/v1"
    spec: CronJobSpec = field(default_factory=CronJobSpec)
    status: CronJobStatus = field(default_factory=CronJobStatus)
