"""The pod network on real containers: pods reach each other by pod IP across (simulated) nodes.

With the Docker runtime every pod's pause container sits on Docker's default
bridge and Docker's IPAM picks its address; status.podIP reports that address,
which is what the containers themselves see.
"""

from __future__ import annotations

import ipaddress

import pytest

from k8slite import Cluster

pytestmark = pytest.mark.docker

PODS = """
apiVersion: v1
kind: Pod
metadata: {name: server}
spec:
  nodeName: node-2
  containers:
  - name: web
    image: busybox
    command: [sh, -c, "mkdir -p /www && echo hello from server > /www/index.html && httpd -f -p 8080 -h /www"]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: node-1
  containers:
  - {name: main, image: busybox, command: [sleep, "3600"]}
"""


@pytest.fixture
def c(docker_cluster: Cluster) -> Cluster:
    return docker_cluster


def test_busybox_reaches_a_server_pod_on_another_node_by_pod_ip(c: Cluster) -> None:
    c.apply(PODS)
    c.run_until(lambda c: c.ready("pod/server") and c.ready("pod/client"), timeout=30)
    server, client = c.get("pod", "server"), c.get("pod", "client")
    assert (server.spec.node_name, client.spec.node_name) == ("node-2", "node-1")
    for _ in range(20):  # httpd may need a moment after the container starts
        code, out = c.exec_code("client", f"wget -qO- http://{server.status.pod_ip}:8080/")
        if code == 0:
            break
        c.run(0.5)
    assert out == "hello from server\n"


def test_pod_ip_in_status_is_the_address_the_container_sees(c: Cluster) -> None:
    c.apply(PODS)
    c.run_until(lambda c: c.ready("pod/server") and c.ready("pod/client"), timeout=30)
    for name in ("server", "client"):
        pod = c.get("pod", name)
        assert c.exec(name, "hostname -i").split() == [pod.status.pod_ip]
        assert f"inet {pod.status.pod_ip}/" in c.exec(name, "ip -4 addr show eth0")
        # Docker's IPAM chose it, not the node's podCIDR (see network/podnet.py)
        node_cidr = ipaddress.ip_network(c.get("node", pod.spec.node_name).spec.pod_cidr)
        assert ipaddress.ip_address(pod.status.pod_ip) not in node_cidr
