"""OpenAPI v3: the schema of every kind, and as much of the operations as kubectl asks of them
(k8s.io/kube-openapi's handler3, kubectl's QueryParamVerifierV3 and `kubectl explain`).

`/openapi/v3` lists each group version's document, at a URL with the
document's hash (`/openapi/v3/api/v1?hash=4F1C...`, the SHA-512 of its
bytes): a client that asks with the current hash may cache the answer
for good (`Cache-Control: public, immutable`), one with an old hash is
sent to the current one (301). Each group version's document has:

- `components.schemas`: the schema of each of its kinds and every schema
  those lead to through `$ref`s (ObjectMeta, PodSpec, Container ...).
  `kubectl explain pods.spec` finds the Pod's schema by its
  `x-kubernetes-group-version-kind` and follows the `$ref`s down the
  field path (k8slite.kubectl.explain prints the same from the same
  documents). The schemas are Kubernetes' own, as upstream publishes
  them in kubernetes/kubernetes `api/openapi-spec/v3` (release-1.32),
  kept in openapischema.json.gz, which openapi_gen.py writes; regenerate
  it when a kind is added or the version changes: `python -m
  k8slite.server.openapi_gen kubernetes/api/openapi-spec/v3
  k8slite/server/openapischema.json.gz`. One difference from a running
  kube-apiserver 1.32: the published documents are made with the
  OpenAPIEnums feature off, so no field has an `enum` (explain prints no
  `enum:` lines, and no "Possible enum values" paragraphs).
- `paths`: per kind, only the PATCH operation of an object, with its
  `fieldValidation` parameter and the kind's `x-kubernetes-group-version-kind`.
  Before `kubectl apply` or `create` sends an object it decides where to
  validate it: when the PATCH operation lists `fieldValidation`, kubectl
  sends `?fieldValidation=Strict` and leaves validation to the server
  (k8slite decodes strictly: an unknown field is a BadRequest).

Left out: every other operation, the List kinds' and the other
meta schemas kube-apiserver also serves (DeleteOptions, Status,
WatchEvent ...), the protobuf encoding of the documents, and OpenAPI v2
(`/openapi/v2`: kubectl 1.32 asks for it only when v3 lacks what it
needs; `kubectl apply`, finding no request body on the PATCH operation,
asks, gets a 404 and computes its patch from its built-in Go types).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import time
from email.utils import formatdate
from pathlib import Path
from typing import Any

from k8slite.api.kinds import KINDS, Kind

PREFIX = "/openapi/v3"
SCHEMAS = Path(__file__).with_name("openapischema.json.gz")
REF_PREFIX = "#/components/schemas/"


def gv_path(api_version: str) -> str:
    """`api/v1`, `apis/apps/v1`: a group version's key in the root document."""
    return f"api/{api_version}" if "/" not in api_version else f"apis/{api_version}"


@functools.cache
def reference() -> dict[str, Any]:
    """openapischema.json.gz: `kinds` (group version -> kind -> schema name) and `schemas` (name -> schema)."""
    with gzip.open(SCHEMAS, "rt", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def refs(node: Any) -> list[str]:
    """The schema names a schema's `$ref`s point at, anywhere inside it."""
    if isinstance(node, dict):
        found = [node["$ref"][len(REF_PREFIX):]] if isinstance(node.get("$ref"), str) else []
        return found + [name for value in node.values() for name in refs(value)]
    if isinstance(node, list):
        return [name for value in node for name in refs(value)]
    return []


def reachable(roots: list[str], schemas: dict[str, Any]) -> list[str]:
    """The roots and every schema their `$ref`s lead to, sorted; KeyError names a missing one."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(refs(schemas[name]))
    return sorted(seen)


def schemas_of(api_version: str) -> dict[str, Any]:
    """The components.schemas of a group version's document: its kinds' schemas and what they lead to."""
    data = reference()
    roots = list(data["kinds"].get(api_version, {}).values())
    return {name: data["schemas"][name] for name in reachable(roots, data["schemas"])}


def object_path(kind: Kind) -> str:
    namespace = "namespaces/{namespace}/" if kind.namespaced else ""
    return f"/{gv_path(kind.api_version)}/{namespace}{kind.plural}/{{name}}"


@functools.cache
def document(path: str) -> dict[str, Any] | None:
    """The document of the group version at `/openapi/v3/<path>`; None when there is none.

    Made once: every call returns the same dict, which callers must not change."""
    kinds = [k for k in KINDS if gv_path(k.api_version) == path.strip("/")]
    if not kinds:
        return None
    paths = {object_path(k): {"patch": patch_operation(k)} for k in kinds}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.0"}, "paths": paths,
            "components": {"schemas": schemas_of(kinds[0].api_version)}}


@functools.cache
def served(path: str) -> tuple[str, str] | None:
    """A group version's document as the JSON text sent, and its hash (SHA-512, hex, as kube-openapi's)."""
    found = document(path)
    if found is None:
        return None
    text = json.dumps(found)
    return text, hashlib.sha512(text.encode()).hexdigest().upper()


def root() -> dict[str, Any]:
    """/openapi/v3: where each group version's document is, with its hash."""
    versions = dict.fromkeys(gv_path(k.api_version) for k in KINDS)
    return {"paths": {v: {"serverRelativeURL": f"{PREFIX}/{v}?hash={digest(v)}"} for v in versions}}


def digest(path: str) -> str:
    """The hash of the document of a group version k8slite serves."""
    found = served(path)
    assert found is not None, f"no OpenAPI document {path}"
    return found[1]


def answer(path: str, asked_hash: str | None, if_none_match: str | None) -> tuple[int, str, dict[str, str]] | None:
    """handler3's answer to a GET of a group version's document: (HTTP code, body, headers); None if there is none.

    Asked for by its hash, the document may be cached for good; an old hash is sent on to the current one
    (301); an ETag the client has already is 304 Not Modified."""
    found = served(path)
    if found is None:
        return None
    text, current = found
    if asked_hash not in (None, current):
        return 301, "", {"Location": f"{PREFIX}{path}?hash={current}"}
    headers = {"ETag": f'"{current}"', "Vary": "Accept"}
    if asked_hash:
        year = formatdate(time.time() + 365 * 24 * 3600, usegmt=True)
        headers.update({"Cache-Control": "public, immutable", "Expires": year})
    if if_none_match == headers["ETag"]:
        return 304, "", headers
    return 200, text, headers


def patch_operation(kind: Kind) -> dict[str, Any]:
    group, _, version = kind.api_version.rpartition("/")
    return {"operationId": f"patch{kind.kind}", "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": {"group": group, "version": version, "kind": kind.kind},
            "parameters": [{"name": "fieldValidation", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "OK"}}}
