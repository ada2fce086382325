"""The pod network: IPAM per node, which node owns an IP, routes per backend, cutting a node off."""

from __future__ import annotations

import pytest

from k8slite import Cluster
from k8slite.cluster import default_node
from k8slite.network.ipam import HostLocalIPAM, RangeExhausted, node_for_ip
from k8slite.network.podnet import PodNetwork, lookup


def pinned(name: str, node: str, image: str = "busybox", command: str = '[sleep, "100000"]') -> str:
    cmd = f", command: {command}" if image == "busybox" else ""
    return (f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  nodeName: {node}\n"
            f"  containers: [{{name: main, image: {image}{cmd}}}]\n")


def ips(c: Cluster) -> dict[str, str]:
    return {p.name: p.status.pod_ip for p in c.get("pods")}


# ------------------------------------------------------------------ IPAM
def test_host_local_hands_out_addresses_in_order_skipping_the_gateway() -> None:
    ipam = HostLocalIPAM("10.244.1.0/24")
    assert [ipam.allocate(f"p{i}") for i in range(3)] == ["10.244.1.2", "10.244.1.3", "10.244.1.4"]
    assert ipam.range_set == "10.244.1.1-10.244.1.254"


def test_released_address_is_reused_after_the_range_wraps() -> None:
    ipam = HostLocalIPAM("10.244.1.0/29")  # .1 gateway, .2-.6 for pods
    got = [ipam.allocate(f"p{i}") for i in range(5)]
    assert got == [f"10.244.1.{i}" for i in range(2, 7)]
    ipam.release("10.244.1.4")
    assert ipam.allocate("again") == "10.244.1.4"   # the only free one: host-local wraps round to find it
    assert ipam.owner("10.244.1.4") == "again"


def test_exhaustion_is_worded_as_the_host_local_plugin_words_it() -> None:
    ipam = HostLocalIPAM("10.244.1.0/29")
    for i in range(5):
        ipam.allocate(f"p{i}")
    with pytest.raises(RangeExhausted) as e:
        ipam.allocate("one-too-many")
    assert str(e.value) == ("failed to allocate for range 0: no IP addresses available in range set: "
                            "10.244.1.1-10.244.1.6")


def test_pods_get_addresses_from_their_nodes_pod_cidr() -> None:
    c = Cluster(nodes=2)
    c.apply(pinned("a", "node-1") + "---\n" + pinned("b", "node-2") + "---\n" + pinned("c", "node-1"))
    c.run(5)
    assert ips(c) == {"a": "10.244.1.2", "b": "10.244.2.2", "c": "10.244.1.3"}


def test_a_deleted_pods_address_is_released_on_the_node() -> None:
    c = Cluster(nodes=1)
    c.apply(pinned("a", "node-1"))
    c.run(5)
    ipam = c.kubelets["node-1"].ipam
    assert ipam is not None and ipam.owner("10.244.1.2") == "default/a"
    c.delete("pod", "a")
    c.run(40)
    assert ipam.owner("10.244.1.2") is None


def test_a_full_range_fails_sandbox_creation_with_kubernetes_event() -> None:
    node = default_node(1)
    node.spec.pod_cidr, node.spec.pod_cidrs = "10.244.1.0/30", ["10.244.1.0/30"]  # room for one pod: .2
    c = Cluster(nodes=[node])
    c.apply(pinned("first", "node-1") + "---\n" + pinned("second", "node-1"))
    c.run(5)
    assert ips(c) == {"first": "10.244.1.2", "second": ""}
    failed = [e for e in c.events() if e.reason == "FailedCreatePodSandBox"]
    assert failed and failed[0].type == "Warning" and failed[0].involved_object.name == "second"
    assert failed[0].message.endswith("failed to allocate for range 0: no IP addresses available in range set: "
                                      "10.244.1.1-10.244.1.2")
    c.delete("pod", "first")
    c.run(60)  # the kubelet tries again and gets the released address
    assert ips(c) == {"second": "10.244.1.2"}


# ------------------------------------------------------------------ who owns an IP
def test_node_for_ip_finds_the_pod_cidr_or_internal_ip_owner() -> None:
    c = Cluster(nodes=3)
    nodes = c.get("nodes")
    owner = node_for_ip("10.244.3.77", nodes)
    assert owner is not None and owner.name == "node-3"
    by_host = node_for_ip("172.18.0.3", nodes)
    assert by_host is not None and by_host.name == "node-2"
    assert node_for_ip("10.244.9.1", nodes) is None
    assert node_for_ip("8.8.8.8", nodes) is None


# ------------------------------------------------------------------ routes
def test_host_gw_routes_each_pod_cidr_via_that_nodes_internal_ip() -> None:
    c = Cluster(nodes=3)
    assert c.node("node-1").routes() == ("default via 172.18.0.1 dev eth0\n"
                                         "10.244.1.0/24 dev cni0 scope link src 10.244.1.1\n"
                                         "10.244.2.0/24 via 172.18.0.3 dev eth0\n"
                                         "10.244.3.0/24 via 172.18.0.4 dev eth0\n")


def test_vxlan_routes_go_through_flannel_1_and_shrink_the_mtu() -> None:
    c = Cluster(nodes=2, network="vxlan")
    assert c.node("node-2").routes() == ("default via 172.18.0.1 dev eth0\n"
                                         "10.244.2.0/24 dev cni0 scope link src 10.244.2.1\n"
                                         "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink\n")
    assert c.pod_network.mtu == 1450 and PodNetwork("host-gw").mtu == 1500


def test_longest_prefix_wins() -> None:
    c = Cluster(nodes=2)
    routes = c.pod_network.routes(c.get("nodes"), c.get("node", "node-1"))
    assert str(lookup(routes, "10.244.2.9")) == "10.244.2.0/24 via 172.18.0.3 dev eth0"
    assert str(lookup(routes, "1.1.1.1")) == "default via 172.18.0.1 dev eth0"


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match='unknown network backend "calico"'):
        Cluster(nodes=1, network="calico")


# ------------------------------------------------------------------ pods reach pods; faults
@pytest.fixture
def two_nodes() -> Cluster:
    c = Cluster(nodes=2)
    c.apply(pinned("client", "node-1") + "---\n" + pinned("web", "node-2", image="nginx") + "---\n"
            + pinned("near", "node-2"))
    c.run(8)  # node-2 pulls nginx (4.4 s), then busybox for near
    return c


def test_wget_reaches_a_pod_on_another_node_by_ip(two_nodes: Cluster) -> None:
    assert ips(two_nodes)["web"] == "10.244.2.2"
    out = two_nodes.exec("client", "wget -qO- http://10.244.2.2/")
    assert "Welcome to nginx!" in out


def test_disconnected_node_goes_not_ready_but_its_containers_keep_running(two_nodes: Cluster) -> None:
    c = two_nodes
    c.node("node-2").disconnect()
    c.run(39)
    assert c.get("node", "node-2").status.condition("Ready").status == "True"
    c.run(11)   # node-monitor-grace-period (50 s) after the last heartbeat that got through
    assert c.get("node", "node-2").status.condition("Ready").status == "Unknown"
    runtime = c.kubelets["node-2"].runtime
    assert {info.info.state for info in runtime.containers.values()} == {"running"}
    assert c.exec("near", "wget -qO- http://10.244.2.2/ | head -1").startswith("<!DOCTYPE html>")  # same node


def test_traffic_to_and_from_a_cut_off_node_times_out(two_nodes: Cluster) -> None:
    c = two_nodes
    c.node("node-2").disconnect()
    code, out = c.exec_code("client", "wget -qO- http://10.244.2.2/")
    assert (code, out) == (1, "wget: can't connect to remote host (10.244.2.2): Connection timed out\n")
    code, out = c.exec_code("near", "wget -qO- http://10.244.1.2:8080/")
    assert out == "wget: can't connect to remote host (10.244.1.2): Connection timed out\n"


def test_reconnect_resumes_heartbeats_and_traffic(two_nodes: Cluster) -> None:
    c = two_nodes
    c.node("node-2").disconnect()
    c.run(60)
    assert not c.ready("node/node-2")
    c.node("node-2").reconnect()
    c.run(10)
    assert c.ready("node/node-2") and c.node("node-2").connected
    assert "Welcome to nginx!" in c.exec("client", "wget -qO- http://10.244.2.2/")
    assert [e.message for e in c.events() if e.reason == "NodeReady"][-1] == "Node node-2 status is now: NodeReady"
