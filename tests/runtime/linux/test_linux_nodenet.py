"""Nodes as network namespaces: pods on two nodes reach each other through host-gw routes or VXLAN.

What is checked is what Kubernetes' networking model promises (every pod reaches every pod by its IP,
without NAT) and what flannel's backends write: host-gw one route per other node, "<its pod CIDR> via
<its address>" (flannel pkg/backend/hostgw); vxlan a flannel.1 device, "<its pod CIDR> via <its
10.244.m.0> dev flannel.1 onlink", a permanent neighbour and an fdb entry (pkg/backend/vxlan); and
flannel's masquerade for what pods send outside the cluster CIDR. The probe's error reads as Go's net.Dial."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from linux_builders import need_linux, pod

from k8slite.runtime.cri import EXITED
from k8slite.runtime.linux.cleanup import leftovers
from k8slite.runtime.linux.host import LinuxHost
from k8slite.runtime.linux.nodenet import LAN_GATEWAY, namespaces_of

SERVER = 'while true; do echo -e "HTTP/1.0 200 OK\\r\\n\\r\\nfrom $(hostname)" | nc -l -p 8080; done'


LISTENER = """
import socket
server = socket.create_server(("0.0.0.0", 9000))
print("listening", flush=True)
conn, (source, _) = server.accept()
conn.sendall(b"hello from outside\\n")
conn.close()
print(source, flush=True)
"""  # on lan0's own address: a machine outside the cluster, which knows the nodes but not the pods


@pytest.fixture(scope="module")
def vxlan_host() -> Iterator[LinuxHost]:
    need_linux()
    made = LinuxHost("runc", network="vxlan")
    yield made
    made.close()
    assert leftovers(made.root) == []


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


def client_logs(host: LinuxHost, script: str, node: str = "node-2", ip: str = "10.244.2.10") -> str:
    """Run a busybox pod with `script` on `node` until it exits; its logs."""
    runtime = host.runtime_for(node)
    client = pod("client", {"name": "get", "command": ["sh", "-c", script]})
    box = runtime.run_pod_sandbox(client, ip)
    cid = runtime.create_container(box, client, client.spec.containers[0])
    runtime.start_container(cid)
    run_until(host, lambda: runtime.container_status(cid).state == EXITED)
    logs = runtime.logs(cid)
    runtime.remove_pod_sandbox(box)
    return logs


def test_pods_on_two_nodes_reach_each_other_over_vxlan(vxlan_host: LinuxHost) -> None:
    host = vxlan_host
    one = host.runtime_for("node-1")
    server = pod("server", {"name": "web", "command": ["sh", "-c", SERVER]})
    server_box = one.run_pod_sandbox(server, "10.244.1.10")
    one.start_container(one.create_container(server_box, server, server.spec.containers[0]))
    host.network.node("node-2", "10.244.2.10")  # node-2 joins: from here its VXLAN packets are counted
    count = ["iptables", "-A", "OUTPUT", "-p", "udp", "--dport", "8472", "-d", "172.18.0.2"]  # no target: a counter
    assert host.network.run_on("node-2", count).returncode == 0
    logs = client_logs(host, "sleep 0.3; ip link show eth0; wget -q -O - http://10.244.1.10:8080/; "
                             "ping -c 1 10.244.1.10")
    assert "mtu 1450" in logs  # VXLAN's 50 bytes of headers come off the pod's MTU
    assert "from server" in logs and "1 packets received" in logs, logs
    routes = host.network.run_on("node-2", ["ip", "route"]).stdout
    assert "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink" in routes, routes
    device = host.network.run_on("node-2", ["ip", "-d", "link", "show", "flannel.1"]).stdout
    assert "vxlan id 1 local 172.18.0.3 dev eth0" in device and "dstport 8472 nolearning" in device, device
    mac = host.network.nodes["node-1"].vtep_mac
    neighbours = host.network.run_on("node-2", ["ip", "neigh", "show", "dev", "flannel.1"]).stdout
    assert f"10.244.1.0 lladdr {mac} PERMANENT" in neighbours, neighbours
    fdb = host.network.run_on("node-2", ["bridge", "fdb", "show", "dev", "flannel.1"]).stdout
    assert f"{mac} dst 172.18.0.2 self permanent" in fdb, fdb
    counted = host.network.run_on("node-2", ["iptables", "-L", "OUTPUT", "-v", "-x", "-n"]).stdout
    packets = int(next(line for line in counted.splitlines() if "dpt:8472" in line).split()[0])
    assert packets > 0, counted  # what left node-2 for node-1 was UDP to port 8472: VXLAN
    one.remove_pod_sandbox(server_box)


def test_a_pod_reaches_outside_the_cluster_as_its_node(host: LinuxHost) -> None:
    # flannel's MASQUERADE: the listener on lan0 sees node-2's address, and without it could not answer
    # (the lan has no route to 10.244.0.0/16)
    listener = subprocess.Popen(["ip", "netns", "exec", host.network.lan, sys.executable, "-c", LISTENER],
                                stdout=subprocess.PIPE, text=True)
    try:
        assert listener.stdout is not None and listener.stdout.readline() == "listening\n"
        logs = client_logs(host, f"sleep 0.3; nc {LAN_GATEWAY} 9000 </dev/null")
        source = listener.stdout.readline().strip()
    finally:
        listener.kill()
        listener.wait()
    assert logs == "hello from outside\n", logs
    assert source == host.network.nodes["node-2"].address  # 172.18.0.x, not the pod's 10.244.2.10
    rules = host.network.run_on("node-2", ["iptables", "-t", "nat", "-S", "FLANNEL-POSTRTG"]).stdout
    assert ('-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" '
            "-j MASQUERADE --random-fully") in rules, rules
