"""Which kinds exist, what kubectl calls them, and decoding a dict into one.

Mirrors the API server's discovery and RESTMapper: each kind has a resource
name (`pods`), a singular, short names (`po`), a group/version
(`apps/v1`), and is namespaced or cluster-scoped. `lookup` resolves what a
user types (`deploy`, `Pods`, `replicaset`) the way kubectl does; `decode`
turns a manifest's dict into the typed object, strictly, with its quantities
canonical (k8slite.api.quantity_fields), and refuses a body it cannot decode
as the server does (BadRequest: `Pod in version "v1" cannot be handled as a
Pod: ...`). `Kind.resource` and `Kind.group_kind` are the group-qualified
names errors use (`deployments.apps`, `Deployment.apps`). `Kind.generation`:
whether the kind's registry strategy keeps metadata.generation (1 when
created, one more at each change of the spec); only the workloads and
EndpointSlices do in 1.32, so a Pod, a Service or a ConfigMap has none
(pods get one in 1.33).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from k8slite.api.config import ConfigMap, Secret
from k8slite.api.coordination import Lease
from k8slite.api.core import Event, Namespace
from k8slite.api.cronjob import CronJob
from k8slite.api.daemonset import ControllerRevision, DaemonSet
from k8slite.api.deployment import Deployment
from k8slite.api.generic import GenericObject
from k8slite.api.job import Job
from k8slite.api.meta import KubeObject, ObjectMeta
from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.api.policy import LimitRange, ResourceQuota
from k8slite.api.quantity import QuantityError
from k8slite.api.quantity_fields import canonicalize
from k8slite.api.replicaset import ReplicaSet
from k8slite.api.serialize import DecodeError, TypeMismatch, from_dict, key_sorted
from k8slite.api.service import Endpoints, EndpointSlice, Service
from k8slite.api.serviceaccount import ServiceAccount
from k8slite.api.statefulset import StatefulSet
from k8slite.api.storage import PersistentVolume, PersistentVolumeClaim, StorageClass
from k8slite.errors import BadRequest, Invalid, NotFound


@dataclass(frozen=True)
class Kind:
    kind: str
    plural: str
    short: tuple[str, ...]
    cls: type[KubeObject]

    @property
    def namespaced(self) -> bool:
        return self.cls.NAMESPACED

    @property
    def api_version(self) -> str:
        return self.cls.API_VERSION

    @property
    def group(self) -> str:
        """The API group: `apps` for apps/v1, "" for the core group (v1)."""
        return self.api_version.split("/")[0] if "/" in self.api_version else ""

    @property
    def resource(self) -> str:
        """schema.GroupResource.String(), as errors name it: `deployments.apps`, `pods` (core adds nothing)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def group_kind(self) -> str:
        """schema.GroupKind.String(), as Invalid names it: `Deployment.apps "d" is invalid`, `Pod "p" ...`."""
        return f"{self.kind}.{self.group}" if self.group else self.kind

    @property
    def generation(self) -> bool:
        """Whether objects of this kind have a metadata.generation (their strategy sets it)."""
        return self.kind in GENERATION_KINDS

    @property
    def modelled(self) -> bool:
        """False for kinds that are stored but that no k8slite component acts on yet."""
        return not issubclass(self.cls, GenericObject)


# The kinds whose strategy's PrepareForCreate sets Generation = 1 (pkg/registry/*/strategy.go): of those
# k8slite has, the workloads and EndpointSlice (whose generation counts changes to anything but its
# metadata); also ReplicationController, Ingress, NetworkPolicy,
# PodDisruptionBudget and custom resources, which k8slite does not serve.
GENERATION_KINDS = frozenset({"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob",
                              "EndpointSlice"})

KINDS: list[Kind] = [
    Kind("Pod", "pods", ("po",), Pod),
    Kind("Node", "nodes", ("no",), Node),
    Kind("Namespace", "namespaces", ("ns",), Namespace),
    Kind("Event", "events", ("ev",), Event),
    Kind("ReplicaSet", "replicasets", ("rs",), ReplicaSet),
    Kind("Deployment", "deployments", ("deploy",), Deployment),
    Kind("DaemonSet", "daemonsets", ("ds",), DaemonSet),
    Kind("StatefulSet", "statefulsets", ("sts",), StatefulSet),
    Kind("ControllerRevision", "controllerrevisions", (), ControllerRevision),
    Kind("Job", "jobs", (), Job),
    Kind("CronJob", "cronjobs", ("cj",), CronJob),
    Kind("Service", "services", ("svc",), Service),
    Kind("Endpoints", "endpoints", ("ep",), Endpoints),
    Kind("EndpointSlice", "endpointslices", (), EndpointSlice),
    Kind("ConfigMap", "configmaps", ("cm",), ConfigMap),
    Kind("Secret", "secrets", (), Secret),
    Kind("PersistentVolume", "persistentvolumes", ("pv",), PersistentVolume),
    Kind("PersistentVolumeClaim", "persistentvolumeclaims", ("pvc",), PersistentVolumeClaim),
    Kind("StorageClass", "storageclasses", ("sc",), StorageClass),
    Kind("ResourceQuota", "resourcequotas", ("quota",), ResourceQuota),
    Kind("LimitRange", "limitranges", ("limits",), LimitRange),
    Kind("ServiceAccount", "serviceaccounts", ("sa",), ServiceAccount),
    Kind("Lease", "leases", (), Lease),
]
BY_KIND = {k.kind: k for k in KINDS}
NAMES = {name: k for k in KINDS
         for name in (k.kind.lower(), k.plural, *k.short)}


def lookup(name: str) -> Kind:
    """What kubectl accepts: `pods`, `pod`, `po`, `Pod`, `deployments.apps` ..."""
    key = name.lower().split(".")[0]
    if key in NAMES:
        return NAMES[key]
    raise NotFound(f'the server doesn\'t have a resource type "{name}"')


def kind_of(obj: KubeObject) -> Kind:
    return BY_KIND[obj.kind]


def decode(data: Any, ignored: list[str] | None = None) -> KubeObject:
    """A typed object from a manifest dict, quantities canonical; Invalid, BadRequest or NotFound if it cannot be."""
    if not isinstance(data, dict):
        raise Invalid(f"error validating data: a manifest must be a mapping, not {type(data).__name__}")
    kind_name, version = data.get("kind"), data.get("apiVersion")
    if not kind_name:
        raise Invalid(f"Object 'Kind' is missing in '{json.dumps(data, sort_keys=True)}'")
    if not version:
        raise Invalid(f"error validating data: apiVersion not set (kind {kind_name})")
    kind = BY_KIND.get(str(kind_name))
    if kind is None or kind.api_version != version:
        raise NotFound(f'no matches for kind "{kind_name}" in version "{version}"'
                       " (k8slite knows: " + ", ".join(k.kind for k in KINDS) + ")")
    refused = f'{kind_name} in version "{version.split("/")[-1]}" cannot be handled as a {kind_name}: '
    unknown: list[str] = []
    try:
        if issubclass(kind.cls, GenericObject):
            return decode_generic(kind.cls, data, ignored)
        obj = kind.cls.from_dict(data, ignored, unknown)
        canonicalize(obj)  # quantities as the server stores them
    except TypeMismatch:
        raise BadRequest(refused + as_the_server_reads(kind.cls, data)) from None
    except DecodeError as e:
        raise BadRequest(f"{refused}strict decoding error: {e}") from None
    except QuantityError as e:
        raise BadRequest(f"{refused}{e}") from None
    if unknown:
        raise BadRequest(refused + as_the_server_reads(kind.cls, data))
    return obj


def as_the_server_reads(cls: type[KubeObject], data: dict[str, Any]) -> str:
    """What kube-apiserver says of a body that does not decode, read in the order kubectl sends it (keys
    sorted): the first value of a wrong type (encoding/json's own error, not a strict-decoding one), else
    every field the schema does not have (strict decoding, once the body decoded)."""
    unknown: list[str] = []
    try:
        cls.from_dict(key_sorted(data), None, unknown)
    except TypeMismatch as e:
        return e.go_message
    return "strict decoding error: " + ", ".join(f'unknown field "{u}"' for u in unknown)


def decode_generic(cls: type[KubeObject], data: dict[str, Any], ignored: list[str] | None) -> KubeObject:
    meta = from_dict(ObjectMeta, data.get("metadata") or {}, "metadata", ignored)
    body = {k: v for k, v in data.items() if k not in ("apiVersion", "kind", "metadata")}
    obj = cls(metadata=meta)
    assert isinstance(obj, GenericObject)
    obj.body = json.loads(json.dumps(body))
    return obj
