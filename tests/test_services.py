"""Services: validation, ClusterIP and NodePort allocation, the endpoints controllers, kubectl's tables."""

from __future__ import annotations

import ipaddress

import pytest
from builders import example
from network_builders import client, hostname_app, service

from k8slite import Cluster, Invalid
from k8slite.api.service import Endpoints, EndpointSlice, Service


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster(nodes=3, seed=1)
    cluster.apply(hostname_app())
    cluster.apply(service())
    cluster.run(30)
    return cluster


def ready_ips(c: Cluster, name: str = "who") -> list[str]:
    ep = c.get("endpoints", name)
    assert isinstance(ep, Endpoints)
    return [a.ip for s in ep.subsets for a in s.addresses]


def not_ready_ips(c: Cluster, name: str = "who") -> list[str]:
    ep = c.get("endpoints", name)
    return [a.ip for s in ep.subsets for a in s.not_ready_addresses]


def pod_ips(c: Cluster, app: str = "who") -> list[str]:
    ips = [p.status.pod_ip for p in c.get("pods") if p.metadata.labels.get("app") == app]
    return sorted(ips, key=ipaddress.IPv4Address)


# ---------------------------------------------------------------- the API

def test_the_cluster_starts_with_kubernetes_and_kube_dns() -> None:
    c = Cluster(nodes=1)
    assert c.get("svc", "kubernetes").spec.cluster_ip == "10.96.0.1"
    assert c.get("svc", "kube-dns", "kube-system").spec.cluster_ip == "10.96.0.10"


def test_cluster_ips_come_from_the_service_range_and_differ() -> None:
    c = Cluster(nodes=1, seed=3)
    ips = {c.apply(service(name=f"s{i}"))[0].spec.cluster_ip for i in range(20)}
    assert len(ips) == 20
    assert all(ipaddress.IPv4Address(ip) in ipaddress.IPv4Network("10.96.0.0/12") for ip in ips)
    assert not ips & {"10.96.0.1", "10.96.0.10"}


def test_same_seed_same_cluster_ip() -> None:
    first = Cluster(nodes=1, seed=5).apply(service())[0].spec.cluster_ip
    assert Cluster(nodes=1, seed=5).apply(service())[0].spec.cluster_ip == first


def test_defaults_target_port_is_port() -> None:
    c = Cluster(nodes=1)
    svc = c.apply(example("nginx-svc.yaml"))[0]
    assert isinstance(svc, Service)
    assert (svc.spec.type, svc.spec.ports[0].target_port, svc.spec.session_affinity) == ("ClusterIP", 80, "None")


@pytest.mark.parametrize("spec, message", [
    ("{selector: {a: b}}", 'Service "s" is invalid: spec.ports: Required value'),
    ("{ports: [{port: 80}, {port: 81}]}",
     'Service "s" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]'),
    ("{ports: [{port: 70000}]}",
     'Service "s" is invalid: [spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, '
     "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive]"),  # defaulted = port
    ("{ports: [{port: 80, targetPort: web_port}]}",
     'Service "s" is invalid: spec.ports[0].targetPort: Invalid value: "web_port": must contain only '
     "alpha-numeric characters (a-z, 0-9), and hyphens (-)"),
    ("{type: Magic, ports: [{port: 80}]}",
     'Service "s" is invalid: spec.type: Unsupported value: "Magic": supported values: "ClusterIP", '
     '"LoadBalancer", "NodePort"'),
    ("{ports: [{port: 80, nodePort: 30080}]}",
     "Service \"s\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
    ("{type: NodePort, ports: [{port: 80, nodePort: 80}]}",
     'Service "s" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid '
     "range. The range of valid ports is 30000-32767"),
    ("{type: NodePort, clusterIP: None, ports: [{port: 80}]}",
     "Service \"s\" is invalid: spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for "
     "NodePort services"),
    ("{clusterIP: 10.96.0.10, ports: [{port: 80}]}",
     'Service "s" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP '
     "10.96.0.10: provided IP is already allocated"),
    ("{clusterIP: 192.168.0.1, ports: [{port: 80}]}",
     'Service "s" is invalid: spec.clusterIPs: Invalid value: []string{"192.168.0.1"}: failed to allocate IP '
     "192.168.0.1: the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is "
     "10.96.0.0/12"),
    ("{sessionAffinity: Sticky, ports: [{port: 80}]}",
     'Service "s" is invalid: spec.sessionAffinity: Unsupported value: "Sticky": supported values: '
     '"ClientIP", "None"'),
])
def test_validation_in_kubernetes_words(spec: str, message: str) -> None:
    c = Cluster(nodes=1)
    with pytest.raises(Invalid) as error:
        c.apply(f"{{apiVersion: v1, kind: Service, metadata: {{name: s}}, spec: {spec}}}")
    assert str(error.value) == message
    assert [s.name for s in c.get("svc")] == ["kubernetes"]


def test_node_port_clash_and_a_bad_document_stores_nothing() -> None:
    c = Cluster(nodes=1)
    np = ("{{apiVersion: v1, kind: Service, metadata: {{name: {}}}, "
          "spec: {{type: NodePort, ports: [{{port: 80, nodePort: 30080}}]}}}}")
    c.apply(np.format("one"))
    with pytest.raises(Invalid, match=r"spec.ports\[0\].nodePort: Invalid value: 30080: provided port is already "
                                      "allocated"):
        c.apply(np.format("two") + "\n---\n" + client())
    assert [p.name for p in c.get("pods")] == []


def test_node_ports_are_allocated_and_kept_on_update() -> None:
    c = Cluster(nodes=1)
    svc = c.apply(service(extra="  type: NodePort"))[0]
    node_port = svc.spec.ports[0].node_port
    assert node_port in range(30000, 32768)
    again = c.apply(service(extra="  type: NodePort"))[0]  # the manifest has no nodePort: the allocated one stays
    assert (again.spec.ports[0].node_port, again.spec.cluster_ip) == (node_port, svc.spec.cluster_ip)
    assert c.kubectl("get svc who").splitlines()[1].split()[4] == f"80:{node_port}/TCP"


def test_cluster_ip_is_immutable() -> None:
    c = Cluster(nodes=1)
    c.apply(service())
    with pytest.raises(Invalid, match=r'spec.clusterIPs\[0\]: Invalid value: \[\]string\{"10.96.0.99"\}: may not '
                                      "change once set"):
        c.apply(service(extra="  clusterIP: 10.96.0.99"))


def test_load_balancer_is_a_node_port_with_a_pending_external_ip() -> None:
    c = Cluster(nodes=1)
    c.apply(service(extra="  type: LoadBalancer"))
    cells = c.kubectl("get svc who").splitlines()[1].split()
    assert cells[1:4] == ["LoadBalancer", c.get("svc", "who").spec.cluster_ip, "<pending>"]
    assert cells[4].startswith("80:3")


# ---------------------------------------------------------------- endpoints

def test_endpoints_list_the_ready_pods_with_the_named_port(c: Cluster) -> None:
    assert ready_ips(c) == pod_ips(c)
    ep = c.get("endpoints", "who")
    assert [p.port for p in ep.subsets[0].ports] == [8080]
    refs = {a.target_ref.name for a in ep.subsets[0].addresses}
    assert refs == {p.name for p in c.get("pods")}


def test_endpoint_slices_say_ready_per_pod(c: Cluster) -> None:
    slices = [s for s in c.get("endpointslices") if s.metadata.labels.get("kubernetes.io/service-name") == "who"]
    assert len(slices) == 1 and isinstance(slices[0], EndpointSlice)
    assert sorted(a for e in slices[0].endpoints for a in e.addresses) == sorted(pod_ips(c))
    assert all(e.conditions.ready for e in slices[0].endpoints)
    assert slices[0].metadata.owner_references[0].name == "who"


def test_a_pod_that_fails_its_readiness_probe_leaves_the_endpoints(c: Cluster) -> None:
    pod = next(p for p in c.get("pods") if p.metadata.labels.get("app") == "who")
    c.exec(pod.name, "rm /www/index.html")  # the probe now gets 404
    c.run(10)
    assert pod.status.pod_ip in not_ready_ips(c)
    assert pod.status.pod_ip not in ready_ips(c)
    c.exec(pod.name, "hostname > /www/index.html")
    c.run(10)
    assert pod.status.pod_ip in ready_ips(c)


def test_pods_of_a_failed_node_leave_the_endpoints(c: Cluster) -> None:
    victim = next(p for p in c.get("pods") if p.metadata.labels.get("app") == "who")
    c.node(victim.spec.node_name).fail()
    c.run(60)  # 40 s of silence, then the node lifecycle controller marks its pods not Ready
    assert victim.status.pod_ip not in ready_ips(c)
    assert victim.status.pod_ip in not_ready_ips(c)
    assert len(ready_ips(c)) == 2


def test_selector_mismatch_gives_no_endpoints() -> None:
    c = Cluster(nodes=2)
    c.apply(hostname_app())
    c.apply(service(name="typo", selector="whoo"))
    c.run(30)
    assert c.kubectl("get ep typo") == "NAME   ENDPOINTS   AGE\ntypo   <none>      30s\n"


def test_wrong_named_target_port_gives_no_endpoints() -> None:
    c = Cluster(nodes=2)
    c.apply(hostname_app())
    c.apply(service(target="web"))
    c.run(30)
    assert c.get("endpoints", "who").subsets == []


def test_deleting_the_service_deletes_its_endpoints(c: Cluster) -> None:
    c.delete("svc", "who")
    c.run(5)
    assert [e.name for e in c.get("endpoints")] == ["kubernetes"]
    assert [s.name for s in c.get("endpointslices")] == ["kubernetes"]


# ---------------------------------------------------------------- kubectl

def test_kubectl_tables(c: Cluster) -> None:
    ip = c.get("svc", "who").spec.cluster_ip
    assert c.kubectl("get svc who") == (
        "NAME   TYPE        CLUSTER-IP" + " " * (len(ip) - 7) + "EXTERNAL-IP   PORT(S)   AGE\n"
        f"who    ClusterIP   {ip}   <none>        80/TCP    30s\n")
    eps = ",".join(f"{i}:8080" for i in pod_ips(c))
    assert c.kubectl("get endpoints who").splitlines()[1].split() == ["who", eps, "30s"]
    c.apply(hostname_app(replicas=5))
    c.run(30)
    first = ",".join(f"{i}:8080" for i in pod_ips(c)[:3])
    assert c.kubectl("get ep who").splitlines()[1].split()[1:5] == [first, "+", "2", "more..."]
    slice_row = [r for r in c.kubectl("get endpointslices").splitlines() if r.startswith("who-")][0].split()
    assert slice_row[1:3] == ["IPv4", "8080"]


def test_nginx_examples_from_the_docs() -> None:
    c = Cluster(nodes=3)
    c.apply(example("run-my-nginx.yaml"))
    c.apply(example("nginx-svc.yaml"))
    c.run(30)
    ips = sorted(p.status.pod_ip for p in c.get("pods"))
    assert c.kubectl("get ep my-nginx").splitlines()[1].split()[1] == ",".join(f"{i}:80" for i in ips)
    svc = c.get("svc", "my-nginx")
    assert c.kubectl("describe svc my-nginx") == (
        "Name:                     my-nginx\n"
        "Namespace:                default\n"
        "Labels:                   run=my-nginx\n"
        "Annotations:              <none>\n"
        "Selector:                 run=my-nginx\n"
        "Type:                     ClusterIP\n"
        "IP Family Policy:         SingleStack\n"
        "IP Families:              IPv4\n"
        f"IP:                       {svc.spec.cluster_ip}\n"
        f"IPs:                      {svc.spec.cluster_ip}\n"
        "Port:                     <unset>  80/TCP\n"
        "TargetPort:               80/TCP\n"
        f"Endpoints:                {ips[0]}:80,{ips[1]}:80\n"
        "Session Affinity:         None\n"
        "Internal Traffic Policy:  Cluster\n"
        "Events:                   <none>\n")


def test_kubectl_expose() -> None:
    c = Cluster(nodes=2)
    c.apply(hostname_app())
    assert c.kubectl("expose deployment who --port 80 --target-port 8080") == "service/who exposed\n"
    svc = c.get("svc", "who")
    assert (svc.spec.selector, svc.spec.ports[0].port, svc.spec.ports[0].target_port) == ({"app": "who"}, 80, 8080)
    assert c.kubectl("expose deployment who --name who-np --type NodePort").splitlines() == ["service/who-np exposed"]
    assert c.get("svc", "who-np").spec.ports[0].port == 8080  # the containerPort, by introspection
    assert c.kubectl("expose deployment who --port 80") == (
        'Error from server (AlreadyExists): services "who" already exists\n')
    c.apply(client())
    assert c.kubectl("expose pod client") == "error: couldn't find port via --port flag or introspection\n"
