"""Counting a Job's finished pods once each: job_controller.go's trackJobStatusAndRemoveFinalizers.

Kubernetes puts the finalizer `batch.kubernetes.io/job-tracking` on every
pod of a Job, so that no pod can vanish before the controller has counted
it in `status.succeeded` or `status.failed` (the pods counted but not yet
written are listed in `status.uncountedTerminatedPods`). That is why a
running pod that is deleted counts as a failure, and is replaced: it never
succeeded. k8slite keeps the same rules with a memory instead of a
finalizer: `PodTracker` remembers, per Job, which pods it has counted, and
which pods were removed from the API before they were counted.

Each newly finished pod is counted once: a success, a failure, or (when the
podFailurePolicy's Ignore rule matched) nothing; a FailJob rule's message
is handed back for the Job's FailureTarget condition. Simplified: the memory
is the controller's, so a controller that restarted would count again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k8slite.api.job import Job
from k8slite.api.pod import Pod
from k8slite.controllers.job_failure_policy import is_pod_failed, match_pod_failure_policy
from k8slite.controllers.job_util import finish_time


def is_terminating(pod: Pod) -> bool:
    """Being deleted and not yet finished: job_controller.go counts these in status.terminating."""
    return pod.metadata.deletion_timestamp is not None and pod.status.phase not in ("Succeeded", "Failed")


@dataclass
class NewlyFinished:
    """What one sync found among the pods not counted before."""

    succeeded: int = 0
    failed: int = 0
    """Failures that count toward backoffLimit (Ignore-d ones do not)."""
    fail_job_message: str | None = None
    """The message of the first pod that matched a FailJob rule."""
    uids: set[str] = field(default_factory=set)
    """The pods to remember as counted, once the status is written."""


class PodTracker:
    """Which pods of which Job were counted, and which vanished uncounted."""

    def __init__(self) -> None:
        self.counted: dict[str, set[str]] = {}
        self.vanished: dict[str, set[str]] = {}

    def pod_deleted(self, job_uid: str, pod: Pod) -> None:
        """A pod removed from the API before it was counted is a failure, unless it had succeeded."""
        if pod.metadata.uid not in self.counted.get(job_uid, set()) and pod.status.phase != "Succeeded":
            self.vanished.setdefault(job_uid, set()).add(pod.metadata.uid)

    def newly_finished(self, job: Job, pods: list[Pod]) -> NewlyFinished:
        uid = job.metadata.uid
        seen = self.counted.get(uid, set())
        found = NewlyFinished()
        done = [p for p in pods if p.metadata.uid not in seen
                and (p.status.phase == "Succeeded" or is_pod_failed(p, job))]
        for pod in sorted(done, key=lambda p: (finish_time(p), p.name)):
            found.uids.add(pod.metadata.uid)
            if pod.status.phase == "Succeeded":
                found.succeeded += 1
                continue
            match = match_pod_failure_policy(job.spec.pod_failure_policy, pod)
            found.failed += match.count_failed
            found.fail_job_message = found.fail_job_message or match.fail_job_message
        gone = self.vanished.get(uid, set()) - seen - found.uids
        found.failed += len(gone)
        found.uids |= gone
        return found

    def remember(self, job: Job, found: NewlyFinished) -> None:
        """Called once the counts are written to the Job's status."""
        self.counted.setdefault(job.metadata.uid, set()).update(found.uids)
