"""A pod's own DNS name under a headless Service: spec.hostname and spec.subdomain, as in the docs'
"DNS for Services and Pods" and "Job with Pod-to-Pod Communication" (an Indexed Job behind a headless Service)."""

from __future__ import annotations

from k8slite import Cluster
from k8slite.network.dns import CLUSTER_DOMAIN, ClusterDNS

HEADLESS_JOB = """
apiVersion: v1
kind: Service
metadata: {name: headless-svc}
spec:
  clusterIP: None
  selector: {job-name: example-job}
---
apiVersion: batch/v1
kind: Job
metadata: {name: example-job}
spec:
  completions: 3
  parallelism: 3
  completionMode: Indexed
  template:
    spec:
      subdomain: headless-svc
      restartPolicy: Never
      containers:
      - {name: worker, image: busybox, command: [sleep, "3600"]}
"""


def started() -> Cluster:
    c = Cluster(nodes=2)
    c.apply(HEADLESS_JOB)
    c.run(20)
    return c


def pod_of(c: Cluster, index: int) -> str:
    return next(p.name for p in c.get("pods") if p.spec.hostname == f"example-job-{index}")


def test_the_endpoints_carry_the_pods_hostnames() -> None:
    c = started()
    slices = [s for s in c.get("endpointslices") if s.name.startswith("headless-svc")]
    assert sorted(e.hostname for s in slices for e in s.endpoints) == ["example-job-0", "example-job-1",
                                                                      "example-job-2"]
    endpoints = c.get("endpoints", "headless-svc")
    assert sorted(a.hostname for subset in endpoints.subsets for a in subset.addresses) == [
        "example-job-0", "example-job-1", "example-job-2"]


def test_each_pod_has_a_name_under_the_service() -> None:
    c = started()
    ip = c.get("pod", pod_of(c, 1)).status.pod_ip
    fqdn = f"example-job-1.headless-svc.default.svc.{CLUSTER_DOMAIN}"
    assert ClusterDNS(c.api).lookup(fqdn) == [ip]
    out = c.kubectl(f"exec {pod_of(c, 0)} -- nslookup example-job-1.headless-svc")
    assert out.endswith(f"Name:      example-job-1.headless-svc\nAddress 1: {ip}\n")
    dashed = ip.replace(".", "-")
    assert ClusterDNS(c.api).lookup(f"{dashed}.headless-svc.default.svc.{CLUSTER_DOMAIN}") is None  # it has a hostname
    assert ClusterDNS(c.api).lookup(f"example-job-7.headless-svc.default.svc.{CLUSTER_DOMAIN}") is None


def test_a_pod_without_hostname_is_named_by_its_ip() -> None:
    c = Cluster(nodes=1)
    c.apply(HEADLESS_JOB.replace("completionMode: Indexed", "completionMode: NonIndexed"))
    c.run(20)
    pod = c.get("pods")[0]
    assert pod.spec.hostname == ""
    dashed = pod.status.pod_ip.replace(".", "-")
    assert ClusterDNS(c.api).lookup(f"{dashed}.headless-svc.default.svc.{CLUSTER_DOMAIN}") == [pod.status.pod_ip]


def test_only_a_headless_service_names_its_pods() -> None:
    c = Cluster(nodes=1)
    c.apply(HEADLESS_JOB.replace("clusterIP: None", "ports: [{port: 80}]"))
    c.run(20)
    assert ClusterDNS(c.api).lookup(f"example-job-0.headless-svc.default.svc.{CLUSTER_DOMAIN}") is None


def test_the_kubelet_writes_the_full_name_into_etc_hosts() -> None:
    c = started()
    pod = c.get("pod", pod_of(c, 2))
    hosts = c.kubectl(f"exec {pod.name} -- cat /etc/hosts")
    assert hosts.endswith(f"{pod.status.pod_ip}\texample-job-2.headless-svc.default.svc.{CLUSTER_DOMAIN}\t"
                          "example-job-2\n")
    assert c.kubectl(f"exec {pod.name} -- hostname") == "example-job-2\n"
