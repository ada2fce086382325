"""Event aggregation as client-go's EventCorrelator does it (tools/record/events_cache.go)."""

from __future__ import annotations

import re

from k8slite import Cluster
from k8slite.event_correlator import COMBINED
from k8slite.events import EventRecorder
from k8slite.kubectl.durations import human_duration
from k8slite.viz.crash_loop import crash_loop_runs

CRASH = """
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers:
  - {name: app, image: "busybox:1.36", command: ["sh", "-c", "sleep 5; exit 1"]}
"""  # IfNotPresent: pulled once (1.013 s), then each restart starts at once


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


def test_ten_similar_events_are_combined() -> None:
    c = Cluster(nodes=1)
    (node,) = c.get("nodes")
    recorder = EventRecorder(c.api, "test-controller")
    for i in range(12):
        recorder.warning(node, "FailedThing", f"attempt {i}")
        c.run(1)
    mine = [e for e in c.events() if e.source.component == "test-controller"]
    # EventAggregatorByReasonMessageFunc: from the 10th distinct message within 10 minutes
    assert [e.message for e in mine][:9] == [f"attempt {i}" for i in range(9)]
    assert (mine[9].message, mine[9].count) == ("(combined from similar events): attempt 11", 3)


def test_a_long_rollout_shows_nine_scaling_steps_then_one_combined_event() -> None:
    c = Cluster(nodes=3)
    web = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 6
  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "busybox:1.35", command: [sleep, "3600"]}]}
"""
    c.apply(web)
    c.run(20)
    c.apply(web.replace("1.35", "1.36"))
    c.run(120)
    scaling = [e for e in c.events() if e.reason == "ScalingReplicaSet"]
    # the first rollout's "from 0 to 6", then 12 steps of one each: the 10th distinct message on is combined
    assert [e.message.startswith(COMBINED) for e in scaling] == [False] * 9 + [True]
    assert scaling[-1].count == 4 and re.fullmatch(
        re.escape(COMBINED) + r"Scaled down replica set web-\w+ from 1 to 0", scaling[-1].message)


def test_a_crash_loop_is_one_back_off_event_described_with_its_count() -> None:
    c = Cluster(nodes=1)
    c.apply(CRASH)
    c.run(400)
    (backoff,) = [e for e in c.events() if e.reason == "BackOff"]
    (started,) = [e for e in c.events() if e.reason == "Started"]
    restarts = c.get("pod", "crash").status.container_statuses[0].restart_count
    # the kubelet says BackOff at every sync of the back-off (every 10 s), not once per restart
    assert started.count == restarts + 1 == 7 and backoff.count == 37
    # describe.go DescribeEvents: "<since last> (x<count> over <since first>)"
    age = f"{round(c.now - started.last_timestamp)}s (x{started.count} over 6m39s)"  # the first start: 1.013 s
    assert re.search(rf"  Normal   Started    {re.escape(age)}  kubelet  +Started container app\n",
                     c.kubectl("describe pod crash"))
    # kubectl get events: LAST SEEN is the lastTimestamp; -o wide adds FIRST SEEN and COUNT
    row = next(line for line in c.kubectl("get events").splitlines() if " BackOff " in line)
    assert row.startswith(f"{round(c.now - backoff.last_timestamp)}s ")
    wide = next(line for line in c.kubectl("get events -o wide").splitlines() if " BackOff " in line)
    first = human_duration(c.now - int(backoff.first_timestamp or 0.0))  # metav1.Time: whole seconds (11.013 -> 11)
    assert first == "6m29s" and re.search(rf"\s{first}\s+{backoff.count}\s+crash\.", wide)


def test_each_run_of_a_crash_loop_is_still_known_from_the_pod_history() -> None:
    c = Cluster(nodes=1)
    c.apply(CRASH)
    c.run(120)
    runs = crash_loop_runs(c, "crash")
    restarts = c.get("pod", "crash").status.container_statuses[0].restart_count
    assert len(runs) == restarts + 1 and runs[0][:2] == (1.013, 6.013)  # after the image pull
    waits = [wait for _, _, wait in runs[1:-1]]
    assert waits == [10.0, 20.0, 40.0][:len(waits)]  # the kubelet's back-off doubling from 10 s


def test_the_correlator_forgets_keys_beyond_client_gos_4096() -> None:
    """Its caches keep the 4096 keys used last (maxLruCacheEntries): a repeat of an event pushed out is a
    new Event, a repeat of a recent one still counts up; so a big cluster's cache stays bounded."""
    c = Cluster(nodes=1)
    node = c.get("node", "node-1")
    recorder = EventRecorder(c.api, "test-controller")
    first = recorder.warning(node, "Old", "the first")
    for i in range(4096):
        recorder.warning(node, f"Reason{i}", "later")
    assert len(recorder.correlator.last_seen) == 4096
    again = recorder.warning(node, "Old", "the first")
    assert (again.name != first.name, again.count) == (True, 1)
    recent = recorder.warning(node, "Reason4095", "later")
    assert recent.count == 2
