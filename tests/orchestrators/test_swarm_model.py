"""Swarm mode's model: Raft quorum, spread placement, rescheduling after a node failure, rolling update."""

import random

import pytest

from k8slite.orchestrators.raft import NO_LEADER, NoLeader
from k8slite.orchestrators.swarm import NODE_DOWN_AFTER, Swarm
from k8slite.orchestrators.swarm_cli import docker


def make_swarm(seed: int = 0, nodes: int = 3) -> Swarm:
    return Swarm(nodes=nodes, managers=3, rng=random.Random(seed))


def web(swarm: Swarm, replicas: int = 3) -> None:
    swarm.create_service("web", "nginx:1.25", replicas, (8080, 80))
    swarm.run(10)


def running(swarm: Swarm, service: str = "web") -> list[str]:
    return sorted(t.node for t in swarm.tasks if t.service == service and t.state == "running"
                  and t.desired_state == "running")


def test_task_moves_through_swarmkits_states():
    # swarmkit api/types.proto TaskState: NEW, PENDING, ASSIGNED, ACCEPTED, PREPARING, STARTING, RUNNING
    swarm = make_swarm()
    web(swarm, 1)
    assert [state for _, state in swarm.tasks[0].history] == [
        "new", "pending", "assigned", "accepted", "preparing", "starting", "running"]


def test_spread_puts_one_replica_on_each_node():
    swarm = make_swarm()
    web(swarm, 3)
    assert running(swarm) == ["node-1", "node-2", "node-3"]
    web_more = make_swarm(nodes=3)
    web(web_more, 6)  # two each: spread counts the service's tasks per node first
    assert running(web_more) == ["node-1", "node-1", "node-2", "node-2", "node-3", "node-3"]


def test_one_manager_down_a_new_leader_keeps_changes_working():
    swarm = make_swarm()
    web(swarm)
    leader = swarm.raft.leader
    assert leader is not None
    swarm.fail_node(leader)
    assert swarm.raft.leader not in (None, leader)
    assert docker(swarm, "docker service scale web=4") == "web scaled to 4\n"


def test_two_managers_down_no_quorum_refuses_changes_in_dockers_words():
    # moby daemon/cluster: errNoLeader, as the CLI prints it
    swarm = make_swarm()
    web(swarm)
    swarm.fail_node("node-1")
    swarm.fail_node("node-2")
    assert docker(swarm, "docker service create --name api nginx") == NO_LEADER + "\n"
    assert docker(swarm, "docker service scale web=5") == f"web: {NO_LEADER}\n"
    with pytest.raises(NoLeader, match="The swarm does not have a leader"):
        swarm.update("web", "nginx:1.27")
    assert "web" in swarm.services and "api" not in swarm.services
    swarm.run(30)
    # no leader: nobody marks the failed nodes down, so their tasks are neither given up nor replaced
    assert running(swarm) == ["node-1", "node-2", "node-3"]
    assert [t.node for t in swarm.tasks if t.stopped_at is None] == ["node-3"]


def test_tasks_of_nodes_that_failed_without_a_leader_restart_when_they_come_back():
    swarm = make_swarm()
    web(swarm)
    swarm.fail_node("node-1")
    swarm.fail_node("node-2")
    swarm.run(30)  # no leader: never marked down
    swarm.recover_node("node-1")
    swarm.recover_node("node-2")
    swarm.run(30)  # the agents report their tasks failed; the restart policy makes new ones
    assert running(swarm) == ["node-1", "node-2", "node-3"]
    assert sorted(t.state for t in swarm.tasks if t.service == "web") == ["failed", "failed"] + ["running"] * 3


def test_failed_nodes_task_is_replaced_after_the_heartbeat_timeout():
    # swarmkit manager/dispatcher/dispatcher.go: DefaultHeartBeatPeriod 5 s x defaultGracePeriodMultiplier 3
    assert NODE_DOWN_AFTER == 15
    swarm = make_swarm()
    web(swarm)
    swarm.fail_node("node-2")
    swarm.run(NODE_DOWN_AFTER - 1)
    assert "node-2" in running(swarm)  # the managers still believe it runs
    swarm.run(5)
    assert "node-2" not in running(swarm) and len(running(swarm)) == 3
    old = next(t for t in swarm.tasks if t.node == "node-2" and t.service == "web")
    assert (old.desired_state, old.state) == ("shutdown", "running")  # last known state, as `docker service ps`
    assert "Shutdown        Running" in docker(swarm, "docker service ps web")


def test_rolling_update_one_at_a_time_with_delay():
    swarm = make_swarm()
    web(swarm)
    start = swarm.now
    docker(swarm, "docker service update --image nginx:1.27 --update-delay 10s web")
    swarm.run(60)
    service = swarm.services["web"]
    assert service.update_status == ("completed", "update completed")
    assert service.update_completed is not None
    # 3 batches of one: stop 1 s, start 1.5 to 2.5 s (seen within 0.5 s), then the 10 s delay
    assert 3 * (1 + 1.5 + 10) <= service.update_completed - start <= 3 * (1 + 2.5 + 0.5 + 10)
    assert {t.image for t in swarm.tasks if t.desired_state == "running"} == {"nginx:1.27"}


def test_update_to_a_missing_image_pauses():
    # swarmkit manager/orchestrator/update/updater.go: "update paused due to failure or early termination of task"
    swarm = make_swarm()
    web(swarm)
    swarm.update("web", "nginx:9.9")
    swarm.run(20)
    state, message = swarm.services["web"].update_status or ("", "")
    assert state == "paused" and message.startswith("update paused due to failure or early termination of task ")
    assert len(running(swarm)) == 2  # one slot stopped, its new task rejected; the others untouched
    assert '"No such image: nginx:9.9"' in docker(swarm, "docker service ps web")


def test_ingress_mesh_reaches_a_task_from_a_node_without_one():
    swarm = make_swarm(nodes=4)
    web(swarm, 2)
    empty = next(n for n in swarm.nodes if n not in running(swarm))
    served = {swarm.route(8080, empty).node for _ in range(4)}
    assert served == set(running(swarm))


def test_same_seed_same_timeline():
    def story(seed: int) -> list[tuple[str, str, list[tuple[float, str]]]]:
        swarm = make_swarm(seed)
        web(swarm)
        swarm.fail_node("node-3")
        swarm.run(40)
        swarm.update("web", "nginx:1.27")
        swarm.run(40)
        return [(t.id, t.node, t.history) for t in swarm.tasks]
    assert story(3) == story(3)
    assert story(3) != story(4)
