"""Status objects: how the API server answers a request it refuses (meta/v1 Status,
k8s.io/apimachinery/pkg/api/errors).

A k8slite ApiError carries Kubernetes' reason and HTTP code; over HTTP it
becomes a Status `{"kind": "Status", "status": "Failure", "reason":
"NotFound", "code": 404, "message": "pods \\"x\\" not found", "details":
{...}}`, which is what kubectl turns back into `Error from server
(NotFound): pods "x" not found`. An Invalid error also lists its causes,
one per field (`{"field": "spec.containers[0].image", "message": "Required
value"}`): kubectl prints those, not the message, as `The Pod "x" is
invalid: spec.containers[0].image: Required value` (cmd/util/helpers.go).
An apply's conflicts are causes of type FieldManagerConflict, one per
field (apply.py). Left out: retryAfterSeconds, and causes' `reason`
(FieldValueRequired ...).
"""

from __future__ import annotations

import re
from typing import Any

from k8slite.errors import ApiError

INVALID = re.compile(r'(?P<kind>[\w.]+) "(?P<name>[^"]*)" is invalid: (?P<detail>.*)', re.S)
FIELD_ERROR = re.compile(r", (?=[\w.\[\]-]+: )")  # where one field error ends and the next begins


def status(error: ApiError, kind: Any = None, name: str = "") -> dict[str, Any]:
    """The Status object for an error (kind: the Kind the request was about, if known)."""
    details: dict[str, Any] = {}
    if name:
        details["name"] = name
    if kind is not None:
        details.update(kind=kind.plural, **({"group": kind.group} if kind.group else {}))
    invalid = INVALID.fullmatch(error.message) if error.reason == "Invalid" else None
    if invalid:
        group_kind = invalid["kind"].split(".", 1)
        details = {"name": invalid["name"], "kind": group_kind[0], "causes": causes(invalid["detail"])}
        if len(group_kind) > 1:
            details["group"] = group_kind[1]
    if getattr(error, "causes", None):  # an apply's conflicts (apply.ApplyConflict): only its causes
        details = {"causes": error.causes}  # type: ignore[attr-defined]
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": error.message, "reason": error.reason, "details": details, "code": error.code}


def causes(detail: str) -> list[dict[str, str]]:
    """`a: Required value` or `[a: Required value, b: Invalid value: "x": why]` -> one cause per field."""
    if detail.startswith("[") and detail.endswith("]"):
        detail = detail[1:-1]
    found = []
    for text in FIELD_ERROR.split(detail):
        field, sep, message = text.partition(": ")
        found.append({"field": field, "message": message} if sep else {"message": text})
    return found


def success(details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Status of a request that worked but has no object to return (a deletion that finished at once)."""
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
            "details": details or {}}
