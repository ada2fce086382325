"""Builders for the volume tests: claims, volumes and pods that mount them."""

from __future__ import annotations

from typing import Any


def pvc(name: str, size: str = "1Gi", modes: tuple[str, ...] = ("ReadWriteOnce",), cls: str | None = None) -> dict:
    spec: dict[str, Any] = {"accessModes": list(modes), "resources": {"requests": {"storage": size}}}
    if cls is not None:
        spec["storageClassName"] = cls
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name}, "spec": spec}


def pv(name: str, size: str = "1Gi", modes: tuple[str, ...] = ("ReadWriteOnce",), cls: str = "",
       policy: str = "Retain", source: dict | None = None) -> dict:
    spec: dict[str, Any] = {"capacity": {"storage": size}, "accessModes": list(modes), "storageClassName": cls,
                            "persistentVolumeReclaimPolicy": policy,
                            **(source or {"csi": {"driver": "k8slite.io/simulated", "volumeHandle": name}})}
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name}, "spec": spec}


def pod_with(name: str, volume: dict, command: str = "sleep 3600", node: str = "", mount: str = "/data",
             extra: dict | None = None) -> dict:
    spec: dict[str, Any] = {
        "containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", command],
                        "volumeMounts": [{"name": "v", "mountPath": mount}], **(extra or {})}],
        "volumes": [{"name": "v", **volume}]}
    if node:  # through the scheduler (nodeName would skip it, and a WaitForFirstConsumer claim would wait forever)
        spec["nodeSelector"] = {"kubernetes.io/hostname": node}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def claim(name: str) -> dict:
    return {"persistentVolumeClaim": {"claimName": name}}


def messages(c, reason: str, name: str | None = None) -> list[str]:
    return [e.message for e in c.events() if e.reason == reason and (name is None or e.involved_object.name == name)]
