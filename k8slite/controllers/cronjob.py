"""The CronJob controller: a Job at each time of a schedule.

Mirrors pkg/controller/cronjob/cronjob_controllerv2.go and utils.go. The
controller does not poll: after each sync it puts the CronJob back on its
work queue for the schedule's next time (plus 100 ms), and a Job's change
wakes it too. `sync`:

1. deletes the oldest finished Jobs beyond the history limits
   (cleanupFinishedJobs: 3 successful, 1 failed by default);
2. takes the finished Jobs out of `status.active` (SawCompletedJob), notes
   the last success, forgets Jobs that went missing (MissingJob);
3. finds the most recent scheduled time that has no Job yet
   (`most_recent_schedule_time`: the latest time of the schedule after the
   last scheduled one, or after the CronJob's creation; never the ones
   before it, so a controller that was down starts one Job, not one per
   missed time). None: nothing to do until the next time. With
   `startingDeadlineSeconds`, times older than that are not looked at;
4. with `Forbid` and a Job still active, makes none (JobAlreadyActive:
   the time stays unmet, so the run starts when the active Job finishes, if
   it is still within the deadline); with `Replace`, deletes the active
   Jobs first;
5. creates the Job `<cronjob>-<scheduled time in minutes>` from the
   template, owned by the CronJob, with the annotation
   `batch.kubernetes.io/cronjob-scheduled-timestamp`, and records it in
   `status.active` and `status.lastScheduleTime`.

Simplified: schedules are read in UTC or `spec.timeZone` (the controller's
own zone is UTC); no metrics.
"""

from __future__ import annotations

import copy
import datetime as dt
from contextlib import suppress

from k8slite.api import cron
from k8slite.api.cronjob import SCHEDULED_TIMESTAMP, CronJob
from k8slite.api.job import Job
from k8slite.api.meta import KubeObject, ObjectMeta, ObjectReference
from k8slite.api.serialize import EPOCH
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.controllers.replicaset import controller_ref
from k8slite.errors import AlreadyExists, ApiError, NotFound
from k8slite.informer import object_key
from k8slite.store import DELETED

NEXT_SCHEDULE_DELTA = 0.1  # nextScheduleDelta: the sync comes 100 ms after the scheduled time
MANY_MISSED = 100  # more missed times than this: the event TooManyMissedTimes
UNIX_EPOCH = EPOCH.timestamp()  # cluster time 0 in seconds since 1970
OWNER = "cronjob"  # the jobs informer's index: the namespace/name of the CronJob that controls a Job


def owner_key(job: KubeObject) -> str:
    ref = job.metadata.controller_ref()
    return f"{job.namespace}/{ref.name}" if ref is not None and ref.kind == "CronJob" else ""


def job_name(cj: CronJob, scheduled: float) -> str:
    """getJobName: the CronJob's name and the scheduled time in minutes since 1970 (one Job per time)."""
    return f"{cj.name}-{int((UNIX_EPOCH + scheduled) // 60)}"


def rfc3339(seconds: float, zone: dt.tzinfo) -> str:
    """Go's time.RFC3339 in a zone: `2025-01-01T00:01:00Z`, `2025-01-01T01:01:00+01:00`."""
    text = cron.to_datetime(seconds, zone).replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def most_recent_schedule_time(cj: CronJob, now: float, schedule: cron.Schedule,
                              include_deadline: bool) -> tuple[float, float | None, int]:
    """mostRecentScheduleTime: (the time counted from, the latest scheduled time after it that is not after
    now or None, about how many were missed). Counted from status.lastScheduleTime, or the creation; with
    include_deadline and startingDeadlineSeconds, from no earlier than that long ago."""
    earliest = cj.status.last_schedule_time
    if earliest is None:
        earliest = cj.metadata.creation_timestamp or 0.0
    deadline = cj.spec.starting_deadline_seconds
    if include_deadline and deadline is not None:
        earliest = max(earliest, now - deadline)
    t1 = schedule.next(earliest)
    if t1 is None or now < t1:
        return earliest, None, 0
    t2 = schedule.next(t1)
    if t2 is None or now < t2:
        return earliest, t1, 0
    between = round(t2 - t1)
    if between < 1:
        raise cron.CronError("time difference between two schedules is less than 1 second")
    missed = int(now - t1) // between + 1
    recent = None
    t = schedule.next(t1 + (missed - 2) * between)  # a step back, then the schedule's own times up to now
    while t is not None and t <= now:
        recent, t = t, schedule.next(t)
    return earliest, recent, missed


class CronJobController(Controller):
    name = "cronjob-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.schedules: dict[str, tuple[str, str | None]] = {}  # each CronJob's schedule and zone, as last seen
        self.cronjobs = self.informer("cronjobs", self.cronjob_changed, own=True)
        self.jobs = self.informer("jobs", self.job_changed)
        self.jobs.add_index(OWNER, owner_key)

    # ------------------------------------------------------------ what wakes it
    def cronjob_changed(self, event_type: str, cj: KubeObject) -> None:
        """addCronJob/updateCronJob: now, or, when the schedule changed, at the new schedule's next time."""
        key = object_key(cj)
        if event_type == DELETED or not isinstance(cj, CronJob):
            self.schedules.pop(key, None)
            return
        before = self.schedules.get(key)
        self.schedules[key] = now_seen = (cj.spec.schedule, cj.spec.time_zone)
        if before is None or before == now_seen:
            self.queue.add(key)
            return
        with suppress(cron.CronError):  # a schedule that does not parse: its sync says so
            self.queue.add_after(key, self.next_sync(cj, parse(cj)))

    def job_changed(self, event_type: str, job: KubeObject) -> None:
        key = owner_key(job)
        if key and key in self.cronjobs.cache:
            self.queue.add(key)

    def next_sync(self, cj: CronJob, schedule: cron.Schedule) -> float:
        """nextScheduleTimeDuration: seconds from now to 100 ms after the schedule's next time."""
        now = self.clock.now
        try:
            earliest, recent, _ = most_recent_schedule_time(cj, now, schedule, include_deadline=False)
        except cron.CronError:
            earliest, recent = now, now
        upcoming = schedule.next(recent if recent is not None else earliest)
        if upcoming is None:  # a schedule that never comes again: robfig's zero time, so "now"
            return NEXT_SCHEDULE_DELTA
        return max(upcoming + NEXT_SCHEDULE_DELTA - now, 0.0)

    # ------------------------------------------------------------ sync
    def sync(self, key: str) -> None:
        found = self.cronjobs.get(key)
        if not isinstance(found, CronJob):
            return
        jobs = [j for j in self.jobs.by_index(OWNER, key) if isinstance(j, Job)]
        cj = found.copy()
        cleaned = self.cleanup_finished_jobs(cj, jobs)
        requeue, changed = self.sync_cronjob(cj, jobs)
        if cleaned or changed:
            stored = self.api.update_status(cj)
            self.cronjobs.cache[key] = stored
        if requeue is not None:
            self.queue.add_after(key, requeue)

    def sync_cronjob(self, cj: CronJob, jobs: list[Job]) -> tuple[float | None, bool]:
        """syncCronJob: (seconds until the next sync or None, whether the status changed)."""
        changed = self.reconcile_active(cj, jobs)
        if cj.metadata.deletion_timestamp is not None or cj.spec.suspend:
            return None, changed
        try:
            schedule = parse(cj)
        except cron.CronError as e:
            self.recorder.warning(cj, "UnparseableSchedule", f'unparseable schedule: "{cj.spec.schedule}" : {e}')
            return None, changed
        now = self.clock.now
        try:
            scheduled = self.next_schedule_time(cj, now, schedule)
        except cron.CronError as e:
            self.recorder.warning(cj, "InvalidSchedule", f"invalid schedule: {cj.spec.schedule} : {e}")
            return None, changed
        later = self.next_sync(cj, schedule)
        deadline = cj.spec.starting_deadline_seconds
        if scheduled is None:
            return later, changed
        if deadline is not None and scheduled + deadline < now:
            when = cron.to_datetime(scheduled, cron.UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
            self.recorder.warning(cj, "MissSchedule", f"Missed scheduled time to start a job: {when}")
            return later, changed
        name = job_name(cj, scheduled)
        if any(ref.name == name for ref in cj.status.active) or cj.status.last_schedule_time == scheduled:
            return later, changed  # this time is done already
        if cj.spec.concurrency_policy == "Forbid" and cj.status.active:
            self.recorder.normal(cj, "JobAlreadyActive",
                                 "Not starting job because prior execution is running and concurrency policy is "
                                 "Forbid")
            return later, changed
        if cj.spec.concurrency_policy == "Replace":
            for ref in list(cj.status.active):
                with suppress(NotFound):
                    self.delete_job(cj, ref.name)
                    changed = True
        job = self.create_job(cj, scheduled)
        if job is None:
            return None, changed
        if not any(ref.uid == job.metadata.uid for ref in cj.status.active):
            cj.status.active.append(reference(job))
        cj.status.last_schedule_time = scheduled
        return self.next_sync(cj, schedule), True

    def next_schedule_time(self, cj: CronJob, now: float, schedule: cron.Schedule) -> float | None:
        """nextScheduleTime: the most recent unmet time, or None; TooManyMissedTimes past 100 missed."""
        _, recent, missed = most_recent_schedule_time(cj, now, schedule, include_deadline=True)
        if recent is None or recent > now:
            return None
        if missed > MANY_MISSED:
            self.recorder.warning(cj, "TooManyMissedTimes", "too many missed start times. Set or decrease "
                                  ".spec.startingDeadlineSeconds or check clock skew")
        return recent

    def reconcile_active(self, cj: CronJob, jobs: list[Job]) -> bool:
        """The first part of syncCronJob: finished Jobs leave status.active, the last success is noted, a Job
        of the list that no longer exists is dropped. Whether the status changed."""
        changed = False
        mine = {j.metadata.uid for j in jobs}
        for job in jobs:
            listed = any(ref.uid == job.metadata.uid for ref in cj.status.active)
            finished = job.status.finished()
            if not listed and not finished:
                fresh = self.api.get("cronjobs", cj.name, cj.namespace)  # our own status may be newer than the cache
                if isinstance(fresh, CronJob) and any(r.uid == job.metadata.uid for r in fresh.status.active):
                    cj.status = copy.deepcopy(fresh.status)
                    continue
                self.recorder.warning(cj, "UnexpectedJob",
                                      f"Saw a job that the controller did not create or forgot: {job.name}")
            elif finished:
                if listed:
                    cj.status.active = [r for r in cj.status.active if r.uid != job.metadata.uid]
                    self.recorder.normal(cj, "SawCompletedJob", f"Saw completed job: {job.name}, condition: {finished}")
                    changed = True
                done = job.status.completion_time
                if finished == "Complete" and done is not None and (cj.status.last_successful_time is None or
                                                                     done > cj.status.last_successful_time):
                    cj.status.last_successful_time = done
                    changed = True
        for ref in list(cj.status.active):
            if ref.uid in mine:
                continue
            try:
                self.api.get("jobs", ref.name, ref.namespace or cj.namespace)
            except NotFound:
                self.recorder.normal(cj, "MissingJob", f"Active job went missing: {ref.name}")
                cj.status.active = [r for r in cj.status.active if r.uid != ref.uid]
                changed = True
        return changed

    # ------------------------------------------------------------ Jobs
    def create_job(self, cj: CronJob, scheduled: float) -> Job | None:
        """getJobFromTemplate2 and CreateJob; a Job of that name that exists already is taken if it is ours."""
        template = cj.spec.job_template
        annotations = {**template.metadata.annotations,
                       SCHEDULED_TIMESTAMP: rfc3339(scheduled, cron.zone(cj.spec.time_zone))}
        meta = ObjectMeta(name=job_name(cj, scheduled), namespace=cj.namespace,
                          labels=dict(template.metadata.labels), annotations=annotations,
                          owner_references=[controller_ref(cj)])
        try:
            job = self.api.create(Job(metadata=meta, spec=copy.deepcopy(template.spec)))
        except AlreadyExists:
            existing = self.api.get("jobs", meta.name, cj.namespace)
            ref = existing.metadata.controller_ref()
            if ref is None or ref.uid != cj.metadata.uid:
                return None  # someone else's: assume they keep the status
            return existing if isinstance(existing, Job) else None
        except ApiError as e:
            self.recorder.warning(cj, "FailedCreate", f"Error creating job: {e}")
            raise
        self.recorder.normal(cj, "SuccessfulCreate", f"Created job {job.name}")
        return job if isinstance(job, Job) else None

    def delete_job(self, cj: CronJob, name: str) -> None:
        """deleteJob: the Job (its pods in the background), its entry in status.active, the event."""
        job = self.api.get("jobs", name, cj.namespace)
        self.api.delete("jobs", name, cj.namespace, propagation_policy="Background")
        cj.status.active = [r for r in cj.status.active if r.uid != job.metadata.uid]
        self.recorder.normal(cj, "SuccessfulDelete", f"Deleted job {name}")

    def cleanup_finished_jobs(self, cj: CronJob, jobs: list[Job]) -> bool:
        """cleanupFinishedJobs: beyond the history limits, the Jobs that started first are deleted."""
        changed = False
        for state, limit in (("Complete", cj.spec.successful_jobs_history_limit),
                             ("Failed", cj.spec.failed_jobs_history_limit)):
            finished = [j for j in jobs if j.status.finished() == state]
            if limit is None or len(finished) <= limit:
                continue
            by_start = sorted(finished, key=lambda j: (j.status.start_time is None, j.status.start_time or 0.0,
                                                       j.name))
            for job in by_start[:len(finished) - limit]:
                with suppress(NotFound):
                    self.delete_job(cj, job.name)
                    changed = True
        return changed


def parse(cj: CronJob) -> cron.Schedule:
    return cron.parse_standard(cj.spec.schedule, cj.spec.time_zone)


def reference(job: KubeObject) -> ObjectReference:
    """ref.GetReference: what status.active lists."""
    return ObjectReference(api_version=job.api_version, kind=job.kind, namespace=job.namespace, name=job.name,
                           uid=job.metadata.uid, resource_version=job.metadata.resource_version)
