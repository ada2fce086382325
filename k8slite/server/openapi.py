"""OpenAPI v3, only as much as kubectl asks of it (k8s.io/kube-openapi, kubectl's QueryParamVerifierV3).

Before `kubectl apply` or `create` sends an object it decides where to
validate it: when the server's OpenAPI v3 document for the object's group
version lists the `fieldValidation` parameter on the kind's PATCH
operation, kubectl sends `?fieldValidation=Strict` and leaves validation to
the server (k8slite decodes strictly: an unknown field is a BadRequest);
otherwise it downloads the schemas to validate by itself. So `/openapi/v3`
lists each group version, and each group version's document has, per kind,
the PATCH operation of an object with that parameter and the kind's
`x-kubernetes-group-version-kind`. Left out: schemas (so no `kubectl
explain`), and every other operation.
"""

from __future__ import annotations

from typing import Any

from k8slite.api.kinds import KINDS, Kind

PREFIX = "/openapi/v3"


def gv_path(api_version: str) -> str:
    """`api/v1`, `apis/apps/v1`: a group version's key in the root document."""
    return f"api/{api_version}" if "/" not in api_version else f"apis/{api_version}"


def root() -> dict[str, Any]:
    """/openapi/v3: where each group version's document is."""
    versions = dict.fromkeys(k.api_version for k in KINDS)
    return {"paths": {gv_path(v): {"serverRelativeURL": f"{PREFIX}/{gv_path(v)}"} for v in versions}}


def object_path(kind: Kind) -> str:
    namespace = "namespaces/{namespace}/" if kind.namespaced else ""
    return f"/{gv_path(kind.api_version)}/{namespace}{kind.plural}/{{name}}"


def document(path: str) -> dict[str, Any] | None:
    """The document of the group version at `/openapi/v3/<path>`; None when there is none."""
    kinds = [k for k in KINDS if gv_path(k.api_version) == path.strip("/")]
    if not kinds:
        return None
    paths = {object_path(k): {"patch": patch_operation(k)} for k in kinds}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.0"}, "paths": paths,
            "components": {"schemas": {}}}


def patch_operation(kind: Kind) -> dict[str, Any]:
    group, _, version = kind.api_version.rpartition("/")
    return {"operationId": f"patch{kind.kind}", "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": {"group": group, "version": version, "kind": kind.kind},
            "parameters": [{"name": "fieldValidation", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "OK"}}}
