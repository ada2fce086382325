"""Quantities as the API server stores them: every quantity of a decoded object, canonical.

Mirrors what kube-apiserver does to resource.Quantity fields while it decodes
a request: each is parsed (one malformed quantity fails the whole request,
`Pod in version "v1" cannot be handled as a Pod: quantities must match the
regular expression ...`), every ResourceList is rounded up to milli-units
(SetDefaults_ResourceList, pkg/apis/core/v1/defaults.go) and each value is
written back as Quantity.String() does. So `cpu: 0.5` is stored as "500m",
`memory: 1024Mi` as "1Gi", and `kubectl get -o yaml` shows what a real
cluster would.

The ResourceLists: container requests/limits, PVC requests/limits and
status capacity, PV capacity, Node capacity/allocatable, ResourceQuota
hard/used, and every LimitRange item; emptyDir's sizeLimit is a single
Quantity, round-tripped but not rounded to milli-units.
Simplified: objects handed to the API server as Python objects (not decoded
from a manifest) keep the quantities they were built with.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from k8slite.api.node import NodeStatus
from k8slite.api.pod import EmptyDirVolumeSource, ResourceRequirements
from k8slite.api.policy import LimitRangeItem, ResourceQuotaSpec, ResourceQuotaStatus
from k8slite.api.quantity import canonical
from k8slite.api.storage import PersistentVolumeClaimStatus, PersistentVolumeSpec, VolumeResourceRequirements

RESOURCE_LISTS: dict[type, tuple[str, ...]] = {
    ResourceRequirements: ("requests", "limits"),
    VolumeResourceRequirements: ("requests", "limits"),
    PersistentVolumeSpec: ("capacity",),
    PersistentVolumeClaimStatus: ("capacity",),
    NodeStatus: ("capacity", "allocatable"),
    ResourceQuotaSpec: ("hard",),
    ResourceQuotaStatus: ("hard", "used"),
    LimitRangeItem: ("max", "min", "default", "default_request", "max_limit_request_ratio"),
}
QUANTITIES: dict[type, tuple[str, ...]] = {EmptyDirVolumeSource: ("size_limit",)}


def canonicalize(obj: Any) -> None:
    """Rewrite, in place, every quantity under obj (a freshly decoded object); QuantityError if one is malformed."""
    if isinstance(obj, list):
        for item in obj:
            canonicalize(item)
        return
    if isinstance(obj, dict):
        for item in obj.values():
            canonicalize(item)
        return
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return
    for name in RESOURCE_LISTS.get(type(obj), ()):
        values = getattr(obj, name)
        setattr(obj, name, {key: canonical(value, milli=True) for key, value in values.items()})
    for name in QUANTITIES.get(type(obj), ()):
        if getattr(obj, name) is not None:
            setattr(obj, name, canonical(getattr(obj, name)))
    for f in dataclasses.fields(obj):
        if f.name not in RESOURCE_LISTS.get(type(obj), ()):
            canonicalize(getattr(obj, f.name))
