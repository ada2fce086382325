"""PersistentVolume, PersistentVolumeClaim and StorageClass: storage that outlives pods.

Mirrors k8s.io/api/core/v1 PersistentVolume(Claim) and storage.k8s.io/v1
StorageClass. A PersistentVolume (cluster-scoped) is a piece of storage an
administrator made or a provisioner created; a PersistentVolumeClaim
(namespaced) is a pod's request for storage: a size, access modes and a
class. The PV controller binds a claim to one volume (`spec.volume_name` on
the claim, `spec.claim_ref` on the volume); phases say where each stands:

- claim: Pending (not bound yet), Bound, Lost (its volume is gone);
- volume: Available, Bound, Released (its claim was deleted; data kept),
  Failed.

Access modes describe nodes, not pods: ReadWriteOnce is one *node* at a
time, ReadWriteOncePod one pod, ReadOnlyMany/ReadWriteMany many nodes.
Simplified: volume sources are hostPath (on one node), nfs and csi (both
simulated network storage); no selectors, data sources or expansion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from k8slite.api.config import Secret, encode_string_data
from k8slite.api.meta import KubeObject, ObjectReference
from k8slite.api.pod import HostPathVolumeSource

RWO, ROX, RWX, RWOP = "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"
ACCESS_MODES = [RWOP, ROX, RWO, RWX]  # the order Kubernetes lists them in errors
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"


@dataclass(slots=True)
class NFSVolumeSource:
    server: str = ""
    path: str = ""
    read_only: bool | None = None


@dataclass(slots=True)
class CSIPersistentVolumeSource:
    driver: str = ""
    volume_handle: str = ""
    read_only: bool | None = None
    fs_type: str = ""
    volume_attributes: dict[str, str] = field(default_factory=dict)
    IGNORED: ClassVar[frozenset[str]] = frozenset({
        "controllerPublishSecretRef", "nodeStageSecretRef", "nodePublishSecretRef",
        "controllerExpandSecretRef", "nodeExpandSecretRef"})


@dataclass(slots=True)
class PersistentVolumeSpec:
    capacity: dict[str, str | int] = field(default_factory=dict)
    access_modes: list[str] = field(default_factory=list)
    persistent_volume_reclaim_policy: str = ""
    """Retain (the default for volumes made by hand), Delete (the default for provisioned ones), Recycle."""
    storage_class_name: str = ""
    volume_mode: str = ""
    claim_ref: ObjectReference | None = None
    host_path: HostPathVolumeSource | None = None
    nfs: NFSVolumeSource | None = None
    csi: CSIPersistentVolumeSource | None = None
    mount_options: list[str] = field(default_factory=list)
    node_affinity: dict[str, object] | None = None
    volume_attributes_class_name: str = ""
    IGNORED: ClassVar[frozenset[str]] = frozenset({
        "local", "awsElasticBlockStore", "gcePersistentDisk", "azureDisk", "azureFile", "iscsi",
        "cephfs", "rbd", "fc", "flexVolume", "glusterfs", "portworxVolume", "vsphereVolume"})


@dataclass(slots=True)
class PersistentVolumeStatus:
    phase: str = ""
    message: str = ""
    reason: str = ""
    IGNORED: ClassVar[frozenset[str]] = frozenset({"lastPhaseTransitionTime"})


@dataclass(slots=True)
class PersistentVolume(KubeObject):
    KIND: ClassVar[str] = "PersistentVolume"
    NAMESPACED: ClassVar[bool] = False
    spec: PersistentVolumeSpec = field(default_factory=PersistentVolumeSpec)
    status: PersistentVolumeStatus = field(default_factory=PersistentVolumeStatus)

    def network_handle(self) -> str:
        """Where the data lives in the cluster's network storage ("" for a hostPath volume, on a node)."""
        if self.spec.host_path is not None:
            return ""
        return self.spec.csi.volume_handle if self.spec.csi and self.spec.csi.volume_handle else self.name


@dataclass(slots=True)
class VolumeResourceRequirements:
    requests: dict[str, str | int] = field(default_factory=dict)
    limits: dict[str, str | int] = field(default_factory=dict)


@dataclass(slots=True)
class PersistentVolumeClaimSpec:
    access_modes: list[str] = field(default_factory=list)
    resources: VolumeResourceRequirements = field(default_factory=VolumeResourceRequirements)
    storage_class_name: str | None = field(default=None, metadata={"empty_string": True})
    """None: the DefaultStorageClass admission fills in the default class; "": no class at all (kept)."""
    volume_name: str = ""
    volume_mode: str = ""
    volume_attributes_class_name: str = ""
    IGNORED: ClassVar[frozenset[str]] = frozenset({"selector", "dataSource", "dataSourceRef"})


@dataclass(slots=True)
class PersistentVolumeClaimStatus:
    phase: str = ""
    access_modes: list[str] = field(default_factory=list)
    capacity: dict[str, str | int] = field(default_factory=dict)
    IGNORED: ClassVar[frozenset[str]] = frozenset({
        "conditions", "allocatedResources", "allocatedResourceStatuses", "currentVolumeAttributesClassName",
        "modifyVolumeStatus"})


@dataclass(slots=True)
class PersistentVolumeClaim(KubeObject):
    KIND: ClassVar[str] = "PersistentVolumeClaim"
    spec: PersistentVolumeClaimSpec = field(default_factory=PersistentVolumeClaimSpec)
    status: PersistentVolumeClaimStatus = field(default_factory=PersistentVolumeClaimStatus)

    def request(self) -> str | int:
        return self.spec.resources.requests.get("storage", 0)


@dataclass(slots=True)
class StorageClass(KubeObject):
    """How to make volumes on demand: a provisioner, a reclaim policy and when to bind."""

    KIND: ClassVar[str] = "StorageClass"
    API_VERSION: ClassVar[str] = "storage.k8s.io/v1"
    NAMESPACED: ClassVar[bool] = False
    provisioner: str = ""
    parameters: dict[str, str] = field(default_factory=dict)
    reclaim_policy: str = ""
    """Delete (the default) or Retain, copied onto every volume the class provisions."""
    volume_binding_mode: str = ""
    """Immediate (the default) or WaitForFirstConsumer: bind only once a pod using the claim is scheduled."""
    allow_volume_expansion: bool | None = None
    mount_options: list[str] = field(default_factory=list)
    IGNORED: ClassVar[frozenset[str]] = frozenset({"allowedTopologies"})

    def is_default(self) -> bool:
        return self.metadata.annotations.get(DEFAULT_CLASS_ANNOTATION) == "true"


def default_storage(obj: KubeObject) -> None:
    """pkg/apis/core/v1/defaults.go and storage/v1 defaults for these kinds."""
    if isinstance(obj, PersistentVolume):
        obj.spec.persistent_volume_reclaim_policy = obj.spec.persistent_volume_reclaim_policy or "Retain"
        obj.spec.volume_mode = obj.spec.volume_mode or "Filesystem"
        obj.status.phase = obj.status.phase or "Pending"
    elif isinstance(obj, PersistentVolumeClaim):
        obj.spec.volume_mode = obj.spec.volume_mode or "Filesystem"
        obj.status.phase = obj.status.phase or "Pending"
    elif isinstance(obj, StorageClass):
        obj.reclaim_policy = obj.reclaim_policy or "Delete"
        obj.volume_binding_mode = obj.volume_binding_mode or "Immediate"
    elif isinstance(obj, Secret):
        encode_string_data(obj)
