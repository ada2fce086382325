"""Checks for notebook 09, Jobs.

09.1 `next_attempt_time(failure_times)`: when the Job controller creates the
next pod after these failures (10 s doubling from the last failure, capped at
10 minutes), tried on random failure lists and against the pods of real Jobs
whose command fails after a random time, on small clusters.
09.2 `job_outcome(restart_policy, backoff_limit, fails)`: how a Job whose
program fails `fails` times and then exits 0 ends ("Complete" or "Failed") and
how many pods it created, compared with Jobs run on one-node clusters (a
hostPath file counts the attempts, so every pod of the Job sees the count).
09.3 `due_time(created, last_scheduled, now, deadline)`: the scheduled time a
CronJob `* * * * *` makes a Job for when its controller syncs at `now` (or
None), compared with the controller's own function on random times, and with
CronJobs that were suspended and are resumed at random times on clusters.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from k8slite.api import cron
from k8slite.api.cronjob import SCHEDULED_TIMESTAMP, CronJob
from k8slite.api.job import Job
from k8slite.api.meta import ObjectMeta
from k8slite.api.pod import Pod
from k8slite.api.serialize import parse_time
from k8slite.cluster import Cluster
from k8slite.controllers.cronjob import most_recent_schedule_time
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


# ---------------------------------------------------------------- 09.3
EVERY_MINUTE = cron.parse_standard("* * * * *")


def expected_due(created: float, last_scheduled: float | None, now: float, deadline: int | None) -> float | None:
    """What the CronJob controller's nextScheduleTime says, for a CronJob `* * * * *`."""
    cj = CronJob(metadata=ObjectMeta(name="x", creation_timestamp=created))
    cj.status.last_schedule_time, cj.spec.starting_deadline_seconds = last_scheduled, deadline
    return most_recent_schedule_time(cj, now, EVERY_MINUTE, include_deadline=True)[1]


def call_due(f: Callable[..., Any], created: float, last: float | None, now: float, deadline: int | None,
             context: str) -> None:
    call = f"due_time({created:g}, {last if last is None else f'{last:g}'}, {now:g}, {deadline})"
    result = f(created, last, now, deadline)
    assert result is None or (isinstance(result, (int, float)) and not isinstance(result, bool)), (
        f"{call} must return a time in seconds (a multiple of 60) or None, not {result!r}")
    want = expected_due(created, last, now, deadline)
    if result != want:
        said = "None" if result is None else f"{result:g}"
        wanted = "None (no Job)" if want is None else f"{want:g}"
        raise AssertionError(
            f"{context}{call}: the CronJob controller makes a Job for {wanted}; you said {said}.\n"
            "Only times AFTER the last scheduled one (or, if none, after the creation) count, never one after now; "
            "of those, only the MOST RECENT is started, however many were missed; and with a deadline, times more "
            "than `deadline` seconds before now are not looked at.")


def random_case(rng: random.Random) -> tuple[float, float | None, float, int | None]:
    created = round(rng.uniform(0, 600), 1)
    last = None if rng.random() < 0.4 else 60.0 * rng.randint(int(created // 60) + 1, int(created // 60) + 5)
    now = round((last if last is not None else created) + rng.uniform(-20, 900), 1)
    deadline = None if rng.random() < 0.4 else rng.choice([0, 10, 30, 59, 60, 100, 200, 600])
    return created, last, max(now, created), deadline


SUSPENDED = """
apiVersion: batch/v1
kind: CronJob
metadata: {{name: nightly}}
spec:
  schedule: "* * * * *"
  suspend: true
{deadline}  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - {{name: work, image: busybox, command: [sleep, "5"]}}
          restartPolicy: Never
"""


def resumed_job(created: float, resumed: float, deadline: int | None) -> float | None:
    """Create a suspended CronJob at `created`, resume it at `resumed`: the scheduled time of the Job it makes."""
    c = Cluster(nodes=1, seed=0)
    c.run(created)
    c.apply(SUSPENDED.format(deadline="" if deadline is None else f"  startingDeadlineSeconds: {deadline}\n"))
    c.run(resumed - c.now)
    c.kubectl("""patch cronjob nightly -p '{"spec":{"suspend":false}}'""")
    c.run(1)
    stamps = [parse_time(j.metadata.annotations[SCHEDULED_TIMESTAMP], SCHEDULED_TIMESTAMP) for j in c.get("jobs")]
    assert len(stamps) <= 1, "a resumed CronJob makes at most one Job at once"
    return stamps[0] if stamps else None


@exercise("09.3")
def check_09_3(due_time: Any) -> str:
    assert callable(due_time), "define due_time(created, last_scheduled, now, deadline) -> float | None"
    rng = random.Random(903)
    for created, last, now, deadline in [(0, None, 59, None), (0, None, 61, None), (5, 60, 90, None),
                                         (0, None, 605, None), (0, None, 605, 30), (0, None, 630, 20)]:
        call_due(due_time, created, last, now, deadline, "")
    for _ in range(40):
        call_due(due_time, *random_case(rng), "")
    for created, resumed, deadline in ((12, 200, None), (30, 400, 100), (7, 575, 20), (45, 100, 10)):
        made = resumed_job(created, resumed, deadline)
        assert made == expected_due(created, None, resumed, deadline), "the controller disagrees with its function"
        call_due(due_time, created, None, resumed, deadline,
                 f"A CronJob `* * * * *` created at {created} s, suspended, resumed at {resumed} s, "
                 f"startingDeadlineSeconds {deadline}: ")
    return "46 times, and 4 CronJobs resumed on clusters."
