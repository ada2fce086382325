"""The kubelet's volume manager: make a pod's volumes ready before its containers start.

Mirrors pkg/kubelet/volumemanager and the volume plugins it calls. For
each volume of a pod the manager decides where its data lives, then asks
the runtime to mount it (`runtime.mount_volume`), before any container is
created (WaitForAttachAndMount):

- emptyDir: a directory of the pod's sandbox (the runtime makes it): shared
  by the pod's containers, kept across container restarts, gone with the pod;
  with `medium: Memory` a tmpfs in RAM of `sizeLimit` bytes, where a write
  that does not fit fails with "No space left on device";
- hostPath: a directory of the node: another node has its own;
- persistentVolumeClaim: the claim must be Bound; a hostPath volume is on the
  node, any other lives in the cluster's network storage, which every node
  reaches, once the attach/detach controller has attached it to this node;
- configMap and secret: one file per key (or per `items` entry, at its path),
  rewritten when the object changes, at the pod's next sync (the kubelet
  resyncs every pod each minute), while environment variables taken from
  the same object keep the value the container started with;
- projected: files from several sources (projected_volume.py), such as the
  ServiceAccount token, CA certificate and namespace every pod gets.

It also resolves each container's environment (`env` with `value` or
`valueFrom` configMapKeyRef / secretKeyRef / fieldRef, and `envFrom`, then
the Services' variables of network/envvars.py); a
missing ConfigMap or Secret leaves the container waiting with
CreateContainerConfigError, in the kubelet's words. An emptyDir that
outgrows its `sizeLimit` gets the pod evicted (phase Failed, reason
Evicted). Simplified: no downwardAPI volumes (only projected ones); files are
replaced one by one (the kubelet swaps a `..data` symlink so a reader sees
all old or all new files); a memory-backed emptyDir's bytes are not charged to the
container's memory limit in the fake runtime (Docker's tmpfs charges them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from k8slite.api.config import Secret
from k8slite.api.node import Node
from k8slite.api.pod import Container, EnvVar, Pod, Volume
from k8slite.api.quantity import bytes_of
from k8slite.api.service import Service
from k8slite.api.storage import PersistentVolume, PersistentVolumeClaim
from k8slite.apiserver import APIServer
from k8slite.errors import NotFound
from k8slite.events import EventRecorder
from k8slite.informer import Informer
from k8slite.kubelet.projected_volume import MissingSource, key_files, projected_files
from k8slite.network.envvars import with_service_env
from k8slite.runtime.storage import VolumeSource

RETRY = 2.0  # seconds between checks of a volume that is not ready (the kubelet's reconciler loop)
MOUNT_TIMEOUT = 120.0  # WaitForAttachAndMount gives up (and says so) after about two minutes
EVICTION_PERIOD = 10.0  # the eviction manager measures emptyDir usage this often
EMPTY_DIR_MESSAGE = 'Usage of EmptyDir volume "{}" exceeds the limit "{}". '  # eviction_manager.go, space and all


class NotReady(Exception):
    """The volume cannot be mounted yet; the message is the Event the kubelet reports at once,
    or "" for a claim not bound or attached yet, reported only when the wait times out."""

    def __init__(self, reason: str, message: str = "", unattached: bool = False) -> None:
        super().__init__(message)
        self.reason, self.unattached = reason, unattached


def unique_name(pv: PersistentVolume) -> str:
    """How node.status.volumesAttached names a CSI volume: kubernetes.io/csi/<driver>^<handle>."""
    driver = pv.spec.csi.driver if pv.spec.csi else ""
    return f"kubernetes.io/csi/{driver}^{pv.network_handle()}"


def is_attachable(pv: PersistentVolume) -> bool:
    """CSI volumes are attached to a node first (like a cloud disk); hostPath and NFS are not."""
    return pv.spec.csi is not None


class VolumeManager:
    """One kubelet's volumes: what is mounted per sandbox, and what each container's env is."""

    def __init__(self, api: APIServer, runtime: Any, recorder: EventRecorder, node_name: str,
                 requeue: Callable[[str, float], None]) -> None:
        self.api, self.runtime, self.recorder, self.node_name = api, runtime, recorder, node_name
        self.requeue = requeue
        self.mounted: set[tuple[str, str]] = set()  # (sandbox id, volume name)
        self.files: dict[tuple[str, str], dict[str, str]] = {}  # what a configMap or secret volume holds now
        self.services: Informer | None = None  # the kubelet's Service cache, while it runs (Service variables)
        self.reported: dict[str, str] = {}  # pod uid -> the last problem reported
        self.waiting_since: dict[str, float] = {}  # pod uid -> when it started waiting for volumes

    # ------------------------------------------------------------ volumes
    def mount_all(self, pod: Pod, sandbox_id: str, key: str) -> bool:
        """Mount what can be; True once every volume of the pod is mounted. Mounted configMap and secret
        volumes are rewritten when their object changed (at the pod's next sync: within the minute)."""
        for volume in pod.spec.volumes:
            mounted = (sandbox_id, volume.name) in self.mounted
            if mounted and volume.config_map is None and volume.secret is None:
                continue
            try:
                source = self.resolve(pod, volume)
            except NotReady as problem:
                if mounted:
                    continue  # the object is gone: the files keep their last contents
                self.not_ready(pod, sandbox_id, volume.name, problem)
                self.requeue(key, RETRY)
                return False
            if mounted and source is not None and source.files == self.files.get((sandbox_id, volume.name)):
                continue
            if source is not None:
                self.runtime.mount_volume(sandbox_id, volume.name, source)
                if source.kind == "files":
                    self.files[(sandbox_id, volume.name)] = source.files
            self.mounted.add((sandbox_id, volume.name))
        return True

    def not_ready(self, pod: Pod, sandbox_id: str, volume: str, problem: NotReady) -> None:
        since = self.waiting_since.setdefault(pod.metadata.uid, self.api.clock.now)
        if str(problem):
            self.report(pod, "Warning", problem.reason, str(problem))
        elif self.api.clock.now - since >= MOUNT_TIMEOUT:
            unmounted = ",".join(v.name for v in pod.spec.volumes if (sandbox_id, v.name) not in self.mounted)
            self.report(pod, "Warning", problem.reason, "Unable to attach or mount volumes: unmounted volumes="
                        f"[{unmounted}], unattached volumes=[{volume if problem.unattached else ''}]: "
                        "timed out waiting for the condition")

    def unmount_all(self, sandbox_id: str) -> None:
        self.mounted = {m for m in self.mounted if m[0] != sandbox_id}
        self.files = {m: files for m, files in self.files.items() if m[0] != sandbox_id}

    def report(self, pod: Pod, type_: str, reason: str, message: str) -> None:
        if self.reported.get(pod.metadata.uid) != message:
            self.reported[pod.metadata.uid] = message
            self.recorder.event(pod, type_, reason, message)

    def resolve(self, pod: Pod, volume: Volume) -> VolumeSource | None:
        """Where the volume's data is; None for emptyDir and hostPath, which the sandbox already has."""
        if volume.persistent_volume_claim is not None:
            return self.claim_source(pod, volume.persistent_volume_claim.claim_name)
        if volume.config_map is not None:
            return self.files_source(volume.name, "configmaps", volume.config_map, pod.namespace)
        if volume.secret is not None:
            return self.files_source(volume.name, "secrets", volume.secret, pod.namespace)
        if volume.projected is not None:
            return self.projected_source(pod, volume)
        return None

    def projected_source(self, pod: Pod, volume: Volume) -> VolumeSource:
        """A projected volume (the ServiceAccount token volume): files from each of its sources."""
        assert volume.projected is not None
        try:
            files = projected_files(pod, volume.name, volume.projected,
                                    lambda plural, name: self.read_data(plural, name, pod.namespace),
                                    self.api.clock.now, lambda p, path: field_value(p, path, p.status.pod_ip))
        except MissingSource as missing:
            raise NotReady("FailedMount", str(missing)) from None
        return VolumeSource("files", files=files)

    def read_data(self, plural: str, name: str, namespace: str) -> dict[str, str] | None:
        """A ConfigMap's or Secret's data in plain text, None when it does not exist."""
        try:
            obj = self.api.get(plural, name, namespace)
        except NotFound:
            return None
        return obj.decoded() if isinstance(obj, Secret) else dict(getattr(obj, "data", {}))

    def claim_source(self, pod: Pod, claim_name: str) -> VolumeSource:
        try:
            claim = self.api.get("persistentvolumeclaims", claim_name, pod.namespace)
        except NotFound:
            raise NotReady("FailedMount") from None
        assert isinstance(claim, PersistentVolumeClaim)
        if claim.status.phase != "Bound":
            raise NotReady("FailedMount")
        pv = self.api.get("persistentvolumes", claim.spec.volume_name, "")
        assert isinstance(pv, PersistentVolume)
        if pv.spec.host_path is not None:
            return VolumeSource("hostPath", path=pv.spec.host_path.path)
        if is_attachable(pv) and not self.attached(pv):
            raise NotReady("FailedMount", unattached=True)
        return VolumeSource("network", handle=pv.network_handle())

    def attached(self, pv: PersistentVolume) -> bool:
        node = self.api.get("nodes", self.node_name, "")
        assert isinstance(node, Node)
        return any(v.name == unique_name(pv) for v in node.status.volumes_attached)

    def files_source(self, volume: str, kind: str, source: dict[str, Any], namespace: str) -> VolumeSource:
        name = str(source.get("name") or source.get("secretName") or "")
        data = self.read_data(kind, name, namespace)
        if data is None and not source.get("optional"):
            raise NotReady("FailedMount", f'MountVolume.SetUp failed for volume "{volume}" : '
                           f'{kind[:-1]} "{name}" not found')
        return VolumeSource("files", files=key_files(data or {}, source.get("items")))

    # ------------------------------------------------------------ sizeLimit
    def size_limit_exceeded(self, pod: Pod, sandbox_id: str, key: str) -> str:
        """The eviction manager's emptyDir check: the message when a volume outgrew its sizeLimit, else ""."""
        limits = [(v.name, v.empty_dir.size_limit) for v in pod.spec.volumes if v.empty_dir and v.empty_dir.size_limit]
        if not limits:
            return ""
        self.requeue(key, EVICTION_PERIOD)
        for name, limit in limits:
            if self.runtime.volume_usage(sandbox_id, name) > bytes_of(limit):
                return EMPTY_DIR_MESSAGE.format(name, limit)
        return ""

    def evict(self, pod: Pod, sandbox_id: str, message: str) -> None:
        """Fail the pod (reason Evicted), then stop its containers; a controller makes a replacement."""
        try:
            latest = self.api.get("pods", pod.name, pod.namespace)
        except NotFound:
            return
        assert isinstance(latest, Pod)
        new = latest.copy()
        new.status.phase, new.status.reason, new.status.message = "Failed", "Evicted", message
        self.api.update_status(new)
        self.recorder.warning(pod, "Evicted", message)
        self.runtime.stop_pod_sandbox(sandbox_id)

    # ------------------------------------------------------------ environment
    def container_config(self, pod: Pod, container: Container, pod_ip: str) -> Container | str:
        """The container with its environment resolved to plain values, or the error that stops it."""
        try:
            env = self.env_from(pod, container) + [self.env_var(pod, e, pod_ip) for e in container.env]
        except NotReady as problem:
            return str(problem)
        services = [s for s in (self.services.list() if self.services else []) if isinstance(s, Service)]
        return replace(container, env=with_service_env(pod, env, services), env_from=[])

    def lookup(self, kind: str, name: str, namespace: str, optional: bool) -> dict[str, str] | None:
        data = self.read_data(kind, name, namespace)
        if data is None and not optional:
            raise NotReady("Failed", f'{kind[:-1]} "{name}" not found')
        return data

    def env_from(self, pod: Pod, container: Container) -> list[EnvVar]:
        env: list[EnvVar] = []
        for source in container.env_from:
            ref, kind = (source["configMapRef"], "configmaps") if "configMapRef" in source \
                else (source.get("secretRef", {}), "secrets")
            data = self.lookup(kind, ref.get("name", ""), pod.namespace, bool(ref.get("optional"))) or {}
            env += [EnvVar(source.get("prefix", "") + k, v) for k, v in sorted(data.items())]
        return env

    def env_var(self, pod: Pod, var: EnvVar, pod_ip: str) -> EnvVar:
        if var.value is not None or not var.value_from:
            return EnvVar(var.name, var.value or "")
        source = var.value_from
        for field_name, kind, word in (("configMapKeyRef", "configmaps", "ConfigMap"),
                                       ("secretKeyRef", "secrets", "Secret")):
            if field_name in source:
                ref = source[field_name]
                data = self.lookup(kind, ref.get("name", ""), pod.namespace, bool(ref.get("optional")))
                if data is not None and ref.get("key") in data:
                    return EnvVar(var.name, data[ref["key"]])
                if data is not None and not ref.get("optional"):
                    raise NotReady("Failed", f"couldn't find key {ref.get('key')} in {word} "
                                   f"{pod.namespace}/{ref.get('name')}")
                return EnvVar(var.name, "")
        if "fieldRef" in source:
            return EnvVar(var.name, field_value(pod, str(source["fieldRef"].get("fieldPath", "")), pod_ip))
        return EnvVar(var.name, "")


def field_value(pod: Pod, path: str, pod_ip: str) -> str:
    """The downward API's fieldRef: metadata.name, status.podIP, metadata.labels['app'] ..."""
    keyed = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if keyed:
        return getattr(pod.metadata, keyed.group(1)).get(keyed.group(2), "")
    values = {"metadata.name": pod.name, "metadata.namespace": pod.namespace, "metadata.uid": pod.metadata.uid,
              "spec.nodeName": pod.spec.node_name, "status.podIP": pod_ip, "status.hostIP": pod.status.host_ip,
              "spec.serviceAccountName": pod.spec.service_account_name or "default"}
    return values.get(path, "")
