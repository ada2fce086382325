"""Same seed, same events, same text; another seed, still a valid run."""

from builders import replicaset_yaml

from k8slite import Cluster


def story(seed):
    c = Cluster(nodes=3, seed=seed)
    c.apply(replicaset_yaml(replicas=5))
    c.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: crash}\n"
            "spec: {containers: [{name: c, image: busybox, command: [sh, -c, 'sleep 3; exit 2']}]}")
    c.run(30)
    c.node("node-1").fail()
    c.run(400)
    log = [(e.time, e.type, e.reason, e.involved_object.name, e.message) for e in c.events()]
    pods = [(p.name, p.spec.node_name, p.status.phase, p.status.pod_ip) for p in c.get("pods")]
    return c, log, pods


def test_same_seed_same_story():
    _, log_a, pods_a = story(7)
    _, log_b, pods_b = story(7)
    assert log_a == log_b and pods_a == pods_b


def test_same_seed_same_kubectl_text():
    a, _, _ = story(3)
    b, _, _ = story(3)
    for command in ("get pods -o wide", "get nodes", "get events"):
        assert a.kubectl(command) == b.kubectl(command)


def test_other_seed_is_still_valid():
    c, log, pods = story(11)
    live = [p for p in pods if p[2] == "Running" and p[1] != "node-1" and p[0] != "crash"]
    assert len(live) == 5
    assert story(0)[1] != log  # names and placement differ with the seed
