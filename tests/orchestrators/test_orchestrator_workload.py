"""The one workload on Kubernetes, Swarm and Mesos+Marathon: the same table for each, and its picture."""

import pytest

from k8slite.orchestrators.outcome import Outcome, summary_table
from k8slite.orchestrators.workload import Plan, run_all, run_swarm
from k8slite.viz.figure import png_bytes
from k8slite.viz.orchestrators import compare_timelines, orchestrator_timeline

PLAN = Plan()


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return run_all(seed=0, plan=PLAN)


def test_each_orchestrator_brings_the_web_app_back_at_its_own_pace(outcomes):
    back = {o.orchestrator: o.summary()["web back after failure (s)"] for o in outcomes}
    # Swarm: 15 s of missed heartbeats (swarmkit dispatcher), then a 1.5 to 2.5 s start
    assert 15 < back["Docker Swarm"] < 18
    # Mesos: agent_ping_timeout 15 s x max_agent_ping_timeouts 5 = 75 s, then the next offer and a start
    assert 75 < back["Mesos+Marathon"] < 80
    # Kubernetes: NotReady after the 40 s node-monitor-grace-period, then tolerationSeconds 300
    assert 340 < back["Kubernetes"] < 370


def test_worst_down_during_the_update_follows_each_default(outcomes):
    down = {o.orchestrator: o.summary()["worst down during update"] for o in outcomes}
    # Deployment 25% maxUnavailable of 3 rounds down to 0; Swarm stops first, 1 at a time;
    # Marathon's minimumHealthCapacity 1 keeps all 3
    assert down == {"Kubernetes": 0, "Docker Swarm": 1, "Mesos+Marathon": 0}
    assert all(o.update_seconds is not None for o in outcomes)


def test_the_table_has_every_task_and_where_it_ran(outcomes):
    for o in outcomes:
        rows = o.rows()
        assert {r["app"] for r in rows} == {"web", "report"}
        on_failed = [r for r in rows if r["node"] == PLAN.fail_node and r["app"] == "web"]
        assert on_failed and all(r["until"] == PLAN.fail_at for r in on_failed)
    text = summary_table(outcomes)
    assert text.splitlines()[0].startswith("orchestrator") and "declined offers" in text.splitlines()[0]
    assert [line.split("  ")[0] for line in text.splitlines()[1:]] == ["Kubernetes", "Docker Swarm", "Mesos+Marathon"]


def test_same_seed_same_outcome():
    assert run_swarm(PLAN, seed=5) == run_swarm(PLAN, seed=5)
    assert run_swarm(PLAN, seed=5) != run_swarm(PLAN, seed=6)


def test_pictures_are_deterministic(outcomes):
    one = orchestrator_timeline(outcomes[1])
    assert one.axes[0].get_title(loc="left").startswith("Docker Swarm: web back")
    assert [t.get_text() for t in one.axes[0].get_yticklabels()] == ["node-1", "node-2", "node-3"]
    both = compare_timelines(outcomes)
    assert len(both.axes) == 3
    assert png_bytes(compare_timelines(outcomes)) == png_bytes(both)
