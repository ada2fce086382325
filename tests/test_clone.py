"""meta.clone and meta.shallow: the API server's copies of objects, and the slots that keep them small."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil

import k8slite.api
from k8slite.api.kinds import decode
from k8slite.api.meta import clone, shallow
from k8slite.api.pod import Pod

POD = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"name": "web", "labels": {"app": "web"}, "ownerReferences": [{"kind": "ReplicaSet",
                                                                                   "name": "rs", "uid": "1"}]},
       "spec": {"containers": [{"name": "c", "image": "busybox", "env": [{"name": "A", "value": "1"}],
                                "resources": {"requests": {"cpu": "10m"}}}],
                "tolerations": [{"key": "k", "operator": "Exists"}]}}


def api_dataclasses() -> list[type]:
    found = []
    for module in pkgutil.iter_modules(k8slite.api.__path__):
        loaded = importlib.import_module(f"k8slite.api.{module.name}")
        found += [v for v in vars(loaded).values() if isinstance(v, type) and dataclasses.is_dataclass(v)
                  and v.__module__ == loaded.__name__]
    return found


def test_every_api_type_keeps_its_fields_in_slots() -> None:
    """No dict per object: a pod is some forty objects, and a dict costs more than the fields it holds."""
    kinds = api_dataclasses()
    assert len(kinds) > 100
    with_dict = [k.__name__ for k in kinds
                 if hasattr(object.__new__(k), "__dict__") and not k.__dataclass_params__.frozen]
    assert with_dict == []


def test_a_clone_is_equal_and_shares_no_container_with_the_original() -> None:
    pod = decode(POD)
    assert isinstance(pod, Pod)
    copy = clone(pod)
    assert copy == pod
    copy.metadata.labels["app"] = "other"
    copy.metadata.owner_references[0].name = "other"
    copy.spec.containers[0].env[0].value = "2"
    copy.spec.containers[0].resources.requests["cpu"] = "1"
    copy.spec.tolerations.append(copy.spec.tolerations[0])
    assert pod == decode(POD)


def test_a_shallow_copy_is_a_new_object_with_the_same_fields() -> None:
    pod = decode(POD)
    assert isinstance(pod, Pod)
    copy = shallow(pod)
    assert copy is not pod and copy == pod and copy.spec is pod.spec and copy.metadata is pod.metadata
    copy.status = clone(pod.status)
    copy.status.phase = "Running"
    assert pod.status.phase != "Running"


def test_what_never_changes_is_shared_not_copied() -> None:
    """An Event's source and object reference are frozen: every copy of the Event shares them."""
    from k8slite import Cluster
    from k8slite.events import EventRecorder

    c = Cluster(nodes=1)
    recorder = EventRecorder(c.api, "test-controller")
    event = recorder.normal(c.get("node", "node-1"), "Tested", "a test")
    assert recorder.warning(c.get("node", "node-1"), "Tested", "again").source is event.source
    copy = clone(event)
    assert copy == event and copy is not event
    assert copy.source is event.source and copy.involved_object is event.involved_object
