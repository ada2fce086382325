"""The Deployment: a ReplicaSet per version of a pod template, and a rollout between them.

Mirrors k8s.io/api/apps/v1 Deployment. `spec.template` is what should run,
`spec.replicas` (default 1) how many copies; the Deployment controller
(controllers/deployment.py) makes one ReplicaSet per distinct template and
moves pods from the old ones to the new one according to `spec.strategy`:

- `RollingUpdate` (the default): at most `replicas + maxSurge` pods and at
  least `replicas - maxUnavailable` available ones at any time. Both are a
  number or a percentage of replicas (default "25%"; surge rounds up,
  unavailable rounds down; both 0 is invalid).
- `Recreate`: every old pod goes before a new one is made.

`minReadySeconds` (default 0): a pod counts as available once it has been
Ready that long. `revisionHistoryLimit` (default 10): old ReplicaSets kept
for `kubectl rollout undo`. `progressDeadlineSeconds` (default 600): after
this long without progress the Progressing condition turns False with
reason ProgressDeadlineExceeded (nothing rolls back by itself).
`paused: true` stops rollouts (scaling still works).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from k8slite.api.meta import OMITEMPTY, TIME_OR_NULL, KubeObject, LabelSelector
from k8slite.api.pod import PodTemplateSpec

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
CHANGE_CAUSE = "kubernetes.io/change-cause"
POD_TEMPLATE_HASH = "pod-template-hash"


@dataclass(slots=True)
class RollingUpdateDeployment:
    max_unavailable: int | str | None = "25%"
    """Pods that may be unavailable during the update: a number or a percentage of replicas, rounded down."""
    max_surge: int | str | None = "25%"
    """Pods that may exist above replicas during the update: a number or a percentage, rounded up."""


@dataclass(slots=True)
class DeploymentStrategy:
    type: str = "RollingUpdate"
    """RollingUpdate or Recreate."""
    rolling_update: RollingUpdateDeployment | None = None
    """Only for RollingUpdate; defaulted to 25%/25%."""


@dataclass(slots=True)
class DeploymentSpec:
    replicas: int = field(default=1, metadata={"keep_empty": True})
    selector: LabelSelector = field(default_factory=LabelSelector)
    template: PodTemplateSpec = field(default_factory=PodTemplateSpec)
    strategy: DeploymentStrategy = field(default_factory=DeploymentStrategy)
    min_ready_seconds: int | None = None
    revision_history_limit: int | None = 10
    paused: bool | None = None
    progress_deadline_seconds: int | None = 600


@dataclass(slots=True)
class DeploymentCondition:
    type: str = ""
    """Available or Progressing (ReplicaFailure is not modelled)."""
    status: str = ""
    last_update_time: float | None = field(default=None, metadata=TIME_OR_NULL)
    last_transition_time: float | None = field(default=None, metadata=TIME_OR_NULL)
    reason: str = ""
    message: str = ""


@dataclass(slots=True)
class DeploymentStatus:
    observed_generation: int | None = None
    replicas: int = field(default=0, metadata=OMITEMPTY)
    """Pods of every ReplicaSet of the Deployment (not terminating)."""
    updated_replicas: int = field(default=0, metadata=OMITEMPTY)
    """Pods of the new ReplicaSet, the one with the current template."""
    ready_replicas: int = field(default=0, metadata=OMITEMPTY)
    available_replicas: int = field(default=0, metadata=OMITEMPTY)
    """Ready for at least minReadySeconds."""
    unavailable_replicas: int = field(default=0, metadata=OMITEMPTY)
    conditions: list[DeploymentCondition] = field(default_factory=list)
    collision_count: int | None = None

    def condition(self, type_: str) -> DeploymentCondition | None:
        return next((c for c in self.conditions if c.type == type_), None)


@dataclass(slots=True)
class Deployment(KubeObject):
    KIND: ClassVar[str] = "Deployment"
    API_VERSION: ClassVar[str] = "apps/v1"
    spec: DeploymentSpec = field(default_factory=DeploymentSpec)
    status: DeploymentStatus = field(default_factory=DeploymentStatus)
