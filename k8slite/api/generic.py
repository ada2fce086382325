"""Kinds that k8slite stores but does not act on yet.

Mirrors the API server's role as a store for any declared kind: a
Service, ConfigMap or PersistentVolume applied to a cluster is validated for the basics
(apiVersion, kind, metadata.name) and kept, exactly as written, so that
`kubectl get` finds it. No controller acts on these kinds until a later
chapter builds one; `Cluster.apply` says so once per kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from k8slite.api.meta import KubeObject


@dataclass(slots=True)
class GenericObject(KubeObject):
    """Any kind: the top-level fields other than apiVersion/kind/metadata stay a dict."""

    body: dict[str, Any] = field(default_factory=dict, metadata={"skip": True})

    def to_dict(self) -> dict[str, Any]:
        result = super().to_dict()
        result.update(self.body)
        return result

    @property
    def spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = self.body.get("spec", {})
        return spec


def generic_kind(kind: str, api_version: str, namespaced: bool = True) -> type[GenericObject]:
    """A GenericObject subclass for one kind (Deployment, Service, ...)."""
    attrs: dict[str, Any] = {"KIND": kind, "API_VERSION": api_version, "NAMESPACED": namespaced,
                             "__annotations__": {"KIND": ClassVar[str], "API_VERSION": ClassVar[str],
                                                 "NAMESPACED": ClassVar[bool]}}
    return dataclass(type(kind, (GenericObject,), attrs))
