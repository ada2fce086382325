"""The ReplicaSet: keep N copies of a pod template running.

Mirrors k8s.io/api/apps/v1 ReplicaSet. `spec.replicas` (default 1) copies
of `spec.template`, found by `spec.selector`, which must match the
template's labels. The ReplicaSet controller (controllers/replicaset.py)
does the work; this module is only the shape of the object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from k8slite.api.meta import OMITEMPTY, TIME_OR_NULL, KubeObject, LabelSelector
from k8slite.api.pod import PodTemplateSpec


@dataclass(slots=True)
class ReplicaSetSpec:
    replicas: int = field(default=1, metadata={"keep_empty": True})
    min_ready_seconds: int | None = None
    selector: LabelSelector = field(default_factory=LabelSelector)
    template: PodTemplateSpec = field(default_factory=PodTemplateSpec)


@dataclass(slots=True)
class ReplicaSetCondition:
    type: str = ""
    """ReplicaFailure: a create or delete was refused (reason FailedCreate or FailedDelete)."""
    status: str = ""
    last_transition_time: float | None = field(default=None, metadata=TIME_OR_NULL)
    reason: str = ""
    message: str = ""


@dataclass(slots=True)
class ReplicaSetStatus:
    replicas: int = field(default=0, metadata={"keep_empty": True})
    fully_labeled_replicas: int = field(default=0, metadata=OMITEMPTY)
    ready_replicas: int = field(default=0, metadata=OMITEMPTY)
    available_replicas: int = field(default=0, metadata=OMITEMPTY)
    observed_generation: int | None = None
    conditions: list[ReplicaSetCondition] = field(default_factory=list)


@dataclass(slots=True)
class ReplicaSet(KubeObject):
    KIND: ClassVar[str] = "ReplicaSet"
    API_VERSION: ClassVar[str] = "apps/v1"
    spec: ReplicaSetSpec = field(default_factory=ReplicaSetSpec)
    status: ReplicaSetStatus = field(default_factory=ReplicaSetStatus)
