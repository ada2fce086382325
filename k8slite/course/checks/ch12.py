"""Checks for notebook 12, networking across machines and Services.

12.1 `owner_of(ip, nodes)`: which node's podCIDR holds an address, on random
node sets, and on the pods of a real cluster.
12.2 `endpoint_addresses(service, pods)`: the endpoints controller's core, the
(ip, port) pairs of the ready pods a Service selects, on random pod sets,
compared with controllers/endpoints.py.
12.3 `shares(probabilities)`: the share of new connections each rule of an
iptables probability chain takes (rules tried in order, the first match
wins; what the last rule leaves matches nothing), on kube-proxy's chain, on
the tempting 1/n on every rule, and on random chains; a wrong answer is
shown what 20000 connections drawn through the chain really did.
"""

from __future__ import annotations

import ipaddress
import numbers
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

from k8slite.api.meta import ObjectMeta
from k8slite.api.node import Node, NodeSpec
from k8slite.api.pod import Container, ContainerPort, Pod, PodCondition, PodSpec, PodStatus
from k8slite.api.service import Service, ServicePort, ServiceSpec
from k8slite.cluster import Cluster
from k8slite.controllers.endpoints import endpoint_subsets
from k8slite.course.checks import exercise

# ---------------------------------------------------------------- 12.1


def random_nodes(rng: random.Random) -> list[Node]:
    """3-6 nodes, each with its own /24 (sometimes /25 or /23) of pod addresses."""
    thirds = rng.sample(range(0, 250, 2), rng.randint(3, 6))
    nodes = []
    for i, third in enumerate(thirds, 1):
        prefix = rng.choice([24, 24, 24, 23, 25])
        cidr = str(ipaddress.ip_network(f"10.244.{third}.0/{prefix}", strict=False))
        nodes.append(Node(metadata=ObjectMeta(name=f"node-{i}"), spec=NodeSpec(pod_cidr=cidr)))
    return nodes


def random_ip(rng: random.Random, nodes: list[Node]) -> str:
    if rng.random() < 0.75:
        network = ipaddress.ip_network(rng.choice(nodes).spec.pod_cidr)
        return str(network.network_address + rng.randrange(1, network.num_addresses - 1))
    return rng.choice([f"10.244.{rng.randrange(1, 255, 2)}.{rng.randint(1, 254)}",
                       f"10.96.{rng.randint(0, 255)}.{rng.randint(1, 254)}", "172.18.0.2"])


def expected_owner(ip: str, nodes: list[Node]) -> str | None:
    address = ipaddress.ip_address(ip)
    return next((n.name for n in nodes if address in ipaddress.ip_network(n.spec.pod_cidr)), None)


@exercise("12.1")
def check_12_1(owner_of: Callable[[str, list[Node]], str | None]) -> str:
    assert callable(owner_of), "define owner_of(ip, nodes) returning the name of the node whose podCIDR holds ip"
    tried = 0
    for seed in range(30):
        rng = random.Random(seed)
        nodes = random_nodes(rng)
        for _ in range(8):
            ip = random_ip(rng, nodes)
            want, got = expected_owner(ip, nodes), owner_of(ip, nodes)
            cidrs = ", ".join(f"{n.name}={n.spec.pod_cidr}" for n in nodes)
            assert got == want, (f"owner_of({ip!r}) with podCIDRs {cidrs} returned {got!r}, expected {want!r}"
                                 + (" (no node owns it: return None)" if want is None else
                                    " (use ipaddress.ip_address(ip) in ipaddress.ip_network(cidr))"))
            tried += 1
    c = Cluster(nodes=3, seed=12)
    c.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "spread"},
             "spec": {"replicas": 6, "selector": {"matchLabels": {"app": "spread"}},
                      "template": {"metadata": {"labels": {"app": "spread"}},
                                   "spec": {"containers": [{"name": "c", "image": "busybox",
                                                            "command": ["sleep", "3600"]}]}}}})
    c.run(10)
    for pod in c.get("pods"):
        got = owner_of(pod.status.pod_ip, c.get("nodes"))
        assert got == pod.spec.node_name, (
            f"pod {pod.name} ({pod.status.pod_ip}) runs on {pod.spec.node_name}, not {got}")
    return f"{tried} addresses on 30 random clusters, and 6 pods of a real one."


# ---------------------------------------------------------------- 12.2


def random_pod(rng: random.Random, i: int) -> Pod:
    labels = {"app": rng.choice(["web", "web", "web", "db"])}
    if rng.random() < 0.3:
        labels["tier"] = rng.choice(["front", "back"])
    ports = [ContainerPort(name="http", container_port=rng.choice([80, 8080, 8000]))] if rng.random() < 0.8 else []
    ready = rng.random() < 0.7
    ip = f"10.244.{rng.randint(1, 3)}.{i + 2}" if rng.random() < 0.9 else ""
    pod = Pod(metadata=ObjectMeta(name=f"pod-{i}", namespace="default", labels=labels),
              spec=PodSpec(containers=[Container(name="c", image="busybox", ports=ports)]),
              status=PodStatus(phase=rng.choice(["Running"] * 5 + ["Succeeded", "Pending"]), pod_ip=ip,
                               conditions=[PodCondition("Ready", "True" if ready else "False")]))
    if rng.random() < 0.1:
        pod.metadata.deletion_timestamp = 5.0
    return pod


def random_service(rng: random.Random) -> Service:
    selector = {"app": "web"} if rng.random() < 0.7 else {"app": "web", "tier": "front"}
    target: int | str = rng.choice([80, 8080, 8000]) if rng.random() < 0.6 else "http"
    return Service(metadata=ObjectMeta(name="web", namespace="default"),
                   spec=ServiceSpec(selector=selector, ports=[ServicePort(port=80, target_port=target)]))


def expected_addresses(svc: Service, pods: list[Pod]) -> list[tuple[str, int]]:
    return sorted((a.ip, s.ports[0].port) for s in endpoint_subsets(svc, pods) for a in s.addresses)


def describe_pod(p: Pod) -> str:
    ready = "ready" if p.is_ready() else "not ready"
    ports = ",".join(f"{cp.name}={cp.container_port}" for c in p.spec.containers for cp in c.ports) or "no ports"
    gone = ", terminating" if p.metadata.deletion_timestamp is not None else ""
    return f"{p.name} {p.metadata.labels} ip={p.status.pod_ip or '-'} {p.status.phase} {ready} {ports}{gone}"


@exercise("12.2")
def check_12_2(endpoint_addresses: Callable[[Service, list[Pod]], Any]) -> str:
    assert callable(endpoint_addresses), "define endpoint_addresses(service, pods) returning [(ip, port), ...]"
    for seed in range(40):
        rng = random.Random(seed)
        svc, pods = random_service(rng), [random_pod(rng, i) for i in range(rng.randint(2, 7))]
        got = endpoint_addresses(svc.copy(), [p.copy() for p in pods])
        assert isinstance(got, list), f"return a list of (ip, port) tuples, not {got!r}"
        want = expected_addresses(svc, pods)
        assert sorted(tuple(x) for x in got) == want, (
            f"selector {svc.spec.selector}, targetPort {svc.spec.ports[0].target_port!r}, pods:\n  "
            + "\n  ".join(describe_pod(p) for p in pods)
            + f"\nyou returned {sorted(got)}, the endpoints controller lists {want} (ready, selected, with an IP, "
              "not terminating or finished; a named targetPort is the pod's containerPort of that name)")
    return "40 random Services and pod sets."


# ---------------------------------------------------------------- 12.3

EQUAL_3 = [1 / 3, 1 / 2, 1.0]      # kube-proxy's chain for 3 pods
NAIVE_3 = [1 / 3, 1 / 3, 1 / 3]    # "each pod a third", written on every rule


def expected_shares(probabilities: list[float]) -> list[float]:
    """Rule i takes the connections that reach it (no earlier rule matched) with probability p_i."""
    left, shares = 1.0, []
    for p in probabilities:
        shares.append(left * p)
        left *= 1 - p
    return shares


def drawn_shares(probabilities: list[float], rng: random.Random, connections: int = 20000) -> list[float]:
    """Connections sent through the chain as iptables does: each rule draws in turn, the first match wins."""
    counts: Counter[int] = Counter()
    for _ in range(connections):
        counts[next((i for i, p in enumerate(probabilities) if rng.random() < p), -1)] += 1
    return [counts[i] / connections for i in range(len(probabilities))]


def random_chain(rng: random.Random) -> list[float]:
    n = rng.randint(1, 6)
    chain = [rng.choice([0.0, 0.25, 0.5, 1.0, round(rng.random(), 3)]) for _ in range(n)]
    if rng.random() < 0.5:
        chain[-1] = 1.0
    return chain


@exercise("12.3")
def check_12_3(shares: Callable[[list[float]], Any]) -> str:
    assert callable(shares), "define shares(probabilities) returning one share of the connections per rule"
    rng = random.Random(1203)
    chains = [EQUAL_3, NAIVE_3, [0.5, 0.5], [1.0, 0.5], [1 / (6 - i) for i in range(6)], [0.2]]
    chains += [random_chain(rng) for _ in range(30)]
    for chain in chains:
        got = shares(list(chain))
        assert isinstance(got, list) and len(got) == len(chain) and all(isinstance(a, numbers.Real) for a in got), (
            f"shares({chain}) must be a list of {len(chain)} numbers, one per rule, not {got!r}")
        want = expected_shares(chain)
        if any(abs(float(a) - b) > 1e-9 for a, b in zip(got, want)):
            seen = drawn_shares(chain, random.Random(12))
            raise AssertionError(
                f"shares({[round(p, 4) for p in chain]}) = {[round(float(a), 4) for a in got]}, but 20000 connections "
                f"sent through these rules went {[round(s, 4) for s in seen]} of them to each rule. Rule i only "
                "sees the connections that no earlier rule took; it takes a fraction p_i of those, and what is "
                "left goes on to the next rule (or, after the last, matches no rule at all).")
    return f"{len(chains)} chains of rules, among them kube-proxy's and the one with 1/3 on every rule."
