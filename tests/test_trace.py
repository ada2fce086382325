"""Tracing a request hop by hop: same node, across nodes with host-gw and vxlan, cut off, and the resolver hook."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure
from test_podnet import pinned

from k8slite import Cluster
from k8slite.network.trace import Hop, Resolution, Trace
from k8slite.viz import png_bytes


def cluster(backend: str) -> Cluster:
    c = Cluster(nodes=3, network=backend)
    c.apply(pinned("client", "node-1") + "---\n" + pinned("web", "node-2", image="nginx") + "---\n"
            + pinned("near", "node-1", image="nginx"))
    c.run(5)
    return c


def devices(trace: Trace) -> list[str]:
    return [f"{h.node} {h.device}" for h in trace.hops]


def test_same_node_short_circuits_at_the_bridge() -> None:
    t = cluster("host-gw").trace("client", "near")
    assert devices(t) == ["node-1 client eth0", "node-1 veth6844d090", "node-1 cni0", "node-1 veth5692651e",
                          "node-1 near eth0"]
    assert "routing table" not in str(t) and t.delivered
    assert t.hops[0].decision == "route: 10.244.1.0/24 dev eth0 scope link src 10.244.1.2"


def test_host_gw_routes_via_the_other_nodes_internal_ip() -> None:
    t = cluster("host-gw").trace("client", "web")
    assert [h.device for h in t.hops] == ["client eth0", "veth6844d090", "cni0", "routing table", "eth0",
                                          "network", "eth0", "routing table", "cni0", "veth82b3ade9", "web eth0"]
    assert t.hops[3].decision == "route: 10.244.2.0/24 via 172.18.0.3 dev eth0"
    assert t.hops[7].node == "node-2" and "10.244.2.0/24 dev cni0" in t.hops[7].decision
    assert "flannel.1" not in str(t) and "8472" not in str(t)
    assert t.delivered and t.result == "delivered to default/web in 11 hops" and t.machines == ["node-1", "node-2"]


def test_vxlan_wraps_the_packet_in_udp_8472_between_node_ips() -> None:
    t = cluster("vxlan").trace("default/client", "10.244.2.2")
    assert [h.device for h in t.hops][3:9] == ["routing table", "flannel.1", "eth0", "network", "eth0", "flannel.1"]
    assert t.hops[3].decision == "route: 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink"
    assert t.hops[6].decision == "UDP 172.18.0.2 -> 172.18.0.3:8472 [10.244.1.2 -> 10.244.2.2]"
    assert t.hops[4].decision == "VXLAN: wrap in UDP to 172.18.0.3:8472, VNI 1 (pod MTU 1450)"
    assert t.destination == "default/web 10.244.2.2 on node-2" and t.delivered


def test_printed_trace_is_a_numbered_table() -> None:
    lines = str(cluster("host-gw").trace("client", "near")).splitlines()
    assert lines[0] == "default/client 10.244.1.2 on node-1 -> default/near 10.244.1.3 on node-1 (host-gw)"
    assert lines[1].startswith(" 1  node-1  client eth0") and lines[-1] == "delivered to default/near in 5 hops"


def test_an_address_no_pod_holds_is_dropped_at_the_bridge() -> None:
    t = cluster("host-gw").trace("client", "10.244.3.9")
    assert not t.delivered and t.hops[-1].node == "node-3" and not t.hops[-1].ok
    assert t.result == "dropped: no pod has 10.244.3.9 (No route to host)"


def test_a_cut_off_node_loses_the_packet_on_the_wire() -> None:
    c = cluster("vxlan")
    c.node("node-2").disconnect()
    t = c.trace("client", "web")
    assert t.hops[-1].device == "network" and not t.hops[-1].ok
    assert t.result == "dropped: node-2 is cut off the network" and t.machines == ["node-1", "node-2"]
    assert c.trace("client", "near").delivered  # the bridge inside node-1 still works
    c.node("node-2").reconnect()
    assert c.trace("client", "web").delivered


def test_unknown_source_or_destination_is_explained() -> None:
    c = cluster("host-gw")
    with pytest.raises(ValueError, match='no pod "nobody" in namespace "default"'):
        c.trace("nobody", "web")
    with pytest.raises(ValueError, match='no pod "db" in namespace "default"'):
        c.trace("client", "db")


def test_a_resolver_inserts_its_hops_before_the_source_nodes_routing() -> None:
    c = cluster("host-gw")

    def kube_proxy(source, dst):  # a ClusterIP no Service holds (the cluster's own resolver passes it on)
        if dst != "10.96.0.99":
            return None
        dnat = Hop(source.spec.node_name, "iptables", "10.96.0.99", "DNAT 10.96.0.99:80 -> 10.244.2.2:80")
        return Resolution("10.96.0.99", "10.244.2.2", (dnat,), "service default/web 10.96.0.99")

    c.pod_network.resolvers.append(kube_proxy)
    t = c.trace("client", "10.96.0.99")
    assert [h.device for h in t.hops][:5] == ["client eth0", "veth6844d090", "cni0", "iptables", "routing table"]
    assert t.hops[0].decision == "route: default via 10.244.1.1 dev eth0"
    assert t.destination == "service default/web 10.96.0.99" and t.delivered


@pytest.mark.parametrize("backend", ["host-gw", "vxlan"])
def test_draw_path_is_a_figure_of_fixed_width(backend: str) -> None:
    c = cluster(backend)
    fig = c.draw_path("client", "web")
    assert isinstance(fig, Figure) and fig.get_figwidth() == 10.0
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "node-1" in texts and "node-2" in texts and "routing table" in texts
    assert ("flannel.1" in texts) == (backend == "vxlan")
    assert png_bytes(fig) == png_bytes(c.draw_path("client", "web"))  # deterministic


def test_draw_with_ips_writes_pod_ips_and_pod_cidrs_and_keeps_the_size() -> None:
    c = cluster("host-gw")
    plain, with_ips = c.draw(), c.draw(ips=True)
    assert plain.get_size_inches().tolist() == with_ips.get_size_inches().tolist()
    texts = {t.get_text() for t in with_ips.axes[0].texts}
    assert {"10.244.1.2", "10.244.2.2", "10.244.1.3", "10.244.1.0/24", "10.244.3.0/24"} <= texts
    assert not {"10.244.1.2", "10.244.1.0/24"} & {t.get_text() for t in plain.axes[0].texts}
