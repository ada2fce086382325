"""A Cluster on etcd, closed and started again on the same etcd: the control plane restarting."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from k8slite import Cluster
from k8slite.api.pod import Pod
from k8slite.etcd_store import EtcdStore

WEB = "manifests/08-web.yaml"  # a Deployment of 4 replicas of busybox:1.35, ready about 5 s after they start

OpenCluster = Callable[[], Cluster]


@pytest.fixture
def open_cluster(etcd_url: str, etcd_prefix: str) -> OpenCluster:
    """A new Cluster (3 nodes, seed 0) on the test's own part of the session's etcd, each call."""
    return lambda: Cluster(nodes=3, seed=0, store=EtcdStore(etcd_url, prefix=etcd_prefix))


def test_a_rollout_interrupted_by_a_restart_completes(open_cluster: OpenCluster):
    with open_cluster() as c:
        c.apply(WEB)
        c.run_until(lambda c: c.ready("deployment/web"), timeout=60)
        c.kubectl("set image deployment/web web=busybox:1.36")
        c.run(4)
        images = sorted(p.spec.containers[0].image for p in c.get("pods") if p.metadata.deletion_timestamp is None)
        assert images == ["busybox:1.35"] * 3 + ["busybox:1.36"] * 2  # half-way: maxSurge 1, maxUnavailable 1
        uid, stopped_at = c.get("deployment", "web").metadata.uid, c.now
        names_before = {p.name for p in c.get("pods")}
    with open_cluster() as d:
        assert stopped_at - 10 <= d.now <= stopped_at  # the time of the last change (a heartbeat at most 10 s before)
        assert not d.ready("deployment/web")
        d.run_until(lambda c: c.ready("deployment/web"), timeout=120)
        assert d.get("deployment", "web").metadata.uid == uid
        pods = [p for p in d.get("pods") if p.metadata.deletion_timestamp is None]
        annotations = d.get("deployment", "web").metadata.annotations
        assert annotations["deployment.kubernetes.io/revision"] == "2"  # the same rollout, not a third one
        assert len(pods) == 4 and all(isinstance(p, Pod) and p.is_ready() for p in pods)
        assert {p.spec.containers[0].image for p in pods} == {"busybox:1.36"}
        assert len({p.metadata.owner_references[0].name for p in pods}) == 1
        added = {p.name for p in d.get("pods")} - names_before
        assert len(added) == 2  # the two pods the rollout still needed, under new names


def test_a_restarted_cluster_finds_everything_as_it_was_and_carries_on(open_cluster: OpenCluster):
    with open_cluster() as c:
        c.apply(WEB)
        c.run(30)
        kept = {(o.kind, o.namespace, o.name): o for o in c.api.list("services") + c.api.list("namespaces")
                + c.api.list("storageclasses") + c.api.list("serviceaccounts")}
        web = c.get("deployment", "web")
        revision = c.api.store.revision
        # (kube-node-lease, its ServiceAccount and its ConfigMap share a uid in any k8slite cluster: the
        # controllers' own connections start the Leases' random source afresh, apiserver.py)
        shared_uids_before = shared_uids(c)
    with open_cluster() as d:
        for (kind, namespace, name), obj in kept.items():  # what nothing changes as the cluster starts again
            found = d.get(kind, name, namespace)
            assert (found.metadata.uid, found.metadata.resource_version) == (
                obj.metadata.uid, obj.metadata.resource_version), (kind, name)
        assert d.get("deployment", "web").metadata.uid == web.metadata.uid  # its status changes: pods restart
        assert d.api.store.revision >= revision
        d.run(30)
        assert [n.name for n in d.get("nodes") if n.is_ready()] == ["node-1", "node-2", "node-3"]
        assert d.ready("deployment/web") and all(p.is_ready() for p in d.get("pods"))
        d.kubectl("create deployment other --image=busybox --replicas=3")
        d.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})  # its ServiceAccount too
        d.run(10)
        assert shared_uids(d) == shared_uids_before  # the random sources moved on: no uid drawn again


def shared_uids(c: Cluster) -> dict[str, list[str]]:
    """uid -> the keys of the objects that have it, for uids more than one object has."""
    keys: dict[str, list[str]] = {}
    for key, obj, _ in c.api.store.list("/registry/"):
        keys.setdefault(obj.metadata.uid, []).append(key)
    return {uid: found for uid, found in keys.items() if len(found) > 1}



def test_a_new_cluster_on_etcd_runs_as_it_does_in_memory(open_cluster: OpenCluster):
    # same seed, same draws, same events: only the resourceVersions (etcd's) differ
    command = "get pods -o wide"
    with Cluster(nodes=3, seed=0) as memory, open_cluster() as etcd:
        for c in (memory, etcd):
            c.apply(WEB)
            c.run(30)
            c.kubectl("set image deployment/web web=busybox:1.36")
            c.run(30)
        assert etcd.kubectl(command) == memory.kubectl(command)
        assert [(e.reason, e.message) for e in etcd.events()] == [(e.reason, e.message) for e in memory.events()]
