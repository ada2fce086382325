"""kubectl wait, patch and annotate, in kubectl's words."""

from __future__ import annotations

import pytest

from k8slite import Cluster
from k8slite.kubectl.patch import json_patch, merge_patch


@pytest.fixture
def c() -> Cluster:
    c = Cluster(nodes=2)
    c.kubectl("create deployment web --image=busybox --replicas=2 -- sleep 3600")
    return c


def test_wait_for_conditions_jsonpath_and_deletion(c: Cluster) -> None:
    assert c.kubectl("wait --for=condition=Available deployment/web --timeout=60s") == \
        "deployment.apps/web condition met\n"
    assert c.now <= 5
    pods = sorted(p.name for p in c.get("pods"))
    assert c.kubectl("wait --for=condition=ready pods -l app=web") == \
        "".join(f"pod/{p} condition met\n" for p in pods)
    c.kubectl("run once --image=busybox --restart=Never -- sleep 5")
    assert c.kubectl("wait --for=jsonpath='{.status.phase}'=Succeeded pod/once") == "pod/once condition met\n"
    start = c.now
    assert c.kubectl("wait --for=condition=Ready pod/once --timeout=3s") == \
        "error: timed out waiting for the condition on pods/once\n"
    assert round(c.now - start, 6) == 3
    c.kubectl("delete pod once --wait=false")
    assert c.kubectl("wait --for=delete pod/once --timeout=60s") == "pod/once condition met\n"
    assert c.kubectl("wait --for=condition=Ready pods -l app=nothing") == "error: no matching resources found\n"
    assert c.kubectl("wait pod/x") == 'error: unrecognized condition: ""\n'
    assert c.kubectl("wait --for=delete pod/once pod/never") == ""  # gone, or never there: deleted all the same
    assert c.kubectl("wait --for=condition=Ready pod/never") == 'Error from server (NotFound): pods "never" not found\n'


def test_patch_strategic_merge_and_json(c: Cluster) -> None:
    assert c.kubectl("""patch deployment web -p '{"spec":{"replicas":3}}'""") == "deployment.apps/web patched\n"
    assert c.kubectl("patch deploy/web -p 'spec: {replicas: 3}'") == "deployment.apps/web patched (no change)\n"
    assert c.get("deployment", "web").spec.replicas == 3
    image = '{"spec":{"template":{"spec":{"containers":[{"name":"busybox","image":"busybox:1.36"}]}}}}'
    assert c.kubectl(f"patch deployment web -p '{image}'") == "deployment.apps/web patched\n"
    container = c.get("deployment", "web").spec.template.spec.containers[0]
    assert (container.image, container.command) == ("busybox:1.36", ["sleep", "3600"])  # merged by name
    assert c.kubectl("""patch deployment web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":1}]'""") \
        == "deployment.apps/web patched\n"
    assert c.get("deployment", "web").spec.replicas == 1
    assert c.kubectl("patch deployment web").startswith("error: must specify -p to patch")


def test_patch_helpers() -> None:
    base = {"a": {"b": 1, "c": 2}, "items": [{"name": "x", "v": 1}, {"name": "y", "v": 2}], "list": [1, 2]}
    assert merge_patch(base, {"a": {"c": None}, "items": [{"name": "y", "v": 3}], "list": [3]}, True) == {
        "a": {"b": 1}, "items": [{"name": "x", "v": 1}, {"name": "y", "v": 3}], "list": [3]}
    assert merge_patch(base, {"items": [{"name": "y", "v": 3}]}, False)["items"] == [{"name": "y", "v": 3}]
    assert json_patch({"a": [1, 2], "b": {"c": 1}}, [{"op": "add", "path": "/a/-", "value": 3},
                                                      {"op": "remove", "path": "/b/c"},
                                                      {"op": "add", "path": "/d~1e", "value": True}]) == {
        "a": [1, 2, 3], "b": {}, "d/e": True}


def test_strategic_merge_patch_keeps_the_containers_in_order() -> None:
    # strategicpatch/patch.go mergeSortedSlice: a patched item keeps its place; a new one comes before the
    # server-only items it cannot be compared with; $setElementOrder decides when given
    live = {"spec": {"containers": [{"name": "a", "image": "a:1"}, {"name": "b", "image": "b:1"}]}}
    patched = merge_patch(live, {"spec": {"containers": [{"name": "a", "image": "x"}]}}, True)
    assert patched["spec"]["containers"] == [{"name": "a", "image": "x"}, {"name": "b", "image": "b:1"}]
    added = merge_patch(live, {"spec": {"containers": [{"name": "c", "image": "c"}]}}, True)
    assert [i["name"] for i in added["spec"]["containers"]] == ["c", "a", "b"]
    ordered = merge_patch(live, {"spec": {"$setElementOrder/containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
                                          "containers": [{"name": "c", "image": "c"}]}}, True)
    assert [i["name"] for i in ordered["spec"]["containers"]] == ["a", "b", "c"]
    gone = merge_patch(live, {"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}, True)
    assert gone["spec"]["containers"] == [{"name": "b", "image": "b:1"}]


def test_kubectl_patch_of_the_first_container_does_not_move_it() -> None:
    c = Cluster(nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "two"},
             "spec": {"containers": [{"name": "a", "image": "busybox"}, {"name": "b", "image": "busybox"}]}})
    assert c.kubectl("""patch pod two -p '{"spec":{"containers":[{"name":"a","image":"busybox:1.36"}]}}'""") == \
        "pod/two patched\n"
    assert [(x.name, x.image) for x in c.get("pod", "two").spec.containers] == [("a", "busybox:1.36"), ("b", "busybox")]


def test_json_patch_errors_as_kubectl_prints_them(c: Cluster) -> None:
    # the API server answers a JSON patch that does not apply with 422 through NewGenericServerResponse
    # (apiserver/pkg/endpoints/handlers/patch.go); kubectl's checkErr prints "The request is invalid: " + its message
    rejected = "The request is invalid: the server rejected our request due to an error in our request\n"
    failed_test = """patch deployment web --type=json -p '[{"op":"test","path":"/spec/replicas","value":9},
        {"op":"replace","path":"/spec/replicas","value":5}]'"""
    assert c.kubectl(failed_test) == rejected
    assert c.get("deployment", "web").spec.replicas == 2  # nothing applied
    assert c.kubectl("""patch deployment web --type=json -p '[{"op":"remove","path":"/spec/nothing"}]'""") == rejected
    assert c.kubectl("""patch deployment web --type=json -p '[{"op":"replace","path":"/no/such","value":1}]'""") == \
        rejected
    # a patch that is not a list cannot be decoded (evanphx/json-patch's DecodePatch): 400
    assert c.kubectl("""patch deployment web --type=json -p '{"op":"remove","path":"/spec/replicas"}'""") == \
        "Error from server (BadRequest): json: cannot unmarshal object into Go value of type jsonpatch.Patch\n"
    passed = """patch deployment web --type=json -p '[{"op":"test","path":"/spec/replicas","value":2},
        {"op":"copy","from":"/spec/replicas","path":"/metadata/labels/replicas"}]'"""
    assert c.kubectl(passed.replace('"path":"/metadata/labels/replicas"', '"path":"/spec/minReadySeconds"')) == \
        "deployment.apps/web patched\n"
    assert c.get("deployment", "web").spec.min_ready_seconds == 2


def test_annotate_adds_overwrites_only_when_told_and_removes(c: Cluster) -> None:
    assert c.kubectl("annotate deployment web team=blue") == "deployment.apps/web annotated\n"
    assert c.kubectl("annotate deployment web team=red") == (
        "error: --overwrite is false but found the following declared annotation(s): 'team' already has a value "
        "(blue)\n")
    c.kubectl("annotate deployment web team=red --overwrite")
    assert c.get("deployment", "web").metadata.annotations["team"] == "red"
    c.kubectl("annotate deployment web team-")
    assert "team" not in c.get("deployment", "web").metadata.annotations
