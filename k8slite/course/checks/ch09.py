"""Checks for notebook 09, Jobs.

09.1 `next_attempt_time(failure_times)`: when the Job controller creates the
next pod after these failures (10 s doubling from the last failure, capped at
10 minutes), tried on random failure lists and against the pods of real Jobs
whose command fails after a random time, on small clusters.
09.2 `job_outcome(restart_policy, backoff_limit, fails)`: how a Job whose
program fails `fails` times and then exits 0 ends ("Complete" or "Failed") and
how many pods it created, compared with Jobs run on one-node clusters (a
hostPath file counts the attempts, so every pod of the Job sees the count).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from k8slite.api.job import Job
from k8slite.api.pod import Pod
from k8slite.cluster import Cluster
from k8slite.controllers.job_util import backoff_delay, finish_time
from k8slite.course.checks import exercise

# ---------------------------------------------------------------- 09.1


def expected_next(failure_times: list[float]) -> float:
    return failure_times[-1] + backoff_delay(len(failure_times))


def call_next(f: Callable[..., Any], failure_times: list[float], context: str) -> float:
    result = f(list(failure_times))
    assert isinstance(result, (int, float)) and not isinstance(result, bool), (
        f"next_attempt_time({failure_times}) must return a number of seconds (the cluster time of the "
        f"next attempt), not {result!r}")
    want = expected_next(failure_times)
    if abs(result - want) > 1e-6:
        n = len(failure_times)
        raise AssertionError(
            f"{context}after failures at {failure_times} s, the Job controller creates the next pod at "
            f"{want:g} s; you said {result:g} s.\nThe back-off is 10 s doubled for each failure after the first "
            f"({n} failure(s) here), at most 600 s, counted from the LAST failure.")
    return float(result)


def failing_job(rng: random.Random, limit: int) -> tuple[str, str]:
    """A Job whose single container fails after a random time with a random non-zero exit code."""
    seconds, code = rng.randint(1, 40), rng.randint(1, 255)
    command = f"sleep {seconds}; exit {code}"
    return command, f"""
apiVersion: batch/v1
kind: Job
metadata: {{name: flaky}}
spec:
  backoffLimit: {limit}
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: busybox
        command: ["sh", "-c", "{command}"]
"""


def pods_by_creation(c: Cluster) -> list[Pod]:
    return sorted(c.get("pods"), key=lambda p: (p.metadata.creation_timestamp or 0.0, p.name))


@exercise("09.1")
def check_09_1(next_attempt_time: Any) -> str:
    assert callable(next_attempt_time), "define next_attempt_time(failure_times) -> float"
    rng = random.Random(901)
    for _ in range(30):
        times, t = [], rng.uniform(0, 50)
        for _ in range(rng.randint(1, 11)):
            times.append(round(t, 1))
            t += rng.uniform(1, 400)
        call_next(next_attempt_time, times, "")
    checked = 0
    for seed, limit in ((0, 4), (1, 7), (2, 8)):
        command, manifest = failing_job(random.Random(910 + seed), limit)
        c = Cluster(nodes=2, seed=seed)
        c.apply(manifest)
        c.run_until(lambda c: bool(c.get("job", "flaky").status.finished()), timeout=4000)
        pods = pods_by_creation(c)
        failures = [finish_time(p) for p in pods]
        for k in range(1, len(pods)):
            created = pods[k].metadata.creation_timestamp
            assert expected_next(failures[:k]) == created, "the Job controller disagrees with job_util"
            call_next(next_attempt_time, failures[:k],
                      f"A Job (restartPolicy Never, backoffLimit {limit}) running `{command}`: ")
            checked += 1
    return f"30 failure lists and {checked} attempts of 3 real Jobs."


# ---------------------------------------------------------------- 09.2


def counting_job(policy: str, limit: int, fails: int) -> str:
    """A Job whose program fails `fails` times, then exits 0; the count lives in a hostPath file on the node."""
    script = ("n=$(cat /state/n 2>/dev/null || echo 0); echo $((n + 1)) > /state/n; "
              f"sleep 2; test $n -ge {fails}")
    return f"""
apiVersion: batch/v1
kind: Job
metadata: {{name: counted}}
spec:
  backoffLimit: {limit}
  template:
    spec:
      restartPolicy: {policy}
      volumes: [{{name: state, hostPath: {{path: /tmp/attempts, type: DirectoryOrCreate}}}}]
      containers:
      - name: work
        image: busybox
        volumeMounts: [{{name: state, mountPath: /state}}]
        command: ["sh", "-c", "{script}"]
"""


def run_counting_job(policy: str, limit: int, fails: int, seed: int) -> tuple[str, int]:
    c = Cluster(nodes=1, seed=seed)
    c.apply(counting_job(policy, limit, fails))
    c.run_until(lambda c: bool(c.get("job", "counted").status.finished()), timeout=3000)
    job = c.get("job", "counted")
    assert isinstance(job, Job)
    created = len(c.pod_history.created())  # the Job's pods: one SuccessfulCreate each
    return job.status.finished(), created


def scenarios() -> list[tuple[str, int, int]]:
    """Random (restartPolicy, backoffLimit, fails), always including the edges: fails == backoffLimit, and 0."""
    rng = random.Random(902)
    cases = [("OnFailure", 3, 3), ("Never", 3, 3), ("Never", 0, 1), ("OnFailure", 0, 0)]
    for _ in range(6):
        limit = rng.randint(0, 4)
        cases.append((rng.choice(["Never", "OnFailure"]), limit, rng.randint(0, limit + 2)))
    rng.shuffle(cases)
    return cases


HINT = {
    "Never": "With Never each attempt is a new pod, and the Job fails when MORE than backoffLimit pods have failed.",
    "OnFailure": ("With OnFailure the kubelet restarts the container inside the same pod; each restart counts, "
                  "and the Job fails as soon as the restarts REACH backoffLimit (for backoffLimit 0: at the first "
                  "failure)."),
}


@exercise("09.2")
def check_09_2(job_outcome: Any) -> str:
    assert callable(job_outcome), "define job_outcome(restart_policy, backoff_limit, fails) -> (condition, pods)"
    cases = scenarios()
    for seed, (policy, limit, fails) in enumerate(cases):
        answer = job_outcome(policy, limit, fails)
        assert isinstance(answer, tuple) and len(answer) == 2, (
            f"job_outcome({policy!r}, {limit}, {fails}) must return a tuple (condition, pods), e.g. "
            f"('Complete', 1); it returned {answer!r}")
        condition, pods = answer
        assert condition in ("Complete", "Failed"), f"the condition is 'Complete' or 'Failed', not {condition!r}"
        truth = run_counting_job(policy, limit, fails, seed)
        assert (condition, pods) == truth, (
            f"restartPolicy {policy}, backoffLimit {limit}, a program that fails {fails} time(s) and then "
            f"exits 0: the cluster's Job ended {truth[0]} after creating {truth[1]} pod(s); you said "
            f"({condition!r}, {pods!r}).\n{HINT[policy]}")
    return f"{len(cases)} Jobs run on clusters."
