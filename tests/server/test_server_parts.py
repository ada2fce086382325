"""The parts of k8slite.server that need no HTTP: paths, Status objects, timestamps, discovery, protobuf bodies."""

from __future__ import annotations

import pytest
from protobuf_builders import envelope, nested, number, string, varint

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
    assert [r["name"] for r in apps["resources"]] == ["controllerrevisions", "daemonsets", "daemonsets/status",
                                                      "deployments", "deployments/scale", "deployments/status",
                                                      "replicasets", "replicasets/scale", "replicasets/status",
                                                      "statefulsets", "statefulsets/scale", "statefulsets/status"]
    assert discovery.resource_list("apps/v2") is None
    batch = discovery.resource_list("batch/v1")
    assert batch is not None
    cronjobs, status = batch["resources"][:2]
    assert [r["name"] for r in batch["resources"]] == ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]
    assert (cronjobs["shortNames"], cronjobs["categories"], cronjobs["verbs"]) == (["cj"], ["all"], discovery.VERBS)
    assert (status["kind"], status["verbs"]) == ("CronJob", ["get", "patch", "update"])
    (batch_group,) = [g for g in discovery.aggregated(core=False)["items"] if g["metadata"]["name"] == "batch"]
    (aggregated,) = [r for r in batch_group["versions"][0]["resources"] if r["resource"] == "cronjobs"]
    assert aggregated["subresources"] == [{"subresource": "status", "verbs": ["get", "patch", "update"],
                                           "responseKind": {"group": "batch", "version": "v1", "kind": "CronJob"}}]


def test_openapi_says_patch_takes_field_validation() -> None:
    """kubectl's QueryParamVerifierV3 looks for it, to leave validation to the server."""
    document = openapi.document("apis/apps/v1")
    assert document is not None
    patch = document["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert [p["name"] for p in patch["parameters"]] == ["fieldValidation"]


def test_openapi_has_the_schema_of_every_kind_k8slite_serves() -> None:
    """A kind added to k8slite.api.kinds needs openapi_gen.py run again (openapi.py says how): `kubectl explain`
    finds a kind's schema by its x-kubernetes-group-version-kind, and follows its $refs in the same document."""
    from k8slite.api.kinds import KINDS

    for kind in KINDS:
        document = openapi.document(openapi.gv_path(kind.api_version))
        assert document is not None
        schemas = document["components"]["schemas"]
        gvk = {"group": kind.group, "version": kind.api_version.rpartition("/")[2], "kind": kind.kind}
        assert [name for name, schema in schemas.items()
                if gvk in schema.get("x-kubernetes-group-version-kind", [])], f"no schema for {kind.kind}"
        assert {ref for schema in schemas.values() for ref in openapi.refs(schema)} <= set(schemas)
    pod = openapi.document("api/v1")["components"]["schemas"]["io.k8s.api.core.v1.Pod"]  # type: ignore[index]
    assert pod["properties"]["spec"]["allOf"] == [{"$ref": "#/components/schemas/io.k8s.api.core.v1.PodSpec"}]


def test_a_protobuf_delete_options_is_read() -> None:
    """The k8s\\0 envelope (runtime.Unknown) around DeleteOptions{gracePeriodSeconds: 0, propagationPolicy}."""
    type_meta = b"\x0a\x02v1" + b"\x12\x0dDeleteOptions"
    options = b"\x08\x00" + b"\x22\x0aBackground"
    body = protobuf.MAGIC + b"\x0a" + bytes([len(type_meta)]) + type_meta + b"\x12" + bytes([len(options)]) + options
    assert protobuf.decode(body) == {"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0,
                                     "propagationPolicy": "Background"}
    with pytest.raises(protobuf.ProtobufError):
        protobuf.decode(b"{}")



def test_a_protobuf_deployment_reads_as_its_json() -> None:
    # ObjectMeta: 1 name, 2 generateName, 7 generation, 8 creationTimestamp {1 seconds, 2 nanos},
    # 10 deletionGracePeriodSeconds (*int64), 11 labels (map entries {1 key, 2 value})
    metadata = (string(1, "web") + string(2, "") + number(7, 0) + nested(8, number(1, 1735689600) + number(2, 5))
                + nested(11, string(1, "app") + string(2, "web")) + number(10, -30) + number(99, 1))
    # IntOrString {1 type (0 Int, 1 String), 2 intVal, 3 strVal}; RollingUpdateDeployment 1 maxUnavailable, 2 maxSurge
    rolling = nested(1, number(1, 0) + number(2, 1)) + nested(2, number(1, 1) + string(3, "25%"))
    template = nested(2, nested(2, string(1, "web") + string(2, "nginx")))  # PodTemplateSpec.spec.containers[0]
    # DeploymentSpec: 1 replicas (*int32), 3 template, 4 strategy {1 type, 2 rollingUpdate}, 5 minReadySeconds
    # (int32), 6 revisionHistoryLimit (*int32); 98 and 99 are no field of it
    spec = (number(1, 0) + number(5, 0) + nested(4, string(1, "RollingUpdate") + nested(2, rolling))
            + number(6, -1) + nested(3, template) + number(99, 7) + nested(98, b"\xff\xff"))
    body = envelope("apps/v1", "Deployment", nested(1, metadata) + nested(2, spec))
    assert protobuf.decode(body) == {
        "apiVersion": "apps/v1", "kind": "Deployment",
        # generateName "" and generation 0 are Go values at their zero: as absent as in JSON
        "metadata": {"name": "web", "creationTimestamp": "2025-01-01T00:00:00Z", "labels": {"app": "web"},
                     "deletionGracePeriodSeconds": -30},
        # replicas is a pointer: its 0 was set on purpose and stays; minReadySeconds' 0 does not
        "spec": {"replicas": 0, "revisionHistoryLimit": -1,
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}},
                 "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}


def test_protobuf_bytes_packed_numbers_and_inlined_structs() -> None:
    # Secret: 2 data, a map of bytes, which JSON writes in base64
    secret = envelope("v1", "Secret", nested(1, string(1, "s")) + nested(2, string(1, "key") + nested(2, b"\xff\x00!"))
                      + string(3, "Opaque"))
    assert protobuf.decode(secret) == {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                                       "data": {"key": "/wAh"}, "type": "Opaque"}
    # Volume {1 name, 2 volumeSource (inlined in JSON) {2 emptyDir {1 medium, 2 sizeLimit (Quantity {1 string})}}}
    volume = string(1, "scratch") + nested(2, nested(2, string(1, "Memory") + nested(2, string(1, "1Gi"))))
    # PodSecurityContext: 4 supplementalGroups, packed (1, 2) then one more unpacked; 3 runAsNonRoot (*bool)
    security = nested(4, varint(1) + varint(2)) + number(4, 3) + number(3, 0)
    pod = envelope("v1", "Pod", nested(2, nested(1, volume) + nested(14, security)))
    assert protobuf.decode(pod) == {"apiVersion": "v1", "kind": "Pod", "spec": {
        "volumes": [{"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}}],
        "securityContext": {"supplementalGroups": [1, 2, 3], "runAsNonRoot": False}}}


@pytest.mark.parametrize(("body", "problem"), [
    (b'{"kind": "Pod"}', "does not start with k8s"),
    (protobuf.MAGIC + b"\x0a\x05ab", "field 1 runs past the end of its message"),
    (protobuf.MAGIC + b"\x0a\x80", "a varint runs past the end"),
    (envelope("v1", "ReplicationController", b""), "no protobuf message is known for kind 'ReplicationController'"),
    (envelope("v1", "Pod", nested(1, number(1, 5))), "metadata.name: a string sent with wire type 0"),
    (envelope("v1", "Pod", nested(1, nested(1, b"\xff"))), "metadata.name: a string that is not UTF-8"),
    (envelope("v1", "Pod", b"\x0b"), "field 1 has wire type 3"),
])
def test_a_body_that_is_not_kubernetes_protobuf_is_refused(body: bytes, problem: str) -> None:
    with pytest.raises(protobuf.ProtobufError, match=problem):
        protobuf.decode(body)


def test_the_protobuf_table_knows_every_kind_k8slite_serves() -> None:
    """A kind added to k8slite.api.kinds needs protoschema_gen.py run again (protobuf.py says how)."""
    from k8slite.api.kinds import KINDS

    assert {k.kind for k in KINDS} <= set(protobuf.schema()["kinds"])
