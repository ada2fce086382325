"""Cluster DNS: Service names through the search path, namespaces, headless Services, pod records."""

from __future__ import annotations

import pytest
from network_builders import client, hostname_app, service

from k8slite import Cluster
from k8slite.network.dns import candidates, resolv_conf


@pytest.fixture(scope="module")
def c() -> Cluster:
    cluster = Cluster(nodes=2, seed=1)
    cluster.apply("{apiVersion: v1, kind: Namespace, metadata: {name: shop}}")
    cluster.apply(hostname_app())
    cluster.apply(service())
    cluster.apply(hostname_app(name="cart", namespace="shop", replicas=2))
    cluster.apply(service(name="cart", namespace="shop"))
    cluster.apply(service(name="cart-pods", namespace="shop", selector="cart", extra="  clusterIP: None"))
    cluster.apply(client())
    cluster.apply(client(namespace="shop"))
    cluster.run(30)
    return cluster


def lookup(c: Cluster, name: str, namespace: str = "default") -> str:
    return c.exec("client", f"nslookup {name}", namespace=namespace)


def test_resolv_conf_follows_the_namespace(c: Cluster) -> None:
    assert c.exec("client", "cat /etc/resolv.conf", namespace="shop") == resolv_conf("shop") == (
        "search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n")


def test_search_path_order() -> None:
    assert candidates("web", "shop") == ["web.shop.svc.cluster.local", "web.svc.cluster.local",
                                         "web.cluster.local", "web"]
    assert candidates("web.shop.svc.cluster.local.", "x") == ["web.shop.svc.cluster.local"]


@pytest.mark.parametrize("name", ["who", "who.default", "who.default.svc", "who.default.svc.cluster.local"])
def test_service_names_resolve_to_the_cluster_ip(c: Cluster, name: str) -> None:
    ip = c.get("svc", "who").spec.cluster_ip
    assert lookup(c, name) == (f"Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\nName:      {name}\n"
                               f"Address 1: {ip}\n")


def test_the_short_name_works_only_in_the_pods_namespace(c: Cluster) -> None:
    assert lookup(c, "cart").endswith("nslookup: can't resolve 'cart'\n")
    assert c.exec_code("client", "nslookup cart")[0] == 1
    ip = c.get("svc", "cart", "shop").spec.cluster_ip
    assert lookup(c, "cart.shop").endswith(f"Address 1: {ip}\n")
    assert lookup(c, "cart", "shop").endswith(f"Address 1: {ip}\n")


def test_headless_service_answers_with_the_pod_ips(c: Cluster) -> None:
    ips = sorted(p.status.pod_ip for p in c.get("pods", namespace="shop") if p.name != "client")
    text = lookup(c, "cart-pods.shop")
    assert text.endswith("".join(f"Address {i}: {ip}\n" for i, ip in enumerate(ips, 1)))
    assert c.kubectl("get svc cart-pods -n shop").splitlines()[1].split()[2] == "None"


def test_pod_a_records(c: Cluster) -> None:
    ip = c.get("pod", "client", "shop").status.pod_ip
    assert lookup(c, f"{ip.replace('.', '-')}.shop.pod.cluster.local").endswith(f"Address 1: {ip}\n")


def test_kubernetes_service_and_unknown_names(c: Cluster) -> None:
    assert lookup(c, "kubernetes.default").endswith("Address 1: 10.96.0.1\n")
    assert c.exec("client", "wget -qO- example.com") == "wget: bad address 'example.com'\n"


def test_wget_through_a_service_name_in_another_namespace(c: Cluster) -> None:
    pods = {p.name for p in c.get("pods", namespace="shop")}
    assert c.exec("client", "wget -qO- cart.shop.svc.cluster.local").strip() in pods
    text = c.exec("client", "wget -O- cart.shop 2>&1")
    ip = c.get("svc", "cart", "shop").spec.cluster_ip
    assert text.startswith(f"Connecting to cart.shop ({ip}:80)\n")


def test_the_docs_nginx_service(c: Cluster) -> None:
    from builders import example
    cluster = Cluster(nodes=2)
    cluster.apply(example("run-my-nginx.yaml"))
    cluster.apply(example("nginx-svc.yaml"))
    cluster.apply(client())
    cluster.run(30)
    assert "<title>Welcome to nginx!</title>" in cluster.exec("client", "wget -qO- http://my-nginx")
    ip = cluster.get("svc", "my-nginx").spec.cluster_ip
    assert cluster.exec("client", "nslookup my-nginx") == (
        f"Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\nName:      my-nginx\nAddress 1: {ip}\n")
