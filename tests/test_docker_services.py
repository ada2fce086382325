"""Services with real containers: a pod reaches others by Service name through k8slite's userspace proxy."""

from __future__ import annotations

import docker
import pytest
from network_builders import client, hostname_app, service

from k8slite import Cluster

pytestmark = pytest.mark.docker


def ready_endpoints(c: Cluster, name: str) -> int:
    found = [e for e in c.get("endpoints") if e.name == name]
    return sum(len(s.addresses) for s in found[0].subsets) if found else 0


def test_a_pod_reaches_others_by_service_name() -> None:
    with Cluster(nodes=2, runtime="docker") as c:
        c.apply(hostname_app(replicas=2))
        c.apply(service())
        c.apply(client())
        c.run_until(lambda c: ready_endpoints(c, "who") == 2 and c.ready("pod/client"), timeout=90)
        c.run(2)  # the proxy's backends and the pods' /etc/hosts follow on the next sync
        pods = {p.name for p in c.get("pods") if p.name != "client"}
        answers = {c.exec("client", "wget -qO- http://who/").strip() for _ in range(12)}
        assert answers <= pods and len(answers) == 2  # both pods answer, at random per connection
        assert c.exec("client", "wget -qO- http://who.default.svc.cluster.local/").strip() in pods
        hosts = c.exec("client", "cat /etc/hosts")
        assert f"{c.docker_services.address('who')}\twho who.default " in hosts
        cluster_ip = c.get("service", "who").spec.cluster_ip  # the kubelet's variables name the ClusterIP
        assert c.exec("client", "printenv WHO_SERVICE_HOST WHO_SERVICE_PORT") == f"{cluster_ip}\n80\n"
        cluster_id = c.engine.cluster_id
    left = docker.from_env().containers.list(all=True, filters={"label": f"k8slite.cluster={cluster_id}"})
    assert left == []
