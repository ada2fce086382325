"""The CronJob: its schedule, the Jobs it makes and when, its concurrency policies, history and validation."""

from __future__ import annotations

import pytest

from k8slite import Cluster, Invalid
from k8slite.api import cron
from k8slite.api.cronjob import SCHEDULED_TIMESTAMP, CronJob
from k8slite.api.job import Job
from k8slite.api.meta import ObjectMeta
from k8slite.api.serialize import EPOCH
from k8slite.controllers.cronjob import job_name, most_recent_schedule_time

HELLO = "manifests/09-hello-cronjob.yaml"  # the docs' CronJob: every minute, prints the date
MINUTE = 60.0


def cronjob_yaml(name: str = "slow", schedule: str = "* * * * *", seconds: int = 90, extra: str = "",
                 command: str = "") -> str:
    """A CronJob whose Jobs run `seconds` (or `command`), restartPolicy Never, no retries."""
    command = command or f'[sleep, "{seconds}"]'
    return f"""
apiVersion: batch/v1
kind: CronJob
metadata: {{name: {name}}}
spec:
  schedule: "{schedule}"
{extra}  jobTemplate:
    spec:
      backoffLimit: 0
      template:
        spec:
          containers:
          - {{name: c, image: busybox, command: {command}}}
          restartPolicy: Never
"""


def jobs_of(c: Cluster, name: str = "slow") -> list[Job]:
    return [j for j in c.get("jobs") if (ref := j.metadata.controller_ref()) is not None and ref.name == name]


def names(c: Cluster, name: str = "slow") -> list[str]:
    return sorted(j.name for j in jobs_of(c, name))


def minute_of(job: Job) -> int:
    """Which minute of the cluster's first hours a Job was scheduled for (its name's number)."""
    return int(job.name.rsplit("-", 1)[1]) - int(EPOCH.timestamp()) // 60


def reasons(c: Cluster, name: str = "slow") -> list[str]:
    return [e.reason for e in c.events() if e.involved_object.kind == "CronJob" and e.involved_object.name == name]


# ---------------------------------------------------------------- the schedule (robfig/cron)
def times(schedule: str, after: float = 0.0, n: int = 4, zone: str | None = None) -> list[str]:
    sched, out = cron.parse_standard(schedule, zone), []
    for _ in range(n):
        after = sched.next(after)  # type: ignore[assignment]
        out.append(cron.to_datetime(after, cron.UTC).strftime("%m-%d %a %H:%M"))
    return out


def test_schedule_times() -> None:
    assert times("* * * * *", 5) == ["01-01 Wed 00:01", "01-01 Wed 00:02", "01-01 Wed 00:03", "01-01 Wed 00:04"]
    assert times("* * * * *", 60) == ["01-01 Wed 00:02", "01-01 Wed 00:03", "01-01 Wed 00:04", "01-01 Wed 00:05"]
    assert times("*/15 * * * *", 61, 2) == ["01-01 Wed 00:15", "01-01 Wed 00:30"]
    assert times("0 9 * * mon-fri", 0, 3) == ["01-01 Wed 09:00", "01-02 Thu 09:00", "01-03 Fri 09:00"]
    assert times("0 9 * * MON-FRI", 0, 4)[3] == "01-06 Mon 09:00"
    assert times("@hourly", 3599.5, 2) == ["01-01 Wed 01:00", "01-01 Wed 02:00"]
    assert times("@weekly", 0, 2) == ["01-05 Sun 00:00", "01-12 Sun 00:00"]
    assert times("30 1/6 * * *", 0, 3) == ["01-01 Wed 01:30", "01-01 Wed 07:30", "01-01 Wed 13:30"]
    assert times("@every 90s", 10.3, 2) == ["01-01 Wed 00:01", "01-01 Wed 00:03"]
    # both day fields restricted: either matches (the 1st, the 15th, and Fridays); one of them `*`: both must
    assert times("0 0 1,15 * 5", 0, 4) == ["01-03 Fri 00:00", "01-10 Fri 00:00", "01-15 Wed 00:00", "01-17 Fri 00:00"]
    assert times("0 0 * jan,feb sun", 0, 2) == ["01-05 Sun 00:00", "01-12 Sun 00:00"]
    assert times("0 9 * * *", 0, 1, "Europe/Berlin") == ["01-01 Wed 08:00"]  # 09:00 in Berlin is 08:00 UTC
    assert cron.parse_standard("0 0 30 2 *").next(0) is None  # never: robfig gives up after five years


@pytest.mark.parametrize("schedule, message", [
    ("", "empty spec string"),
    ("foo", "expected exactly 5 fields, found 1: [foo]"),
    ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
    ("60 * * * *", "end of range (60) above maximum (59): 60"),
    ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
    ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("*/2/3 * * * *", "too many slashes: */2/3"),
    ("* * * * 7", "end of range (7) above maximum (6): 7"),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("@every soon", 'failed to parse duration @every soon: time: invalid duration "soon"'),
])
def test_schedule_errors_are_robfig_crons(schedule: str, message: str) -> None:
    with pytest.raises(cron.CronError) as e:
        cron.parse_standard(schedule)
    assert str(e.value) == message


def test_most_recent_schedule_time_is_the_latest_unmet_one() -> None:
    sched = cron.parse_standard("* * * * *")
    cj = CronJob(metadata=ObjectMeta(name="x", creation_timestamp=0.0))
    assert most_recent_schedule_time(cj, 59.0, sched, True)[1] is None  # nothing due yet
    assert most_recent_schedule_time(cj, 60.1, sched, True)[1] == 60.0
    assert most_recent_schedule_time(cj, 10 * MINUTE + 5, sched, True)[1:] == (600.0, 10)  # ten missed: the last
    cj.status.last_schedule_time = 600.0
    assert most_recent_schedule_time(cj, 10 * MINUTE + 30, sched, True)[1] is None  # done already
    cj.spec.starting_deadline_seconds = 20
    assert most_recent_schedule_time(cj, 12 * MINUTE + 30, sched, True)[1] is None  # 12:00 is 30 s late: too late
    assert most_recent_schedule_time(cj, 12 * MINUTE + 10, sched, True)[1] == 720.0


# ---------------------------------------------------------------- the docs' CronJob
def test_hello_makes_a_job_every_minute_and_keeps_three() -> None:
    c = Cluster(nodes=1)
    c.apply(open(HELLO).read())
    c.run(3.5 * MINUTE)
    assert [minute_of(j) for j in sorted(jobs_of(c, "hello"), key=lambda j: j.name)] == [1, 2, 3]
    c.run(2 * MINUTE)
    jobs = sorted(jobs_of(c, "hello"), key=lambda j: j.name)
    assert [minute_of(j) for j in jobs] == [3, 4, 5]  # successfulJobsHistoryLimit 3: 1 and 2 deleted
    assert all(j.status.finished() == "Complete" for j in jobs)
    assert {p.metadata.controller_ref().name for p in c.get("pods")} == {j.name for j in jobs}  # their pods too
    job = jobs[-1]
    assert job.name == job_name(c.get("cronjobs", "hello"), 5 * MINUTE) == f"hello-{28928160 + 5}"
    assert job.metadata.annotations[SCHEDULED_TIMESTAMP] == "2025-01-01T00:05:00Z"
    ref = job.metadata.controller_ref()
    assert ref is not None and (ref.kind, ref.name, ref.controller) == ("CronJob", "hello", True)
    cj = c.get("cronjobs", "hello")
    assert cj.status.last_schedule_time == 5 * MINUTE and cj.status.active == []
    assert cj.status.last_successful_time is not None and cj.status.last_successful_time >= 5 * MINUTE
    assert reasons(c, "hello")[:2] == ["SuccessfulCreate", "SawCompletedJob"]
    assert "SuccessfulDelete" in reasons(c, "hello")
    pod = [p for p in c.get("pods") if p.metadata.controller_ref().name == job.name][0]
    assert "Hello from the Kubernetes cluster" in c.logs(pod.name)


def test_defaults_and_a_template_without_job_defaults() -> None:
    c = Cluster(nodes=1)
    c.apply(open(HELLO).read())
    cj = c.get("cronjobs", "hello")
    assert (cj.spec.concurrency_policy, cj.spec.suspend, cj.spec.successful_jobs_history_limit,
            cj.spec.failed_jobs_history_limit) == ("Allow", False, 3, 1)
    assert cj.metadata.generation == 1
    text = c.kubectl("get cronjob hello -o yaml")
    assert "backoffLimit" not in text and "status: {}" in text  # SetDefaults_Job is for Jobs, not templates


# ---------------------------------------------------------------- when the last Job is still running
def test_allow_runs_jobs_side_by_side() -> None:
    c = Cluster(nodes=1)
    c.apply(cronjob_yaml())
    c.run(2.5 * MINUTE)
    cj = c.get("cronjobs", "slow")
    assert len(cj.status.active) == 2  # minute 1's Job runs 90 s: minute 2's starts beside it
    assert sorted(r.name for r in cj.status.active) == names(c)


def test_forbid_delays_the_next_run_and_drops_the_ones_between() -> None:
    c = Cluster(nodes=1)
    c.apply(cronjob_yaml(extra="  concurrencyPolicy: Forbid\n"))
    c.run(5.5 * MINUTE)
    jobs = sorted(jobs_of(c), key=lambda j: j.name)
    assert [minute_of(j) for j in jobs] == [1, 2, 4]  # 2 starts late, when 1 ends; 3 is skipped, 4 late
    late = jobs[1]
    assert late.metadata.creation_timestamp is not None and late.metadata.creation_timestamp > 2.5 * MINUTE
    assert "JobAlreadyActive" in reasons(c)


def test_forbid_with_a_starting_deadline_skips_late_runs() -> None:
    c = Cluster(nodes=1)
    c.apply(cronjob_yaml(extra="  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 20\n"))
    c.run(5.5 * MINUTE)
    assert [minute_of(j) for j in sorted(jobs_of(c), key=lambda j: j.name)] == [1, 3, 5]  # only on time


def test_replace_deletes_the_running_job() -> None:
    c = Cluster(nodes=1)
    c.apply(cronjob_yaml(extra="  concurrencyPolicy: Replace\n"))
    c.run(3.5 * MINUTE)
    assert [minute_of(j) for j in jobs_of(c)] == [3]
    assert reasons(c).count("SuccessfulDelete") == 2
    assert all(j.status.finished() == "" for j in jobs_of(c))


# ---------------------------------------------------------------- suspend, failures, deletion, schedule changes
def test_suspend_stops_new_jobs_and_resuming_starts_the_last_missed_one() -> None:
    c = Cluster(nodes=1)
    c.apply(cronjob_yaml(seconds=5, extra="  suspend: true\n"))
    c.run(3.5 * MINUTE)
    assert jobs_of(c) == []
    c.kubectl("patch cronjob slow -p '{\"spec\":{\"suspend\":false}}'")
    c.run(1)
    assert [minute_of(j) for j in jobs_of(c)] == [3]  # one Job, for the most recent time missed


def test_failed_jobs_history_keeps_one() -> None:
    c = Cluster(nodes=1)
    c.apply(cronjob_yaml(command='[sh, -c, "exit 1"]'))
    c.run(4.5 * MINUTE)
    jobs = jobs_of(c)
    assert [minute_of(j) for j in jobs] == [4] and jobs[0].status.finished() == "Failed"
    assert c.get("cronjobs", "slow").status.last_successful_time is None
    assert "Saw completed job: " + jobs[0].name + ", condition: Failed" in [
        e.message for e in c.events() if e.reason == "SawCompletedJob"]


def test_deleting_the_cronjob_deletes_its_jobs_and_pods() -> None:
    c = Cluster(nodes=1)
    c.apply(cronjob_yaml())
    c.run(2.5 * MINUTE)
    assert len(jobs_of(c)) == 2
    c.delete("cronjob", "slow")
    c.run(40)
    assert c.get("jobs") == [] and c.get("pods") == []


def test_a_deleted_active_job_is_forgotten() -> None:
    c = Cluster(nodes=1)
    c.apply(cronjob_yaml(seconds=300))
    c.run(1.5 * MINUTE)
    c.delete("job", names(c)[0])
    c.run(1)
    assert c.get("cronjobs", "slow").status.active == []


def test_a_schedule_change_waits_for_the_new_times() -> None:
    c = Cluster(nodes=1)
    c.apply(cronjob_yaml(seconds=5, schedule="0 * * * *"))
    c.run(10 * MINUTE)
    c.apply(cronjob_yaml(seconds=5, schedule="*/15 * * * *"))
    c.run(4 * MINUTE)
    assert jobs_of(c) == []  # the new schedule's first time is 00:15
    c.run(2 * MINUTE)
    assert [minute_of(j) for j in jobs_of(c)] == [15]
    assert c.get("cronjobs", "slow").metadata.generation == 2


def test_time_zone() -> None:
    c = Cluster(nodes=1)
    c.apply(cronjob_yaml(seconds=5, schedule="0 9 * * *", extra="  timeZone: Europe/Berlin\n"))
    c.run(8 * 3600 + 1)
    job = jobs_of(c)[0]
    assert minute_of(job) == 8 * 60
    assert job.metadata.annotations[SCHEDULED_TIMESTAMP] == "2025-01-01T09:00:00+01:00"


# ---------------------------------------------------------------- validation
@pytest.mark.parametrize("change, message", [
    ({"schedule": '"61 * * * *"'}, 'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum '
                                   '(59): 61'),
    ({"schedule": '"TZ=UTC * * * * *"'}, 'spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or '
                                         'CRON_TZ in schedule, use timeZone field instead'),
    ({"extra": "  timeZone: Mars/Olympus\n"}, 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone '
                                              'Mars/Olympus'),
    ({"extra": "  concurrencyPolicy: Sometimes\n"}, 'spec.concurrencyPolicy: Unsupported value: "Sometimes": '
                                                    'supported values: "Allow", "Forbid", "Replace"'),
    ({"extra": "  startingDeadlineSeconds: -1\n"}, "spec.startingDeadlineSeconds: Invalid value: -1: must be "
                                                   "greater than or equal to 0"),
    ({"extra": "  successfulJobsHistoryLimit: -1\n"}, "spec.successfulJobsHistoryLimit: Invalid value: -1: must be "
                                                      "greater than or equal to 0"),
    ({"name": "a-name-that-is-much-too-long-for-a-cronjob-in-k8s-1-32"},
     'metadata.name: Invalid value: "a-name-that-is-much-too-long-for-a-cronjob-in-k8s-1-32": must be no more '
     "than 52 characters"),
    ({"restart": "Always"}, 'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": '
                            'supported values: "OnFailure", "Never"'),  # the Job's own rule, under jobTemplate
])
def test_validation(change: dict[str, str], message: str) -> None:
    c = Cluster(nodes=1)
    schedule = change.get("schedule", '"* * * * *"').strip('"')
    text = cronjob_yaml(name=change.get("name", "bad"), schedule=schedule, extra=change.get("extra", ""))
    text = text.replace("restartPolicy: Never", f"restartPolicy: {change.get('restart', 'Never')}")
    with pytest.raises(Invalid) as e:
        c.apply(text)
    assert message in str(e.value)
    assert str(e.value).startswith(f'CronJob.batch "{change.get("name", "bad")}" is invalid: ')
    assert c.get("cronjobs") == []


# ---------------------------------------------------------------- the picture
def test_cron_chart_rows_bars_and_the_late_run() -> None:
    from k8slite.viz.cron_runs import CronRuns, cron_chart

    c = Cluster(nodes=1)
    runs = CronRuns(c)
    c.apply(cronjob_yaml(extra="  concurrencyPolicy: Forbid\n"))
    c.run(5.5 * MINUTE)
    assert [(round(r.scheduled), round(r.created), r.outcome) for _, r in runs.ordered()] == [
        (60, 60, "Complete"), (120, 151, "Complete"), (240, 242, "Running")]  # busybox: pulled each time
    ax = cron_chart((runs, "Forbid")).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        f"{name} (due {run.scheduled:g} s)" for name, run in runs.ordered()]
    assert [t.get_text() for t in ax.texts] == ["31 s late", "2 s late"]  # made when the Job before ended
    assert len(ax.patches) == 3  # a bar per Job
    c.delete("cronjob", "slow", propagation_policy="Background")
    c.run(30)
    assert {r.outcome for r in runs.runs.values()} == {"Complete", "Deleted"}
