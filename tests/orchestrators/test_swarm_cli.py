"""`docker service create|ls|ps|scale|update`: the Docker CLI's columns and its words for bad input."""

import random

from k8slite.orchestrators.swarm import Swarm
from k8slite.orchestrators.swarm_cli import docker


def started() -> Swarm:
    swarm = Swarm(rng=random.Random(0))
    out = docker(swarm, "docker service create --name web --replicas 3 --publish 8080:80 nginx:1.25")
    assert out == swarm.services["web"].id + "\n" and len(out.strip()) == 25  # the full service ID
    swarm.run(10)
    return swarm


def test_ls_columns_and_replicas():
    # docker/cli cli/command/formatter/service.go: ID NAME MODE REPLICAS IMAGE PORTS
    lines = docker(started(), "docker service ls").splitlines()
    assert lines[0].split() == ["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"]
    assert lines[1].split()[1:] == ["web", "replicated", "3/3", "nginx:1.25", "*:8080->80/tcp"]


def test_ps_columns_and_current_state():
    # docker/cli cli/command/task/formatter.go: "Running 7 seconds ago" from go-units HumanDuration
    lines = docker(started(), "docker service ps web").splitlines()
    assert lines[0].split() == ["ID", "NAME", "IMAGE", "NODE", "DESIRED", "STATE", "CURRENT", "STATE", "ERROR",
                                "PORTS"]
    assert [line.split()[1] for line in lines[1:]] == ["web.1", "web.2", "web.3"]
    assert all("Running         Running " in line and " seconds ago" in line for line in lines[1:])


def test_scale_and_update_print_what_the_cli_prints():
    swarm = started()
    assert docker(swarm, "docker service scale web=5") == "web scaled to 5\n"  # cli/command/service/scale.go
    assert docker(swarm, "docker service update --image nginx:1.27 web") == "web\n"
    swarm.run(60)
    assert " \\_ web.1" in docker(swarm, "docker service ps web")  # the replaced run, under its slot


def test_bad_input_in_dockers_words():
    swarm = started()
    # cli/command/service/ps.go
    assert docker(swarm, "docker service ps nope") == "no such service: nope\n"
    # cli/command/service/scale.go: strconv.ParseUint's error, wrapped
    assert docker(swarm, "docker service scale web=-1") == (
        'web: invalid replicas value -1: strconv.ParseUint: parsing "-1": invalid syntax\n')
    # moby daemon/cluster/helpers.go: the daemon's not-found error for a service
    assert docker(swarm, "docker service scale nope=2") == "nope: Error response from daemon: service nope not found\n"
    # cobra's unknown flag, and the CLI's pointer to --help
    assert docker(swarm, "docker service create --foo 1 nginx") == (
        "unknown flag: --foo\nSee 'docker service create --help'.\n")
    assert "name conflicts with an existing object" in docker(swarm, "docker service create --name web nginx")
