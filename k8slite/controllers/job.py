"""The Job controller: run pods until enough of them have exited 0.

Mirrors pkg/controller/job (and the TTL-after-finished controller). `sync`
looks at the Job's pods and decides, in this order:

1. failed? more failures than backoffLimit (failed pods for restartPolicy
   Never, container restarts for OnFailure): condition Failed, reason
   BackoffLimitExceeded; or active longer than activeDeadlineSeconds:
   Failed, reason DeadlineExceeded. Running pods are deleted either way.
2. complete? `completions` pods succeeded (for Indexed, every index
   0..completions-1): condition Complete, completionTime set.
3. otherwise keep `min(parallelism, completions - succeeded)` pods active,
   creating new ones only after the back-off since the last failure
   (job_util.backoff_remaining).

A finished Job stays, with its pods, until deleted, or for
ttlSecondsAfterFinished. Simplified: the counts are recomputed from the pods
that exist (Kubernetes tracks them with pod finalizers), so deleting a
failed pod by hand does not lower `status.failed`, but a running pod that is
deleted is simply replaced rather than counted as a failure.
"""

from __future__ import annotations

import copy

from k8slite.api.job import COMPLETION_INDEX, Job, JobCondition, JobStatus
from k8slite.api.meta import KubeObject, ObjectMeta
from k8slite.api.pod import EnvVar, Pod
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.controllers.job_util import (
    backoff_remaining,
    completion_index,
    format_indexes,
    parse_indexes,
    restarts,
)
from k8slite.controllers.replicaset import controller_ref, is_active
from k8slite.errors import ApiError
from k8slite.informer import Informer, object_key


class JobController(Controller):
    name = "job-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.jobs = Informer(api, "jobs", self.enqueue)
        self.pods = Informer(api, "pods", self.pod_changed)

    def resync_keys(self) -> list[str]:
        return sorted(self.jobs.cache)

    def pod_changed(self, event_type: str, pod: KubeObject) -> None:
        ref = pod.metadata.controller_ref()
        if ref is not None and ref.kind == "Job":
            self.queue.add(f"{pod.namespace}/{ref.name}")

    def pods_of(self, job: Job) -> list[Pod]:
        return [p for p in self.pods.list() if isinstance(p, Pod) and p.namespace == job.namespace
                and (ref := p.metadata.controller_ref()) is not None and ref.uid == job.metadata.uid]

    # ------------------------------------------------------------ sync
    def sync(self, key: str) -> None:
        job = self.jobs.get(key)
        if not isinstance(job, Job) or job.metadata.deletion_timestamp is not None:
            return
        if job.status.finished():
            self.expire(job)
            return
        now, pods = self.clock.now, self.pods_of(job)
        status = copy.deepcopy(job.status)
        status.start_time = now if status.start_time is None else status.start_time
        active = [p for p in pods if is_active(p)]
        status.failed = max(status.failed, sum(p.status.phase == "Failed" for p in pods))
        done = self.succeeded_indexes(job, pods)
        status.succeeded = len(done) if job.spec.completion_mode == "Indexed" else \
            max(status.succeeded, sum(p.status.phase == "Succeeded" for p in pods))
        if job.spec.completion_mode == "Indexed":
            status.completed_indexes = format_indexes(done)
        failure = self.failure(job, status, active)
        if failure:
            status.failed += self.delete_pods(job, active)
            self.finish(job, status, "Failed", *failure)
        elif self.complete(job, status, active):
            self.delete_pods(job, active)
            self.finish(job, status, "Complete", "", "")
        else:
            active = self.manage(job, pods, active, done)
            self.requeue_at_deadline(job, status)
        status.active = sum(1 for p in active if is_active(p)) if not status.finished() else 0
        status.ready = sum(1 for p in active if p.is_ready()) if not status.finished() else 0
        self.write_status(job, status)

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
        deadline = job.spec.active_deadline_seconds
        if deadline is not None and self.clock.now - (status.start_time or 0.0) >= deadline:
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
    def manage(self, job: Job, pods: list[Pod], active: list[Pod], done: set[int]) -> list[Pod]:
        """Keep min(parallelism, completions - succeeded) pods running; new ones wait out the back-off."""
        parallelism = job.spec.parallelism or 0
        succeeded = len(done) if job.spec.completion_mode == "Indexed" else \
            sum(p.status.phase == "Succeeded" for p in pods)
        wanted = parallelism if job.spec.completions is None else min(parallelism, job.spec.completions - succeeded)
        if job.spec.completions is None and succeeded:
            wanted = 0  # a work queue: once one succeeded, no new pods
        if len(active) > wanted:
            newest = sorted(active, key=lambda p: -(p.metadata.creation_timestamp or 0.0))
            self.delete_pods(job, newest[:len(active) - wanted])
            return newest[len(active) - wanted:]
        wait = backoff_remaining(pods, self.clock.now)
        if len(active) < wanted and wait > 0:
            self.queue.add_after(object_key(job), wait)
            return active
        indexes = self.pending_indexes(job, active, done)
        created = [self.create_pod(job, indexes[i] if indexes else None) for i in range(wanted - len(active))]
        return active + [p for p in created if p is not None]

    def pending_indexes(self, job: Job, active: list[Pod], done: set[int]) -> list[int]:
        if job.spec.completion_mode != "Indexed":
            return []
        running = {completion_index(p) for p in active}
        return [i for i in range(job.spec.completions or 0) if i not in done and i not in running]

    def create_pod(self, job: Job, index: int | None) -> Pod | None:
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
            return None
        self.pods.cache[object_key(created)] = created
        self.recorder.normal(job, "SuccessfulCreate", f"Created pod: {created.name}")
        return created

    def delete_pods(self, job: Job, pods: list[Pod]) -> int:
        deleted = 0
        for pod in pods:
            try:
                self.api.delete("pods", pod.name, pod.namespace)
            except ApiError:
                continue
            deleted += 1
            self.recorder.normal(job, "SuccessfulDelete", f"Deleted pod: {pod.name}")
        return deleted

    # ------------------------------------------------------------ finishing
    def finish(self, job: Job, status: JobStatus, type_: str, reason: str, message: str) -> None:
        now = self.clock.now
        status.conditions.append(JobCondition(type_, "True", now, now, reason, message))
        if type_ == "Complete":
            status.completion_time = now
            self.recorder.normal(job, "Completed", "Job completed")
        else:
            self.recorder.warning(job, reason, message)

    def requeue_at_deadline(self, job: Job, status: JobStatus) -> None:
        if job.spec.active_deadline_seconds is not None:
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
        try:
            self.api.delete("jobs", job.name, job.namespace, propagation_policy="Foreground")
        except ApiError:
            pass

    def write_status(self, job: Job, status: JobStatus) -> None:
        if status == job.status:
            return
        new = job.copy()
        new.status = status
        try:
            stored = self.api.update_status(new)
        except ApiError:
            self.queue.add(object_key(job))
            return
        self.jobs.cache[object_key(stored)] = stored
        if status.finished():
            self.expire(stored)
