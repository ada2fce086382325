"""Event aggregation as client-go's EventCorrelator does it (tools/record/events_cache.go)."""

from __future__ import annotations

import re

from k8slite import Cluster
from k8slite.event_correlator import EventCorrelator
from k8slite.events import EventRecorder
from k8slite.kubectl.durations import human_duration
from k8slite.viz.crash_loop import crash_loop_runs

CRASH = """
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers:
  - {name: app, image: busybox, command: ["sh", "-c", "sleep 5; exit 1"]}
"""


def test_a_repeated_event_updates_one_event_count_and_last_timestamp() -> None:
    c = Cluster(nodes=1)
    (node,) = c.get("nodes")
    recorder = EventRecorder(c.api, "test-controller")
    for _ in range(3):
        recorder.warning(node, "FailedThing", "it failed")
        c.run(10)
    recorder.warning(node, "FailedThing", "it failed differently")
    mine = [e for e in c.events() if e.source.component == "test-controller"]
    assert [(e.message, e.count, e.first_timestamp, e.last_timestamp) for e in mine] == [
        ("it failed", 3, 0.0, 20.0), ("it failed differently", 1, 30.0, 30.0)]


def test_ten_similar_events_are_combined_when_asked() -> None:
    c = Cluster(nodes=1)
    (node,) = c.get("nodes")
    recorder = EventRecorder(c.api, "test-controller")
    recorder.correlator = EventCorrelator(combine=True)  # off by default (event_correlator.py says why)
    for i in range(12):
        recorder.warning(node, "FailedThing", f"attempt {i}")
        c.run(1)
    mine = [e for e in c.events() if e.source.component == "test-controller"]
    # EventAggregatorByReasonMessageFunc: from the 10th distinct message within 10 minutes
    assert [e.message for e in mine][:9] == [f"attempt {i}" for i in range(9)]
    assert (mine[9].message, mine[9].count) == ("(combined from similar events): attempt 11", 3)


def test_a_crash_loop_is_one_back_off_event_described_with_its_count() -> None:
    c = Cluster(nodes=1)
    c.apply(CRASH)
    c.run(400)
    (backoff,) = [e for e in c.events() if e.reason == "BackOff"]
    (started,) = [e for e in c.events() if e.reason == "Started"]
    restarts = c.get("pod", "crash").status.container_statuses[0].restart_count
    assert started.count == restarts + 1 and backoff.count > 1
    # describe.go DescribeEvents: "<since last> (x<count> over <since first>)"
    age = f"{round(c.now - started.last_timestamp)}s (x{started.count} over 6m40s)"
    assert re.search(rf"  Normal   Started    {re.escape(age)}  kubelet  +Started container app\n",
                     c.kubectl("describe pod crash"))
    # kubectl get events: LAST SEEN is the lastTimestamp; -o wide adds FIRST SEEN and COUNT
    row = next(line for line in c.kubectl("get events").splitlines() if " BackOff " in line)
    assert row.startswith(f"{round(c.now - backoff.last_timestamp)}s ")
    wide = next(line for line in c.kubectl("get events -o wide").splitlines() if " BackOff " in line)
    first = human_duration(c.now - (backoff.first_timestamp or 0.0))
    assert first == "6m30s" and re.search(rf"\s{first}\s+{backoff.count}\s+crash\.", wide)


def test_each_run_of_a_crash_loop_is_still_known_from_the_pod_history() -> None:
    c = Cluster(nodes=1)
    c.apply(CRASH)
    c.run(120)
    runs = crash_loop_runs(c, "crash")
    restarts = c.get("pod", "crash").status.container_statuses[0].restart_count
    assert len(runs) == restarts + 1 and runs[0][:2] == (0.0, 5.0)
    waits = [wait for _, _, wait in runs[1:-1]]
    assert waits == [10.0, 20.0, 40.0][:len(waits)]  # the kubelet's back-off doubling from 10 s
