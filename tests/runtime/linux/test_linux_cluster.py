"""The same kubelet on the Linux runtime: a Cluster whose pods are runc containers.

Until cluster.py picks LinuxHost for runtime="linux", the test puts it there itself, with the
one line cluster.py needs. Words checked: kubectl's STATUS column (Completed, OOMKilled,
ErrImageNeverPull) and the pod phase, from pkg/printers/internalversion/printers.go and the kubelet."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from linux_builders import need_linux

from k8slite import Cluster
from k8slite.network.dns import resolv_conf
from k8slite.runtime.linux.cleanup import leftovers

PODS = """
apiVersion: v1
kind: Pod
metadata: {name: hello}
spec:
  restartPolicy: Never
  containers:
  - {name: main, image: busybox, command: ["sh", "-c", "echo hello from $(hostname); echo bye > /dev/termination-log"]}
---
apiVersion: v1
kind: Pod
metadata: {name: hog}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: busybox
    command: ["sh", "-c", "exec tail /dev/zero"]
    resources: {limits: {memory: 32Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: never}
spec:
  containers:
  - {name: main, image: "k8slite-absent:1", imagePullPolicy: Never}
"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """Two nodes, shared by the module's tests."""
    need_linux()
    made = Cluster(nodes=2, runtime="linux")
    yield made
    made.close()
    assert leftovers(made.engine.root) == []


def test_pods_run_to_completion_and_oom_under_the_kubelet(cluster: Cluster) -> None:
    cluster.apply(PODS)
    done = ("Succeeded", "Failed")
    cluster.run_until(lambda c: all(c.get("pod", p).status.phase in done for p in ("hello", "hog")), timeout=30)
    assert cluster.logs("hello") == "hello from hello\n"
    # the kubelet's termination-message file, bound at /dev/termination-log, outlives the container
    assert cluster.get("pod", "hello").status.container_statuses[0].state.terminated.message == "bye\n"
    table = cluster.kubectl("get pods")
    status = {line.split()[0]: line.split()[2] for line in table.splitlines()[1:]}
    assert (status["hello"], status["hog"], status["never"]) == ("Completed", "OOMKilled", "ErrImageNeverPull"), table


SERVER = """
apiVersion: v1
kind: Pod
metadata: {name: server, labels: {app: web}}
spec:
  nodeName: node-1
  containers:
  - name: web
    image: busybox
    command: ["sh", "-c", 'while true; do echo -e "HTTP/1.0 200 OK\\r\\n\\r\\nfrom $(hostname)" | nc -l -p 8080; done']
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""


def simulated_routes(c: Cluster, node: str) -> list[str]:
    """What c.pod_network (network/podnet.py, the fake runtime's model) says `ip route` shows on `node`, with
    the one route the model leaves out: the lan's own 172.18.0.0/16 on eth0, which the kernel adds."""
    nodes = c.get("nodes")
    me = next(n for n in nodes if n.name == node)
    address = next(a.address for a in me.status.addresses if a.type == "InternalIP")
    lan = f"172.18.0.0/16 dev eth0 scope link src {address}"
    return sorted([*c.pod_network.ip_route(nodes, me).splitlines(), lan])


def real_routes(c: Cluster, node: str) -> list[str]:
    """`ip route` in the node's namespace, without the "proto kernel" the model does not print."""
    shown = c.engine.network.run_on(node, ["ip", "route"]).stdout
    return sorted(line.replace(" proto kernel", "").strip() for line in shown.splitlines())


def test_the_nodes_routes_are_the_simulated_networks(cluster: Cluster) -> None:
    # parity: the fake runtime's model of flannel's host-gw (podnet.py) is what the kernel's tables hold
    for node in ("node-1", "node-2"):
        assert real_routes(cluster, node) == simulated_routes(cluster, node)


def test_a_cluster_ip_is_dnat_by_the_kube_proxy_rules_of_each_node(cluster: Cluster) -> None:
    # pkg/proxy/iptables/proxier.go: KUBE-SERVICES -> KUBE-SVC-<hash> -> KUBE-SEP-<hash> -> DNAT to the pod
    c = cluster  # its kube-proxy: c.linux_services, a LinuxServiceProxy
    c.apply(SERVER)
    ip = c.get("service", "web").spec.cluster_ip
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client"},
             "spec": {"nodeName": "node-2", "restartPolicy": "Never", "containers": [{
                 "name": "get", "image": "busybox",
                 # the first tries may come before the server is Ready and its endpoint in the rules
                 "command": ["sh", "-c", f"for i in $(seq 50); do timeout 2 wget -q -O - http://{ip}/ 2>/dev/null "
                                         "&& exit; sleep 0.2; done; exit 1"]}]}})
    c.run_until(lambda c: c.get("pod", "client").status.phase in ("Succeeded", "Failed"), timeout=30)
    assert c.logs("client") == "from server\n"  # through the Service's ClusterIP, from the other node
    rules = c.engine.network.run_on("node-2", ["iptables", "-t", "nat", "-S", "KUBE-SERVICES"]).stdout
    assert f"-d {ip}/32 -p tcp -m comment --comment \"default/web cluster IP\"" in rules, rules


def test_on_vxlan_every_node_answers_a_node_port_from_outside() -> None:
    # flanneld joins each Node as it registers (its InternalIP on lan0, its podCIDR behind flannel.1);
    # kube-proxy's KUBE-NODEPORTS -> KUBE-EXT-<hash> (mark for masquerade) -> KUBE-SVC-<hash>: node-2
    # forwards to the pod on node-1 over VXLAN, and the answer comes back through node-2
    need_linux()
    with Cluster(nodes=2, runtime="linux", network="vxlan") as c:
        network = c.engine.network
        assert {name: n.address for name, n in network.nodes.items()} == {"node-1": "172.18.0.2",
                                                                         "node-2": "172.18.0.3"}
        c.apply(SERVER.replace("ports: [{port: 80, targetPort: 8080}]",
                               "type: NodePort\n  ports: [{port: 80, targetPort: 8080}]"))
        c.run_until(lambda c: any(s.endpoints for s in c.get("endpointslices") if s.name.startswith("web")), 30)
        c.run(0.5)  # the kube-proxy writes 0.2 s after a change
        node_port = c.get("service", "web").spec.ports[0].node_port
        outside = ["ip", "netns", "exec", network.lan, "timeout", "5", "busybox", "wget", "-q", "-O", "-"]
        for address in ("172.18.0.2", "172.18.0.3"):
            got = subprocess.run([*outside, f"http://{address}:{node_port}/"], capture_output=True, text=True,
                                 timeout=10)
            assert got.stdout == "from server\n", (address, got.stderr)
        routes = network.run_on("node-2", ["ip", "route"]).stdout
        assert "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink" in routes, routes
        assert real_routes(c, "node-2") == simulated_routes(c, "node-2")
        rules = network.run_on("node-2", ["iptables", "-t", "nat", "-S", "KUBE-NODEPORTS"]).stdout
        assert f'--comment "default/web" -m tcp --dport {node_port} -j KUBE-EXT-' in rules, rules
    assert leftovers(c.engine.root) == []


def test_a_pod_finds_a_service_by_its_name_through_cluster_dns(cluster: Cluster) -> None:
    # the kubelet's resolv.conf (nameserver 10.96.0.10, search <ns>.svc.cluster.local ..., ndots:5); kube-dns's
    # EndpointSlice names the DNS server on the lan, and the kube-proxy rules DNAT 10.96.0.10:53/UDP to it
    c = cluster
    c.apply(SERVER)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "by-name"},
             "spec": {"nodeName": "node-2", "restartPolicy": "Never", "containers": [{
                 "name": "get", "image": "busybox",
                 "command": ["sh", "-c", "cat /etc/resolv.conf; for i in $(seq 50); do "
                                         "timeout 2 wget -q -O - http://web 2>/dev/null && exit; sleep 0.2; done; "
                                         "exit 1"]}]}})
    c.run_until(lambda c: c.get("pod", "by-name").status.phase in ("Succeeded", "Failed"), timeout=30)
    assert c.logs("by-name") == resolv_conf("default") + "from server\n"
    dns = c.get("endpointslices", namespace="kube-system")[0]
    assert (dns.name, dns.endpoints[0].addresses, dns.ports[0].port) == ("kube-dns", ["172.18.0.1"], 53)
    assert any(line == f"process {c.linux_dns.server.pid}" for line in leftovers(c.engine.root))  # cleanup's to end
