"""`apply` as kubectl does it: merge into the live object, and drop what the last apply set and this one leaves out."""

from k8slite import Cluster
from k8slite.api.kinds import decode
from k8slite.apply import three_way

CONFIG = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "labels": {"team": "a"}},
          "data": {"greeting": "hello", "color": "blue"}}


def test_a_key_left_out_of_the_manifest_is_deleted_when_the_last_apply_set_it():
    c = Cluster(nodes=1)
    c.apply(CONFIG)
    c.apply({**CONFIG, "data": {"greeting": "bonjour"}})
    assert c.get("configmap", "cfg").data == {"greeting": "bonjour"}


def test_fields_that_others_set_stay():
    c = Cluster(nodes=1)
    c.apply(CONFIG)
    c.kubectl("label configmap cfg owner=ops")
    c.apply({**CONFIG, "data": {"greeting": "hi"}})
    assert c.get("configmap", "cfg").metadata.labels == {"team": "a", "owner": "ops"}


def test_an_object_never_applied_is_only_merged_into():
    c = Cluster(nodes=1)
    c.api.create(decode(dict(CONFIG)))  # as a controller or `kubectl create` would
    c.apply({**CONFIG, "data": {"greeting": "hi"}})
    assert c.get("configmap", "cfg").data == {"greeting": "hi", "color": "blue"}


def test_three_way_prunes_mapping_by_mapping_and_replaces_lists():
    live = {"spec": {"replicas": 3, "paused": True, "template": {"a": 1, "b": 2}, "ports": [1, 2]}}
    last = {"spec": {"paused": True, "template": {"a": 1, "b": 2}, "ports": [1, 2]}}
    new = {"spec": {"template": {"a": 1}, "ports": [3]}}
    assert three_way(live, last, new) == {"spec": {"replicas": 3, "template": {"a": 1}, "ports": [3]}}
    assert three_way(live, None, new)["spec"]["paused"] is True


def test_three_way_merges_containers_by_name_in_the_manifest_s_order():
    # kubectl apply sends $setElementOrder/containers with the manifest's order, and `$patch: delete` for a
    # container the last apply had (strategicpatch/patch.go, normalizeElementOrder)
    a, b, side = ({"name": n, "image": f"{n}:1"} for n in ("a", "b", "side"))
    live = {"spec": {"containers": [{**a, "imagePullPolicy": "IfNotPresent"}, side, b]}}
    last = {"spec": {"containers": [a, b]}}
    new = {"spec": {"containers": [{"name": "a", "image": "a:2"}]}}
    assert three_way(live, last, new)["spec"]["containers"] == [
        {"name": "a", "image": "a:2", "imagePullPolicy": "IfNotPresent"}, side]  # b dropped, side (not ours) kept
    swapped = {"spec": {"containers": [b, a]}}
    assert [c["name"] for c in three_way(live, last, swapped)["spec"]["containers"]] == ["side", "b", "a"]


def test_apply_changing_one_container_keeps_the_order_of_the_pod_s_containers():
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "two"},
           "spec": {"containers": [{"name": "a", "image": "busybox", "command": ["sleep", "3600"]},
                                   {"name": "b", "image": "busybox", "command": ["sleep", "3600"]}]}}
    c = Cluster(nodes=1)
    c.apply(pod)
    changed = {**pod, "spec": {"containers": [{**pod["spec"]["containers"][0], "image": "busybox:1.36"},
                                              pod["spec"]["containers"][1]]}}
    c.apply(changed)
    assert [(x.name, x.image) for x in c.get("pod", "two").spec.containers] == [("a", "busybox:1.36"), ("b", "busybox")]
