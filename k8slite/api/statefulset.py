"""The StatefulSet: pods with a name, a DNS name and a volume that each keep.

Mirrors k8s.io/api/apps/v1 StatefulSet. Where a ReplicaSet's pods are
interchangeable (`web-7d4b9c-x2kqp`), a StatefulSet's pods are numbered:
`web-0`, `web-1` ... (from `spec.ordinals.start`, default 0). A pod that goes
is replaced by one with the same name, the same hostname (its `hostname` is
its name, its `subdomain` is `spec.serviceName`, a headless Service, so it is
`web-0.nginx.default.svc.cluster.local`) and the same volumes: each entry of
`spec.volumeClaimTemplates` gives every pod a PersistentVolumeClaim of its
own, `<claim>-<set>-<ordinal>` (`www-web-0`), made once and kept when the pod
goes, when the set scales down and, by default, when the set is deleted
(`persistentVolumeClaimRetentionPolicy`: `whenDeleted` and `whenScaled`,
Retain or Delete).

`podManagementPolicy: OrderedReady` (the default) makes the pods one at a
time in order, each only once the one before is Running and Ready, and
removes them from the highest number down; `Parallel` does both all at
once. `updateStrategy: RollingUpdate` (the default) replaces the pods from
the highest number down, one at a time, each once the one before it is
Ready again, but only those numbered `partition` or more (default 0);
`OnDelete` replaces none until you delete them. As for DaemonSets, each
version of the template is a ControllerRevision; its name is the pods'
`controller-revision-hash` label and `status.updateRevision`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from k8slite.api.meta import OMITEMPTY, TIME_OR_NULL, KubeObject, LabelSelector
from k8slite.api.pod import PodTemplateSpec
from k8slite.api.storage import PersistentVolumeClaim

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"  # apps.StatefulSetPodNameLabel
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"  # apps.PodIndexLabel (the ordinal)
REVISION_LABEL = "controller-revision-hash"  # apps.StatefulSetRevisionLabel: the ControllerRevision's name
HASH_LABEL = "controller.kubernetes.io/hash"  # history.ControllerRevisionHashLabel, on the revisions
POD_MANAGEMENT_POLICIES = ["OrderedReady", "Parallel"]
RETENTION_POLICIES = ["Retain", "Delete"]


@dataclass(slots=True)
class RollingUpdateStatefulSetStrategy:
    partition: int | None = None
    """Pods numbered below it keep the old template."""
    max_unavailable: int | str | None = None
    """MaxUnavailableStatefulSet is alpha in 1.32 (off): the server drops the field."""


@dataclass(slots=True)
class StatefulSetUpdateStrategy:
    type: str = ""
    """RollingUpdate (the default) or OnDelete."""
    rolling_update: RollingUpdateStatefulSetStrategy | None = None


@dataclass(slots=True)
class StatefulSetPersistentVolumeClaimRetentionPolicy:
    when_deleted: str = ""
    """Retain (the default) or Delete: the claims when the StatefulSet is deleted."""
    when_scaled: str = ""
    """Retain (the default) or Delete: a pod's claims when scaling down removes the pod."""


@dataclass(slots=True)
class StatefulSetOrdinals:
    start: int = field(default=0, metadata={"keep_empty": True})


@dataclass(slots=True)
class StatefulSetSpec:
    replicas: int | None = None
    """Defaulted to 1."""
    selector: LabelSelector = field(default_factory=LabelSelector)
    template: PodTemplateSpec = field(default_factory=PodTemplateSpec)
    volume_claim_templates: list[PersistentVolumeClaim] = field(default_factory=list)
    service_name: str = field(default="", metadata={"empty_string": True})
    """The headless Service that gives the pods their DNS names (the pods' subdomain)."""
    pod_management_policy: str = ""
    """OrderedReady (the default) or Parallel."""
    update_strategy: StatefulSetUpdateStrategy = field(default_factory=StatefulSetUpdateStrategy)
    revision_history_limit: int | None = None
    min_ready_seconds: int = field(default=0, metadata=OMITEMPTY)
    persistent_volume_claim_retention_policy: StatefulSetPersistentVolumeClaimRetentionPolicy | None = None
    ordinals: StatefulSetOrdinals | None = None


@dataclass(slots=True)
class StatefulSetCondition:
    type: str = ""
    status: str = ""
    last_transition_time: float | None = field(default=None, metadata=TIME_OR_NULL)
    reason: str = ""
    message: str = ""


@dataclass(slots=True)
class StatefulSetStatus:
    observed_generation: int | None = None
    replicas: int = field(default=0, metadata={"keep_empty": True})
    """Pods the controller made that exist."""
    ready_replicas: int = field(default=0, metadata=OMITEMPTY)
    current_replicas: int = field(default=0, metadata=OMITEMPTY)
    """Pods of currentRevision."""
    updated_replicas: int = field(default=0, metadata=OMITEMPTY)
    """Pods of updateRevision."""
    current_revision: str = ""
    update_revision: str = ""
    collision_count: int | None = None
    conditions: list[StatefulSetCondition] = field(default_factory=list)
    available_replicas: int = field(default=0, metadata={"keep_empty": True})


@dataclass(slots=True)
class StatefulSet(KubeObject):
    KIND: ClassVar[str] = "StatefulSet"
    API_VERSION: ClassVar[str] = "apps/v1"
    spec: StatefulSetSpec = field(default_factory=StatefulSetSpec)
    status: StatefulSetStatus = field(default_factory=StatefulSetStatus)

    def start_ordinal(self) -> int:
        return self.spec.ordinals.start if self.spec.ordinals is not None else 0


UPDATE_FORBIDDEN = ("updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
                    "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")


def spec_update_allowed(old: StatefulSet, new: StatefulSet) -> bool:
    """ValidateStatefulSetUpdate: only replicas, ordinals, template, updateStrategy, the claims' retention and
    minReadySeconds may change (not the selector, the serviceName or the volumeClaimTemplates)."""
    def fixed(spec: StatefulSetSpec) -> tuple[object, ...]:
        return (spec.selector, spec.volume_claim_templates, spec.service_name, spec.pod_management_policy,
                spec.revision_history_limit)
    return fixed(old.spec) == fixed(new.spec)


def statefulset_rolled_out(sts: StatefulSet) -> bool:
    """kubectl's StatefulSetStatusViewer: the status is of this generation, every pod is ready, and the pods
    from the partition up (all of them without one) are of the update revision."""
    status, replicas = sts.status, sts.spec.replicas or 0
    if not status.observed_generation or (sts.metadata.generation or 0) > status.observed_generation:
        return False
    if status.ready_replicas < replicas:
        return False
    rolling = sts.spec.update_strategy.rolling_update
    if sts.spec.update_strategy.type == "RollingUpdate" and rolling is not None and rolling.partition:
        return status.updated_replicas >= replicas - rolling.partition
    return status.update_revision == status.current_revision
