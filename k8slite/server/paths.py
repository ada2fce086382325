"""Which resource a request path names, as the API server's RequestInfoResolver reads it
(k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).

`/api/v1/namespaces/web/pods/x/log` is the core group (`/api/v1`), the
namespace `web`, the resource `pods`, the name `x` and the subresource
`log`; named groups live under `/apis/<group>/<version>`
(`/apis/apps/v1/deployments` lists Deployments in every namespace). A
namespace is itself a cluster-scoped resource: `/api/v1/namespaces/web`
names it. Left out: `/api/v1/proxy`, `watch/` paths (deprecated; `?watch=true` is used).
"""

from __future__ import annotations

from dataclasses import dataclass

from k8slite.api.kinds import KINDS, Kind
from k8slite.errors import NotFound


@dataclass(frozen=True)
class Target:
    """What one request is about."""

    kind: Kind
    namespace: str | None
    """The namespace in the path; None for every namespace (or a cluster-scoped kind)."""
    name: str = ""
    """The object's name; "" for the collection."""
    subresource: str = ""
    """`status`, `scale` or `log`; "" for the object itself."""


def group_version(kind: Kind) -> str:
    """`v1` or `apps/v1`: the path segment after /api or /apis."""
    return kind.api_version


def resolve(path: str) -> Target:
    """The Target of a resource path; NotFound (404 with the server's wording) when it names none."""
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["api"] and len(parts) >= 3:
        version, rest = parts[1], parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 4:
        version, rest = f"{parts[1]}/{parts[2]}", parts[3:]
    else:
        raise NotFound("the server could not find the requested resource")
    namespace: str | None = None
    if len(rest) >= 3 and rest[0] == "namespaces":  # /namespaces/<ns>/<resource>...
        namespace, rest = rest[1], rest[2:]
    kind = next((k for k in KINDS if k.plural == rest[0] and k.api_version == version), None)
    if kind is None or len(rest) > 3:
        raise NotFound("the server could not find the requested resource")
    return Target(kind, namespace if kind.namespaced else None, *rest[1:])
