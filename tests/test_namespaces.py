"""Namespaces: names are scoped by them, and deleting one empties it (gracefully) before it goes."""

import pytest
from builders import deployment_yaml, example, make_pod

from k8slite import AlreadyExists, Cluster, Forbidden, NotFound
from k8slite.api.core import Namespace
from k8slite.api.meta import ObjectMeta
from k8slite.api.node import Node


def namespace(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def in_namespace(manifest: str, ns: str) -> str:
    return manifest.replace("metadata:\n  name:", f"metadata:\n  namespace: {ns}\n  name:", 1)


@pytest.fixture
def c() -> Cluster:
    cluster = Cluster(nodes=2, seed=0)
    cluster.apply([namespace("team-a"), namespace("team-b")])
    return cluster


def test_the_system_namespaces_exist_with_the_finalizer_and_name_label():
    c = Cluster(nodes=1)
    names = [ns.name for ns in c.get("namespaces")]
    assert names == ["default", "kube-node-lease", "kube-public", "kube-system"]
    ns = c.get("ns", "kube-system")
    assert ns.spec.finalizers == ["kubernetes"] and ns.status.phase == "Active"
    assert ns.metadata.labels == {"kubernetes.io/metadata.name": "kube-system"}


def test_names_are_unique_per_namespace_and_kind(c):
    c.api.create(make_pod("web", namespace="team-a"))
    c.api.create(make_pod("web", namespace="team-b"))  # the same name in another namespace is fine
    with pytest.raises(AlreadyExists, match='pods "web" already exists'):
        c.api.create(make_pod("web", namespace="team-a"))
    assert [p.namespace for p in c.api.list("pods")] == ["team-a", "team-b"]


def test_cluster_scoped_kinds_ignore_the_namespace(c):
    node = c.get("nodes", "node-1", namespace="team-a")
    assert node.namespace == "" and c.get("ns", "team-a", namespace="whatever").name == "team-a"
    stored = c.api.create(Node(metadata=ObjectMeta(name="extra", namespace="team-a")))
    assert stored.namespace == "" and c.get("node", "extra").metadata.uid == stored.metadata.uid


def test_creating_in_a_missing_namespace_is_not_found(c):
    with pytest.raises(NotFound, match='^namespaces "nowhere" not found$'):
        c.api.create(make_pod("web", namespace="nowhere"))


def test_memory_demo_needs_its_namespace():
    c = Cluster(nodes=1)
    with pytest.raises(NotFound, match='namespaces "mem-example" not found'):
        c.apply(example("memory-request-limit.yaml"))
    c.apply(namespace("mem-example"))
    (pod,) = c.apply(example("memory-request-limit.yaml"))
    c.run(10)
    assert c.get("pod", "memory-demo", namespace="mem-example").status.phase == "Running"
    assert pod.spec.containers[0].resources.limits == {"memory": "200Mi"}


def test_delete_namespace_is_terminating_until_its_pods_have_stopped(c):
    c.apply(in_namespace(deployment_yaml("web", replicas=3), "team-a"))
    c.apply(in_namespace(deployment_yaml("api", replicas=2), "team-b"))
    c.run(10)
    assert c.kubectl("delete namespace team-a --wait=false") == 'namespace "team-a" deleted\n'
    ns = c.get("ns", "team-a")
    assert ns.status.phase == "Terminating" and ns.metadata.deletion_timestamp == c.now
    c.run(1)
    pods = c.get("pods", namespace="team-a")
    assert len(pods) == 3 and all(p.metadata.deletion_timestamp == 10 + 30 for p in pods)  # 10 s + 30 s of grace
    assert "team-a            Terminating" in c.kubectl("get ns")
    assert c.get("deploy", namespace="team-a") == [] and c.get("rs", namespace="team-a") == []
    c.run(25)
    assert len(c.get("pods", namespace="team-a")) == 3 and c.get("ns", "team-a")  # still waiting for the grace
    c.run(10)
    with pytest.raises(NotFound, match='namespaces "team-a" not found'):
        c.get("ns", "team-a")
    assert c.api.list("pods", "team-a") == [] and c.api.list("events", "team-a") == []
    assert len(c.get("pods", namespace="team-b")) == 2  # the other team's namespace is untouched


def test_nothing_new_can_be_created_in_a_terminating_namespace(c):
    c.apply(in_namespace(deployment_yaml("web", replicas=1), "team-a"))
    c.run(5)
    c.delete("namespace", "team-a")
    with pytest.raises(Forbidden) as refused:
        c.api.create(make_pod("late", namespace="team-a"))
    assert str(refused.value) == ('pods "late" is forbidden: unable to create new content in namespace team-a '
                                  "because it is being terminated")


def test_deleting_a_terminating_namespace_again_changes_nothing(c):
    c.api.create(make_pod("web", namespace="team-a"))
    c.run(5)
    first = c.delete("namespace", "team-a")
    again = c.delete("namespace", "team-a")
    assert again.metadata.resource_version == first.metadata.resource_version


def test_an_empty_namespace_goes_at_once(c):
    c.delete("namespace", "team-b")
    c.run(0)
    assert [ns.name for ns in c.get("ns")] == ["default", "kube-node-lease", "kube-public", "kube-system", "team-a"]


def test_without_the_controller_a_namespace_stays_terminating():
    c = Cluster(nodes=1, controllers=False)
    c.api.create(Namespace(metadata=ObjectMeta(name="stuck")))
    c.delete("ns", "stuck")
    c.run(60)
    assert c.get("ns", "stuck").status.phase == "Terminating"


def test_get_all_namespaces_puts_the_namespace_first(c):
    c.api.create(make_pod("web", namespace="team-a"))
    c.api.create(make_pod("db", namespace="team-b"))
    c.run(5)
    lines = c.kubectl("get pods -A").splitlines()
    assert lines[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert [line.split()[:2] for line in lines[1:]] == [["team-a", "web"], ["team-b", "db"]]
    assert c.kubectl("get pods --namespace team-b").splitlines()[1].split()[0] == "db"
    assert c.kubectl("get pods -n team-c") == "No resources found in team-c namespace.\n"


def test_kubectl_create_namespace_and_quota_generators():
    c = Cluster(nodes=1)
    assert c.kubectl("create namespace team-c") == "namespace/team-c created\n"
    assert c.kubectl("create ns team-c") == 'Error from server (AlreadyExists): namespaces "team-c" already exists\n'
    assert c.kubectl("create quota q --hard=pods=2,requests.cpu=1 -n team-c") == "resourcequota/q created\n"
    assert c.get("quota", "q", namespace="team-c").spec.hard == {"pods": "2", "requests.cpu": "1"}
    assert c.kubectl("create quota q --hard=pods -n team-c").startswith('error: invalid argument "pods"')
    assert c.kubectl("delete ns team-c") == 'namespace "team-c" deleted\n'
    c.run(1)
    assert "team-c" not in c.kubectl("get ns")
