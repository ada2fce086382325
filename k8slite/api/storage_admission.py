"""Storage admission plugins: DefaultStorageClass (plugin/pkg/admission/storage/storageclass/setdefault)
and StorageObjectInUseProtection (plugin/pkg/admission/storage/storageobjectinuseprotection).

A claim created without `storageClassName` gets the cluster's default
class: the StorageClass annotated `storageclass.kubernetes.io/is-default-class:
"true"` (the newest one, if several are). `storageClassName: ""` is
different: it asks for no class at all, so only a volume made by hand can
satisfy the claim. Every new claim and volume also gets its protection
finalizer, which controllers/storage_protection.py removes once nothing
uses the object.
"""

from __future__ import annotations

from collections.abc import Callable

from k8slite.api.meta import KubeObject
from k8slite.api.storage import PersistentVolume, PersistentVolumeClaim, StorageClass

PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"


def default_class_name(classes: list[KubeObject]) -> str | None:
    """The default class (the newest, if several are marked), None when there is none."""
    marked = [c for c in classes if isinstance(c, StorageClass) and c.is_default()]
    if not marked:
        return None
    return max(marked, key=lambda c: (c.metadata.creation_timestamp or 0.0, c.name)).name


def admit_default_class(obj: KubeObject, list_classes: Callable[[], list[KubeObject]]) -> None:
    """Fill in the default class on a new claim that names none."""
    if isinstance(obj, PersistentVolumeClaim) and obj.spec.storage_class_name is None:
        obj.spec.storage_class_name = default_class_name(list_classes())



def add_protection(obj: KubeObject) -> None:
    """The admission plugin: the finalizer on every new claim and volume."""
    finalizer = PVC_PROTECTION if isinstance(obj, PersistentVolumeClaim) else \
        PV_PROTECTION if isinstance(obj, PersistentVolume) else ""
    if finalizer and finalizer not in obj.metadata.finalizers:
        obj.metadata.finalizers.append(finalizer)
