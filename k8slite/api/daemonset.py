"""The DaemonSet: one copy of a pod on every node (or every node a selector picks).

Mirrors k8s.io/api/apps/v1 DaemonSet and ControllerRevision. There is no
`replicas`: the nodes are the count. The DaemonSet controller
(controllers/daemonset.py) makes a pod for each node that should run one and
lets the default scheduler place it there (a node affinity on the node's
name). `spec.updateStrategy` says what a changed template does:

- `RollingUpdate` (the default): old pods are replaced node by node, at most
  `maxUnavailable` (default 1; a number or a percentage of the nodes, rounded
  up) unavailable at a time; with `maxSurge` instead (default 0) the new pod
  starts beside the old one, which goes once the new one is available.
- `OnDelete`: nothing is replaced until you delete an old pod yourself.

Every version of the template is kept as a ControllerRevision (`kubectl
rollout history`), named after the template's hash, which the DaemonSet's pods
carry as their `controller-revision-hash` label. The API server counts the
template's versions in the annotation `deprecated.daemonset.template.generation`
(1 at creation, one more at each change of the template), which the pods carry as
their `pod-template-generation` label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from k8slite.api.meta import OMITEMPTY, TIME_OR_NULL, KubeObject, LabelSelector
from k8slite.api.pod import PodTemplateSpec

TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"  # apps.DeprecatedTemplateGeneration
CONTROLLER_REVISION_HASH = "controller-revision-hash"  # apps.DefaultDaemonSetUniqueLabelKey
POD_TEMPLATE_GENERATION = "pod-template-generation"  # extensions.DaemonSetTemplateGenerationKey


@dataclass(slots=True)
class RollingUpdateDaemonSet:
    max_unavailable: int | str | None = 1
    """Nodes whose pod may be unavailable during the update: a number or a percentage, rounded up."""
    max_surge: int | str | None = 0
    """Nodes that may run an old and a new pod at once (then maxUnavailable must be 0)."""


@dataclass(slots=True)
class DaemonSetUpdateStrategy:
    type: str = "RollingUpdate"
    """RollingUpdate or OnDelete."""
    rolling_update: RollingUpdateDaemonSet | None = None


@dataclass(slots=True)
class DaemonSetSpec:
    selector: LabelSelector = field(default_factory=LabelSelector)
    template: PodTemplateSpec = field(default_factory=PodTemplateSpec)
    update_strategy: DaemonSetUpdateStrategy = field(default_factory=DaemonSetUpdateStrategy)
    min_ready_seconds: int = field(default=0, metadata=OMITEMPTY)
    revision_history_limit: int | None = 10


@dataclass(slots=True)
class DaemonSetCondition:
    type: str = ""
    status: str = ""
    last_transition_time: float | None = field(default=None, metadata=TIME_OR_NULL)
    reason: str = ""
    message: str = ""


@dataclass(slots=True)
class DaemonSetStatus:
    current_number_scheduled: int = field(default=0, metadata={"keep_empty": True})
    """Nodes that should run the pod and run at least one."""
    number_misscheduled: int = field(default=0, metadata={"keep_empty": True})
    """Nodes that run the pod but should not."""
    desired_number_scheduled: int = field(default=0, metadata={"keep_empty": True})
    """Nodes that should run the pod."""
    number_ready: int = field(default=0, metadata={"keep_empty": True})
    observed_generation: int | None = None
    updated_number_scheduled: int = field(default=0, metadata=OMITEMPTY)
    """Nodes whose pod has the current template."""
    number_available: int = field(default=0, metadata=OMITEMPTY)
    """Nodes whose pod has been Ready for minReadySeconds."""
    number_unavailable: int = field(default=0, metadata=OMITEMPTY)
    collision_count: int | None = None
    conditions: list[DaemonSetCondition] = field(default_factory=list)


@dataclass(slots=True)
class DaemonSet(KubeObject):
    KIND: ClassVar[str] = "DaemonSet"
    API_VERSION: ClassVar[str] = "apps/v1"
    spec: DaemonSetSpec = field(default_factory=DaemonSetSpec)
    status: DaemonSetStatus = field(default_factory=DaemonSetStatus)

    def template_generation(self) -> int | None:
        """The annotation the API server keeps (util.GetTemplateGeneration); None if missing or not a number."""
        value = self.metadata.annotations.get(TEMPLATE_GENERATION, "")
        return int(value) if value.isdigit() else None


@dataclass(slots=True)
class ControllerRevision(KubeObject):
    """One version of a controller's template, kept so it can be rolled back to: for a DaemonSet, the patch
    `{"spec": {"template": {..., "$patch": "replace"}}}` that restores it."""

    KIND: ClassVar[str] = "ControllerRevision"
    API_VERSION: ClassVar[str] = "apps/v1"
    data: dict[str, Any] = field(default_factory=dict)
    revision: int = field(default=0, metadata={"keep_empty": True})


def prepare_for_create(ds: DaemonSet) -> None:
    """daemonSetStrategy.PrepareForCreate: the template's first generation is 1."""
    generation = ds.template_generation()
    if generation is None or generation < 1:
        ds.metadata.annotations = {**ds.metadata.annotations, TEMPLATE_GENERATION: "1"}


def prepare_for_update(old: DaemonSet, new: DaemonSet) -> None:
    """daemonSetStrategy.PrepareForUpdate: the template generation is the server's, one more when the template
    changed."""
    generation = old.template_generation() or 0
    if new.spec.template != old.spec.template:
        generation += 1
    new.metadata.annotations = {**new.metadata.annotations, TEMPLATE_GENERATION: str(generation)}
