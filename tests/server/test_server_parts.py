"""The parts of k8slite.server that need no HTTP: paths, Status objects, timestamps, discovery."""

from __future__ import annotations

import pytest

from k8slite.errors import Invalid, NotFound, not_found
from k8slite.server import discovery, openapi, protobuf, wallclock
from k8slite.server.paths import resolve
from k8slite.server.status import status


def test_paths_name_group_namespace_resource_name_and_subresource() -> None:
    target = resolve("/apis/apps/v1/namespaces/web/deployments/front/scale")
    assert (target.kind.kind, target.namespace, target.name, target.subresource) == \
        ("Deployment", "web", "front", "scale")
    assert resolve("/api/v1/pods").namespace is None  # every namespace
    assert resolve("/api/v1/namespaces/web").kind.kind == "Namespace"  # a namespace is cluster-scoped
    with pytest.raises(NotFound, match="the server could not find the requested resource"):
        resolve("/apis/apps/v1/namespaces/web/widgets")


def test_a_status_carries_the_errors_reason_code_and_causes() -> None:
    # apimachinery/pkg/api/errors: NewNotFound's Status
    found = status(not_found("pods", "x"))
    assert (found["reason"], found["code"], found["message"]) == ("NotFound", 404, 'pods "x" not found')
    # NewInvalid: details.kind is the kind without its group, one cause per field error
    invalid = status(Invalid('Deployment.apps "d" is invalid: [spec.replicas: Invalid value: -1: must be greater '
                             'than or equal to 0, spec.template.spec.containers: Required value]'))
    assert (invalid["code"], invalid["details"]["kind"], invalid["details"]["group"]) == (422, "Deployment", "apps")
    assert invalid["details"]["causes"] == [
        {"field": "spec.replicas", "message": "Invalid value: -1: must be greater than or equal to 0"},
        {"field": "spec.template.spec.containers", "message": "Required value"}]


def test_wall_clock_shifts_every_timestamp() -> None:
    data = {"metadata": {"creationTimestamp": "2025-01-01T00:00:00Z", "name": "2025"},
            "items": ["2025-01-01T00:01:00Z"]}
    assert wallclock.shift(data, 90) == {"metadata": {"creationTimestamp": "2025-01-01T00:01:30Z", "name": "2025"},
                                         "items": ["2025-01-01T00:02:30Z"]}


def test_discovery_lists_resources_alphabetically_with_subresources() -> None:
    apps = discovery.resource_list("apps/v1")
    assert apps is not None
    assert [r["name"] for r in apps["resources"]] == ["deployments", "deployments/scale", "deployments/status",
                                                     "replicasets", "replicasets/scale", "replicasets/status"]
    assert discovery.resource_list("apps/v2") is None


def test_openapi_says_patch_takes_field_validation() -> None:
    """kubectl's QueryParamVerifierV3 looks for it, to leave validation to the server."""
    document = openapi.document("apis/apps/v1")
    assert document is not None
    patch = document["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert [p["name"] for p in patch["parameters"]] == ["fieldValidation"]


def test_a_protobuf_delete_options_is_read() -> None:
    """The k8s\\0 envelope (runtime.Unknown) around DeleteOptions{gracePeriodSeconds: 0, propagationPolicy}."""
    type_meta = b"\x0a\x02v1" + b"\x12\x0dDeleteOptions"
    options = b"\x08\x00" + b"\x22\x0aBackground"
    body = protobuf.MAGIC + b"\x0a" + bytes([len(type_meta)]) + type_meta + b"\x12" + bytes([len(options)]) + options
    assert protobuf.delete_options(body) == {"gracePeriodSeconds": 0, "propagationPolicy": "Background"}
    with pytest.raises(protobuf.ProtobufError):
        protobuf.delete_options(b"{}")
