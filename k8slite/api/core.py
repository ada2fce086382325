"""Namespace and Event, the two small kinds of core/v1 every cluster has.

Mirrors k8s.io/api/core/v1 Namespace (a scope for names; `default` and
`kube-system` always exist) and Event (a record of something that happened
to an object: a reason in CamelCase, a message for people, Normal or
Warning). Simplified: events are never aggregated into counts, so a timeline
shows every occurrence; `time` is when it happened, in cluster seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from k8slite.api.meta import MICRO_TIME, TIME_OR_NULL, KubeObject, ObjectReference


@dataclass(slots=True)
class NamespaceSpec:
    finalizers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class NamespaceStatus:
    phase: str = "Active"
    conditions: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Namespace(KubeObject):
    KIND: ClassVar[str] = "Namespace"
    NAMESPACED: ClassVar[bool] = False
    spec: NamespaceSpec = field(default_factory=NamespaceSpec)
    status: NamespaceStatus = field(default_factory=NamespaceStatus)


@dataclass(slots=True, frozen=True)  # never changed: Events share it (clone)
class EventSource:
    component: str = ""
    host: str = ""


@dataclass(slots=True)
class Event(KubeObject):
    KIND: ClassVar[str] = "Event"
    involved_object: ObjectReference = field(default_factory=ObjectReference)
    reason: str = ""
    message: str = ""
    type: str = "Normal"
    source: EventSource = field(default_factory=EventSource)
    first_timestamp: float | None = field(default=None, metadata=TIME_OR_NULL)
    last_timestamp: float | None = field(default=None, metadata=TIME_OR_NULL)
    count: int = 1
    reporting_component: str = field(default="", metadata={"empty_string": True})
    reporting_instance: str = field(default="", metadata={"empty_string": True})  # "" but for a kubelet
    event_time: float | None = field(default=None, metadata={**MICRO_TIME, "null": True})
    """Set by events.k8s.io/v1 writers only; the core/v1 recorder k8slite's components use leaves it `null`."""
    IGNORED: ClassVar[frozenset[str]] = frozenset({"series", "action", "related"})

    @property
    def time(self) -> float:
        """When it happened, in seconds on the cluster clock (like `c.now`)."""
        return self.first_timestamp or 0.0

    def __str__(self) -> str:
        obj = self.involved_object
        return f"{self.time:7.1f}s  {self.type:<7} {self.reason:<18} {obj.kind.lower()}/{obj.name}: {self.message}"
