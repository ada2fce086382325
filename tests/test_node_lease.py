"""Node Leases: the kubelet's heartbeat since Kubernetes 1.17 (kube-node-lease), and the status it posts less often."""

from __future__ import annotations

from builders import make_pod

from k8slite import Cluster
from k8slite.api.coordination import Lease
from k8slite.errors import NotFound


def lease(c: Cluster, node: str) -> Lease:
    found = c.get("lease", node, namespace="kube-node-lease")
    assert isinstance(found, Lease)
    return found


def test_each_kubelet_holds_a_lease_owned_by_its_node() -> None:
    c = Cluster(nodes=2)
    c.run(1)
    assert "kube-node-lease" in c.kubectl("get ns")
    found = lease(c, "node-2")
    assert (found.spec.holder_identity, found.spec.lease_duration_seconds, found.spec.acquire_time) == \
        ("node-2", 40, None)
    (owner,) = found.metadata.owner_references
    assert (owner.kind, owner.name, owner.uid) == ("Node", "node-2", c.get("node", "node-2").metadata.uid)
    assert c.kubectl("get leases -n kube-node-lease").splitlines() == [
        "NAME     HOLDER   AGE", "node-1   node-1   1s", "node-2   node-2   1s"]
    assert 'renewTime: "2025-01-01T00:00:00.000000Z"' in c.kubectl("get lease node-1 -n kube-node-lease -o yaml")


def test_the_lease_is_renewed_every_10s_the_status_posted_on_change_or_every_5_minutes() -> None:
    c = Cluster(nodes=1)
    writes: list[tuple[float, str]] = []
    for kind in ("nodes", "leases"):
        watch = c.api.watch(kind, None)
        watch.notify = lambda w=watch, k=kind: writes.extend((c.now, k) for _ in w.drain())
    c.run(65)
    assert [t for t, k in writes if k == "leases"] == [10, 20, 30, 40, 50, 60]
    assert [t for t, k in writes if k == "nodes"] == []  # nothing changed: no status post
    c.run(300 - 65)
    ready = c.get("node", "node-1").status.condition("Ready")
    assert ready.last_heartbeat_time == 300 and ready.last_transition_time == 0  # posted anyway, 5 min on
    writes.clear()
    c.apply(make_pod("p", image="nginx"))
    c.run(20)
    posted = [t for t, k in writes if k == "nodes"]
    assert posted == [310]  # the node's image list changed: posted at the next look
    assert "nginx:latest" in str(c.get("node", "node-1").status.images)


def test_describe_node_shows_the_lease() -> None:
    c = Cluster(nodes=1)
    c.run(25)
    text = c.kubectl("describe node node-1")
    assert "Lease:\n  HolderIdentity:  node-1\n  AcquireTime:     <unset>\n" \
           "  RenewTime:       Wed, 01 Jan 2025 00:00:20 +0000\n" in text


def test_a_dead_node_is_noticed_by_its_lease_and_a_deleted_node_loses_it() -> None:
    c = Cluster(nodes=2)
    c.run(32)
    c.node("node-2").fail()
    c.run(60)
    assert lease(c, "node-2").spec.renew_time == 30
    not_ready = [e.time for e in c.events() if e.reason == "NodeNotReady"]
    assert not_ready == [85]  # 50 s of silence after the renewal at 30, seen by the check at 85
    c.kubectl("delete node node-2")
    c.run(1)
    try:
        lease(c, "node-2")
        raise AssertionError("the garbage collector should have deleted the Lease of a deleted Node")
    except NotFound:
        pass


def test_deleting_the_node_of_a_running_kubelet_does_not_stop_the_cluster() -> None:
    c = Cluster(nodes=2)
    c.run(5)
    c.kubectl("delete node node-1")
    c.run(30)  # node-1's kubelet renews a Lease without an owner and posts no status, as a real one does
    assert [n.name for n in c.get("nodes")] == ["node-2"]
    assert lease(c, "node-1").metadata.owner_references == []


def test_a_reconnected_node_renews_and_posts_ready_again() -> None:
    c = Cluster(nodes=2)
    c.run(2)
    c.node("node-2").disconnect()
    c.run(60)
    assert c.get("node", "node-2").ready_status() == "Unknown"
    c.node("node-2").reconnect()
    assert c.get("node", "node-2").ready_status() == "True"
    assert lease(c, "node-2").spec.renew_time == c.now
