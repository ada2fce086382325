"""Validation of PersistentVolumes, claims, StorageClasses, ConfigMaps and Secrets.

Mirrors pkg/apis/core/validation (ValidatePersistentVolume,
ValidatePersistentVolumeClaim, ValidateConfigMap, ValidateSecret) and
pkg/apis/storage/validation, in the API server's words: a claim needs at
least one access mode and a storage request (`spec.resources[storage]:
Required value`); a volume needs a capacity, access modes and exactly one
volume type; ReadWriteOncePod goes alone; keys of ConfigMaps and Secrets
are file-name-like. Simplified: updates are not checked for immutability.
"""

from __future__ import annotations

import base64
import binascii
import re

from k8slite.api.config import ConfigMap, Secret
from k8slite.api.quantity import MESSAGE as QUANTITY_MESSAGE
from k8slite.api.quantity import parse_quantity
from k8slite.api.storage import ACCESS_MODES, RWOP, PersistentVolume, PersistentVolumeClaim, StorageClass
from k8slite.errors import FieldError, forbidden, invalid, required, unsupported

RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"]
CLASS_RECLAIM_POLICIES = ["Delete", "Retain"]
BINDING_MODES = ["Immediate", "WaitForFirstConsumer"]
VOLUME_MODES = ["Block", "Filesystem"]
CONFIG_KEY = r"[-._a-zA-Z0-9]+"
CONFIG_KEY_MESSAGE = ("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
                      f"'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '{CONFIG_KEY}')")


def validate_access_modes(modes: list[str], path: str) -> list[FieldError]:
    if not modes:
        return [FieldError(path, "Required value", "at least 1 access mode is required")]
    errors = [unsupported(path, m, sorted(ACCESS_MODES)) for m in modes if m not in ACCESS_MODES]
    if RWOP in modes and len(modes) > 1:
        errors.append(forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return errors


def validate_storage(value: object, path: str) -> list[FieldError]:
    if value is None:
        return [required(path)]
    try:
        parse_quantity(value)  # type: ignore[arg-type]
    except ValueError:
        return [invalid(path, str(value), QUANTITY_MESSAGE)]
    return []


def validate_pvc(pvc: PersistentVolumeClaim) -> list[FieldError]:
    spec = pvc.spec
    errors = validate_access_modes(spec.access_modes, "spec.accessModes")
    errors += validate_storage(spec.resources.requests.get("storage"), "spec.resources[storage]")
    if spec.volume_mode and spec.volume_mode not in VOLUME_MODES:
        errors.append(unsupported("spec.volumeMode", spec.volume_mode, VOLUME_MODES))
    return errors


def validate_pv(pv: PersistentVolume) -> list[FieldError]:
    spec = pv.spec
    errors = validate_access_modes(spec.access_modes, "spec.accessModes")
    if not spec.capacity:
        errors.append(required("spec.capacity"))
    else:
        errors += validate_storage(spec.capacity.get("storage"), "spec.capacity[storage]")
    sources = [s for s in (spec.host_path, spec.nfs, spec.csi) if s is not None]
    if not sources:
        errors.append(FieldError("spec", "Required value", "must specify a volume type"))
    elif len(sources) > 1:
        errors.append(forbidden("spec", "may not specify more than 1 volume type"))
    if spec.host_path is not None and not spec.host_path.path:
        errors.append(required("spec.hostPath.path"))
    if spec.persistent_volume_reclaim_policy not in RECLAIM_POLICIES:
        errors.append(unsupported("spec.persistentVolumeReclaimPolicy", spec.persistent_volume_reclaim_policy,
                                  RECLAIM_POLICIES))
    return errors


def validate_storage_class(sc: StorageClass) -> list[FieldError]:
    errors = [] if sc.provisioner else [required("provisioner")]
    if sc.reclaim_policy not in CLASS_RECLAIM_POLICIES:
        errors.append(unsupported("reclaimPolicy", sc.reclaim_policy, CLASS_RECLAIM_POLICIES))
    if sc.volume_binding_mode not in BINDING_MODES:
        errors.append(unsupported("volumeBindingMode", sc.volume_binding_mode, BINDING_MODES))
    return errors


def validate_keys(keys: list[str], path: str) -> list[FieldError]:
    return [invalid(f"{path}[{k}]", k, CONFIG_KEY_MESSAGE) for k in keys if not re.fullmatch(CONFIG_KEY, k)]


def validate_config(obj: ConfigMap | Secret) -> list[FieldError]:
    errors = validate_keys(sorted(obj.data), "data")
    if isinstance(obj, ConfigMap):
        return errors + validate_keys(sorted(obj.binary_data), "binaryData")
    for key, value in sorted(obj.data.items()):
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            errors.append(invalid(f"data[{key}]", value, "illegal base64 data"))
    return errors


def validate_storage_kind(obj: object) -> list[FieldError]:
    """The checks of this module for the kinds it knows, [] for any other."""
    if isinstance(obj, PersistentVolumeClaim):
        return validate_pvc(obj)
    if isinstance(obj, PersistentVolume):
        return validate_pv(obj)
    if isinstance(obj, StorageClass):
        return validate_storage_class(obj)
    if isinstance(obj, ConfigMap | Secret):
        return validate_config(obj)
    return []
