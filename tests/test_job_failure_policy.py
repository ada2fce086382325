"""A Job's podFailurePolicy: FailJob, Ignore and Count rules, their validation, as timelines."""

import pytest
from builders import job_yaml

from k8slite import Cluster, Invalid
from k8slite.api.job import PodFailurePolicy
from k8slite.api.pod import Pod, PodCondition
from k8slite.api.serialize import from_dict
from k8slite.controllers.job_failure_policy import match_pod_failure_policy

# The docs' job-pod-failure-policy-example.yaml (content/en/examples/controllers/), as written: every pod
# prints, sleeps 5 s and exits 42, which the FailJob rule at index 0 matches.
DOCS_EXAMPLE = """
apiVersion: batch/v1
kind: Job
metadata:
  name: job-pod-failure-policy-example
spec:
  completions: 12
  parallelism: 3
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: docker.io/library/bash:5
        command: ["bash"]        # example command simulating a bug which triggers the FailJob action
        args:
        - -c
        - echo "Hello world!" && sleep 5 && exit 42
  backoffLimit: 6
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes:
        containerName: main      # optional
        operator: In             # one of: In, NotIn
        values: [42]
    - action: Ignore             # one of: Ignore, FailJob, Count
      onPodConditions:
      - type: DisruptionTarget   # indicates Pod disruption
"""


def since_first_start(c, times):
    """Times measured from the first container start (after the first image pull), to the microsecond:
    sums of floats are not exact (1.013 + 30 - 1.013 is 29.999999999999996)."""
    first = min(e.time for e in c.events() if e.reason == "Started")
    return [round(t - first, 6) for t in times]


def rule(action: str, operator: str = "In", values: str = "[42]") -> str:
    return (f"  podFailurePolicy:\n    rules:\n    - action: {action}\n      onExitCodes:\n"
            f"        operator: {operator}\n        values: {values}")


def test_the_docs_example_fails_the_job_on_exit_code_42():
    c = Cluster(nodes=2)
    c.apply(DOCS_EXAMPLE)
    c.run(30)  # the docs: "After around 30s the entire Job should be terminated."
    job = c.get("job", "job-pod-failure-policy-example")
    first = sorted(c.get("pods"), key=lambda p: p.name)
    # pod_failure_policy.go: "Container %s for pod %s/%s failed with exit code %v matching %v rule at index %d"
    message = next(x.message for x in job.status.conditions)
    assert message.startswith("Container main for pod default/job-pod-failure-policy-example-")
    assert message.endswith(" failed with exit code 42 matching FailJob rule at index 0")
    assert any(message == f"Container main for pod default/{p.name} failed with exit code 42 matching FailJob "
               "rule at index 0" for p in first)
    # bash:5 (a tag: IfNotPresent, 6142904 bytes) is pulled on each node in 1.107 s; the third pod shares a node,
    # whose second pull waits for the first (serializeImagePulls), then only resolves (0.8 s): it starts at 1.907 s.
    # The first two fail at 6.107 s: FailureTarget, the third is deleted; its bash (PID 1) ignores SIGTERM, exits
    # 42 when its sleep ends, at 6.907 s, and the Job is Failed
    assert [(x.type, x.reason, x.last_transition_time) for x in job.status.conditions] == [
        ("FailureTarget", "PodFailurePolicy", 6.107), ("Failed", "PodFailurePolicy", 6.907)]
    made = [e.message.removeprefix("Created pod: ") for e in c.events() if e.reason == "SuccessfulCreate"]
    assert len(made) == 3  # no pod after the first three: the Job failed at once
    # the running pod is deleted (controller_utils.go RealPodControl.DeletePod: "Deleted pod: %v") and, once it
    # has terminated, gone; the two failed pods stay
    deleted = [e.message.removeprefix("Deleted pod: ") for e in c.events() if e.reason == "SuccessfulDelete"]
    assert len(deleted) == 1 and sorted(made) == sorted([*deleted, *(p.name for p in first)])
    assert c.kubectl("get jobs").splitlines()[1].split()[:3] == ["job-pod-failure-policy-example", "Failed", "0/12"]
    assert ("Warning", "PodFailurePolicy", message) in [(e.type, e.reason, e.message) for e in c.events()]


def test_fail_job_terminates_the_other_pods_before_failed():
    c = Cluster(nodes=1)
    c.apply(job_yaml(command="if [ $JOB_COMPLETION_INDEX = 0 ]; then sleep 5; exit 42; fi; sleep 600",
                     extra="  completions: 2\n  parallelism: 2\n  completionMode: Indexed\n" + rule("FailJob")))
    c.run(7)  # the index-0 pod starts at 1.013 s, after pulling busybox, and fails 5 s later
    job = c.get("job", "work")
    assert [x.type for x in job.status.conditions] == ["FailureTarget"]
    assert c.kubectl("get jobs").splitlines()[1].split()[1] == "FailureTarget"  # printers.go printJob
    c.run(60)  # the index-1 pod ignores SIGTERM and is killed at the end of its 30 s grace period
    job = c.get("job", "work")
    times = since_first_start(c, [x.last_transition_time for x in job.status.conditions])
    assert [(x.type, x.reason, t) for x, t in zip(job.status.conditions, times)] == [
        ("FailureTarget", "PodFailurePolicy", 5), ("Failed", "PodFailurePolicy", 35)]
    assert job.status.failed == 2


def test_ignore_does_not_count_toward_backoff_limit():
    c = Cluster(nodes=1)
    c.apply(job_yaml(command="exit 3", extra="  backoffLimit: 0\n" + rule("Ignore", values="[3]")))
    c.run(100)
    job = c.get("job", "work")
    assert job.status.failed == 0 and not job.status.finished()
    assert len(c.get("pods")) > 2  # each ignored failure is replaced (after the pod back-off)
    assert c.kubectl("get jobs").splitlines()[1].split()[1] == "Running"


def test_count_and_not_in_keep_the_default_handling():
    c = Cluster(nodes=1)
    c.apply(job_yaml(command="exit 1", extra="  backoffLimit: 1\n" + rule("FailJob", "NotIn", "[1, 2]")))
    c.run(100)
    job = c.get("job", "work")
    failed = job.status.condition("Failed")
    assert (failed.reason, failed.message) == ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
    assert job.status.failed == 2
    c = Cluster(nodes=1)
    c.apply(job_yaml(command="exit 5", extra="  backoffLimit: 0\n" + rule("Count", values="[5]")))
    c.run(30)
    assert c.get("job", "work").status.condition("Failed").reason == "BackoffLimitExceeded"


def failed_pod(conditions: list[tuple[str, str]]) -> Pod:
    pod = Pod.from_dict({"metadata": {"name": "mypod", "namespace": "default"},
                         "spec": {"containers": [{"name": "main", "image": "busybox"}]}})
    pod.status.phase = "Failed"
    pod.status.conditions = [PodCondition(t, s) for t, s in conditions]
    return pod


def test_on_pod_conditions_first_matching_rule_wins():
    policy = from_dict(PodFailurePolicy, {"rules": [
        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]},
        {"action": "FailJob", "onPodConditions": [{"type": "ConfigIssue", "status": "True"}]}]})
    ignored = match_pod_failure_policy(policy, failed_pod([("DisruptionTarget", "True"), ("ConfigIssue", "True")]))
    assert (ignored.count_failed, ignored.action) == (False, "Ignore")
    failing = match_pod_failure_policy(policy, failed_pod([("ConfigIssue", "True")]))
    # pod_failure_policy.go: "Pod %s/%s has condition %v matching %v rule at index %d"
    assert failing.fail_job_message == "Pod default/mypod has condition ConfigIssue matching FailJob rule at index 1"
    assert match_pod_failure_policy(policy, failed_pod([("DisruptionTarget", "False")])).action is None


@pytest.mark.parametrize(("restart", "extra", "error"), [
    ("OnFailure", rule("FailJob"),
     'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when '
     "podFailurePolicy is specified"),
    ("Never", rule("FailJob", values="[0, 42]"),
     "spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator"),
    ("Never", rule("FailJob", values="[42, 1]"),
     "spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{42, 1}: must be ordered"),
    ("Never", rule("Retry"),
     'spec.podFailurePolicy.rules[0].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", '
     '"FailJob", "Ignore"'),
    ("Never", "  podFailurePolicy:\n    rules:\n    - action: Ignore",
     "spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required"),
])
def test_validation_as_pkg_apis_batch_validation(restart, extra, error):
    c = Cluster(nodes=1)
    with pytest.raises(Invalid) as e:
        c.apply(job_yaml(restart_policy=restart, extra=extra))
    assert str(e.value) == f'Job.batch "work" is invalid: {error}'
