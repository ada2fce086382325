"""Nodes as network namespaces: pods on two nodes reach each other through host-gw routes.

What is checked is what Kubernetes' networking model promises (every pod reaches every pod by its IP,
without NAT) and what flannel's host-gw backend writes: one route per other node, "<its pod CIDR> via
<its address>" (flannel pkg/backend/hostgw); the probe's error reads as Go's net.Dial."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest
from linux_builders import pod

from k8slite.runtime.cri import EXITED
from k8slite.runtime.linux.host import LinuxHost
from k8slite.runtime.linux.nodenet import namespaces_of

SERVER = 'while true; do echo -e "HTTP/1.0 200 OK\\r\\n\\r\\nfrom $(hostname)" | nc -l -p 8080; done'


def run_until(host: LinuxHost, done: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = host.clock.now + timeout
    while not done() and host.clock.now < deadline:
        host.clock.run(host.clock.now + 0.2)
    assert done(), "timed out"


def test_a_pod_reaches_a_pod_on_another_node_by_its_ip(host: LinuxHost) -> None:
    one, two = host.runtime_for("node-1"), host.runtime_for("node-2")
    server = pod("server", {"name": "web", "command": ["sh", "-c", SERVER]})
    server_box = one.run_pod_sandbox(server, "10.244.1.10")
    one.start_container(one.create_container(server_box, server, server.spec.containers[0]))
    client = pod("client", {"name": "get", "command": ["sh", "-c", "sleep 0.3; ip -4 -o addr show eth0; "
                                                       "wget -q -O - http://10.244.1.10:8080/; ping -c 1 10.244.1.10"]})
    client_box = two.run_pod_sandbox(client, "10.244.2.10")
    cid = two.create_container(client_box, client, client.spec.containers[0])
    two.start_container(cid)
    run_until(host, lambda: two.container_status(cid).state == EXITED)
    logs = two.logs(cid)
    assert "inet 10.244.2.10/24" in logs  # the IP the kubelet chose, on the pod's eth0
    assert "from server" in logs and "1 packets received" in logs, logs  # wget and ping across two nodes
    routes = host.network.run_on("node-1", ["ip", "route"]).stdout
    assert "10.244.2.0/24 via 172.18.0.3 dev eth0" in routes, routes  # host-gw: node-2's pod CIDR via node-2
    assert one.http_get(server_box, "", 8080, "/") == (200, "from server\n")  # from node-1's namespace
    with pytest.raises(ConnectionError, match="dial tcp 10.244.1.10:9999: connect: connection refused"):
        one.http_get(server_box, "", 9999, "/")
    one.remove_pod_sandbox(server_box)
    two.remove_pod_sandbox(client_box)


def test_the_host_network_namespace_is_left_alone(host: LinuxHost) -> None:
    # every address is inside the cluster's namespaces: the host has no 10.244.x or 172.18.0.x of ours
    assert namespaces_of(host.network.prefix)
    addresses = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True, check=True).stdout
    assert "10.244." not in addresses and "172.18.0." not in addresses
