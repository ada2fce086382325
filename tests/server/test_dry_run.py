"""`dryRun=All` (k8slite.server.dryrun): every write runs as it would and stores nothing.

One server for the module. Each test makes its own objects (its own names)
for real, then sends dry runs, over HTTP or with the real kubectl, and
checks the answer and that the cluster is as it was: the same revision,
the same objects at the same resourceVersions, and no event on a watch of
the whole store.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from test_http_kubectl import KUBECTL, deployment, kubectl, request

from k8slite.server import Server
from k8slite.server.dryrun import DryRunStore
from k8slite.store import KeyExists, KeyMissing, RevisionMismatch, Store

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl is not installed")

POD = """
apiVersion: v1
kind: Pod
metadata: {name: NAME}
spec: {containers: [{name: app, image: nginx}]}
"""


def state(server: Server) -> tuple[int, list[tuple[str, dict[str, Any], int]]]:
    """The store's revision and every object in it, as JSON, with its mod revision."""
    with server.lock:
        store = server.cluster.api.store
        return store.revision, [(key, value.to_dict(), revision) for key, value, revision in store.list("/")]


@contextmanager
def unchanged(server: Server) -> Iterator[None]:
    """The block may send dry runs: afterwards the store is as it was and a watch of it heard nothing."""
    before = state(server)
    with server.lock:
        watch = server.cluster.api.store.watch("/")
    yield
    with server.lock:
        heard = watch.drain()
        watch.stop()
    assert [(e.type, e.key) for e in heard] == []
    after = state(server)
    assert after[0] == before[0]
    assert after[1] == before[1]


def send(server: Server, method: str, path: str, body: Any = None, content_type: str = "application/json",
         query: str = "dryRun=All") -> tuple[int, Any]:
    """A request with the admin's token; `body` a dict (sent as JSON), bytes, or None (an empty body)."""
    data = json.dumps(body).encode() if isinstance(body, dict) else (body or b"")
    separator = "&" if "?" in path else "?"
    return request(server, f"{path}{separator}{query}" if query else path, server.token, data, content_type, method)


def create(server: Server, manifest: str) -> None:
    with server.lock:
        server.cluster.apply(manifest)


PODS = "/api/v1/namespaces/default/pods"
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


def pod_body(name: str = "", generate_name: str = "") -> dict[str, Any]:
    metadata = {"name": name} if name else {"generateName": generate_name}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata,
            "spec": {"containers": [{"name": "app", "image": "nginx"}]}}


# ---------------------------------------------------------------- each write, over HTTP

def test_a_create_answers_the_admitted_object_and_stores_nothing(server: Server) -> None:
    with unchanged(server):
        code, pod = send(server, "POST", PODS, pod_body(generate_name="dry-"))
    assert code == 201, pod
    assert pod["metadata"]["name"].startswith("dry-") and len(pod["metadata"]["name"]) == len("dry-") + 5
    assert pod["metadata"]["uid"] and pod["metadata"]["creationTimestamp"]
    assert "resourceVersion" not in pod["metadata"]  # as kube-apiserver's dry run: it was never stored
    spec = pod["spec"]
    assert (spec["serviceAccountName"], spec["priority"], spec["restartPolicy"]) == ("default", 0, "Always")
    assert spec["volumes"][0]["name"].startswith("kube-api-access-")  # the ServiceAccount plugin's token
    assert pod["status"] == {"phase": "Pending", "qosClass": "BestEffort"}  # podStrategy.PrepareForCreate
    bad = pod_body("dry-bad")
    bad["spec"]["containers"][0]["image"] = ""
    with unchanged(server):  # validation runs as it would: the same 422, with its causes
        code, refused = send(server, "POST", PODS, bad)
    assert (code, refused["reason"]) == (422, "Invalid")
    assert refused["details"]["causes"] == [{"field": "spec.containers[0].image", "message": "Required value"}]
    # the dry runs drew from random sources of their own: the server's did not move, and the real create
    # gets a name and uid of its own (kube-apiserver draws new ones each time)
    drawn = server.cluster.api.rng.getstate()
    with unchanged(server):
        code, again = send(server, "POST", PODS, pod_body(generate_name="dry-"))
    assert server.cluster.api.rng.getstate() == drawn and again["metadata"]["name"] != pod["metadata"]["name"]
    code, real = send(server, "POST", PODS, pod_body(generate_name="dry-"), query="")
    assert code == 201 and real["metadata"]["name"] not in (pod["metadata"]["name"], again["metadata"]["name"])
    assert real["metadata"]["uid"] != pod["metadata"]["uid"]


def test_an_update_a_patch_and_an_apply_answer_the_changed_object(server: Server) -> None:
    create(server, POD.replace("NAME", "dry-update"))
    code, live = send(server, "GET", f"{PODS}/dry-update", query="")
    version = live["metadata"]["resourceVersion"]
    changed = dict(live, metadata=dict(live["metadata"], labels={"tier": "put"}))
    with unchanged(server):
        code, put = send(server, "PUT", f"{PODS}/dry-update", changed)
        assert (code, put["metadata"]["labels"], put["metadata"]["resourceVersion"]) == (200, {"tier": "put"}, version)
        code, merged = send(server, "PATCH", f"{PODS}/dry-update", {"metadata": {"labels": {"tier": "merge"}}},
                            "application/merge-patch+json")
        assert (code, merged["metadata"]["labels"]) == (200, {"tier": "merge"})
        applied = POD.replace("NAME", "dry-update") + "  # applied\n"
        code, ssa = send(server, "PATCH", f"{PODS}/dry-update", applied.encode(), "application/apply-patch+yaml",
                         "dryRun=All&fieldManager=tester&force=true")
        assert code == 200, ssa
        assert ("tester", "Apply") in [(e["manager"], e["operation"]) for e in ssa["metadata"]["managedFields"]]
        code, status = send(server, "PUT", f"{PODS}/dry-update/status",
                            dict(live, status={"phase": "Pending", "message": "dry"}))
        assert (code, status["status"]["message"]) == (200, "dry")
        code, refused = send(server, "PUT", f"{PODS}/dry-update", dict(changed, metadata=dict(
            changed["metadata"], resourceVersion=str(int(version) - 1))))  # a stale copy: the same conflict
        assert (code, refused["reason"]) == (409, "Conflict")
        code, refused = send(server, "DELETE", f"{PODS}/no-such-pod")
        assert (code, refused["reason"]) == (404, "NotFound")
    code, after = send(server, "GET", f"{PODS}/dry-update", query="")
    assert "tier" not in after["metadata"].get("labels", {})


def test_server_side_apply_that_would_create_answers_201_and_stores_nothing(server: Server) -> None:
    with unchanged(server):
        code, made = send(server, "PATCH", f"{DEPLOYMENTS}/dry-ssa", deployment("dry-ssa").encode(),
                          "application/apply-patch+yaml", "dryRun=All&fieldManager=tester")
    assert code == 201, made
    assert made["spec"]["strategy"]["type"] == "RollingUpdate"  # defaulted
    assert [(e["manager"], e["operation"]) for e in made["metadata"]["managedFields"]] == [("tester", "Apply")]
    assert send(server, "GET", f"{DEPLOYMENTS}/dry-ssa", query="")[0] == 404


def test_scale_and_delete_leave_the_object(server: Server) -> None:
    create(server, deployment("dry-scale", 2))
    create(server, POD.replace("NAME", "dry-delete-1") + "---\n" + POD.replace("NAME", "dry-delete-2"))
    server.run(2)  # the pods are bound to nodes: deleting them is graceful
    with unchanged(server):
        code, scale = send(server, "PATCH", f"{DEPLOYMENTS}/dry-scale/scale", {"spec": {"replicas": 5}},
                           "application/merge-patch+json")
        assert (code, scale["spec"]["replicas"]) == (200, 5)
        code, scale = send(server, "PUT", f"{DEPLOYMENTS}/dry-scale/scale",
                           dict(scale, spec={"replicas": 7}))
        assert (code, scale["spec"]["replicas"]) == (200, 7)
        code, gone = send(server, "DELETE", f"{DEPLOYMENTS}/dry-scale")
        assert (code, gone["metadata"]["name"]) == (200, "dry-scale")
        code, gone = send(server, "DELETE", f"{PODS}/dry-delete-1", {"dryRun": ["All"]}, query="")  # kubectl's way
        assert code == 200, gone
        assert gone["metadata"]["deletionTimestamp"] and gone["metadata"]["deletionGracePeriodSeconds"] == 30
        code, done = send(server, "DELETE", PODS, query="dryRun=All&labelSelector=")  # deletecollection
        assert (code, done["status"]) == (200, "Success")
    with server.lock:
        assert server.cluster.get("deployment", "dry-scale").spec.replicas == 2
        assert {p.name for p in server.cluster.get("pods")} >= {"dry-delete-1", "dry-delete-2"}


def test_a_quota_refuses_under_dry_run_and_charges_nothing(server: Server) -> None:
    create(server, """
apiVersion: v1
kind: Namespace
metadata: {name: dry-quota}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: two-pods, namespace: dry-quota}
spec: {hard: {pods: "2"}}
""")
    with server.lock:
        server.run(1)  # the quota controller counts the namespace's usage
    path = "/api/v1/namespaces/dry-quota/pods"
    with unchanged(server):
        for _ in range(3):  # each dry run is checked on its own: none of them is charged
            code, pod = send(server, "POST", path, pod_body("first"))
            assert code == 201, pod
    assert send(server, "POST", path, pod_body("first"), query="")[0] == 201
    assert send(server, "POST", path, pod_body("second"), query="")[0] == 201
    with unchanged(server):
        code, refused = send(server, "POST", path, pod_body("third"))
    assert (code, refused["reason"]) == (403, "Forbidden")
    assert refused["message"] == ('pods "third" is forbidden: exceeded quota: two-pods, requested: pods=1, '
                                  'used: pods=2, limited: pods=2')


@pytest.mark.parametrize("method, path, options", [
    ("POST", PODS, "CreateOptions"),
    ("PUT", f"{PODS}/dry-value", "UpdateOptions"),
    ("PATCH", f"{PODS}/dry-value", "PatchOptions"),
    ("DELETE", f"{PODS}/dry-value", "DeleteOptions"),
])
def test_any_other_dry_run_value_is_refused_in_the_servers_words(server: Server, method: str, path: str,
                                                                 options: str) -> None:
    if send(server, "GET", f"{PODS}/dry-value", query="")[0] == 404:
        create(server, POD.replace("NAME", "dry-value"))
    body = {"metadata": {"labels": {"a": "b"}}} if method == "PATCH" else pod_body("dry-value")
    with unchanged(server):
        code, refused = send(server, method, path, None if method == "DELETE" else body,
                             "application/merge-patch+json" if method == "PATCH" else "application/json",
                             "dryRun=Some")
    assert (code, refused["reason"]) == (422, "Invalid")
    assert refused["message"] == (f'{options}.meta.k8s.io "" is invalid: dryRun: Unsupported value: '
                                  '[]string{"Some"}: supported values: "All"')
    assert refused["details"]["causes"] == [{"field": "dryRun",
                                             "message": 'Unsupported value: []string{"Some"}: supported values: "All"'}]


def test_a_delete_options_body_names_its_own_dry_run(server: Server) -> None:
    create(server, POD.replace("NAME", "dry-body"))
    with unchanged(server):
        code, refused = send(server, "DELETE", f"{PODS}/dry-body", {"dryRun": ["All", "x"]}, query="")
    assert refused["message"].endswith('dryRun: Unsupported value: []string{"All", "x"}: supported values: "All"')


# ---------------------------------------------------------------- the real kubectl

@needs_kubectl
def test_kubectl_dry_runs_print_what_they_print_on_a_cluster(server: Server, tmp_path: Path) -> None:
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(POD.replace("NAME", "dry-kubectl"))
    other = tmp_path / "deployment.yaml"
    other.write_text(deployment("dry-kubectl-web", 2))
    with unchanged(server):
        assert kubectl(server, "apply", "--dry-run=server", "-f", str(manifest)) == \
            "pod/dry-kubectl created (server dry run)\n"
        assert kubectl(server, "apply", "--server-side", "--dry-run=server", "-f", str(other)) == \
            "deployment.apps/dry-kubectl-web serverside-applied (server dry run)\n"
        shown = kubectl(server, "create", "--dry-run=server", "-f", str(manifest), "-o", "json")
    pod = json.loads(shown)
    assert (pod["metadata"]["name"], pod["spec"]["serviceAccountName"]) == ("dry-kubectl", "default")
    kubectl(server, "apply", "-f", str(manifest))
    kubectl(server, "apply", "-f", str(other))
    with unchanged(server):
        assert kubectl(server, "apply", "--dry-run=server", "-f", str(manifest)) == \
            "pod/dry-kubectl unchanged (server dry run)\n"
        assert kubectl(server, "label", "--dry-run=server", "pod", "dry-kubectl", "tier=web") == \
            "pod/dry-kubectl labeled (server dry run)\n"
        assert kubectl(server, "scale", "--dry-run=server", "deployment", "dry-kubectl-web", "--replicas=5") == \
            "deployment.apps/dry-kubectl-web scaled (server dry run)\n"
        assert kubectl(server, "delete", "--dry-run=server", "pod", "dry-kubectl") == \
            'pod "dry-kubectl" deleted (server dry run)\n'
        assert kubectl(server, "delete", "--dry-run=server", "deployment", "dry-kubectl-web") == \
            'deployment.apps "dry-kubectl-web" deleted (server dry run)\n'
        other.write_text(deployment("dry-kubectl-web", 4))
        diff = kubectl(server, "diff", "-f", str(other))  # the live object against a dry run's answer
        assert "\n-  replicas: 2\n+  replicas: 4\n" in diff
    with server.lock:
        assert server.cluster.get("deployment", "dry-kubectl-web").spec.replicas == 2


# ---------------------------------------------------------------- the store a dry run writes to

def test_the_dry_run_store_lays_its_writes_over_the_real_one() -> None:
    real = Store()
    real.create("/registry/pods/default/a", "A")
    real.create("/registry/pods/default/b", "B")
    dry = DryRunStore(real)
    assert dry.create("/registry/pods/default/c", "C") == 3
    dry.update("/registry/pods/default/a", "A2", expected_revision=1)
    dry.delete("/registry/pods/default/b")
    assert [(k, v) for k, v, _ in dry.list("/registry/pods/")] == [("/registry/pods/default/a", "A2"),
                                                                    ("/registry/pods/default/c", "C")]
    assert dry.get("/registry/pods/default/b") is None
    with pytest.raises(KeyExists):
        dry.create("/registry/pods/default/a", "again")
    with pytest.raises(KeyMissing):
        dry.update("/registry/pods/default/b", "gone")
    with pytest.raises(RevisionMismatch):
        dry.update("/registry/pods/default/a", "stale", expected_revision=1)
    assert (real.revision, [(k, v) for k, v, _ in real.list("/")]) == (
        2, [("/registry/pods/default/a", "A"), ("/registry/pods/default/b", "B")])
