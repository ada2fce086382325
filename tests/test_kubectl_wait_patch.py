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
    assert c.now - start == 3
    c.kubectl("delete pod once")
    assert c.kubectl("wait --for=delete pod/once --timeout=60s") == "pod/once condition met\n"
    assert c.kubectl("wait --for=condition=Ready pods -l app=nothing") == "error: no matching resources found\n"
    assert c.kubectl("wait pod/x") == "error: --for must be set\n"


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


def test_annotate_adds_overwrites_only_when_told_and_removes(c: Cluster) -> None:
    assert c.kubectl("annotate deployment web team=blue") == "deployment.apps/web annotated\n"
    assert c.kubectl("annotate deployment web team=red") == (
        "error: --overwrite is false but found the following declared annotation(s): 'team' already has a value "
        "(blue)\n")
    c.kubectl("annotate deployment web team=red --overwrite")
    assert c.get("deployment", "web").metadata.annotations["team"] == "red"
    c.kubectl("annotate deployment web team-")
    assert "team" not in c.get("deployment", "web").metadata.annotations
