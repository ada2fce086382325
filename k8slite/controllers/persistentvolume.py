"""The PersistentVolume controller: bind claims to volumes, provision, reclaim.

Mirrors pkg/controller/volume/persistentvolume (pv_controller.go), level-
based like every controller here. For each claim that is not bound yet:

1. a class with volumeBindingMode WaitForFirstConsumer waits until the
   scheduler has annotated the claim with the node it chose
   (`volume.kubernetes.io/selected-node`);
2. the best matching volume (pv_matching.py) is bound: the volume's
   `spec.claimRef` first, then the claim's `spec.volumeName`, both phases
   Bound;
3. with no match, the claim's class provisions a new volume
   (pv_provisioner.py); with no class the claim stays Pending, and an Event
   says why, in the controller's words.

For each volume: Available when free, Bound while its claim exists, and
when its claim is deleted, reclaimed by its `persistentVolumeReclaimPolicy`:
Retain keeps it (phase Released, data kept, not bound again), Delete removes
the data and the PersistentVolume. A bound claim whose volume vanished is
Lost. A claim still used by a pod is not deleted under it (storage_protection.py).
Simplified: no Recycle.
"""

from __future__ import annotations

from contextlib import suppress

from k8slite.api.meta import KubeObject, ObjectReference
from k8slite.api.storage import (
    BIND_COMPLETED,
    BOUND_BY_CONTROLLER,
    SELECTED_NODE,
    PersistentVolume,
    PersistentVolumeClaim,
    StorageClass,
)
from k8slite.api.storage_admission import default_class_name
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.controllers.pv_matching import claim_class, find_best_match
from k8slite.controllers.pv_provisioner import SIMULATED, Provisioner
from k8slite.errors import NotFound
from k8slite.informer import object_key
from k8slite.runtime.storage import NetworkStorage

NO_CLASS = "no persistent volumes available for this claim and no storage class is set"
WAIT_FOR_CONSUMER = "waiting for first consumer to be created before binding"
CLAIM_LOST = "Bound claim has lost its PersistentVolume. Data on the volume is lost!"


def external_provisioning(provisioner: str) -> str:
    return (f"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually "
            "by the system administrator. If volume creation is delayed, please verify that the provisioner "
            "is running and correctly registered.")


class PersistentVolumeController(Controller):
    name = "persistentvolume-controller"

    def __init__(self, api: APIServer, storage: NetworkStorage) -> None:
        super().__init__(api)
        self.provisioner = Provisioner(api, storage)
        self.said: dict[str, str] = {}  # claim uid -> the last "why still Pending": said once, not every resync
        self.claims = self.informer("persistentvolumeclaims", self.claim_changed)
        self.volumes = self.informer("persistentvolumes", self.volume_changed)
        self.classes = self.informer("storageclasses", self.wake_pending)

    # ------------------------------------------------------------ events in
    def claim_changed(self, event_type: str, obj: KubeObject) -> None:
        self.queue.add(object_key(obj))
        if isinstance(obj, PersistentVolumeClaim) and obj.spec.volume_name:
            self.queue.add(obj.spec.volume_name)  # a deleted claim releases its volume

    def volume_changed(self, event_type: str, obj: KubeObject) -> None:
        self.queue.add(object_key(obj))
        self.wake_pending(event_type, obj)

    def wake_pending(self, event_type: str, obj: KubeObject) -> None:
        for claim in self.claims.list():
            if isinstance(claim, PersistentVolumeClaim) and not claim.spec.volume_name:
                self.queue.add(object_key(claim))

    def resync_keys(self) -> list[str]:
        return [object_key(o) for o in [*self.claims.list(), *self.volumes.list()]]

    def sync(self, key: str) -> None:
        obj = (self.claims if "/" in key else self.volumes).get(key)
        if isinstance(obj, PersistentVolumeClaim) and obj.metadata.deletion_timestamp is None:
            self.sync_claim(obj)
        elif isinstance(obj, PersistentVolume):  # also while being deleted: Released lets its finalizer go
            self.sync_volume(obj)

    # ------------------------------------------------------------ claims
    def sync_claim(self, claim: PersistentVolumeClaim) -> None:
        if claim.spec.volume_name:
            self.sync_bound_claim(claim)
            return
        if claim.spec.storage_class_name is None:  # retroactive default class (Kubernetes 1.28+)
            default = default_class_name(self.classes.list())
            if default is not None:
                self.write_claim_class(claim, default)
                return
        name = claim_class(claim)
        sc = self.classes.get(name) if name else None
        if isinstance(sc, StorageClass) and sc.volume_binding_mode == "WaitForFirstConsumer" \
                and SELECTED_NODE not in claim.metadata.annotations:
            self.say(claim, "Normal", "WaitForFirstConsumer", WAIT_FOR_CONSUMER)
            return
        volumes = [v for v in self.volumes.list() if isinstance(v, PersistentVolume)]
        volume = find_best_match(claim, volumes)
        if volume is not None:
            self.bind(volume, claim)
        elif not name:
            self.say(claim, "Normal", "FailedBinding", NO_CLASS)
        elif not isinstance(sc, StorageClass):
            self.say(claim, "Warning", "ProvisioningFailed", f'storageclass.storage.k8s.io "{name}" not found')
        else:
            self.say(claim, "Normal", "ExternalProvisioning", external_provisioning(sc.provisioner))
            if sc.provisioner == SIMULATED:
                self.provisioner.provision(claim, sc)

    def sync_bound_claim(self, claim: PersistentVolumeClaim) -> None:
        volume = self.volumes.get(claim.spec.volume_name)
        if not isinstance(volume, PersistentVolume):
            if claim.status.phase == "Bound":
                self.set_claim_phase(claim, "Lost", None)
                self.recorder.warning(claim, "ClaimLost", CLAIM_LOST)
            return
        ref = volume.spec.claim_ref
        if ref is None:
            self.bind(volume, claim)
        elif ref.uid == claim.metadata.uid and claim.status.phase != "Bound":
            self.set_claim_phase(claim, "Bound", volume)

    def say(self, claim: PersistentVolumeClaim, type_: str, reason: str, message: str) -> None:
        key = claim.metadata.uid  # a new claim of the same name is told again
        if self.said.get(key) != message:
            self.said[key] = message
            self.recorder.event(claim, type_, reason, message)

    # ------------------------------------------------------------ binding
    def bind(self, volume: PersistentVolume, claim: PersistentVolumeClaim) -> None:
        """bindVolumeToClaim, then bindClaimToVolume: the volume first, so no other claim takes it.
        A copy changed meanwhile (Conflict) raises: the work queue tries again on fresh copies."""
        new_volume = volume.copy()
        new_volume.metadata.annotations.setdefault(BOUND_BY_CONTROLLER, "yes")
        new_volume.spec.claim_ref = ObjectReference(
            api_version="v1", kind="PersistentVolumeClaim", namespace=claim.namespace, name=claim.name,
            uid=claim.metadata.uid, resource_version=claim.metadata.resource_version)
        stored = self.api.update(new_volume)
        stored.status.phase = "Bound"
        self.api.update_status(stored)
        new_claim = claim.copy()
        new_claim.spec.volume_name = volume.name
        new_claim.metadata.annotations[BIND_COMPLETED] = "yes"
        new_claim.metadata.annotations[BOUND_BY_CONTROLLER] = "yes"
        self.set_claim_phase(self.api.update(new_claim), "Bound", volume)

    def set_claim_phase(self, claim: PersistentVolumeClaim, phase: str, volume: PersistentVolume | None) -> None:
        new = claim.copy()
        new.status.phase = phase
        if volume is not None:
            new.status.access_modes = list(volume.spec.access_modes)
            new.status.capacity = dict(volume.spec.capacity)
        self.api.update_status(new)

    def write_claim_class(self, claim: PersistentVolumeClaim, name: str) -> None:
        new = claim.copy()
        new.spec.storage_class_name = name
        self.api.update(new)

    # ------------------------------------------------------------ volumes
    def sync_volume(self, volume: PersistentVolume) -> None:
        ref = volume.spec.claim_ref
        if ref is None:
            self.set_volume_phase(volume, "Available")
            return
        claim = self.claims.get(f"{ref.namespace}/{ref.name}")
        if claim is None and not ref.uid:  # pre-bound by name to a claim not made yet
            self.set_volume_phase(volume, "Available")
            return
        if isinstance(claim, PersistentVolumeClaim) and ref.uid in ("", claim.metadata.uid):
            if claim.spec.volume_name == volume.name:
                self.set_volume_phase(volume, "Bound")
            return
        if volume.status.phase == "Released" and volume.spec.persistent_volume_reclaim_policy == "Retain":
            return
        self.set_volume_phase(volume, "Released")
        if volume.spec.persistent_volume_reclaim_policy == "Delete":
            with suppress(NotFound):
                self.provisioner.delete(volume)

    def set_volume_phase(self, volume: PersistentVolume, phase: str) -> None:
        if volume.status.phase == phase:
            return
        new = volume.copy()
        new.status.phase = phase
        self.api.update_status(new)
