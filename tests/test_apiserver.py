"""The API server: defaults, conflicts, immutability, graceful deletion, watch."""

import random

import pytest
from builders import make_pod

from k8slite import AlreadyExists, Cluster, Conflict, Expired, Invalid, NotFound
from k8slite.apiserver import APIServer
from k8slite.clock import VirtualClock
from k8slite.store import Store


@pytest.fixture
def c():
    return Cluster(nodes=1)


def test_defaults_are_filled_in(c):
    (pod,) = c.apply("""
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - {name: a, image: busybox}
  - {name: b, image: "nginx:1.14.2", livenessProbe: {httpGet: {port: 80}}}
""")
    d = pod.to_dict()
    assert d["metadata"]["namespace"] == "default"
    assert d["spec"]["restartPolicy"] == "Always" and d["spec"]["terminationGracePeriodSeconds"] == 30
    assert [x["imagePullPolicy"] for x in d["spec"]["containers"]] == ["Always", "IfNotPresent"]
    probe = d["spec"]["containers"][1]["livenessProbe"]
    assert (probe["timeoutSeconds"], probe["periodSeconds"], probe["failureThreshold"]) == (1, 10, 3)
    assert {(t["key"], t["tolerationSeconds"]) for t in d["spec"]["tolerations"]} == {
        ("node.kubernetes.io/not-ready", 300), ("node.kubernetes.io/unreachable", 300)}
    assert d["metadata"]["creationTimestamp"] == "2025-01-01T00:00:00Z"


def test_stale_update_is_a_conflict(c):
    c.apply(make_pod("p"))
    first, second = c.get("pod", "p").copy(), c.get("pod", "p").copy()
    first.metadata.labels["a"] = "1"
    c.api.update(first)
    second.metadata.labels["b"] = "2"
    with pytest.raises(Conflict, match='Operation cannot be fulfilled on pods "p": the object has been modified; '
                                       "please apply your changes to the latest version and try again"):
        c.api.update(second)


def test_pod_spec_is_mostly_immutable(c):
    c.apply(make_pod("p"))
    pod = c.get("pod", "p").copy()
    pod.spec.containers[0].command = ["sh", "-c", "sleep 1"]
    with pytest.raises(Invalid, match=r'Pod "p" is invalid: spec: Forbidden: pod updates may not change fields'):
        c.api.update(pod)
    pod = c.get("pod", "p").copy()
    pod.spec.containers[0].image = "busybox:1.36"
    assert c.api.update(pod).spec.containers[0].image == "busybox:1.36"


def test_create_twice_and_missing(c):
    c.apply(make_pod("p"))
    with pytest.raises(AlreadyExists, match='pods "p" already exists'):
        c.api.create(make_pod("p"))
    with pytest.raises(NotFound, match='pods "q" not found'):
        c.get("pod", "q")


def test_reapply_updates_and_bumps_generation():
    c = Cluster(nodes=1)
    text = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r}\nspec:\n  replicas: %d\n" \
           "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n" \
           "    spec: {containers: [{name: c, image: busybox, command: [sleep, '99']}]}\n"
    (rs,) = c.apply(text % 1)
    (rs2,) = c.apply(text % 3)
    assert rs2.metadata.uid == rs.metadata.uid and rs2.metadata.generation == 2
    c.run(5)
    assert len(c.get("pods")) == 3


def test_only_the_workloads_and_endpointslices_have_a_generation():
    """As in 1.32: a Pod (until 1.33), a Service, a ConfigMap have no metadata.generation, even when changed."""
    c = Cluster(nodes=1)
    c.kubectl("create deployment web --image=busybox")
    c.kubectl("expose deployment web --port=80")
    c.kubectl("create configmap cfg --from-literal=a=b")
    c.run(5)
    c.kubectl("label pods --all changed=yes")
    c.kubectl("set image deployment/web busybox=busybox:1.36")
    assert c.get("deploy", "web").metadata.generation == 2
    assert "generation" not in c.kubectl("get pods,services,configmaps -o yaml")
    pod = c.get("pods")[0]
    pod.spec.active_deadline_seconds = 600  # a change of the spec, allowed on a pod
    assert c.api.update(pod).metadata.generation is None
    # an EndpointSlice has no spec: its generation counts changes to anything but its metadata
    (web,) = [s for s in c.get("endpointslices") if s.name.startswith("web-")]
    web.metadata.labels["seen"] = "yes"
    assert c.api.update(web).metadata.generation == web.metadata.generation
    c.kubectl("scale deployment web --replicas=2")
    c.run(10)
    assert c.get("endpointslices", web.name).metadata.generation > web.metadata.generation


def test_graceful_deletion_waits_for_the_kubelet(c):
    c.apply(make_pod("p", command="sleep 3600"))
    c.run(5)
    marked = c.delete("pod", "p")
    assert marked.metadata.deletion_timestamp == 35
    c.run(29)
    assert c.get("pod", "p").metadata.deletion_timestamp == 35  # sh ignores SIGTERM: grace runs out
    c.run(2)
    assert c.get("pods") == []
    killed = [e for e in c.events() if e.reason == "Killing"]
    assert killed[0].message == "Stopping container main"


def test_server_stops_at_once_on_sigterm(c):
    pod = make_pod("web", image="nginx")
    pod.spec.containers[0].command = []
    c.apply(pod)
    c.run(5)
    c.delete("pod", "web")
    c.run(0.5)
    assert c.get("pods") == []


def test_watch_sees_every_change_in_order():
    api = APIServer(VirtualClock(), random.Random(0))
    from k8slite.api.core import Namespace
    from k8slite.api.meta import ObjectMeta
    api.create(Namespace(metadata=ObjectMeta(name="default")))
    start = api.store.revision
    w = api.watch("pods", from_revision=start)
    api.create(make_pod("a"))
    pod = api.get("pods", "a").copy()
    pod.metadata.labels["x"] = "y"
    api.update(pod)
    api.delete("pods", "a")
    assert [(e.type, e.value.name) for e in w.drain()] == [("ADDED", "a"), ("MODIFIED", "a"), ("DELETED", "a")]


def test_watch_too_far_back_is_expired():
    api = APIServer(VirtualClock(), random.Random(0), Store(history=5))
    from k8slite.api.core import Namespace
    from k8slite.api.meta import ObjectMeta
    for i in range(10):
        api.create(Namespace(metadata=ObjectMeta(name=f"ns-{i}")))
    with pytest.raises(Expired, match="too old resource version"):
        api.watch("namespaces", from_revision=1)


def test_generate_name_is_seeded():
    def names(seed):
        c = Cluster(nodes=1, seed=seed)
        c.apply("apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\nspec: {containers: [{name: a, image: b}]}")
        return [p.name for p in c.get("pods")]
    assert names(1) == names(1) and names(1) != names(2)
    assert names(1)[0].startswith("web-") and len(names(1)[0]) == 9


def test_an_owned_object_is_stored_as_it_is_and_any_other_is_copied():
    c = Cluster(nodes=1, controllers=False, scheduler=False)
    mine = make_pod("mine")
    stored = c.api.create(mine)
    assert stored is not mine and mine.metadata.uid == ""  # the caller's object is not changed
    handed = make_pod("handed")
    assert c.api.create(handed, owned=True) is handed  # an Event the recorder made for this call
    new = stored.copy()
    new.status.phase = "Running"
    kept = c.api.update_status(new, owned=True)
    assert kept.status is new.status and kept.metadata is not stored.metadata
    assert c.api.get("pods", "mine").status.phase == "Running" and stored.status.phase == "Pending"
    again = kept.copy()
    again.status.phase = "Succeeded"
    copied = c.api.update_status(again)
    assert copied.status is not again.status and copied.status.phase == "Succeeded"
