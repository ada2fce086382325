"""Writes openapischema.json.gz, the OpenAPI v3 schemas openapi.py serves, from Kubernetes' published documents.

kube-apiserver serves one OpenAPI v3 document per group version, and
Kubernetes keeps a copy of each in its repository, generated from the Go
types (`api/openapi-spec/v3/api__v1_openapi.json`,
`apis__apps__v1_openapi.json` ...). This script reads the documents of the
group versions k8slite serves and keeps, from their `components.schemas`,
the schema of each kind in k8slite.api.kinds (the one whose
`x-kubernetes-group-version-kind` names it) and every schema those lead
to through `$ref`s: ObjectMeta, PodSpec, Container, Quantity ... Each
schema is kept exactly as upstream has it (descriptions, `allOf`,
defaults, `x-kubernetes-*` extensions): it is reference data, not code. A
schema two documents share (ObjectMeta, PodTemplateSpec) must be the same
in both, and is stored once. It is not run at import time; run it when a
kind is added or Kubernetes' version changes:

    git clone --depth 1 --branch release-1.32 https://github.com/kubernetes/kubernetes
    python -m k8slite.server.openapi_gen kubernetes/api/openapi-spec/v3 k8slite/server/openapischema.json.gz

The file in the package was written from the release-1.32 documents as
kubernetes-sigs/kubectl-validate keeps them, byte for byte as its
downloader fetched them from the release-1.32 branch
(pkg/openapiclient/builtins/1.32 at commit a97ccfac, renamed back to the
repository's file names).

The file: `{"source": ..., "kinds": {"apps/v1": {"Deployment": "io.k8s.api.apps.v1.Deployment", ...}},
"schemas": {name: schema}}`, gzip-compressed (with no timestamp, so
that the same input writes the same bytes).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from k8slite.api.kinds import KINDS
from k8slite.server.openapi import gv_path, reachable

SOURCE = "kubernetes/kubernetes release-1.32, api/openapi-spec/v3"


def document_file(api_version: str) -> str:
    """`v1` -> api__v1_openapi.json, `apps/v1` -> apis__apps__v1_openapi.json (the repository's names)."""
    return gv_path(api_version).replace("/", "__") + "_openapi.json"


def gvk(api_version: str, kind: str) -> dict[str, str]:
    group, _, version = api_version.rpartition("/")
    return {"group": group, "version": version, "kind": kind}


def schema_of_kind(schemas: dict[str, Any], api_version: str, kind: str) -> str:
    """The name of the schema whose x-kubernetes-group-version-kind names this kind."""
    wanted = gvk(api_version, kind)
    for name, schema in sorted(schemas.items()):
        if wanted in schema.get("x-kubernetes-group-version-kind", []):
            return name
    raise SystemExit(f"no schema for {kind} in {document_file(api_version)}")


def collect(directory: Path) -> dict[str, Any]:
    """The kinds' schemas and what they lead to, from each group version's document in `directory`."""
    kinds: dict[str, dict[str, str]] = {}
    kept: dict[str, Any] = {}
    for api_version in dict.fromkeys(k.api_version for k in KINDS):
        document = json.loads((directory / document_file(api_version)).read_text())
        schemas = document["components"]["schemas"]
        names = {k.kind: schema_of_kind(schemas, api_version, k.kind) for k in KINDS if k.api_version == api_version}
        kinds[api_version] = names
        try:
            found = reachable(list(names.values()), schemas)
        except KeyError as e:
            raise SystemExit(f"{document_file(api_version)} has a $ref to {e}, which it does not have") from None
        for name in found:
            if name in kept and kept[name] != schemas[name]:
                raise SystemExit(f"{name} differs between {document_file(api_version)} and an earlier document")
            kept[name] = schemas[name]
    return {"source": SOURCE, "kinds": kinds, "schemas": dict(sorted(kept.items()))}


def write(data: dict[str, Any], path: Path) -> None:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(text.encode())


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: python -m k8slite.server.openapi_gen OPENAPI_SPEC_V3_DIR openapischema.json.gz")
    write(collect(Path(argv[0])), Path(argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
