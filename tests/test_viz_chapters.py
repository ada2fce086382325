"""The chapters' own pictures (k8slite/viz modules that notebooks call in one line) show what their
captions say. The notebooks run them under nbval too; these pin the details a caption promises."""

from __future__ import annotations

from builders import job_yaml

from k8slite import Cluster
from k8slite.viz.job_attempts import Attempts, attempts_chart
from k8slite.viz.lost_events import RESYNC, LostEventsRun, lost_events_chart


def dotted_lines(ax) -> int:
    return sum(1 for line in ax.get_lines() if line.get_linestyle() == ":" and line.get_color() == RESYNC)


def test_the_no_resync_panel_draws_no_resync_lines() -> None:
    samples = [(float(t), 3) for t in range(0, 121)]
    runs = [LostEventsRun("with resync", samples, [10.0], resync=True),
            LostEventsRun("without", samples, [10.0], resync=False)]
    with_resync, without = lost_events_chart(runs, resync_period=30).axes
    assert dotted_lines(with_resync) == 4 and dotted_lines(without) == 0


def test_every_back_off_of_a_job_is_labelled_the_first_10_s_too() -> None:
    c = Cluster(nodes=1)
    attempts = Attempts(c)
    # busybox:1.36 (IfNotPresent) is pulled once, before the first run: each wait is then the Job's back-off alone
    # (with busybox, pulled again at every start, each would be 0.8 s longer: 10.8 s ...)
    flaky = job_yaml(name="flaky", command="sleep 1; exit 1", extra="  backoffLimit: 6")
    c.apply(flaky.replace("image: busybox\n", "image: busybox:1.36\n"))
    c.run(900)  # a long axis: the first 10 s is less than 1/60 of it, which the chart once left unlabelled
    labels = [t.get_text() for t in attempts_chart((attempts, "flaky")).axes[0].texts]
    assert [label for label in labels if label.endswith(" s")] == ["10 s", "20 s", "40 s", "80 s", "160 s", "320 s"]


def test_a_run_killed_by_its_pods_deletion_ends_when_its_container_exits() -> None:
    c = Cluster(nodes=1)
    attempts = Attempts(c)
    # activeDeadlineSeconds 5: the pod is deleted at 5 s; `sleep` in the foreground keeps sh (PID 1, no trap)
    # from acting on SIGTERM, and the kubelet SIGKILLs it at the end of the 30 s grace period
    c.apply(job_yaml(name="slow", command="sleep 600", extra="  activeDeadlineSeconds: 5"))
    c.run(60)
    ((pod, start, end, outcome),) = attempts.bars()
    assert outcome == "Killed" and end - start > 30  # not at the deletion (5 s), at the container's exit
    (failed,) = [t for t, what in attempts.finished() if what == "Failed DeadlineExceeded"]
    assert abs(end - failed) < 1  # Failed once the pod is gone (1.32's FailureTarget, then Failed)
