"""The Job controller: run pods until enough of them have exited 0.

Mirrors pkg/controller/job/job_controller.go (and the TTL-after-finished
controller). `sync` first counts the pods that finished since last time
(job_tracking: each once; a running pod that is deleted counts as failed
and is replaced), then decides, as syncJob does:

1. bound to fail? a pod matched a podFailurePolicy FailJob rule (reason
   PodFailurePolicy, job_failure_policy); more failures than backoffLimit
   (failed pods for restartPolicy Never, container restarts for OnFailure:
   BackoffLimitExceeded); active longer than activeDeadlineSeconds
   (DeadlineExceeded). The Job gets the interim condition FailureTarget and
   its running pods are deleted.
2. otherwise keep `min(parallelism, completions - succeeded)` pods active,
   creating new ones only after the back-off since the last failure
   (job_util.backoff_remaining); once `completions` pods succeeded (for
   Indexed, every index 0..completions-1) the Job gets the interim
   condition SuccessCriteriaMet (reason CompletionsReached).
3. once no pod of the Job is still terminating, the terminal condition:
   Failed, or Complete (with completionTime), with the interim's reason and
   message, and the event (Warning <reason>, or Normal Completed).

A finished Job stays, with its pods, until deleted, or for
ttlSecondsAfterFinished. A Job with `suspend: true` has no pods (its
active ones are deleted), the condition Suspended and no startTime, so
that activeDeadlineSeconds counts again from when it is resumed.
Simplified: no successPolicy, backoffLimitPerIndex, podReplacementPolicy
or status.terminating; pods deleted before they were counted do not add to
the back-off.
"""

from __future__ import annotations

import copy
from contextlib import suppress

from k8slite.api.job import COMPLETION_INDEX, Job, JobCondition, JobStatus, UncountedTerminatedPods
from k8slite.api.meta import KubeObject, ObjectMeta
from k8slite.api.pod import EnvVar, Pod
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.controllers.job_tracking import PodTracker, is_terminating
from k8slite.controllers.job_util import (
    backoff_remaining,
    completion_index,
    format_indexes,
    parse_indexes,
    restarts,
)
from k8slite.controllers.replicaset import CONTROLLER_UID, controller_ref, controller_uid, is_active
from k8slite.errors import Aggregate, ApiError, NotFound
from k8slite.informer import object_key
from k8slite.store import DELETED

SUCCESS_CRITERIA_MET, FAILURE_TARGET = "SuccessCriteriaMet", "FailureTarget"


class JobController(Controller):
    name = "job-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.jobs = self.informer("jobs", self.enqueue, own=True)
        self.tracker = PodTracker()
        # the pods it created that the shared informer has not brought yet: a sync must count them already
        # (client-go's ControllerExpectations' purpose, kept as the pods themselves); made before the
        # informer, whose handler hears every pod there already (a restarted cluster's)
        self.assumed: dict[str, Pod] = {}
        self.pods = self.informer("pods", self.pod_changed)
        self.pods.add_index(CONTROLLER_UID, controller_uid)

    def resync_keys(self) -> list[str]:
        return sorted(self.jobs.cache)

    def pod_changed(self, event_type: str, pod: KubeObject) -> None:
        self.assumed.pop(object_key(pod), None)  # the informer has it now
        ref = pod.metadata.controller_ref()
        if ref is not None and ref.kind == "Job":
            if event_type == DELETED and isinstance(pod, Pod):
                self.tracker.pod_deleted(ref.uid, pod)
            self.queue.add(f"{pod.namespace}/{ref.name}")

    def pods_of(self, job: Job) -> list[Pod]:
        """The job's pods, sorted by key: those its informer has, and those it created that it has not yet."""
        uid = job.metadata.uid
        found = {object_key(p): p for p in self.pods.by_index(CONTROLLER_UID, uid) if isinstance(p, Pod)}
        for key, pod in list(self.assumed.items()):
            if key in self.pods.cache:  # the informer has it (its event may have been dropped on the way)
                del self.assumed[key]
            elif controller_uid(pod) == uid:
                found[key] = pod
        return [found[key] for key in sorted(found)]

    # ------------------------------------------------------------ sync
    def sync(self, key: str) -> None:
        job = self.jobs.get(key)
        if not isinstance(job, Job) or job.metadata.deletion_timestamp is not None:
            return
        if job.status.finished():
            self.expire(job)
            return
        pods = self.pods_of(job)
        status = copy.deepcopy(job.status)
        if status.start_time is None and not job.spec.suspend:
            status.start_time = self.clock.now
        active = [p for p in pods if is_active(p)]
        found = self.tracker.newly_finished(job, pods)
        status.failed += found.failed
        done = self.succeeded_indexes(job, pods)
        status.succeeded = len(done) if job.spec.completion_mode == "Indexed" else status.succeeded + found.succeeded
        if job.spec.completion_mode == "Indexed":
            status.completed_indexes = format_indexes(done)
        target = self.finish_target(job, status, active, found.fail_job_message)
        errors = Aggregate()  # manageJobErr: a refused create or delete; the status is written all the same
        if target is None:
            active = self.manage(job, pods, active, done, status.succeeded, errors)
            self.requeue_at_deadline(job, status)
            if self.complete(job, status, active):
                target = SUCCESS_CRITERIA_MET, "CompletionsReached", "Reached expected number of succeeded pods"
            else:
                self.follow_suspend(job, status)
        terminating = [p for p in pods if is_terminating(p)]
        if target is not None:
            terminating += self.delete_pods(job, active, errors)
            active = []
            self.conclude(job, status, target, terminating)
        status.active = sum(1 for p in active if is_active(p))
        status.ready = sum(1 for p in active if p.is_ready())
        status.terminating = len(terminating)
        status.uncounted_terminated_pods = status.uncounted_terminated_pods or UncountedTerminatedPods()
        self.write_status(job, status)
        self.tracker.remember(job, found)
        errors.raise_first()

    def finish_target(self, job: Job, status: JobStatus, active: list[Pod],
                      fail_job_message: str | None) -> tuple[str, str, str] | None:
        """(interim condition, reason, message) once the Job is bound to finish, as syncJob decides it:
        a condition set before, then a FailJob rule, backoffLimit, activeDeadlineSeconds."""
        for cond in status.conditions:
            if cond.type in (FAILURE_TARGET, SUCCESS_CRITERIA_MET) and cond.status == "True":
                return cond.type, cond.reason, cond.message
        if fail_job_message is not None:
            return FAILURE_TARGET, "PodFailurePolicy", fail_job_message
        failure = self.failure(job, status, active)
        return (FAILURE_TARGET, *failure) if failure else None

    def failure(self, job: Job, status: JobStatus, active: list[Pod]) -> tuple[str, str] | None:
        """(reason, message) when the Job has failed: backoffLimit first, then activeDeadlineSeconds."""
        limit = job.spec.backoff_limit or 0
        tries = status.failed
        if job.spec.template.spec.restart_policy == "OnFailure":
            tries += restarts(active)
            over = tries >= limit if limit else tries > 0
        else:
            over = tries > limit
        if over:
            return "BackoffLimitExceeded", "Job has reached the specified backoff limit"
        deadline, start = job.spec.active_deadline_seconds, status.start_time
        if deadline is None or start is None or job.spec.suspend:  # a suspended Job's deadline does not run
            return None
        if self.clock.now - start >= deadline:
            return "DeadlineExceeded", "Job was active longer than specified deadline"
        return None

    def complete(self, job: Job, status: JobStatus, active: list[Pod]) -> bool:
        if job.spec.completions is None:  # a work queue: done when one succeeded and none is left running
            return status.succeeded > 0 and not active
        return status.succeeded >= job.spec.completions

    def succeeded_indexes(self, job: Job, pods: list[Pod]) -> set[int]:
        done = parse_indexes(job.status.completed_indexes)
        done.update(i for p in pods if p.status.phase == "Succeeded" and (i := completion_index(p)) is not None)
        return {i for i in done if i < (job.spec.completions or 0)}

    # ------------------------------------------------------------ pods
    def manage(self, job: Job, pods: list[Pod], active: list[Pod], done: set[int], succeeded: int,
               errors: Aggregate) -> list[Pod]:
        """Keep min(parallelism, completions - succeeded) pods running; new ones wait out the back-off.
        The active pods after it; a refused create or delete is kept in `errors`. A suspended Job has none:
        its active pods are deleted."""
        if job.spec.suspend:
            self.delete_pods(job, active, errors)
            return []
        parallelism = job.spec.parallelism or 0
        wanted = parallelism if job.spec.completions is None else min(parallelism, job.spec.completions - succeeded)
        if job.spec.completions is None and succeeded:
            wanted = len(active)  # a work queue: once one succeeded, no new pods, and the rest run on to the end
        if len(active) > wanted:
            newest = sorted(active, key=lambda p: -(p.metadata.creation_timestamp or 0.0))
            self.delete_pods(job, newest[:len(active) - wanted], errors)
            return newest[len(active) - wanted:]
        wait = backoff_remaining(pods, self.clock.now)
        if len(active) < wanted and wait > 0:
            self.queue.add_after(object_key(job), wait)
            return active
        indexes = self.pending_indexes(job, active, done)
        created = []
        for i in range(wanted - len(active)):
            with errors:
                created.append(self.create_pod(job, indexes[i] if indexes else None))
        return active + created

    def pending_indexes(self, job: Job, active: list[Pod], done: set[int]) -> list[int]:
        if job.spec.completion_mode != "Indexed":
            return []
        running = {completion_index(p) for p in active}
        return [i for i in range(job.spec.completions or 0) if i not in done and i not in running]

    def create_pod(self, job: Job, index: int | None) -> Pod:
        template = job.spec.template
        meta = ObjectMeta(generate_name=f"{job.name}-" if index is None else f"{job.name}-{index}-",
                          namespace=job.namespace, labels=dict(template.metadata.labels),
                          annotations=dict(template.metadata.annotations), owner_references=[controller_ref(job)])
        spec = copy.deepcopy(template.spec)
        if index is not None:
            meta.annotations[COMPLETION_INDEX] = meta.labels[COMPLETION_INDEX] = str(index)
            spec.hostname = f"{job.name}-{index}"
            for container in spec.containers:
                container.env.append(EnvVar("JOB_COMPLETION_INDEX", str(index)))
        try:
            created = self.api.create(Pod(metadata=meta, spec=spec))
        except ApiError as e:
            self.recorder.warning(job, "FailedCreate", f"Error creating: {e}")
            raise
        self.assumed[object_key(created)] = created
        self.recorder.normal(job, "SuccessfulCreate", f"Created pod: {created.name}")
        return created

    def delete_pods(self, job: Job, pods: list[Pod], errors: Aggregate) -> list[Pod]:
        """Delete pods; those still terminating (on a node, in their grace period) are returned.
        A pod already gone is fine; any other refusal is kept in `errors`."""
        terminating = []
        for pod in pods:
            with errors, suppress(NotFound):
                gone = self.api.delete("pods", pod.name, pod.namespace)
                self.recorder.normal(job, "SuccessfulDelete", f"Deleted pod: {pod.name}")
                if isinstance(gone, Pod) and is_terminating(gone):
                    terminating.append(gone)
        return terminating

    # ------------------------------------------------------------ finishing
    def conclude(self, job: Job, status: JobStatus, target: tuple[str, str, str], terminating: list[Pod]) -> None:
        """Add the interim condition (SuccessCriteriaMet or FailureTarget) and, once no pod of the Job
        is still terminating, the terminal one (Complete or Failed) with the same reason and message."""
        now, (interim, reason, message) = self.clock.now, target
        if not status.has(interim):
            status.conditions.append(JobCondition(interim, "True", now, now, reason, message))
        if terminating:
            return  # enactJobFinished: "Delaying marking the Job as finished": the pods' updates wake us
        if interim == SUCCESS_CRITERIA_MET:
            status.conditions.append(JobCondition("Complete", "True", now, now, reason, message))
            status.completion_time = now
            self.recorder.normal(job, "Completed", "Job completed")
        else:
            status.conditions.append(JobCondition("Failed", "True", now, now, reason, message))
            self.recorder.warning(job, reason, message)

    def follow_suspend(self, job: Job, status: JobStatus) -> None:
        """The Suspended condition follows spec.suspend (ensureJobConditionStatus): True, with the event
        Suspended, when the Job is suspended (its startTime cleared); False, with Resumed, when it is resumed,
        and activeDeadlineSeconds counts again from then (startTime now). Never suspended: no condition."""
        now = self.clock.now
        found = next((c for c in status.conditions if c.type == "Suspended"), None)
        if job.spec.suspend:
            status.start_time = None
            wanted = JobCondition("Suspended", "True", now, now, "JobSuspended", "Job suspended")
            event = "Suspended", "Job suspended"
        elif found is not None:
            wanted = JobCondition("Suspended", "False", now, now, "JobResumed", "Job resumed")
            event = "Resumed", "Job resumed"
        else:
            return
        if found is not None and (found.status, found.reason, found.message) == (wanted.status, wanted.reason,
                                                                                 wanted.message):
            return
        status.conditions = [c for c in status.conditions if c is not found] + [wanted]
        if not job.spec.suspend:
            status.start_time = now
        self.recorder.normal(job, *event)

    def requeue_at_deadline(self, job: Job, status: JobStatus) -> None:
        if job.spec.active_deadline_seconds is not None and status.start_time is not None:
            due = (status.start_time or 0.0) + job.spec.active_deadline_seconds
            self.queue.add_after(object_key(job), max(due - self.clock.now, 0.0))

    def expire(self, job: Job) -> None:
        """ttlSecondsAfterFinished: delete the Job (foreground: its pods first) that long after it finished."""
        ttl = job.spec.ttl_seconds_after_finished
        if ttl is None:
            return
        finished = next((c.last_transition_time for c in job.status.conditions
                         if c.type in ("Complete", "Failed") and c.status == "True"), None) or 0.0
        if self.clock.now < finished + ttl:
            self.queue.add_after(object_key(job), finished + ttl - self.clock.now)
            return
        with suppress(NotFound):
            self.api.delete("jobs", job.name, job.namespace, propagation_policy="Foreground")

    def write_status(self, job: Job, status: JobStatus) -> None:
        """Write the status if it changed (a Conflict raises: the queue tries again on a fresh copy)."""
        if status == job.status:
            return
        new = job.copy()
        new.status = status
        stored = self.api.update_status(new)
        self.jobs.cache[object_key(stored)] = stored
        if status.finished():
            self.expire(stored)
