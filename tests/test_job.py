"""The Job: completions, back-off, deadlines, Indexed pods, TTL, as timelines."""

import re

import pytest
from builders import example, job_yaml

from k8slite import Cluster, Invalid


def created(c, job):
    return [e.time for e in c.events() if e.reason == "SuccessfulCreate" and e.involved_object.name == job]


def pinned(manifest: str) -> str:
    """The manifest with busybox:1.36 for busybox: a tagged image is IfNotPresent (image_manager.go
    shouldPullImage), so each node pulls it once (1.013 s) and every later container starts at once."""
    assert manifest.count("image: busybox\n") == 1
    return manifest.replace("image: busybox\n", "image: busybox:1.36\n")


def since_first_start(c, times):
    """Times measured from the first container start (after the first pull), to the microsecond:
    sums of floats are not exact (1.013 + 30 - 1.013 is 29.999999999999996)."""
    first = min(e.time for e in c.events() if e.reason == "Started")
    return [round(t - first, 6) for t in times]


def test_the_docs_pi_job_completes():
    c = Cluster(nodes=2)
    c.apply(example("job-pi.yaml"))
    c.run_until(lambda c: c.ready("job/pi"), 30)
    job = c.get("job", "pi")
    assert (job.status.succeeded, job.status.failed, job.status.active) == (1, 0, 0)
    # job_controller.go (1.32): the interim SuccessCriteriaMet, then Complete once no pod is terminating
    assert [(x.type, x.status, x.reason, x.message) for x in job.status.conditions] == [
        ("SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"),
        ("Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods")]
    # the docs' `perl` (no tag: imagePullPolicy Always, 335120147 bytes) is pulled first: 0.8 s + 335120147 B at
    # 20 MB/s = 17.556 s (registry.pull_seconds), then the simulated perl runs 1 s
    assert job.status.completion_time - job.status.start_time == 18.556
    (pod,) = c.get("pods")
    assert pod.metadata.labels["batch.kubernetes.io/job-name"] == "pi" and pod.metadata.labels["job-name"] == "pi"
    assert pod.metadata.labels["controller-uid"] == job.metadata.uid
    assert job.spec.selector.match_labels == {"batch.kubernetes.io/controller-uid": job.metadata.uid}
    reasons = [(e.reason, e.message) for e in c.events() if e.involved_object.kind == "Job"]
    assert reasons == [("SuccessfulCreate", f"Created pod: {pod.name}"), ("Completed", "Job completed")]
    header, row = c.kubectl("get jobs").splitlines()
    assert header == "NAME   STATUS     COMPLETIONS   DURATION   AGE"
    assert re.fullmatch(rf"pi     Complete   1/1           18s        {int(c.now)}s", row)  # DURATION: the next test


def test_the_docs_pi_job_duration_counts_the_whole_seconds_the_api_keeps():
    c = Cluster(nodes=1)
    c.apply(example("job-pi.yaml"))
    c.run_until(lambda c: c.ready("job/pi"), 30)
    # startTime 0 s, completionTime 18.556 s (the perl pull, then 1 s): the API keeps 18 s (apimachinery
    # meta/v1/time.go MarshalJSON, RFC 3339 without fraction); printers.go printJob: HumanDuration(completion -
    # start) = 18s, the same as the AGE of this 18.556 s old Job
    assert c.kubectl("get jobs").splitlines()[1].split()[3:] == ["18s", "18s"]


def test_restart_policy_always_is_invalid():
    c = Cluster(nodes=1)
    with pytest.raises(Invalid) as e:
        c.apply(job_yaml(restart_policy="Always"))
    assert str(e.value) == ('Job.batch "work" is invalid: spec.template.spec.restartPolicy: Unsupported value: '
                            '"Always": supported values: "OnFailure", "Never"')


def test_backoff_doubles_from_the_last_failure_up_to_ten_minutes():
    c = Cluster(nodes=1)
    c.apply(pinned(job_yaml(command="exit 1", extra="  backoffLimit: 8")))
    c.run(2000)
    # the first pod starts (and fails) after the pull; the others at their creation: failures are first start + t
    times = [0.0, *since_first_start(c, created(c, "work")[1:])]
    # job_controller.go: DefaultJobPodFailureBackOff 10s, MaxJobPodFailureBackOff 10 * time.Minute
    assert [b - a for a, b in zip(times, times[1:])] == [10, 20, 40, 80, 160, 320, 600, 600]
    job = c.get("job", "work")
    assert job.status.failed == 9 and job.status.condition("Failed").reason == "BackoffLimitExceeded"
    assert job.status.condition("Failed").message == "Job has reached the specified backoff limit"
    assert len(c.get("pods")) == 9  # restartPolicy Never: a new pod per attempt, the failed ones stay


def test_backoff_is_measured_from_the_failure_not_the_start():
    c = Cluster(nodes=1)
    c.apply(pinned(job_yaml(command="sleep 5; exit 1", extra="  backoffLimit: 2")))
    c.run(200)
    # from the first start (the pod made at 0 starts after its pull): fail at 5 -> +10; fail at 20 -> +20
    assert since_first_start(c, created(c, "work")[1:]) == [15, 40]


def test_deadline_beats_backoff_limit():
    c = Cluster(nodes=1)
    c.apply(job_yaml(command="exit 1", extra="  activeDeadlineSeconds: 25"))
    c.run(100)
    job = c.get("job", "work")
    cond = job.status.condition("Failed")
    assert (cond.reason, cond.message) == ("DeadlineExceeded", "Job was active longer than specified deadline")
    assert cond.last_transition_time == 25 and job.status.failed < 6
    # the first pod starts and fails at 1.013 s, after pulling busybox (0.8 s + 4261574 B at 20 MB/s); the next
    # is made 10 s later; the third would be 20 s after the second's failure, past the deadline
    assert created(c, "work") == [0, 11.013]


def test_deadline_deletes_running_pods_then_the_job_fails():
    c = Cluster(nodes=1)
    c.apply(job_yaml(command="sleep 600", extra="  activeDeadlineSeconds: 30\n  parallelism: 2\n  completions: 4"))
    c.run(31)
    job = c.get("job", "work")
    # job_controller.go: FailureTarget first; Failed only once the deleted pods have terminated
    target = job.status.condition("FailureTarget")
    assert (target.reason, target.message) == ("DeadlineExceeded", "Job was active longer than specified deadline")
    assert job.status.condition("Failed") is None and job.status.active == 0
    assert all(p.metadata.deletion_timestamp is not None for p in c.get("pods"))
    assert c.kubectl("get jobs").splitlines()[1].split()[1] == "FailureTarget"  # printers.go printJob
    c.run(40)  # sleep ignores SIGTERM: the kubelet kills the containers after the 30 s grace period
    job = c.get("job", "work")
    failed = job.status.condition("Failed")
    assert (failed.reason, failed.message, failed.last_transition_time) == (
        "DeadlineExceeded", "Job was active longer than specified deadline", 60)
    assert job.status.failed == 2  # the deleted pods never succeeded: they count as failed
    warnings = [(e.time, e.reason, e.message) for e in c.events()
                if e.type == "Warning" and e.involved_object.kind == "Job"]
    assert warnings == [(60, "DeadlineExceeded", "Job was active longer than specified deadline")]
    assert c.kubectl("get jobs").splitlines()[1].split()[1] == "Failed"


def test_a_suspended_job_runs_no_pods_and_its_deadline_counts_from_the_resume():
    """suspend (KEP-2232): no pods while true, the active ones deleted; the Suspended condition and events;
    startTime cleared, and set again when the Job is resumed, so activeDeadlineSeconds counts from then."""
    c = Cluster(nodes=1)
    c.apply(job_yaml(command="sleep 20", extra="  suspend: true\n  activeDeadlineSeconds: 40"))
    c.run(100)  # longer than the deadline: a suspended Job's does not run
    job = c.get("job", "work")
    assert (c.get("pods"), job.status.start_time, job.status.active) == ([], None, 0)
    cond = job.status.condition("Suspended")
    assert (cond.status, cond.reason, cond.message, cond.last_transition_time) == (
        "True", "JobSuspended", "Job suspended", 0)
    assert c.kubectl("get jobs").splitlines()[1].split()[:3] == ["work", "Suspended", "0/1"]
    c.kubectl("""patch job work -p '{"spec":{"suspend":false}}'""")
    c.run(10)
    job = c.get("job", "work")
    assert job.status.start_time == 100 and job.status.active == 1
    cond = job.status.condition("Suspended")
    assert (cond.status, cond.reason, cond.message) == ("False", "JobResumed", "Job resumed")
    c.kubectl("""patch job work -p '{"spec":{"suspend":true}}'""")
    c.run(1)
    job = c.get("job", "work")
    assert job.status.active == 0 and job.status.start_time is None
    assert all(p.metadata.deletion_timestamp is not None for p in c.get("pods"))
    pod = c.get("pods")[0].name  # manageJob first, then the condition's event; a repeat is counted on the first
    reasons = [(e.reason, e.message, e.count) for e in c.events() if e.involved_object.kind == "Job"]
    assert reasons == [("Suspended", "Job suspended", 2), ("SuccessfulCreate", f"Created pod: {pod}", 1),
                       ("Resumed", "Job resumed", 1), ("SuccessfulDelete", f"Deleted pod: {pod}", 1)]
    c.kubectl("""patch job work -p '{"spec":{"suspend":false}}'""")
    c.run(60)  # resumed at 111: the pod runs its 20 s, within the 40 s that count from the resume
    assert c.get("job", "work").status.finished() == "Complete"
    assert "suspend: false" in c.kubectl("get job work -o yaml")  # the default, once resumed as when made so


def test_on_failure_restarts_in_place_and_counts_restarts():
    c = Cluster(nodes=1)
    c.apply(pinned(job_yaml(command="exit 1", restart_policy="OnFailure", extra="  backoffLimit: 3")))
    c.run(100)
    assert len(created(c, "work")) == 1  # one pod, restarted by the kubelet
    cond = c.get("job", "work").status.condition("Failed")
    # restarts at 0, 10, 30 after the first start (busybox:1.36 is pulled once, before it)
    assert cond.reason == "BackoffLimitExceeded" and since_first_start(c, [cond.last_transition_time]) == [30]


def test_completions_and_parallelism():
    c = Cluster(nodes=2)
    c.apply(pinned(job_yaml(command="sleep 10", extra="  completions: 5\n  parallelism: 2")))
    c.run_until(lambda c: c.ready("job/work"), 100)
    # the first two pods (one on each node) start after their node's pull of busybox:1.36, the others at once
    times = created(c, "work")
    assert times[:2] == [0, 0] and since_first_start(c, times[2:]) == [10, 10, 20]
    assert c.get("job", "work").status.succeeded == 5 and since_first_start(c, [c.now]) == [30]


def test_indexed_job_gives_each_pod_its_index():
    c = Cluster(nodes=2)
    c.apply(job_yaml(command="echo $JOB_COMPLETION_INDEX $(hostname)",
                     extra="  completions: 3\n  parallelism: 3\n  completionMode: Indexed"))
    c.run_until(lambda c: c.ready("job/work"), 30)
    outputs = sorted(c.logs(p.name) for p in c.get("pods"))
    assert outputs == ["0 work-0\n", "1 work-1\n", "2 work-2\n"]
    pod = c.get("pods")[0]
    index = pod.metadata.annotations["batch.kubernetes.io/job-completion-index"]
    assert pod.name.startswith(f"work-{index}-") and pod.spec.hostname == f"work-{index}"
    assert c.get("job", "work").status.completed_indexes == "0-2"


def test_ttl_deletes_the_finished_job_and_its_pods():
    c = Cluster(nodes=1)
    c.apply(job_yaml(extra="  ttlSecondsAfterFinished: 20"))
    c.run(15)
    assert c.get("job", "work").status.finished() == "Complete" and len(c.get("pods")) == 1
    c.run(10)
    assert c.get("jobs") == [] and c.get("pods") == []


def test_finished_jobs_stay_without_ttl():
    c = Cluster(nodes=1)
    c.apply(job_yaml())
    c.run(3600)
    assert c.get("job", "work").status.finished() == "Complete" and len(c.get("pods")) == 1


def test_a_deleted_running_pod_counts_as_failed_and_is_replaced():
    c = Cluster(nodes=1)
    c.apply(job_yaml(command="sleep 600", extra="  backoffLimit: 1"))
    c.run(5)
    (first,) = c.get("pods")
    c.delete("pod", first.name)
    c.run(1)
    job = c.get("job", "work")
    # job_controller.go isPodFailed: "Count deleted Pods as failures to account for orphan Pods"
    assert job.status.failed == 1 and job.status.active == 1 and created(c, "work") == [0, 5]
    second = next(p for p in c.get("pods") if p.name != first.name)
    c.delete("pod", second.name)
    c.run(1)
    cond = c.get("job", "work").status.condition("FailureTarget")
    assert (cond.reason, cond.message) == ("BackoffLimitExceeded", "Job has reached the specified backoff limit")


def test_deleting_a_job_through_the_api_orphans_its_pods_with_a_warning():
    c = Cluster(nodes=1)
    c.apply(job_yaml(command="sleep 600"))
    c.run(3)
    c.api.delete("jobs", "work")  # no propagationPolicy: batch/v1 Job's default is OrphanDependents
    # pkg/registry/batch/job/storage/storage.go: deleteOptionWarnings
    assert c.api.pop_warnings() == [
        "child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove "
        "them or set propagationPolicy=Orphan to suppress this warning"]
    assert c.api.pop_warnings() == []
    c.run(40)
    (pod,) = c.get("pods")
    assert c.get("jobs") == [] and pod.status.phase == "Running" and pod.metadata.owner_references == []
    c.apply(job_yaml(name="other", command="sleep 600"))
    c.run(3)
    c.api.delete("jobs", "other", propagation_policy="Background")
    assert c.api.pop_warnings() == []


WORK_QUEUE_JOB = """
apiVersion: batch/v1
kind: Job
metadata: {name: queue}
spec:
  parallelism: 3
  template:
    spec:
      restartPolicy: Never
      volumes: [{name: shared, hostPath: {path: /var/queue}}]
      containers:
      - name: worker
        image: busybox
        command: ["sh", "-c", "if mkdir /queue/first; then sleep 2; else sleep 30; fi"]
        volumeMounts: [{name: shared, mountPath: /queue}]
"""


def test_a_work_queue_job_lets_its_other_workers_finish_after_the_first_success():
    """manageJob: with no completions, once one pod succeeded "leave whatever is running, running";
    the Job is complete when none is left active."""
    c = Cluster(nodes=1, seed=0)
    c.apply(WORK_QUEUE_JOB)
    c.run(10)  # one worker finished; the two others still work
    pods = c.get("pods")
    assert sorted(p.status.phase for p in pods) == ["Running", "Running", "Succeeded"]
    assert all(p.metadata.deletion_timestamp is None for p in pods) and len(pods) == 3  # none deleted, none new
    assert not c.get("job", "queue").status.finished()
    c.run(40)
    job = c.get("job", "queue")
    assert job.status.succeeded == 3 and job.status.condition("Complete") is not None


def test_a_sync_before_the_informer_brings_the_new_pods_counts_them_and_creates_no_more():
    # the Job controller shares the controller manager's pod cache; the pods it has just created wait in
    # `assumed` until that cache has them (ControllerExpectations' purpose)
    c = Cluster(nodes=2)
    c.apply(job_yaml("burst", "sleep 30", extra="  completions: 6\n  parallelism: 3"))
    jobs = c.workload_controllers[1]
    job = c.get("job", "burst")
    for _ in range(1000):  # step until the controller has created the pods, before any of their events
        if jobs.assumed:
            break
        c.clock.step()
    assert len(jobs.assumed) == 3 and not any(key in jobs.pods.cache for key in jobs.assumed)
    jobs.sync("default/burst")  # a sync now: the three count as active, none more is created
    assert len(jobs.pods_of(job)) == 3 and len(created(c, "burst")) == 3
    c.run(5)
    assert jobs.assumed == {} and len(jobs.pods_of(job)) == 3  # the informer has them all now
    assert len(c.api.list("pods")) == 3
