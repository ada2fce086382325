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
