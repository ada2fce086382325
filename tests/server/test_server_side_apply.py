"""Server-side apply (k8slite.server.apply, fieldsets, managedfields): the real kubectl 1.32 against a
served cluster, and the FieldsV1 encoding by hand.

One server for the module; each test makes its own objects (its own names).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from builders import EXAMPLES, need_examples
from test_http_kubectl import KUBECTL, deployment, kubectl, request

from k8slite import Cluster
from k8slite.api.kinds import decode
from k8slite.server import Server, apply, fieldsets, managedfields, serve

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl is not installed")

CONFLICT_HELP = """Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
"""


def apply_text(server: Server, tmp_path: Path, manifest: str, *flags: str) -> str:
    """`kubectl apply --server-side` of a manifest's text."""
    path = tmp_path / "manifest.yaml"
    path.write_text(manifest)
    return kubectl(server, "apply", "--server-side", *flags, "-f", str(path))


def live(server: Server, kind: str, name: str) -> dict[str, Any]:
    """The object as `kubectl get -o json --show-managed-fields` prints it."""
    return json.loads(kubectl(server, "get", kind, name, "-o", "json", "--show-managed-fields"))


def managers(obj: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(e["manager"], e["operation"], e.get("subresource", "")) for e in obj["metadata"]["managedFields"]]


# ---------------------------------------------------------------- with the real kubectl

@needs_kubectl
def test_apply_creates_and_applying_again_changes_nothing(server: Server, tmp_path: Path) -> None:
    assert apply_text(server, tmp_path, deployment("ssa-web", 3)) == "deployment.apps/ssa-web serverside-applied\n"
    first = live(server, "deployment", "ssa-web")
    assert first["spec"]["replicas"] == 3 and managers(first) == [("kubectl", "Apply", "")]
    assert apply_text(server, tmp_path, deployment("ssa-web", 3)) == "deployment.apps/ssa-web serverside-applied\n"
    again = live(server, "deployment", "ssa-web")
    assert again["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]


@needs_kubectl
def test_a_field_left_out_of_the_manifest_is_removed(server: Server, tmp_path: Path) -> None:
    manifest = deployment("ssa-prune", 2)
    with_more = manifest.replace("metadata: {name: ssa-prune}", "metadata: {name: ssa-prune, labels: {tier: web}}") \
        .replace("image: nginx}", "image: nginx, env: [{name: MODE, value: fast}]}")
    apply_text(server, tmp_path, with_more)
    before = live(server, "deployment", "ssa-prune")
    assert before["metadata"]["labels"] == {"tier": "web"}
    assert before["spec"]["template"]["spec"]["containers"][0]["env"] == [{"name": "MODE", "value": "fast"}]
    apply_text(server, tmp_path, manifest)
    after = live(server, "deployment", "ssa-prune")
    assert "labels" not in after["metadata"]
    assert "env" not in after["spec"]["template"]["spec"]["containers"][0]


@needs_kubectl
def test_scale_then_apply_is_a_conflict_that_force_conflicts_takes_over(server: Server, tmp_path: Path) -> None:
    apply_text(server, tmp_path, deployment("ssa-demo", 3))
    assert kubectl(server, "scale", "deployment/ssa-demo", "--replicas=5") == "deployment.apps/ssa-demo scaled\n"
    scaled = live(server, "deployment", "ssa-demo")
    assert managers(scaled) == [("kubectl", "Apply", ""), ("kubectl", "Update", "scale")]
    assert scaled["metadata"]["managedFields"][1]["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
    refused = apply_text(server, tmp_path, deployment("ssa-demo", 3))
    assert refused == ('error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" '
                       'using apps/v1: .spec.replicas\n' + CONFLICT_HELP)
    assert live(server, "deployment", "ssa-demo")["spec"]["replicas"] == 5
    forced = apply_text(server, tmp_path, deployment("ssa-demo", 3), "--force-conflicts")
    assert forced == "deployment.apps/ssa-demo serverside-applied\n"
    taken = live(server, "deployment", "ssa-demo")
    assert taken["spec"]["replicas"] == 3 and managers(taken) == [("kubectl", "Apply", "")]


@needs_kubectl
def test_the_same_value_is_shared_not_a_conflict(server: Server, tmp_path: Path) -> None:
    apply_text(server, tmp_path, deployment("ssa-shared", 2))
    other = apply_text(server, tmp_path, deployment("ssa-shared", 2), "--field-manager=team-b")
    assert other == "deployment.apps/ssa-shared serverside-applied\n"
    shared = live(server, "deployment", "ssa-shared")
    assert managers(shared) == [("kubectl", "Apply", ""), ("team-b", "Apply", "")]
    refused = apply_text(server, tmp_path, deployment("ssa-shared", 2, image="nginx:1.27"), "--field-manager=team-b")
    assert refused.startswith('error: Apply failed with 1 conflict: conflict with "kubectl": '
                              '.spec.template.spec.containers[name="web"].image\n')


@needs_kubectl
def test_managed_fields_are_shown_only_when_asked(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(deployment("ssa-csa", 1))
    assert kubectl(server, "apply", "-f", str(path)) == "deployment.apps/ssa-csa created\n"
    assert "managedFields" not in kubectl(server, "get", "deployment", "ssa-csa", "-o", "yaml")
    shown = yaml.safe_load(kubectl(server, "get", "deployment", "ssa-csa", "-o", "yaml", "--show-managed-fields"))
    (entry,) = shown["metadata"]["managedFields"]
    assert (entry["manager"], entry["operation"], entry["apiVersion"]) == ("kubectl-client-side-apply", "Update",
                                                                          "apps/v1")
    spec = entry["fieldsV1"]["f:spec"]
    assert spec["f:replicas"] == {} and "f:progressDeadlineSeconds" in spec  # defaulted fields are the writer's too
    assert kubectl(server, "label", "deployment", "ssa-csa", "tier=web") == "deployment.apps/ssa-csa labeled\n"
    labelled = live(server, "deployment", "ssa-csa")
    assert managers(labelled)[-1] == ("kubectl-label", "Update", "")
    assert labelled["metadata"]["managedFields"][-1]["fieldsV1"] == {"f:metadata": {"f:labels": {"f:tier": {}}}}


@needs_kubectl
def test_moving_from_client_side_apply_takes_over_what_it_set_and_nothing_changed_since(server: Server,
                                                                                       tmp_path: Path) -> None:
    # lastappliedmanager.go: for the manager "kubectl", a conflict on a field the last-applied annotation
    # sets to the value the object still has is no conflict: the server-side apply takes the field over.
    # `kubectl diff --server-side` relies on it (it does not move the managed fields first, as apply does)
    path = tmp_path / "web.yaml"
    path.write_text(deployment("ssa-move", 2))
    assert kubectl(server, "apply", "-f", str(path)) == "deployment.apps/ssa-move created\n"
    # the same manifest: only the annotation would change (lastappliedupdater.go writes it without the empty
    # "annotations" kubectl's own text has), no conflict on anything the client-side apply set
    same = changed_lines(kubectl(server, "diff", "--server-side", "-f", str(tmp_path / "web.yaml")))
    assert [line[:12] for line in same] == ['-      {"api', '+      {"api'] and '"annotations":{}' in same[0] \
        and same[0].replace('"annotations":{},', "")[1:] == same[1][1:]
    path.write_text(deployment("ssa-move", 3))
    assert "-  replicas: 2\n+  replicas: 3" in kubectl(server, "diff", "--server-side", "-f", str(path))
    assert apply_text(server, tmp_path, deployment("ssa-move", 3)) == "deployment.apps/ssa-move serverside-applied\n"
    moved = live(server, "deployment", "ssa-move")
    assert moved["spec"]["replicas"] == 3
    # kubectl 1.32's apply also moves the client-side manager's fields to "kubectl" itself (csaupgrade) first
    assert ("kubectl-client-side-apply", "Update", "") not in managers(moved)
    # another manager gets no such hand-over
    refused = apply_text(server, tmp_path, deployment("ssa-move", 4), "--field-manager=team-b")
    assert refused.startswith('error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas\n')


def changed_lines(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@needs_kubectl
def test_a_server_side_apply_keeps_the_last_applied_annotation_up_to_date(server: Server, tmp_path: Path) -> None:
    # lastappliedupdater.go: while the object has the client-side apply's annotation, an apply by "kubectl"
    # writes its configuration there (Go's JSON, without an empty "annotations"), so that a later client-side
    # apply removes what the server-side one set and it no longer sets
    path = tmp_path / "web.yaml"
    path.write_text(deployment("ssa-last", 2))
    kubectl(server, "apply", "-f", str(path))
    labelled = deployment("ssa-last", 3).replace("{name: ssa-last}", "{name: ssa-last, labels: {tier: web}}")
    assert apply_text(server, tmp_path, labelled) == "deployment.apps/ssa-last serverside-applied\n"
    text = live(server, "deployment", "ssa-last")["metadata"]["annotations"][apply.LAST_APPLIED]
    assert text.startswith('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"tier":"web"},'
                           '"name":"ssa-last","namespace":"default"},"spec":{"replicas":3,') and text.endswith("}\n")
    assert kubectl(server, "apply", "-f", str(path)) == "deployment.apps/ssa-last configured\n"  # back to 2
    reverted = live(server, "deployment", "ssa-last")
    assert "tier" not in reverted["metadata"].get("labels", {}) and reverted["spec"]["replicas"] == 2
    # an object without the annotation gets none
    apply_text(server, tmp_path, deployment("ssa-never-csa", 1))
    apply_text(server, tmp_path, deployment("ssa-never-csa", 2))
    assert apply.LAST_APPLIED not in live(server, "deployment", "ssa-never-csa")["metadata"].get("annotations", {})


@needs_kubectl
def test_a_field_changed_since_the_client_side_apply_still_conflicts(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(deployment("ssa-scaled", 2))
    kubectl(server, "apply", "-f", str(path))
    assert kubectl(server, "scale", "deployment", "ssa-scaled", "--replicas=5") == \
        "deployment.apps/ssa-scaled scaled\n"
    refused = apply_text(server, tmp_path, deployment("ssa-scaled", 3, image="nginx:1.27"))
    # the image is the client-side apply's, unchanged since: taken over; the replicas were scaled: a conflict
    assert refused.startswith('error: Apply failed with 1 conflict: conflict with "kubectl" with subresource '
                              '"scale" using apps/v1: .spec.replicas\n'), refused


@needs_kubectl
def test_a_patch_takes_the_field_and_the_next_apply_conflicts_with_it(server: Server, tmp_path: Path) -> None:
    apply_text(server, tmp_path, deployment("ssa-patched", 1))
    patch = '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}'
    assert kubectl(server, "patch", "deployment", "ssa-patched", "-p", patch) == \
        "deployment.apps/ssa-patched patched\n"
    patched = live(server, "deployment", "ssa-patched")
    assert managers(patched) == [("kubectl", "Apply", ""), ("kubectl-patch", "Update", "")]
    refused = apply_text(server, tmp_path, deployment("ssa-patched", 1))
    assert refused.startswith('error: Apply failed with 1 conflict: conflict with "kubectl-patch" using apps/v1: '
                              '.spec.template.spec.containers[name="web"].image\n')
    replaced = tmp_path / "replaced.yaml"
    replaced.write_text(deployment("ssa-patched", 2, image="nginx:1.27"))
    assert kubectl(server, "replace", "-f", str(replaced)) == "deployment.apps/ssa-patched replaced\n"
    after = live(server, "deployment", "ssa-patched")  # a PUT without managedFields keeps them
    assert managers(after) == [("kubectl", "Apply", ""), ("kubectl-patch", "Update", ""),
                               ("kubectl-replace", "Update", "")]


@needs_kubectl
def test_the_first_apply_to_an_object_made_in_python(server: Server, tmp_path: Path) -> None:
    with server.lock:
        server.cluster.apply(deployment("ssa-python", 2))
    refused = apply_text(server, tmp_path, deployment("ssa-python", 4))
    assert refused.startswith('error: Apply failed with 1 conflict: conflict with "before-first-apply" using '
                              'apps/v1: .spec.replicas\n')
    assert apply_text(server, tmp_path, deployment("ssa-python", 2)) == \
        "deployment.apps/ssa-python serverside-applied\n"
    shared = live(server, "deployment", "ssa-python")
    assert managers(shared) == [("kubectl", "Apply", ""), ("before-first-apply", "Update", "")]


@needs_kubectl
def test_a_status_write_is_owned_through_the_status_subresource(server: Server, tmp_path: Path) -> None:
    apply_text(server, tmp_path, deployment("ssa-status", 1))
    body = json.dumps({"status": {"observedGeneration": 7}}).encode()
    code, _ = request(server, "/apis/apps/v1/namespaces/default/deployments/ssa-status/status?fieldManager=ctl",
                      server.token, body, "application/merge-patch+json", "PATCH")
    assert code == 200
    written = live(server, "deployment", "ssa-status")
    assert written["status"]["observedGeneration"] == 7
    assert managers(written) == [("kubectl", "Apply", ""), ("ctl", "Update", "status")]
    assert written["metadata"]["managedFields"][1]["fieldsV1"] == {"f:status": {"f:observedGeneration": {}}}


@needs_kubectl
def test_an_apply_without_field_manager_is_refused(server: Server) -> None:
    body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ssa-cm"},
                       "data": {"a": "1"}}).encode()
    code, status = request(server, "/api/v1/namespaces/default/configmaps/ssa-cm", server.token, body,
                           apply.APPLY, "PATCH")
    assert (code, status["reason"]) == (422, "Invalid")
    assert status["message"] == ('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
                                 'is required for apply patch')
    code, created = request(server, "/api/v1/namespaces/default/configmaps/ssa-cm?fieldManager=me", server.token,
                            body, apply.APPLY, "PATCH")
    assert (code, created["metadata"]["managedFields"][0]["manager"]) == (201, "me")


@needs_kubectl
def test_every_docs_example_applies_server_side(server: Server) -> None:
    need_examples()
    assert kubectl(server, "create", "namespace", "mem-example") == "namespace/mem-example created\n"
    env = dict(os.environ, HOME=str(server.home), TZ="UTC")  # type: ignore[attr-defined]
    command = [str(KUBECTL), "--kubeconfig", server.kubeconfig, "apply", "--server-side", "-f", str(EXAMPLES)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0 and not done.stderr, done.stderr
    assert done.stdout.count("serverside-applied") >= len(list(EXAMPLES.glob("*.yaml"))), done.stdout
    server.run(30)  # controllers, the scheduler and kubelets write in between
    before = resource_versions(server)
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    assert again.returncode == 0 and not again.stderr, again.stderr
    assert resource_versions(server) == before  # the same manifests again: nothing to write


def resource_versions(server: Server) -> dict[tuple[str, str, str], str]:
    with server.lock:
        return {(o.kind, o.namespace, o.name): o.metadata.resource_version
                for kind in ("deployments", "replicasets", "pods", "jobs", "services", "persistentvolumes",
                             "persistentvolumeclaims")
                for namespace in ("default", "mem-example") for o in server.cluster.get(kind, namespace=namespace)}


# ---------------------------------------------------------------- FieldsV1, by hand

NGINX = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "nginx-deployment", "labels": {"app": "nginx"}},
    "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "nginx"}},
             "template": {"metadata": {"labels": {"app": "nginx"}},
                          "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2",
                                                   "ports": [{"containerPort": 80}]}]}}},
}

# What Kubernetes 1.32 records for `kubectl apply --server-side` of the docs' nginx Deployment: the selector is
# atomic (one field), a container and a port are items of associative lists (`.` is the item itself), and
# the port's key has its protocol, defaulted to TCP.
NGINX_FIELDS_V1 = {
    "f:metadata": {"f:labels": {"f:app": {}}},
    "f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
            "f:metadata": {"f:labels": {"f:app": {}}},
            "f:spec": {"f:containers": {'k:{"name":"nginx"}': {
                ".": {}, "f:image": {}, "f:name": {},
                "f:ports": {'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}}}}}}},
}


def test_the_fields_of_the_nginx_deployment_as_1_32_encodes_them() -> None:
    fields = set(fieldsets.members(fieldsets.stripped(NGINX)))
    assert managedfields.encode(fields) == NGINX_FIELDS_V1
    assert managedfields.decode(NGINX_FIELDS_V1) == fields


def test_paths_print_as_conflicts_print_them() -> None:
    port = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:ports",
            'k:{"containerPort":80,"protocol":"TCP"}', "f:containerPort")
    assert managedfields.path_string(port) == \
        '.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"].containerPort'
    assert managedfields.path_string(("f:metadata", "f:finalizers", 'v:"x"')) == '.metadata.finalizers[="x"]'


def test_manager_comes_from_the_query_else_the_user_agent() -> None:
    assert managedfields.manager_of({"fieldManager": "kubectl-edit"}, "kubectl/v1.32.4") == "kubectl-edit"
    assert managedfields.manager_of({}, "kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07") == "kubectl"
    assert managedfields.manager_of({}, "OpenAPI-Generator/31.0.0/python") == "OpenAPI-Generator"


def test_associative_lists_merge_by_key_and_keep_the_live_only_items() -> None:
    live = [{"name": "a", "image": "1"}, {"name": "sidecar", "image": "s"}, {"name": "b", "image": "2"}]
    applied = [{"name": "b", "image": "3"}, {"name": "c", "image": "4"}, {"name": "a", "image": "1"}]
    merged = fieldsets.merge({"containers": live}, {"containers": applied})["containers"]
    assert [(c["name"], c["image"]) for c in merged] == [("b", "3"), ("c", "4"), ("sidecar", "s"), ("a", "1")]
    ports = fieldsets.merge({"ports": [{"containerPort": 80, "name": "http"}]},
                            {"ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 81}]})
    assert ports == {"ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"}, {"containerPort": 81}]}
    assert fieldsets.merge({"command": ["a", "b"]}, {"command": ["c"]}) == {"command": ["c"]}  # atomic


def test_conflicts_with_several_managers_are_listed_by_manager() -> None:
    scale = managedfields.Manager("kubectl", "Update", "scale", "apps/v1")
    edit = managedfields.Manager("kubectl-edit", "Update", "", "apps/v1")
    image = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}', "f:image")
    error = apply.conflict_error([(scale, ("f:spec", "f:replicas")), (edit, image), (edit, ("f:spec", "f:paused"))])
    assert error.code == 409 and error.message == (
        'Apply failed with 3 conflicts: conflicts with "kubectl" with subresource "scale" using apps/v1:\n'
        '- .spec.replicas\n'
        'conflicts with "kubectl-edit" using apps/v1:\n'
        '- .spec.template.spec.containers[name="web"].image\n'
        '- .spec.paused')
    assert error.causes[0] == {"type": "FieldManagerConflict", "field": ".spec.replicas",
                               "message": 'conflict with "kubectl" with subresource "scale" using apps/v1'}


def test_python_writes_keep_the_managed_fields() -> None:
    c = Cluster(nodes=1)
    with serve(c) as srv:
        body = json.dumps(NGINX).encode()
        code, _ = request(srv, "/apis/apps/v1/namespaces/default/deployments/nginx-deployment?fieldManager=me",
                          srv.token, body, apply.APPLY, "PATCH")
        assert code == 201
        with srv.lock:
            c.kubectl("scale deployment nginx-deployment --replicas=4")
            c.run(10)
            deployment = c.get("deployment", "nginx-deployment")
    assert deployment.spec.replicas == 4
    assert [e.manager for e in deployment.metadata.managed_fields] == ["me"]
    c.close()


def test_an_update_owns_what_it_set_defaults_included() -> None:
    created = decode(json.loads(json.dumps(NGINX)))
    apply.record_update(None, created, "kubectl-create", "", 12.0)
    (entry,) = created.metadata.managed_fields
    assert (entry.manager, entry.operation, entry.api_version, entry.time) == ("kubectl-create", "Update",
                                                                               "apps/v1", 12.0)
    fields = managedfields.decode(entry.fields_v1)
    for path in [("f:spec", "f:replicas"), ("f:spec", "f:progressDeadlineSeconds"),
                 ("f:spec", "f:strategy", "f:rollingUpdate", "f:maxSurge"),
                 ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:imagePullPolicy")]:
        assert path in fields
    changed = decode(created.to_dict())
    changed.spec.replicas = 5
    apply.record_update(created, changed, "kubectl", "scale", 20.0)
    assert [(e.manager, e.subresource, e.time) for e in changed.metadata.managed_fields] == \
        [("kubectl-create", "", 12.0), ("kubectl", "scale", 20.0)]
    assert ("f:spec", "f:replicas") not in managedfields.decode(changed.metadata.managed_fields[0].fields_v1)
