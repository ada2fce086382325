"""kubectl describe for Deployments, DaemonSets, StatefulSets, Jobs and CronJobs (describe.go's
DeploymentDescriber, DaemonSetDescriber, StatefulSetDescriber, JobDescriber and CronJobDescriber).

A Deployment shows `Replicas: 3 desired | 3 updated | 3 total | 3 available
| 0 unavailable`, its strategy (`25% max unavailable, 25% max surge`), the
pod template, the Available and Progressing conditions, and its old and new
ReplicaSets (`web-7d9f8c6b5d (3/3 replicas created)`). A DaemonSet shows
its selector and the template's nodeSelector, then the node counts of its
status, each on a line without a tab (`Desired Number of Nodes Scheduled:
3`, so they are not lined up), `Pods Status:  3 Running / 0 Waiting / 0
Succeeded / 0 Failed` and the pod template; like kubectl's, it has no
Namespace line. A StatefulSet shows `Replicas: 2 desired | 2 total`, its
update strategy (and the partition under it), the pods' phases as a
DaemonSet's, the pod template, then each claim template (`Volume Claims:`
name, storage class, labels, capacity and `[ReadWriteOnce]`). A Job shows
parallelism, completions, backoff limit, when it started and finished, and
`Pods Statuses: 0 Active (0 Ready) / 1 Succeeded / 0 Failed`. A CronJob shows its schedule, policy and history
limits, its jobTemplate as a Job's (Selector, Parallelism and Completions,
`<unset>` as a template has them, then the pod template), the last
scheduled time and its active Jobs by name. All end with their events.
Left out: a Job's podFailurePolicy and suspend details.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from k8slite.api.cronjob import CronJob, JobTemplateSpec
from k8slite.api.daemonset import DaemonSet
from k8slite.api.deployment import Deployment
from k8slite.api.job import Job
from k8slite.api.quantity import canonical
from k8slite.api.replicaset import ReplicaSet
from k8slite.api.statefulset import StatefulSet
from k8slite.api.storage import PersistentVolumeClaim
from k8slite.controllers.deployment_util import find_new_replicaset
from k8slite.kubectl.describe_other import describe_template, pods_status
from k8slite.kubectl.describe_writer import (
    PrefixWriter,
    annotations_multiline,
    describe_events,
    events_for,
    labels_multiline,
    rfc1123,
)
from k8slite.kubectl.durations import human_duration
from k8slite.kubectl.rows_workloads import bool_ptr
from k8slite.kubectl.selectors import format_selector, labels_cell

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"  # v1.BetaStorageClassAnnotation


def owned_replicasets(cluster: Cluster, d: Deployment) -> list[ReplicaSet]:
    return [rs for rs in cluster.api.list("replicasets", d.namespace) if isinstance(rs, ReplicaSet)
            and (ref := rs.metadata.controller_ref()) is not None and ref.uid == d.metadata.uid]


def rs_summary(rss: list[ReplicaSet]) -> str:
    return ", ".join(f"{rs.name} ({rs.status.replicas}/{rs.spec.replicas} replicas created)" for rs in rss) or "<none>"


def describe_deployment(cluster: Cluster, d: Deployment) -> str:
    w, s = PrefixWriter(), d.status
    w.write(0, f"Name:\t{d.name}\nNamespace:\t{d.namespace}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123(d.metadata.creation_timestamp)}\n")
    labels_multiline(w, "Labels", d.metadata.labels)
    annotations_multiline(w, "Annotations", d.metadata.annotations)
    w.write(0, f"Selector:\t{format_selector(d.spec.selector)}\n")
    w.write(0, f"Replicas:\t{d.spec.replicas} desired | {s.updated_replicas} updated | {s.replicas} total | "
               f"{s.available_replicas} available | {s.unavailable_replicas} unavailable\n")
    w.write(0, f"StrategyType:\t{d.spec.strategy.type}\nMinReadySeconds:\t{d.spec.min_ready_seconds or 0}\n")
    rolling = d.spec.strategy.rolling_update
    if d.spec.strategy.type == "RollingUpdate" and rolling is not None:
        w.write(0, f"RollingUpdateStrategy:\t{rolling.max_unavailable} max unavailable, "
                   f"{rolling.max_surge} max surge\n")
    describe_template(w, d.spec.template)
    if s.conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in s.conditions:
            w.write(1, f"{c.type} \t{c.status}\t{c.reason}\n")
    rss = owned_replicasets(cluster, d)
    new_rs = find_new_replicaset(d, rss)
    old = [rs for rs in rss if rs is not new_rs and (rs.spec.replicas or rs.status.replicas)]
    w.write(0, f"OldReplicaSets:\t{rs_summary(old)}\n")
    w.write(0, f"NewReplicaSet:\t{rs_summary([new_rs] if new_rs else [])}\n")
    describe_events(w, events_for(cluster, d), cluster.now)
    return w.result()


def describe_daemonset(cluster: Cluster, ds: DaemonSet) -> str:
    w, s = PrefixWriter(), ds.status
    w.write(0, f"Name:\t{ds.name}\nSelector:\t{format_selector(ds.spec.selector)}\n")
    w.write(0, f"Node-Selector:\t{labels_cell(ds.spec.template.spec.node_selector)}\n")
    labels_multiline(w, "Labels", ds.metadata.labels)
    annotations_multiline(w, "Annotations", ds.metadata.annotations)
    w.write(0, f"Desired Number of Nodes Scheduled: {s.desired_number_scheduled}\n"
               f"Current Number of Nodes Scheduled: {s.current_number_scheduled}\n"
               f"Number of Nodes Scheduled with Up-to-date Pods: {s.updated_number_scheduled}\n"
               f"Number of Nodes Scheduled with Available Pods: {s.number_available}\n"
               f"Number of Nodes Misscheduled: {s.number_misscheduled}\n")
    pods_status(w, cluster, ds, ds.spec.selector)
    describe_template(w, ds.spec.template)
    describe_events(w, events_for(cluster, ds), cluster.now)
    return w.result()


def describe_statefulset(cluster: Cluster, sts: StatefulSet) -> str:
    w, spec = PrefixWriter(), sts.spec
    w.write(0, f"Name:\t{sts.name}\nNamespace:\t{sts.namespace}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123(sts.metadata.creation_timestamp)}\n")
    w.write(0, f"Selector:\t{format_selector(spec.selector)}\n")
    labels_multiline(w, "Labels", sts.metadata.labels)
    annotations_multiline(w, "Annotations", sts.metadata.annotations)
    w.write(0, f"Replicas:\t{spec.replicas or 0} desired | {sts.status.replicas} total\n")
    w.write(0, f"Update Strategy:\t{spec.update_strategy.type}\n")
    rolling = spec.update_strategy.rolling_update
    if rolling is not None and rolling.partition is not None:
        w.write(1, f"Partition:\t{rolling.partition}\n")
    pods_status(w, cluster, sts, spec.selector)
    describe_template(w, spec.template)
    describe_claim_templates(w, spec.volume_claim_templates)
    describe_events(w, events_for(cluster, sts), cluster.now)
    return w.result()


def describe_claim_templates(w: PrefixWriter, templates: list[PersistentVolumeClaim]) -> None:
    """describeVolumeClaimTemplates: each claim template's class (the beta annotation first), its labels and
    annotations (both `key=value`, continued under a tab), the storage it requests and its access modes."""
    if not templates:
        w.write(0, "Volume Claims:\t<none>\n")
        return
    w.write(0, "Volume Claims:\n")
    for claim in templates:
        annotations = claim.metadata.annotations
        storage_class = annotations.get(BETA_STORAGE_CLASS, claim.spec.storage_class_name or "")
        w.write(1, f"Name:\t{claim.name}\n")
        w.write(1, f"StorageClass:\t{storage_class}\n")
        indented_pairs(w, "Labels", claim.metadata.labels)
        indented_pairs(w, "Annotations", annotations)
        requested = claim.spec.resources.requests.get("storage")
        w.write(1, f"Capacity:\t{'<default>' if requested is None else canonical(requested)}\n")
        w.write(1, f"Access Modes:\t[{' '.join(claim.spec.access_modes)}]\n")


def indented_pairs(w: PrefixWriter, title: str, pairs: dict[str, str]) -> None:
    """printLabelsMultilineWithIndent: `  Labels:<TAB>a=b`, each further pair on a line of its own that
    starts with the indent and the tab."""
    w.write(0, f"  {title}:\t")
    if not pairs:
        w.write(0, "<none>\n")
    for i, key in enumerate(sorted(pairs)):
        w.write(0, ("  \t" if i else "") + f"{key}={pairs[key]}\n")


def describe_job(cluster: Cluster, job: Job) -> str:
    w, spec, s = PrefixWriter(), job.spec, job.status
    w.write(0, f"Name:\t{job.name}\nNamespace:\t{job.namespace}\nSelector:\t{format_selector(spec.selector)}\n")
    labels_multiline(w, "Labels", job.metadata.labels)
    annotations_multiline(w, "Annotations", job.metadata.annotations)
    if (owner := job.metadata.controller_ref()) is not None:  # a CronJob's Jobs: `CronJob/hello`
        w.write(0, f"Controlled By:\t{owner.kind}/{owner.name}\n")
    w.write(0, f"Parallelism:\t{spec.parallelism}\n")
    w.write(0, f"Completions:\t{'<unset>' if spec.completions is None else spec.completions}\n")
    w.write(0, f"Completion Mode:\t{spec.completion_mode}\nSuspend:\t{str(bool(spec.suspend)).lower()}\n")
    w.write(0, f"Backoff Limit:\t{spec.backoff_limit}\n")
    if spec.ttl_seconds_after_finished is not None:
        w.write(0, f"TTL Seconds After Finished:\t{spec.ttl_seconds_after_finished}\n")
    if s.start_time is not None:
        w.write(0, f"Start Time:\t{rfc1123(s.start_time)}\n")
    if s.completion_time is not None:
        w.write(0, f"Completed At:\t{rfc1123(s.completion_time)}\n")
        w.write(0, f"Duration:\t{human_duration(math.floor(s.completion_time) - math.floor(s.start_time or 0.0))}\n")
    if spec.active_deadline_seconds is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec.active_deadline_seconds}s\n")
    w.write(0, f"Pods Statuses:\t{s.active} Active ({s.ready or 0} Ready) / {s.succeeded} Succeeded / "
               f"{s.failed} Failed\n")
    if spec.completion_mode == "Indexed":
        w.write(0, f"Completed Indexes:\t{s.completed_indexes or '<none>'}\n")
    describe_template(w, spec.template)
    describe_events(w, events_for(cluster, job), cluster.now)
    return w.result()


def unset(value: int | None, unit: str = "") -> str:
    return "<unset>" if value is None else f"{value}{unit}"


def describe_cronjob(cluster: Cluster, cj: CronJob) -> str:
    w, spec = PrefixWriter(), cj.spec
    w.write(0, f"Name:\t{cj.name}\nNamespace:\t{cj.namespace}\n")
    labels_multiline(w, "Labels", cj.metadata.labels)
    annotations_multiline(w, "Annotations", cj.metadata.annotations)
    w.write(0, f"Schedule:\t{spec.schedule}\nConcurrency Policy:\t{spec.concurrency_policy}\n")
    w.write(0, f"Suspend:\t{bool_ptr(spec.suspend)}\n")
    w.write(0, f"Successful Job History Limit:\t{unset(spec.successful_jobs_history_limit)}\n")
    w.write(0, f"Failed Job History Limit:\t{unset(spec.failed_jobs_history_limit)}\n")
    w.write(0, f"Starting Deadline Seconds:\t{unset(spec.starting_deadline_seconds, 's')}\n")
    describe_job_template(w, spec.job_template)
    last = cj.status.last_schedule_time
    w.write(0, f"Last Schedule Time:\t{'<unset>' if last is None else rfc1123(last)}\n")
    w.write(0, f"Active Jobs:\t{', '.join(ref.name for ref in cj.status.active) or '<none>'}\n")
    describe_events(w, events_for(cluster, cj), cluster.now)
    return w.result()


def describe_job_template(w: PrefixWriter, template: JobTemplateSpec) -> None:
    """describeJobTemplate: the Job spec's counts as the template has them (no defaults), then its pod template."""
    spec = template.spec
    w.write(0, f"Selector:\t{'<unset>' if spec.selector is None else format_selector(spec.selector)}\n")
    w.write(0, f"Parallelism:\t{unset(spec.parallelism)}\nCompletions:\t{unset(spec.completions)}\n")
    if spec.active_deadline_seconds is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec.active_deadline_seconds}s\n")
    describe_template(w, spec.template)
