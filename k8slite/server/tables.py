"""Server-side printing: the Table kubectl asks for (k8s.io/apiserver/pkg/endpoints/handlers/response.go,
k8s.io/kubernetes/pkg/printers).

`kubectl get` does not format objects itself: it asks with `Accept:
application/json;as=Table;v=v1;g=meta.k8s.io` and the server answers a
meta.k8s.io/v1 Table, column definitions and one row of cells per object,
computed by the same printers for every client. kubectl only lines the
cells up, upper-cases the column names, drops the columns of priority 1
unless `-o wide`, and adds NAMESPACE (-A) and LABELS (--show-labels) from
each row's object metadata. The cells here come from k8slite's own printers
(k8slite.kubectl.rows, through kubectl.get's `header` and `row`), so the
real kubectl prints what `c.kubectl("get ...")` prints, ages measured on
the cluster clock. Left out: the `format`/`description` of columns.
"""

from __future__ import annotations

from typing import Any

from k8slite.api.kinds import Kind
from k8slite.api.meta import KubeObject
from k8slite.kubectl.get import header, row
from k8slite.server import wire

TABLE_ACCEPT = "as=Table"


def wants_table(accept: str) -> bool:
    """Whether the Accept header asks for a meta.k8s.io Table (kubectl get does; other clients do not)."""
    return TABLE_ACCEPT in accept.replace(" ", "")


def columns(kind: Kind) -> list[dict[str, Any]]:
    """The column definitions: -o wide's columns, those that only -o wide shows with priority 1.

    The NAME column has the format "name": kubectl writes `deployment.apps/web` there when it prints
    several kinds (decorateTable in k8s.io/cli-runtime/pkg/printers/tableprinter.go)."""
    narrow = set(header(kind.kind, False))
    return [{"name": name.title(), "type": "string", "format": "name" if name == "NAME" else "", "description": "",
             "priority": 0 if name in narrow else 1} for name in header(kind.kind, True)]


def table(kind: Kind, objects: list[KubeObject], now: float, resource_version: str,
          include: str = "Metadata", with_columns: bool = True) -> dict[str, Any]:
    """A Table of objects (include: what each row carries of its object: None, Metadata or Object)."""
    rows = [{"cells": row(obj, now, True), "object": row_object(obj, include)} for obj in objects]
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": resource_version},
            "columnDefinitions": columns(kind) if with_columns else [], "rows": rows}


def row_object(obj: KubeObject, include: str) -> dict[str, Any] | None:
    """What a row carries: the whole object, its metadata (PartialObjectMetadata) or nothing."""
    if include == "None":
        return None
    data = wire.encode(obj)
    if include == "Object":
        return data
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": data.get("metadata", {})}
