"""Checks for notebook 14, Swarm, Mesos and Kubernetes compared.

14.1 `rule(offer, app) -> int`: a Marathon offer-acceptance rule that launches as many tasks of the
app as fit in the offer while leaving 1 CPU and 512 MB of it for batch jobs, with at most 2 live
tasks of the app per agent; tried on random offers and apps, then as Marathon's rule on Mesos
clusters shared with a Chronos job, where it must place every task as the goal's rule does.
14.2 `after_failure(before, failed, services)`: where a swarm's tasks run once `failed` is down and
its tasks are replaced, compared with the Swarm model on random swarms (scaled, with a node that
failed and came back earlier); any node a tie lets spread choose is right.
14.3 `answers, facts`: the orchestrator for three shops, and the facts that decide, each fact
computed from the models on random runs, so guessing does not pass.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable
from typing import Any

from k8slite.course.checks import exercise
from k8slite.orchestrators import Plan, Resources, Swarm, docker, progressive_filling, run_all
from k8slite.orchestrators.chronos import Chronos
from k8slite.orchestrators.marathon import App, Marathon
from k8slite.orchestrators.mesos import TERMINAL, Master, MesosTask, Offer

# ---------------------------------------------------------------- 14.1

PER_HOST, KEEP = 2, Resources(1.0, 512.0)
STATES = ["TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_FINISHED", "TASK_FAILED",
          "TASK_KILLED", "TASK_LOST"]


def goal(offer: Offer, app: App) -> int:
    """The number the goal allows: fit in the offer minus the batch reserve, at most 2 live per agent."""
    here = sum(t.hostname == offer.hostname and t.state not in TERMINAL for t in app.tasks)
    room = offer.resources - KEEP
    fit = min(math.floor(room.cpus / app.resources.cpus + 1e-9), math.floor(room.mem / app.resources.mem + 1e-9))
    return max(0, min(PER_HOST - here, fit))


def random_app(rng: random.Random, hosts: list[str]) -> App:
    app = App("/web", "nginx:1.25", rng.randint(1, 8), Resources(rng.choice([0.25, 0.5, 1.0, 1.5, 2.0]),
                                                                 rng.choice([128.0, 256.0, 512.0, 1024.0])))
    for k in range(rng.randint(0, 6)):
        host = rng.choice(hosts)
        app.tasks.append(MesosTask(f"web-{k:04d}", "web", "marathon", f"agent-{host}", host, app.resources,
                                   [(0.0, rng.choice(STATES))]))
    return app


def call_rule(rule: Callable[..., Any], offer: Offer, app: App) -> int:
    count = rule(offer, app)
    assert isinstance(count, (int, float)) and not isinstance(count, bool) and count == int(count), (
        f"rule(offer, app) must return a whole number, the number of tasks to launch on the offer, not {count!r}")
    return max(0, int(count))  # Marathon launches nothing for a negative count


def describe(offer: Offer, app: App) -> str:
    live = [f"{t.hostname} {t.state}" for t in app.tasks]
    return (f"an offer of {offer.resources} from {offer.hostname}, app tasks of {app.resources} each, the app's "
            f"tasks so far: {live or 'none'}")


@exercise("14.1")
def check_14_1(rule: Any) -> str:
    assert callable(rule), "define rule(offer, app) -> int"
    rng = random.Random(1401)
    hosts = ["node-1", "node-2", "node-3", "node-4"]
    for k in range(300):
        app = random_app(rng, hosts)
        offer = Offer(f"offer-{k}", "marathon", "agent", rng.choice(hosts),
                      Resources(rng.randint(0, 32) * 0.25, rng.randint(0, 64) * 128.0))
        got, want = call_rule(rule, offer, app), goal(offer, app)
        assert got == want, (
            f"For {describe(offer, app)}: the goal allows {want} task(s); your rule said {got}.\n"
            f"Count only live tasks (state not in TERMINAL) on the offer's host, keep {KEEP} of the offer free "
            f"for the batch jobs, and launch at most {PER_HOST} live tasks of the app per agent.")
    runs = [shared_cluster(rule, seed) for seed in range(3)]
    assert runs == [shared_cluster(goal, seed) for seed in range(3)], (
        "On a Mesos cluster your rule placed the tasks differently from the goal's rule.")
    return "300 random offers, and 3 Mesos clusters shared with a Chronos job."


def shared_cluster(rule: Callable[[Offer, App], int], seed: int) -> list[tuple[str, str, float]]:
    """Marathon (with `rule`) and Chronos on one Mesos cluster: where and when each task launched."""
    rng = random.Random(1410 + seed)
    master = Master(agents=rng.randint(3, 4), rng=random.Random(seed))
    marathon, chronos = Marathon(master, lambda o, a: call_rule(rule, o, a)), Chronos(master)
    marathon.create_app("/web", "nginx:1.25", rng.randint(3, 7), cpus=rng.choice([1.0, 1.5, 2.0]), mem=1024.0)
    chronos.add_job("report", cpus=1.0, mem=512.0, run_seconds=30.0, start=5.0, every=60.0)
    master.run(200)
    return [(t.name, t.hostname, round(t.history[0][0], 3)) for t in master.tasks]


# ---------------------------------------------------------------- 14.2

Placement = dict[str, dict[str, int]]


def placement(swarm: Swarm) -> Placement:
    """node -> service -> tasks wanted running there, for every ready node."""
    found: Placement = {n: {} for n, node in swarm.nodes.items() if node.status == "ready" and node.up}
    for t in swarm.tasks:
        if t.desired_state == "running" and t.node in found:
            found[t.node][t.service] = found[t.node].get(t.service, 0) + 1
    return found


def spread_outcomes(before: Placement, failed: str, services: list[str]) -> list[Placement]:
    """Every placement spread can reach: each lost task, service by service, on a node with the
    fewest tasks of its service, then the fewest tasks; any of the tied nodes."""
    states = [{n: dict(s) for n, s in before.items() if n != failed}]
    for service in services:
        for _ in range(before.get(failed, {}).get(service, 0)):
            following = []
            for state in states:
                load = {n: (s.get(service, 0), sum(s.values())) for n, s in state.items()}
                for node in (n for n in state if load[n] == min(load.values())):
                    new = {n: dict(s) for n, s in state.items()}
                    new[node][service] = new[node].get(service, 0) + 1
                    if new not in following:
                        following.append(new)
            states = following
    return states


def random_swarm(rng: random.Random) -> tuple[Swarm, list[str], str]:
    """A swarm with a history (services created and scaled, a node failed and back), and the node to fail."""
    swarm = Swarm(nodes=rng.randint(3, 5), managers=3, rng=random.Random(rng.randint(0, 10**6)))
    services = rng.sample(["web", "api", "cache", "worker"], rng.randint(2, 4))
    for name in services:
        swarm.create_service(name, "nginx:1.25", rng.randint(1, 5))
    swarm.run(10)
    back = rng.choice(sorted(swarm.nodes))
    swarm.fail_node(back)
    swarm.run(30)
    swarm.recover_node(back)
    swarm.run(5)
    for name in rng.sample(services, rng.randint(0, len(services))):
        swarm.scale(name, rng.randint(1, 6))
    swarm.run(10)
    return swarm, services, rng.choice(sorted(swarm.nodes))


def normalized(answer: Any, failed: str) -> Placement:
    assert isinstance(answer, dict) and all(isinstance(v, dict) for v in answer.values()), (
        f"after_failure must return a dict node -> {{service: number of tasks}}, not {answer!r}")
    return {n: {s: k for s, k in v.items() if k} for n, v in answer.items() if n != failed or any(v.values())}


@exercise("14.2")
def check_14_2(after_failure: Any) -> str:
    assert callable(after_failure), "define after_failure(before, failed, services) -> dict"
    rng = random.Random(1402)
    for _ in range(40):
        swarm, services, failed = random_swarm(rng)
        before = placement(swarm)
        swarm.fail_node(failed)
        swarm.run(30)
        truth, possible = placement(swarm), spread_outcomes(before, failed, services)
        assert truth in possible, "the Swarm model and spread_outcomes disagree"
        answer = after_failure({n: dict(s) for n, s in before.items()}, failed, list(services))
        got = normalized(answer, failed)
        assert got in [normalized(p, failed) for p in possible], (
            f"Services created in the order {services}, placed {before}; {failed} fails.\n"
            f"The swarm ends with {truth}; you said {got}.\nThe failed node's tasks are replaced one at a "
            "time, service by service in that order, each on the node with the fewest tasks of its service, "
            "then the fewest tasks in all; none goes back to the failed node, and the rest do not move.")
    return "40 random swarms, each losing a node."


# ---------------------------------------------------------------- 14.3

SHOPS = {"shop_a": "swarm", "shop_b": "mesos", "shop_c": "kubernetes"}
WHY = {
    "shop_a": "a small team, a few stateless services, Docker Compose files and no wish to learn new objects",
    "shop_b": "batch frameworks that each want to place their own tasks, and the machines shared fairly",
    "shop_c": "declarative objects in git, controllers that reconcile them, and an API others extend",
}
NAMES = {"Kubernetes": "kubernetes", "Docker Swarm": "swarm", "Mesos+Marathon": "mesos"}


def swarm_scales_with(managers_down: int, seed: int) -> bool:
    rng = random.Random(seed)
    swarm = Swarm(nodes=4, managers=3, rng=rng)
    docker(swarm, "docker service create --name web --replicas 3 nginx:1.25")
    swarm.run(10)
    for name in rng.sample(["node-1", "node-2", "node-3"], managers_down):
        swarm.fail_node(name)
    swarm.run(20)
    return "Error" not in docker(swarm, "docker service scale web=5")


def swarm_tasks_run_on_without_a_leader(seed: int) -> bool:
    rng = random.Random(seed)
    swarm = Swarm(nodes=4, managers=3, rng=rng)
    swarm.create_service("web", "nginx:1.25", 4)
    swarm.run(10)
    for name in rng.sample(["node-1", "node-2", "node-3"], 2):
        swarm.fail_node(name)
    swarm.run(60)
    return any(t.state == "running" and t.stopped_at is None for t in swarm.tasks)


def swarm_moves_tasks_back(seed: int) -> bool:
    rng = random.Random(seed)
    swarm = Swarm(nodes=3, managers=3, rng=rng)
    swarm.create_service("web", "nginx:1.25", rng.randint(3, 6))
    swarm.run(10)
    node = rng.choice(sorted(swarm.nodes))
    swarm.fail_node(node)
    swarm.run(30)
    swarm.recover_node(node)
    swarm.run(120)
    return bool(placement(swarm)[node])


def mesos_places(seed: int) -> str:
    """Who decides where a task runs: a Marathon whose rule refuses one agent never lands there."""
    rng = random.Random(seed)
    refused = rng.choice(["node-1", "node-2", "node-3"])
    master = Master(agents=3, rng=rng)
    marathon = Marathon(master, lambda offer, app: 0 if offer.hostname == refused else 1)
    marathon.create_app("/web", "nginx:1.25", 4, cpus=0.5, mem=128.0)
    master.run(60)
    return "master" if any(t.hostname == refused for t in master.tasks) else "framework"


@functools.cache
def back_order(seed: int) -> tuple[str, ...]:
    """The orchestrators, the first to have the web app whole again after the failure first."""
    plan = Plan(fail_node=random.Random(seed).choice(["node-1", "node-2", "node-3"]))
    outs = run_all(seed=seed, plan=plan)
    return tuple(NAMES[o.orchestrator] for o in sorted(outs, key=lambda o: o.recovered_at or math.inf))


MAJORITY = "A change commits once a majority of ALL the managers hold it."
TABLE = "Read the comparison table of section 1: 'web back after failure'."
FACTS: dict[str, tuple[Callable[[int], Any], str]] = {  # each fact: its truth on a seeded run, and a hint
    "swarm_scale_with_1_of_3_managers_down": (lambda s: swarm_scales_with(1, s), MAJORITY),
    "swarm_scale_with_2_of_3_managers_down": (lambda s: swarm_scales_with(2, s), MAJORITY),
    "swarm_tasks_run_on_without_a_leader": (swarm_tasks_run_on_without_a_leader,
                                            "Workers need no manager to keep their containers up."),
    "swarm_moves_tasks_back_to_a_node_that_returns": (swarm_moves_tasks_back,
                                                      "Swarm never moves a running task; look at section 3."),
    "mesos_who_places_a_task": (mesos_places, "The master offers; who accepts or declines?"),
    "drf_paper_tasks": (lambda s: progressive_filling(Resources(9, 18), {"A": Resources(1, 4), "B": Resources(3, 1)}),
                        "Run progressive_filling with the paper's numbers (section 2)."),
    "first_back_after_a_machine_fails": (lambda s: back_order(s)[0], TABLE),
    "last_back_after_a_machine_fails": (lambda s: back_order(s)[-1], TABLE),
}


@exercise("14.3")
def check_14_3(answers: Any, facts: Any) -> str:
    assert isinstance(answers, dict) and set(answers) == set(SHOPS), (
        f"answers must be a dict with the keys {sorted(SHOPS)}, each 'kubernetes', 'swarm' or 'mesos'")
    assert isinstance(facts, dict) and set(facts) == set(FACTS), (
        f"facts must be a dict with exactly the keys {sorted(FACTS)}; missing: "
        f"{sorted(set(FACTS) - set(facts if isinstance(facts, dict) else {}))}")
    seeds = [random.Random(1403).randint(0, 999) for _ in range(2)]
    for key, (truth_on, hint) in FACTS.items():
        truths = [truth_on(seed) for seed in seeds]
        assert truths[0] == truths[1], f"the models disagree between seeds on {key}: {truths}"
        assert facts[key] == truths[0], f"facts[{key!r}] is not {facts[key]!r} on the models. {hint}"
    for shop, choice in SHOPS.items():
        assert str(answers[shop]).strip().lower() == choice, (
            f"{shop}: not {answers[shop]!r}. What decides it: {WHY[shop]}.")
    return f"{len(SHOPS)} shops and {len(FACTS)} facts, each fact run on the models with 2 random seeds."
