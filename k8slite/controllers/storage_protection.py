"""Storage object in-use protection: a claim (or volume) in use is not deleted under a pod.

Mirrors the StorageObjectInUseProtection admission plugin and the
pvc-protection and pv-protection controllers (pkg/controller/volume/
pvcprotection, pvprotection). Every new claim gets the finalizer
`kubernetes.io/pvc-protection`, every new volume `kubernetes.io/pv-protection`.
Deleting a claim then only marks it (`kubectl get pvc` says Terminating);
this controller removes the finalizer, which lets the API server finish
the deletion, once no pod that has not finished uses the claim. A volume's
finalizer goes once the volume is no longer Bound to a claim. So deleting a
claim under a running database waits for the database's pod to go, and the
data is not pulled from under it.
"""

from __future__ import annotations

from k8slite.api.meta import KubeObject
from k8slite.api.pod import Pod
from k8slite.api.storage import PersistentVolume, PersistentVolumeClaim
from k8slite.api.storage_admission import PV_PROTECTION, PVC_PROTECTION
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.informer import object_key


def uses(pod: Pod, claim_name: str) -> bool:
    return pod.status.phase not in ("Succeeded", "Failed") and any(
        v.persistent_volume_claim and v.persistent_volume_claim.claim_name == claim_name for v in pod.spec.volumes)


class StorageProtectionController(Controller):
    name = "pvc-protection-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.claims = self.informer("persistentvolumeclaims", self.enqueue)
        self.volumes = self.informer("persistentvolumes", self.enqueue)
        self.pods = self.informer("pods", self.pod_changed)

    def pod_changed(self, event_type: str, obj: KubeObject) -> None:
        """A pod that finishes or goes may free the claims it used."""
        if isinstance(obj, Pod):
            for volume in obj.spec.volumes:
                if volume.persistent_volume_claim:
                    self.queue.add(f"{obj.namespace}/{volume.persistent_volume_claim.claim_name}")

    def resync_keys(self) -> list[str]:
        return [object_key(o) for o in [*self.claims.list(), *self.volumes.list()]
                if o.metadata.deletion_timestamp is not None]

    def sync(self, key: str) -> None:
        obj = (self.claims if "/" in key else self.volumes).get(key)
        if obj is None or obj.metadata.deletion_timestamp is None:
            return
        if isinstance(obj, PersistentVolumeClaim) and PVC_PROTECTION in obj.metadata.finalizers:
            if not any(isinstance(p, Pod) and p.namespace == obj.namespace and uses(p, obj.name)
                       for p in self.pods.list()):
                self.release(obj, PVC_PROTECTION)
        elif isinstance(obj, PersistentVolume) and PV_PROTECTION in obj.metadata.finalizers:
            if obj.status.phase != "Bound":
                self.release(obj, PV_PROTECTION)

    def release(self, obj: KubeObject, finalizer: str) -> None:
        new = obj.copy()
        new.metadata.finalizers.remove(finalizer)
        self.api.update(new)  # the last finalizer gone: the API server deletes the object
