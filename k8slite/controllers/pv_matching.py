"""Which PersistentVolume a claim should bind to (pkg/controller/volume/persistentvolume/index.go).

findBestMatchForClaim: among the volumes that are not bound to another
claim, keep those with the claim's storageClassName and volumeMode, whose
access modes include every mode the claim asks for, and whose capacity is
at least the request; of those, the smallest wins (so a 1Gi claim does not
take the 100Gi volume). A volume pre-bound to this claim (claimRef) wins
outright. Capacity is compared in bytes, so "1Gi" < "2G" < "2Gi".
Simplified: no label selectors and no node affinity.
"""

from __future__ import annotations

from k8slite.api.quantity import parse_quantity
from k8slite.api.storage import PersistentVolume, PersistentVolumeClaim


def access_modes_contain(volume_modes: list[str], wanted: list[str]) -> bool:
    """Every mode the claim wants is one the volume offers."""
    return all(mode in volume_modes for mode in wanted)


def claim_class(claim: PersistentVolumeClaim) -> str:
    return claim.spec.storage_class_name or ""


def is_available_for(volume: PersistentVolume, claim: PersistentVolumeClaim) -> bool:
    """Not being deleted, and either free or pre-bound to this very claim."""
    if volume.metadata.deletion_timestamp is not None:
        return False
    ref = volume.spec.claim_ref
    if ref is None:
        return volume.status.phase in ("", "Pending", "Available")
    return ref.name == claim.name and ref.namespace == claim.namespace and ref.uid in ("", claim.metadata.uid)


def matches(volume: PersistentVolume, claim: PersistentVolumeClaim) -> bool:
    """Class, volume mode, access modes and size all fit."""
    if volume.spec.storage_class_name != claim_class(claim):
        return False
    if (volume.spec.volume_mode or "Filesystem") != (claim.spec.volume_mode or "Filesystem"):
        return False
    if not access_modes_contain(volume.spec.access_modes, claim.spec.access_modes):
        return False
    return parse_quantity(volume.spec.capacity.get("storage", 0)) >= parse_quantity(claim.request())


def find_best_match(claim: PersistentVolumeClaim, volumes: list[PersistentVolume]) -> PersistentVolume | None:
    """The volume the binder picks for a claim, or None when nothing fits."""
    candidates = [v for v in volumes if is_available_for(v, claim) and matches(v, claim)]
    prebound = [v for v in candidates if v.spec.claim_ref is not None]
    if prebound:
        return prebound[0]
    if not candidates:
        return None
    return min(candidates, key=lambda v: (parse_quantity(v.spec.capacity.get("storage", 0)), v.name))
