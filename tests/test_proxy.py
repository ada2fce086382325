"""kube-proxy: random balancing per connection, session affinity, NodePort, no endpoints, ping."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from network_builders import client, hostname_app, service

from k8slite import Cluster
from k8slite.network.proxy import pick


@pytest.fixture(scope="module")
def c() -> Cluster:
    cluster = Cluster(nodes=3, seed=2)
    cluster.apply(hostname_app())
    cluster.apply(service())
    cluster.apply(service(name="sticky", selector="who", extra="  sessionAffinity: ClientIP"))
    cluster.apply(service(name="np", selector="who", extra="  type: NodePort"))
    cluster.apply(client())
    cluster.run(30)
    return cluster


def answers(c: Cluster, url: str, n: int, pod: str = "client") -> Counter[str]:
    return Counter(c.exec(pod, f"wget -qO- {url}").strip() for _ in range(n))


def test_pick_follows_iptables_probabilities() -> None:
    # backend i matches with probability 1/(n-i): 1/3, then 1/2 of the rest, then the last: 1/3 each
    rng = random.Random(0)
    counts = Counter(pick([("a", 1), ("b", 1), ("c", 1)], rng) for _ in range(30000))
    assert all(9500 < counts[(x, 1)] < 10500 for x in "abc")


def test_pick_with_one_backend_draws_nothing() -> None:
    rng = random.Random(0)
    state = rng.getstate()
    assert pick([("a", 1)], rng) == ("a", 1)
    assert rng.getstate() == state


def test_connections_spread_over_every_ready_pod(c: Cluster) -> None:
    counts = answers(c, "who", 300)
    assert set(counts) == {p.name for p in c.get("pods") if p.name != "client"}
    assert all(70 < n < 130 for n in counts.values()), counts


def test_same_seed_same_choices() -> None:
    def run() -> list[str]:
        cluster = Cluster(nodes=2, seed=7)
        cluster.apply(hostname_app())
        cluster.apply(service())
        cluster.apply(client())
        cluster.run(30)
        return [cluster.exec("client", "wget -qO- who") for _ in range(10)]
    assert run() == run()


def test_session_affinity_keeps_a_client_on_one_pod(c: Cluster) -> None:
    assert len(answers(c, "sticky", 20)) == 1
    svc = c.get("svc", "sticky")
    assert svc.spec.session_affinity_config.client_ip.timeout_seconds == 10800


def test_session_affinity_ends_after_its_timeout() -> None:
    cluster = Cluster(nodes=2, seed=4)
    cluster.apply(hostname_app(replicas=4))
    affinity = "  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 5}}"
    cluster.apply(service(extra=affinity))
    cluster.apply(client())
    cluster.run(30)
    seen = set()
    for _ in range(12):
        seen.add(cluster.exec("client", "wget -qO- who"))
        cluster.run(10)  # longer than the timeout: every connection is a new choice
    assert len(seen) > 1


def test_node_port_on_every_node(c: Cluster) -> None:
    node_port = c.get("svc", "np").spec.ports[0].node_port
    pods = {p.name for p in c.get("pods") if p.name != "client"}
    for node in c.get("nodes"):
        ip = node.status.addresses[0].address
        assert set(answers(c, f"http://{ip}:{node_port}/", 30)) <= pods


def test_a_service_without_ready_endpoints_refuses() -> None:
    cluster = Cluster(nodes=1)
    cluster.apply(service(name="nobody"))
    cluster.apply(client())
    cluster.run(10)
    ip = cluster.get("svc", "nobody").spec.cluster_ip
    assert cluster.exec("client", "wget -qO- nobody") == (
        f"wget: can't connect to remote host ({ip}): Connection refused\n")


def test_cluster_ip_answers_tcp_not_ping(c: Cluster) -> None:
    ip = c.get("svc", "who").spec.cluster_ip
    assert c.exec_code("client", f"ping -c 1 {ip}") == (1, (
        f"PING {ip} ({ip}): 56 data bytes\n\n--- {ip} ping statistics ---\n"
        "1 packets transmitted, 0 packets received, 100% packet loss\n"))
    assert c.exec("client", f"wget -qO- {ip}").strip() in {p.name for p in c.get("pods")}
    pod_ip = next(p.status.pod_ip for p in c.get("pods") if p.name != "client")
    code, text = c.exec_code("client", f"ping -c 1 {pod_ip}")
    assert code == 0 and "1 packets received" in text


def test_a_port_the_service_does_not_declare_times_out(c: Cluster) -> None:
    ip = c.get("svc", "who").spec.cluster_ip
    assert c.exec("client", f"wget -qO- http://{ip}:8080/") == "wget: download timed out\n"


def test_endpoints_leaving_stop_getting_traffic() -> None:
    cluster = Cluster(nodes=3, seed=3)
    cluster.apply(hostname_app())
    cluster.apply(service())
    cluster.apply(client(node="node-1"))
    cluster.run(30)
    victim = next(p for p in cluster.get("pods") if p.spec.node_name == "node-2")
    cluster.node("node-2").fail()
    cluster.run(60)
    assert victim.name not in answers(cluster, "who", 40)


def test_iptables_view_lists_the_rules(c: Cluster) -> None:
    ip = c.get("svc", "who").spec.cluster_ip
    text = c.services.proxies["node-1"].iptables()
    rules = [r for r in text.splitlines() if r.startswith(f"-d {ip}/32")]
    assert len(rules) == 3
    assert "--probability 0.33333" in rules[0] and "--probability 0.50000" in rules[1]
    assert "statistic" not in rules[2]


def test_trace_through_a_service_shows_dns_and_the_dnat(c: Cluster) -> None:
    trace = c.trace("client", "who")
    devices = [h.device for h in trace.hops]
    assert devices.index("cluster DNS") < devices.index("kube-proxy (iptables)") < devices.index("routing table")
    assert trace.delivered and trace.hops[-1].address in {p.status.pod_ip for p in c.get("pods")}


def test_a_disconnected_node_times_out_through_the_service() -> None:
    cluster = Cluster(nodes=2, seed=5)
    cluster.apply(hostname_app(replicas=4))
    cluster.apply(service())
    cluster.apply(client(node="node-1"))
    cluster.run(30)
    cluster.node("node-2").disconnect()
    replies = [cluster.exec("client", "wget -qO- who") for _ in range(20)]
    assert any(r.endswith("Connection timed out\n") for r in replies)
    far = next(p for p in cluster.get("pods") if p.spec.node_name == "node-2")
    assert cluster.exec_code("client", f"ping -c 1 {far.status.pod_ip}")[0] == 1


def test_each_kube_proxy_watches_only_its_own_node():
    c = Cluster(nodes=3, seed=0)
    c.run(1)
    for name, proxy in c.services.proxies.items():
        assert list(proxy.nodes.cache) == [name]  # the field selector metadata.name=<node>
