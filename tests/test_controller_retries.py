"""A refused write makes a controller's sync raise; the work queue retries it until the world is right.

Each test refuses a controller's write a few times (a Conflict, as from a cache one write behind)
and checks that the controller gets there anyway, and does not do the next step too early."""

from collections.abc import Callable

from builders import deployment_yaml, make_pod

from k8slite import Cluster
from k8slite.api.meta import KubeObject
from k8slite.errors import conflict


def refuse(c: Cluster, method: str, times: int, when: Callable[[KubeObject], bool]) -> list[float]:
    """Make c.api.<method>(obj, ...) raise a Conflict the first `times` calls for which when(obj) holds;
    the cluster times of the refusals are returned (filled in as they happen)."""
    original, refused = getattr(c.api, method), []

    def refusing(obj, *args, **kwargs):
        if len(refused) < times and isinstance(obj, KubeObject) and when(obj):
            refused.append(c.now)
            raise conflict(obj.kind.lower() + "s", obj.name)
        return original(obj, *args, **kwargs)

    setattr(c.api, method, refusing)
    return refused


def web() -> Cluster:
    c = Cluster(nodes=2, seed=0)
    c.apply(deployment_yaml(replicas=2, command="httpd -f -p 80"))
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    return c


def test_orphaning_keeps_the_finalizer_until_every_dependent_is_released():
    c = web()
    refused = refuse(c, "update", 3, lambda o: o.kind == "ReplicaSet" and not o.metadata.owner_references)
    c.delete("deploy", "web", propagation_policy="Orphan")
    c.run(0.02)
    assert len(refused) == 3  # tried again 5 ms, then 10 ms later ...
    assert c.get("deploy", "web").metadata.finalizers == ["orphan"]  # ... and the owner waited for it
    (rs,) = c.get("rs")
    assert rs.metadata.owner_references and rs.metadata.owner_references[0].kind == "Deployment"
    c.run(1)
    assert c.get("deploy") == [] and c.get("rs")[0].metadata.owner_references == []


def test_a_refused_ready_false_is_written_on_the_next_try():
    c = web()
    pods = {p.name: p.spec.node_name for p in c.get("pods")}
    node = next(iter(pods.values()))
    on_node = sorted(name for name, n in pods.items() if n == node)
    refused = refuse(c, "update_status", 1, lambda o: o.kind == "Pod" and o.name == on_node[0])
    c.node(node).fail()
    c.run(70)
    assert refused and c.get("node", node).ready_status() == "Unknown"
    ready = {p.name: p.status.condition("Ready").status for p in c.get("pods") if p.name in on_node}
    assert ready == dict.fromkeys(on_node, "False")  # nodesToRetry: the refused one too


def test_a_refused_endpoints_create_is_retried_within_milliseconds():
    c = Cluster(nodes=1, seed=0)
    refused = refuse(c, "create", 2, lambda o: o.kind == "Endpoints")
    c.apply(make_pod("db", labels={"app": "db"}, command="httpd -f -p 80"))
    c.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"},
             "spec": {"selector": {"app": "db"}, "ports": [{"port": 80}]}})
    start = c.now
    c.run(0.1)
    assert len(refused) == 2 and refused[1] - start < 0.02
    assert c.get("endpoints", "db") is not None
