"""kubectl get's columns for Deployments, DaemonSets, StatefulSets, Jobs and CronJobs, from
pkg/printers/internalversion/printers.go.

Deployments: NAME READY UP-TO-DATE AVAILABLE AGE (READY is ready/desired);
DaemonSets: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE,
counted in nodes; StatefulSets: NAME READY AGE (READY is readyReplicas/spec.replicas;
-o wide adds CONTAINERS and IMAGES only); ControllerRevisions: NAME CONTROLLER REVISION AGE;
Jobs: NAME STATUS COMPLETIONS DURATION AGE, where STATUS is the finished
condition (Complete, Failed), Terminating, Suspended, the interim condition
(FailureTarget, SuccessCriteriaMet) or Running, COMPLETIONS is `succeeded/completions`
(`1/1 of 3` for a work queue with parallelism 3) and DURATION runs from the
start until completion, or until now; CronJobs: NAME SCHEDULE TIMEZONE
SUSPEND ACTIVE LAST SCHEDULE AGE, where TIMEZONE is `<none>` when unset,
ACTIVE counts the Jobs in status.active and LAST SCHEDULE is the age of the
last scheduled time. -o wide adds CONTAINERS, IMAGES and SELECTOR (of a
CronJob's jobTemplate: `<none>`, as the template has none).
"""

from __future__ import annotations

import math

from k8slite.api.cronjob import CronJob
from k8slite.api.daemonset import ControllerRevision, DaemonSet
from k8slite.api.deployment import Deployment
from k8slite.api.job import Job
from k8slite.api.statefulset import StatefulSet
from k8slite.kubectl.durations import human_duration, since
from k8slite.kubectl.rows import Row, containers_images
from k8slite.kubectl.selectors import format_selector, labels_cell


def deployment_row(d: Deployment, now: float, wide: bool) -> Row:
    s = d.status
    row = [d.name, f"{s.ready_replicas}/{d.spec.replicas}", str(s.updated_replicas), str(s.available_replicas),
           since(now, d.metadata.creation_timestamp)]
    if wide:
        row += [*containers_images(d.spec.template.spec), format_selector(d.spec.selector)]
    return row


def daemonset_row(ds: DaemonSet, now: float, wide: bool) -> Row:
    s = ds.status
    row = [ds.name, *map(str, (s.desired_number_scheduled, s.current_number_scheduled, s.number_ready,
                                s.updated_number_scheduled, s.number_available)),
           labels_cell(ds.spec.template.spec.node_selector), since(now, ds.metadata.creation_timestamp)]
    if wide:
        row += [*containers_images(ds.spec.template.spec), format_selector(ds.spec.selector)]
    return row


def statefulset_row(sts: StatefulSet, now: float, wide: bool) -> Row:
    """printStatefulSet: no SELECTOR column, even with -o wide."""
    ready = f"{sts.status.ready_replicas}/{sts.spec.replicas or 0}"
    row = [sts.name, ready, since(now, sts.metadata.creation_timestamp)]
    if wide:
        row += containers_images(sts.spec.template.spec)
    return row


def controllerrevision_row(revision: ControllerRevision, now: float, wide: bool) -> Row:
    """printControllerRevision: CONTROLLER is `daemonset.apps/name`, the controller's group kind and name."""
    ref = revision.metadata.controller_ref()
    group = ref.api_version.rpartition("/")[0] if ref else ""
    controller = f"{ref.kind.lower()}{'.' + group if group else ''}/{ref.name}" if ref else "<none>"
    return [revision.name, controller, str(revision.revision), since(now, revision.metadata.creation_timestamp)]


def job_status(job: Job) -> str:
    """printJob's STATUS (pkg/printers/internalversion/printers.go): the terminal condition first, then
    a Job being deleted, then Suspended and the interim FailureTarget / SuccessCriteriaMet."""
    for status in ("Complete", "Failed"):
        if job.status.has(status):
            return status
    if job.metadata.deletion_timestamp is not None:
        return "Terminating"
    return next((s for s in ("Suspended", "FailureTarget", "SuccessCriteriaMet") if job.status.has(s)), "Running")


def job_completions(job: Job) -> str:
    succeeded, completions, parallelism = job.status.succeeded, job.spec.completions, job.spec.parallelism or 1
    if completions is not None:
        return f"{succeeded}/{completions}"
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def job_duration(job: Job, now: float) -> str:
    start, end = job.status.start_time, job.status.completion_time
    if start is None:
        return ""
    return since(now, start) if end is None else human_duration(math.floor(end) - math.floor(start))


def job_row(job: Job, now: float, wide: bool) -> Row:
    row = [job.name, job_status(job), job_completions(job), job_duration(job, now),
           since(now, job.metadata.creation_timestamp)]
    if wide:
        row += [*containers_images(job.spec.template.spec), format_selector(job.spec.selector)]
    return row


def bool_ptr(value: bool | None) -> str:
    """printBoolPtr: True, False or <unset>."""
    return "<unset>" if value is None else str(value)


def cronjob_row(cj: CronJob, now: float, wide: bool) -> Row:
    spec, last = cj.spec, cj.status.last_schedule_time
    row = [cj.name, spec.schedule, "<none>" if spec.time_zone is None else spec.time_zone, bool_ptr(spec.suspend),
           str(len(cj.status.active)), "<none>" if last is None else since(now, last),
           since(now, cj.metadata.creation_timestamp)]
    if wide:
        job_spec = spec.job_template.spec
        row += [*containers_images(job_spec.template.spec), format_selector(job_spec.selector)]
    return row
