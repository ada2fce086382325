"""Dynamic provisioning: a StorageClass makes a volume for a claim that has none.

Mirrors an external provisioner (kubernetes-csi/external-provisioner) and
the DefaultStorageClass admission plugin. The cluster comes with one class,
`standard`, marked default with the annotation
`storageclass.kubernetes.io/is-default-class: "true"`, as kind's is:
provisioner `k8slite.io/simulated` (kind's is rancher.io/local-path),
reclaimPolicy Delete and volumeBindingMode WaitForFirstConsumer, so a
volume is made only once the scheduler has picked a node for the first pod
that uses the claim. A provisioned volume is named `pvc-<claim uid>`, has
exactly the size asked for, and lives in the simulated network storage.

api/storage_admission.py gives a claim without `storageClassName` the
default class when it is created.
"""

from __future__ import annotations

import random

from k8slite.api.meta import ObjectMeta, ObjectReference
from k8slite.api.storage import (
    DEFAULT_CLASS_ANNOTATION,
    PROVISIONED_BY,
    CSIPersistentVolumeSource,
    PersistentVolume,
    PersistentVolumeClaim,
    PersistentVolumeSpec,
    StorageClass,
)
from k8slite.apiserver import APIServer
from k8slite.errors import AlreadyExists
from k8slite.events import EventRecorder
from k8slite.runtime.storage import NetworkStorage

SIMULATED = "k8slite.io/simulated"
DEFAULT_CLASS = "standard"


def default_storage_class() -> StorageClass:
    """kind's `standard` class, with k8slite's simulated provisioner."""
    return StorageClass(metadata=ObjectMeta(name=DEFAULT_CLASS, annotations={DEFAULT_CLASS_ANNOTATION: "true"}),
                        provisioner=SIMULATED, reclaim_policy="Delete", volume_binding_mode="WaitForFirstConsumer")


def install_default_class(api: APIServer, seed: int) -> None:
    """What kind's storage addon does at cluster creation. Its uid comes from its own seeded rng,
    so the cluster's rng (pod names, uids) draws the same numbers with or without it."""
    rng, api.rng = api.rng, random.Random(f"{seed}/{DEFAULT_CLASS}")
    try:
        api.create(default_storage_class())
    finally:
        api.rng = rng


def provisioned_volume(claim: PersistentVolumeClaim, sc: StorageClass) -> PersistentVolume:
    """The PersistentVolume a provisioner creates for a claim, already pre-bound to it."""
    name = f"pvc-{claim.metadata.uid}"
    ref = ObjectReference(api_version="v1", kind="PersistentVolumeClaim", namespace=claim.namespace,
                          name=claim.name, uid=claim.metadata.uid)
    spec = PersistentVolumeSpec(capacity={"storage": claim.request()}, access_modes=list(claim.spec.access_modes),
                                persistent_volume_reclaim_policy=sc.reclaim_policy or "Delete",
                                storage_class_name=sc.name, volume_mode=claim.spec.volume_mode or "Filesystem",
                                claim_ref=ref, csi=CSIPersistentVolumeSource(driver=sc.provisioner,
                                                                            volume_handle=name))
    return PersistentVolume(metadata=ObjectMeta(name=name, annotations={PROVISIONED_BY: sc.provisioner}), spec=spec)


class Provisioner:
    """The simulated CSI provisioner: create or delete volumes in the network storage."""

    def __init__(self, api: APIServer, storage: NetworkStorage) -> None:
        self.api, self.storage = api, storage
        self.recorder = EventRecorder(api, f"{SIMULATED}_k8slite-provisioner")

    def provision(self, claim: PersistentVolumeClaim, sc: StorageClass) -> None:
        volume = provisioned_volume(claim, sc)
        self.recorder.normal(claim, "Provisioning", "External provisioner is provisioning volume for claim "
                             f'"{claim.namespace}/{claim.name}"')
        self.storage.create(volume.network_handle())
        try:
            self.api.create(volume)
        except AlreadyExists:
            return
        self.recorder.normal(claim, "ProvisioningSucceeded", f"Successfully provisioned volume {volume.name}")

    def delete(self, volume: PersistentVolume) -> None:
        """reclaimPolicy Delete: the data goes, then the PersistentVolume object."""
        handle = volume.network_handle()
        if handle:
            self.storage.delete(handle)
        self.api.delete("persistentvolumes", volume.name)
