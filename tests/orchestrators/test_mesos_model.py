"""Mesos' offers, DRF, Marathon and a batch framework sharing the cluster."""

import random

import pytest

from k8slite.orchestrators.chronos import Chronos
from k8slite.orchestrators.drf import Resources, dominant_share, drf_order, progressive_filling
from k8slite.orchestrators.marathon import Marathon, MarathonError, max_per_host
from k8slite.orchestrators.mesos import AGENT_PING_TIMEOUT, MAX_AGENT_PING_TIMEOUTS, Master, Offer


def test_drf_papers_example():
    # Ghodsi et al. 2011, section 4: 9 CPUs, 18 GB; A's tasks <1 CPU, 4 GB>, B's <3 CPU, 1 GB>
    tasks = progressive_filling(Resources(9, 18), {"A": Resources(1, 4), "B": Resources(3, 1)})
    assert tasks == {"A": 3, "B": 2}
    # both end at a dominant share of 2/3: A holds 12 of 18 GB, B 6 of 9 CPUs
    assert dominant_share(Resources(3, 12), Resources(9, 18)) == pytest.approx(2 / 3)
    assert dominant_share(Resources(6, 2), Resources(9, 18)) == pytest.approx(2 / 3)


def test_allocator_offers_to_the_lowest_dominant_share_first():
    total = Resources(9, 18)
    assert drf_order({"A": Resources(1, 4), "B": Resources(3, 1)}, total) == ["A", "B"]  # 4/18 < 3/9
    assert drf_order({"A": Resources(2, 8), "B": Resources(3, 1)}, total) == ["B", "A"]  # 8/18 > 3/9


class Decliner:
    """A framework that wants nothing: it declines every offer, with a filter."""

    name = "decliner"

    def __init__(self, master: Master, refuse_seconds: float) -> None:
        self.offers: list[float] = []
        self.refuse_seconds = refuse_seconds
        master.register(self)

    def resource_offers(self, master: Master, offers: list[Offer]) -> None:
        for offer in offers:
            self.offers.append(master.now)
            master.decline(offer, self.refuse_seconds)

    def status_update(self, master, task):  # noqa: ANN001
        pass


def test_declined_offer_is_not_made_again_until_its_filter_ends():
    master = Master(agents=1, rng=random.Random(0))
    decliner = Decliner(master, refuse_seconds=5.0)
    master.run(12)
    assert decliner.offers == [1.0, 6.0, 11.0]  # allocation every 1 s, the agent filtered for 5 s
    assert master.declined == {"decliner": 3}


def test_batch_run_waits_for_its_declined_filter():
    # Chronos declines between runs with Mesos' default 5 s filter and does not revive
    master = Master(agents=1, rng=random.Random(0))
    chronos = Chronos(master)
    chronos.add_job("report", cpus=1, mem=128, run_seconds=10, start=2.5)
    master.run(30)
    (job, due, launched), = chronos.waits
    assert (job, due, launched) == ("report", 2.5, 6.0)  # declined at 1 s: offered again at 6 s
    assert [s for _, s in chronos.jobs["report"].tasks[0].history] == [
        "TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]


def marathon_web(seed: int = 0) -> tuple[Master, Marathon]:
    master = Master(agents=3, rng=random.Random(seed))
    marathon = Marathon(master, max_per_host(1))
    marathon.create_app("/web", "nginx:1.25", 3, cpus=1, mem=256)
    master.run(10)
    return master, marathon


def test_agent_loss_task_lost_after_75s_and_relaunched():
    master, marathon = marathon_web()
    master.agents["node-4"] = type(master.agents["node-1"])("agent-4-S0", "node-4", Resources(4, 8192))
    master.fail_agent("node-2")
    master.run(AGENT_PING_TIMEOUT * MAX_AGENT_PING_TIMEOUTS - 1)
    lost = next(t for t in master.tasks if t.hostname == "node-2")
    assert lost.state == "TASK_RUNNING"  # the master has not noticed yet
    master.run(5)
    assert (lost.state, lost.reason) == ("TASK_LOST", "REASON_SLAVE_REMOVED")
    live = [t for t in master.tasks if t.state == "TASK_RUNNING"]
    assert sorted(t.hostname for t in live) == ["node-1", "node-3", "node-4"]


def test_marathon_restarts_a_failed_task():
    master, marathon = marathon_web()
    task = marathon.apps["/web"].tasks[0]
    master.exit(task, 1)
    assert task.state == "TASK_FAILED"
    master.run(5)
    assert sum(t.state == "TASK_RUNNING" for t in master.tasks) == 3


def test_marathon_deployment_keeps_full_capacity():
    # upgradeStrategy defaults: minimumHealthCapacity 1, maximumOverCapacity 1
    master = Master(agents=3, rng=random.Random(0))
    marathon = Marathon(master)
    app = marathon.create_app("/web", "nginx:1.25", 3, cpus=1, mem=256)
    master.run(20)
    marathon.update("/web", "nginx:1.27")
    worst = 3
    for _ in range(60):
        master.run(1)
        worst = min(worst, sum(t.id in app.healthy for t in marathon.live(app)))
    assert worst >= 3 and app.deploy_done is not None
    assert {app.versions[t.id] for t in marathon.live(app)} == {2}


def test_marathon_bad_input_in_its_words():
    master, marathon = marathon_web()
    with pytest.raises(MarathonError) as unknown:  # marathon api/v2: unknownApp
        marathon.scale("/nope", 2)
    assert (unknown.value.status, unknown.value.body) == (404, {"message": "App '/nope' does not exist"})
    with pytest.raises(MarathonError) as negative:  # Accord's validation of instances >= 0
        marathon.scale("/web", -1)
    assert negative.value.status == 422
    assert negative.value.body["details"] == [{"path": "/instances", "errors": ["got -1, expected 0 or more"]}]


def test_mesos_same_seed_same_timeline():
    def story(seed: int) -> list[tuple[str, str, list[tuple[float, str]]]]:
        master, marathon = marathon_web(seed)
        master.fail_agent("node-1")
        master.run(100)
        return [(t.id, t.hostname, t.history) for t in master.tasks]
    assert story(1) == story(1)
    assert story(1) != story(2)
