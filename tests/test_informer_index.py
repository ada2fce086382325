"""Informer indexes (client-go's Indexer): a node's pods without looking at every pod."""

from builders import make_pod

from k8slite import Cluster
from k8slite.informer import Informer


def test_by_index_follows_pods_as_they_are_bound_and_deleted():
    c = Cluster(nodes=2, controllers=False)
    pods = Informer(c.api, "pods", lambda *_: None)
    pods.add_index("spec.nodeName", lambda pod: pod.spec.node_name)
    for name in ("a", "b", "c"):
        c.apply(make_pod(name))
    c.run(5)
    by_node = {n: [p.name for p in pods.by_index("spec.nodeName", n)] for n in ("node-1", "node-2")}
    assert sorted(by_node["node-1"] + by_node["node-2"]) == ["a", "b", "c"]
    assert pods.by_index("spec.nodeName", "") == []  # none waits for a node any more
    gone = by_node["node-1"][0] if by_node["node-1"] else by_node["node-2"][0]
    c.kubectl(f"delete pod {gone} --wait=false")
    c.run(60)
    left = [p.name for n in ("node-1", "node-2") for p in pods.by_index("spec.nodeName", n)]
    assert sorted(left) == sorted({"a", "b", "c"} - {gone})


def test_an_assumed_write_into_the_cache_moves_the_object_between_index_values():
    c = Cluster(nodes=1, scheduler=False, controllers=False)
    pods = Informer(c.api, "pods", lambda *_: None)
    pods.add_index("spec.nodeName", lambda pod: pod.spec.node_name)
    c.apply(make_pod("web"))
    c.run(1)
    assert [p.name for p in pods.by_index("spec.nodeName", "")] == ["web"]  # Pending: no node yet
    bound = pods.get("default/web").copy()
    bound.spec.node_name = "node-1"
    pods.cache["default/web"] = bound  # as the scheduler "assumes" a binding before the watch says so
    assert pods.by_index("spec.nodeName", "") == [] and pods.by_index("spec.nodeName", "node-1") == [bound]
    pods.cache.pop("default/web")
    assert pods.by_index("spec.nodeName", "node-1") == []
