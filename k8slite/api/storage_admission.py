"""The DefaultStorageClass admission plugin (plugin/pkg/admission/storage/storageclass/setdefault).

A claim created without `storageClassName` gets the cluster's default
class: the StorageClass annotated `storageclass.kubernetes.io/is-default-class:
"true"` (the newest one, if several are). `storageClassName: ""` is
different: it asks for no class at all, so only a volume made by hand can
satisfy the claim.
"""

from __future__ import annotations

from collections.abc import Callable

from k8slite.api.meta import KubeObject
from k8slite.api.storage import PersistentVolumeClaim, StorageClass


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
