"""kubectl describe for PersistentVolumeClaims, PersistentVolumes and StorageClasses (describe.go's describers).

A claim: its class, status, volume, capacity, access modes (RWO, RWX ...)
and the pods that use it (`Used By`), then the Events that say why it is
Pending. A volume: class, status, the claim it is bound to, the reclaim
policy, and its source (HostPath, NFS, CSI). A class: whether it is the
default, its provisioner, parameters, reclaim policy and binding mode. Left out: conditions, data
sources, node affinity details and the protection finalizers k8slite does
not set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.pod import Pod
from k8slite.api.storage import PersistentVolume, PersistentVolumeClaim, StorageClass
from k8slite.kubectl.describe_writer import (
    PrefixWriter,
    annotations_multiline,
    describe_events,
    events_for,
    labels_multiline,
)
from k8slite.kubectl.durations import human_duration
from k8slite.kubectl.generic_rows import ACCESS_MODES
from k8slite.kubectl.selectors import labels_cell

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


def modes(access_modes: list[str]) -> str:
    return ",".join(ACCESS_MODES.get(m, m) for m in access_modes)


def used_by(cluster: Cluster, claim: PersistentVolumeClaim) -> str:
    pods = [p.name for p in cluster.api.list("pods", claim.namespace) if isinstance(p, Pod)
            and any(v.persistent_volume_claim and v.persistent_volume_claim.claim_name == claim.name
                    for v in p.spec.volumes)]
    return ",".join(sorted(pods)) or "<none>"


def status(cluster: Cluster, obj: PersistentVolume | PersistentVolumeClaim) -> str:
    """The phase, or `Terminating (lasts 12s)` while a protection finalizer holds a deleted object."""
    deleted = obj.metadata.deletion_timestamp
    if deleted is None:
        return obj.status.phase
    return f"Terminating (lasts {human_duration(cluster.now - deleted)})"


def describe_pvc(cluster: Cluster, claim: PersistentVolumeClaim) -> str:
    w = PrefixWriter()
    w.write(0, f"Name:\t{claim.name}\nNamespace:\t{claim.namespace}\n")
    w.write(0, f"StorageClass:\t{claim.spec.storage_class_name or ''}\nStatus:\t{status(cluster, claim)}\n")
    w.write(0, f"Volume:\t{claim.spec.volume_name}\n")
    labels_multiline(w, "Labels", claim.metadata.labels)
    annotations_multiline(w, "Annotations", claim.metadata.annotations)
    w.write(0, f"Finalizers:\t[{' '.join(claim.metadata.finalizers)}]\n")
    w.write(0, f"Capacity:\t{claim.status.capacity.get('storage', '')}\n")
    w.write(0, f"Access Modes:\t{modes(claim.status.access_modes)}\n")
    w.write(0, f"VolumeMode:\t{claim.spec.volume_mode}\nUsed By:\t{used_by(cluster, claim)}\n")
    describe_events(w, events_for(cluster, claim), cluster.now)
    return w.result()


def source_lines(pv: PersistentVolume) -> list[str]:
    spec = pv.spec
    if spec.host_path is not None:
        return ["Type:\tHostPath (bare host directory volume)", f"Path:\t{spec.host_path.path}",
                f"HostPathType:\t{spec.host_path.type}"]
    if spec.nfs is not None:
        return ["Type:\tNFS (an NFS mount that lasts the lifetime of a pod)", f"Server:\t{spec.nfs.server}",
                f"Path:\t{spec.nfs.path}", f"ReadOnly:\t{str(bool(spec.nfs.read_only)).lower()}"]
    if spec.csi is not None:
        return ["Type:\tCSI (a Container Storage Interface (CSI) volume source)", f"Driver:\t{spec.csi.driver}",
                f"FSType:\t{spec.csi.fs_type}", f"VolumeHandle:\t{spec.csi.volume_handle}",
                f"ReadOnly:\t{str(bool(spec.csi.read_only)).lower()}"]
    return []


def describe_source(w: PrefixWriter, pv: PersistentVolume) -> None:
    w.write(0, "Source:\n")
    for line in source_lines(pv):
        w.write(2, line + "\n")


def describe_pv(cluster: Cluster, pv: PersistentVolume) -> str:
    w = PrefixWriter()
    w.write(0, f"Name:\t{pv.name}\n")
    labels_multiline(w, "Labels", pv.metadata.labels)
    annotations_multiline(w, "Annotations", pv.metadata.annotations)
    w.write(0, f"Finalizers:\t[{' '.join(pv.metadata.finalizers)}]\n")
    ref = pv.spec.claim_ref
    w.write(0, f"StorageClass:\t{pv.spec.storage_class_name}\nStatus:\t{status(cluster, pv)}\n")
    w.write(0, f"Claim:\t{f'{ref.namespace}/{ref.name}' if ref else ''}\n")
    w.write(0, f"Reclaim Policy:\t{pv.spec.persistent_volume_reclaim_policy}\n")
    w.write(0, f"Access Modes:\t{modes(pv.spec.access_modes)}\nVolumeMode:\t{pv.spec.volume_mode}\n")
    w.write(0, f"Capacity:\t{pv.spec.capacity.get('storage', '')}\nNode Affinity:\t<none>\n")
    w.write(0, f"Message:\t{pv.status.message}\n")
    describe_source(w, pv)
    describe_events(w, events_for(cluster, pv), cluster.now)
    return w.result()


def describe_storageclass(cluster: Cluster, sc: StorageClass) -> str:
    default = sc.metadata.annotations.get("storageclass.kubernetes.io/is-default-class") == "true"
    expansion = "<unset>" if sc.allow_volume_expansion is None else str(sc.allow_volume_expansion).lower()
    w = PrefixWriter()
    w.write(0, f"Name:\t{sc.name}\nIsDefaultClass:\t{'Yes' if default else 'No'}\n")
    w.write(0, f"Annotations:\t{labels_cell(sc.metadata.annotations)}\nProvisioner:\t{sc.provisioner}\n")
    w.write(0, f"Parameters:\t{labels_cell(sc.parameters)}\nAllowVolumeExpansion:\t{expansion}\n")
    w.write(0, "MountOptions:\t<none>\n" if not sc.mount_options else "MountOptions:\n")
    for option in sc.mount_options:
        w.write(1, f"{option}\n")
    if sc.reclaim_policy:
        w.write(0, f"ReclaimPolicy:\t{sc.reclaim_policy}\n")
    if sc.volume_binding_mode:
        w.write(0, f"VolumeBindingMode:\t{sc.volume_binding_mode}\n")
    describe_events(w, events_for(cluster, sc), cluster.now)
    return w.result()
