"""ObjectMeta, owner references and label selectors: what every object carries.

Mirrors k8s.io/apimachinery/pkg/apis/meta/v1. Every object has a name, a
namespace (unless it is cluster-scoped), labels, a uid that never repeats,
and a resourceVersion that changes on every write. Owner references link a
pod to the ReplicaSet that made it; label selectors are how controllers find
their pods. Times are seconds on the cluster clock.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from k8slite.api.serialize import from_dict, to_dict

TIME = {"time": True}  # a *metav1.Time: left out when unset (deletionTimestamp, a pod's startTime)
TIME_OR_NULL = {"time": True, "null": True}  # a metav1.Time: written `null` when unset (creationTimestamp)
MICRO_TIME = {"time": True, "micro": True}  # a *metav1.MicroTime: RFC 3339 with microseconds (a Lease's)
OMITEMPTY = {"omitempty": True}  # a number Go tags omitempty: left out when 0 (a Deployment's readyReplicas)
# core/v1's LastAppliedConfigAnnotation: the manifest `kubectl apply` (client-side) applied last, on any kind
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
T = TypeVar("T", bound="KubeObject")
V = TypeVar("V")


@dataclass(slots=True)
class OwnerReference:
    api_version: str = ""
    kind: str = ""
    name: str = ""
    uid: str = ""
    controller: bool | None = None
    block_owner_deletion: bool | None = None


@dataclass(slots=True)
class ManagedFieldsEntry:
    """Who set which fields (server-side apply's bookkeeping, k8slite.server.managedfields).

    `fields_v1` is the set of fields in FieldsV1's encoding: `{"f:spec": {"f:replicas": {}}}`."""

    manager: str = ""
    operation: str = ""
    """"Apply" (server-side apply) or "Update" (any other write)."""
    api_version: str = ""
    time: float | None = field(default=None, metadata=TIME)
    fields_type: str = ""
    fields_v1: dict[str, Any] = field(default_factory=dict)
    subresource: str = ""
    """"status", "scale", or "" for the object itself."""


@dataclass(slots=True)
class ObjectMeta:
    name: str = ""
    generate_name: str = ""
    namespace: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    uid: str = ""
    resource_version: str = ""
    generation: int | None = None
    creation_timestamp: float | None = field(default=None, metadata=TIME_OR_NULL)
    deletion_timestamp: float | None = field(default=None, metadata=TIME)
    deletion_grace_period_seconds: int | None = None
    owner_references: list[OwnerReference] = field(default_factory=list)
    finalizers: list[str] = field(default_factory=list)
    managed_fields: list[ManagedFieldsEntry] = field(default_factory=list)
    """Recorded by the HTTP API server only (k8slite.server.managedfields); writes made in Python keep them."""

    IGNORED: ClassVar[frozenset[str]] = frozenset({"selfLink"})

    def controller_ref(self) -> OwnerReference | None:
        return next((r for r in self.owner_references if r.controller), None)


@dataclass(slots=True, frozen=True)  # never changed: copies share it (clone)
class ObjectReference:
    """What an Event is about: `kind`, `namespace`, `name`, `uid`."""

    api_version: str = ""
    kind: str = ""
    namespace: str = ""
    name: str = ""
    uid: str = ""
    field_path: str = ""
    resource_version: str = ""


@dataclass(slots=True)
class LabelSelectorRequirement:
    key: str = ""
    operator: str = ""
    values: list[str] = field(default_factory=list)


@dataclass(slots=True)
class LabelSelector:
    match_labels: dict[str, str] = field(default_factory=dict)
    match_expressions: list[LabelSelectorRequirement] = field(default_factory=list)

    def matches(self, labels: dict[str, str]) -> bool:
        """True when labels satisfy every term; an empty selector matches everything."""
        if any(labels.get(k) != v for k, v in self.match_labels.items()):
            return False
        return all(requirement_matches(r, labels) for r in self.match_expressions)

    def is_empty(self) -> bool:
        return not self.match_labels and not self.match_expressions


def requirement_matches(r: LabelSelectorRequirement, labels: dict[str, str]) -> bool:
    if r.operator == "In":
        return labels.get(r.key) in r.values
    if r.operator == "NotIn":
        return labels.get(r.key) not in r.values
    if r.operator == "Exists":
        return r.key in labels
    if r.operator == "DoesNotExist":
        return r.key not in labels
    return False


@dataclass(slots=True)
class KubeObject:
    """The base of every kind: apiVersion, kind, metadata, and the shared behaviour."""

    KIND: ClassVar[str] = ""
    API_VERSION: ClassVar[str] = "v1"
    NAMESPACED: ClassVar[bool] = True

    api_version: str = ""
    kind: str = ""
    metadata: ObjectMeta = field(default_factory=ObjectMeta)

    def __post_init__(self) -> None:
        self.api_version = self.api_version or self.API_VERSION
        self.kind = self.kind or self.KIND

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def namespace(self) -> str:
        return self.metadata.namespace

    def to_dict(self) -> dict[str, Any]:
        """The Kubernetes-shaped dict (camelCase), as `kubectl get -o yaml` shows it."""
        result: dict[str, Any] = to_dict(self)
        return result

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any], ignored: list[str] | None = None,
                  unknown: list[str] | None = None) -> T:
        result: T = from_dict(cls, data, "", ignored, unknown)
        return result

    def copy(self: T) -> T:
        """A deep copy to change: objects read from the API are never changed in place."""
        result: T = clone(self)
        return result


ATOMIC = (str, int, float, bool, type(None))
ATOMIC_TYPES = frozenset(ATOMIC)
ATOMIC_NAMES = frozenset({"str", "int", "float", "bool", str, int, float, bool})  # a field's declared type


def clone(value: Any) -> Any:
    """copy.deepcopy for API objects (dataclasses, lists, dicts, scalars), several times faster.

    Most leaves are strings and numbers: they are shared, not visited (no call per leaf). How to copy
    each type is decided once (`copier`), not at every object."""
    kind = type(value)
    if kind in ATOMIC_TYPES:
        return value
    found = COPIERS.get(kind)
    return (found or copier(kind))(value)


def clone_list(value: list[Any]) -> list[Any]:
    return [v if type(v) in ATOMIC_TYPES else clone(v) for v in value]


def clone_dict(value: dict[Any, Any]) -> dict[Any, Any]:
    return {k: v if type(v) in ATOMIC_TYPES else clone(v) for k, v in value.items()}


def copier(kind: type) -> Callable[[Any], Any]:
    """How clone copies a value of this type: a dataclass field by field, an enum not at all, the rest by deepcopy.
    The API's dataclasses keep their fields in slots (no dict per object: a third less memory a pod)."""
    found: Callable[[Any], Any]
    if dataclasses.is_dataclass(kind) and not hasattr(kind, "__slots__"):
        def found(value: Any) -> Any:
            state = value.__dict__.copy()
            for key, v in state.items():
                if type(v) not in ATOMIC_TYPES:
                    state[key] = clone(v)
            new: Any = object.__new__(kind)
            new.__dict__ = state
            return new
    elif dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        copy_fields, names = slot_copier(kind), slot_names(kind)
        if all(f.type in ATOMIC_NAMES for f in dataclasses.fields(kind)):  # atomic by declaration: no check
            def found(value: Any) -> Any:  # nothing in it can change: share it (an Event's source, a reference)
                return value
        else:
            def found(value: Any) -> Any:
                atomic = all(type(getattr(value, name)) in ATOMIC_TYPES for name in names)
                return value if atomic else copy_fields(value)
    elif dataclasses.is_dataclass(kind):
        found = slot_copier(kind)
    elif issubclass(kind, ATOMIC):  # a subclass of str or int (an enum)
        def found(value: Any) -> Any:
            return value
    else:
        found = copy.deepcopy
    COPIERS[kind] = found
    return found


def slot_names(kind: type) -> tuple[str, ...]:
    """The fields a slotted dataclass keeps (its own and its bases')."""
    return tuple(f.name for f in dataclasses.fields(kind))


def slot_copier(kind: type, deep: bool = True) -> Callable[[Any], Any]:
    """A function that copies a slotted dataclass field by field, written out for the class as dataclasses
    writes __init__ (one line per field: a loop over getattr/setattr is half again as slow, and copies are
    the API server's hottest path). Strings and numbers are shared, the rest cloned (all shared if not `deep`)."""
    frozen = kind.__dataclass_params__.frozen  # type: ignore[attr-defined]  # then set as its __init__ sets them
    lines = [f"def copy_{kind.__name__}(value):", "    new = make(kind)"]
    for name in slot_names(kind):
        copied = "v if type(v) in atomic else clone(v)" if deep else "v"
        put = f"    put(new, {name!r}, {copied})" if frozen else f"    new.{name} = {copied}"
        lines += [f"    v = value.{name}", put]
    scope: dict[str, Any] = {"make": object.__new__, "kind": kind, "atomic": ATOMIC_TYPES, "clone": clone,
                             "put": object.__setattr__}
    exec("\n".join([*lines, "    return new"]), scope)  # our own field names, as dataclasses does
    copier: Callable[[Any], Any] = scope[f"copy_{kind.__name__}"]
    return copier


COPIERS: dict[type, Callable[[Any], Any]] = {list: clone_list, dict: clone_dict}


def shallow(value: V) -> V:
    """copy.copy for an API object (a dataclass): a new object whose fields are the same values."""
    kind = type(value)
    found = SHALLOW_COPIERS.get(kind)
    if found is None:
        found = SHALLOW_COPIERS[kind] = slot_copier(kind, deep=False) if hasattr(kind, "__slots__") else dict_copy
    result: V = found(value)
    return result


def dict_copy(value: Any) -> Any:
    new = object.__new__(type(value))
    new.__dict__ = value.__dict__.copy()
    return new


SHALLOW_COPIERS: dict[type, Callable[[Any], Any]] = {}
