"""kubectl get's columns for the kinds k8slite only stores, from pkg/printers/internalversion/printers.go.

Services, PersistentVolumes and their claims,
ConfigMaps, Secrets, ServiceAccounts and Endpoints are kept by the API server as plain
dicts (GenericObject); nothing in k8slite acts on them, but `kubectl get`
still shows them in kubectl's own columns, read straight from the dict.
Each kind has its columns before AGE, the columns -o wide adds after it,
and a function giving both. Any other kind gets NAME and AGE only.
Left out: every other printer (StatefulSet, Ingress, CronJob ...), and
kubectl's server-side columns for custom resources.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from k8slite.api.meta import KubeObject
from k8slite.kubectl.durations import since
from k8slite.kubectl.rows import Row
from k8slite.kubectl.selectors import labels_cell

Cells = tuple[Row, Row]  # (columns before AGE, columns -o wide adds)
ACCESS_MODES = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}


def dig(body: dict[str, Any], path: str, default: Any = None) -> Any:
    """body["spec"]["replicas"] as dig(body, "spec.replicas"), default when any part is missing."""
    value: Any = body
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return default if value is None else value


def service_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    kind = dig(b, "spec.type", "ClusterIP")
    external = {"ExternalName": dig(b, "spec.externalName", "<none>"), "LoadBalancer": "<pending>"}.get(kind, "<none>")
    ingress = [i.get("ip") or i.get("hostname", "") for i in dig(b, "status.loadBalancer.ingress", [])]
    if ingress or dig(b, "spec.externalIPs"):
        external = ",".join([*dig(b, "spec.externalIPs", []), *ingress])
    ports = [f"{p.get('port')}" + (f":{p['nodePort']}" if p.get("nodePort") else "") + f"/{p.get('protocol', 'TCP')}"
             for p in dig(b, "spec.ports", [])]
    selector = dig(b, "spec.selector", {})
    return ([kind, dig(b, "spec.clusterIP", "<none>"), external, ",".join(ports) or "<none>"],
            [labels_cell(selector) if selector else "<none>"])


def phase_or_terminating(b: dict[str, Any]) -> str:
    """A claim's or volume's phase; Terminating once it is being deleted (its finalizer holds it)."""
    return "Terminating" if dig(b, "metadata.deletionTimestamp", None) else str(dig(b, "status.phase", "Pending"))


def pvc_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    modes = ",".join(ACCESS_MODES.get(m, m) for m in dig(b, "status.accessModes", []))
    return ([phase_or_terminating(b), dig(b, "spec.volumeName", ""),
             str(dig(b, "status.capacity.storage", "")), modes, dig(b, "spec.storageClassName", ""),
             dig(b, "spec.volumeAttributesClassName", "<unset>")], [dig(b, "spec.volumeMode", "Filesystem")])


def pv_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    ref = dig(b, "spec.claimRef", {})
    claim = f"{ref.get('namespace')}/{ref.get('name')}" if ref else ""
    return ([str(dig(b, "spec.capacity.storage", "")),
             ",".join(ACCESS_MODES.get(m, m) for m in dig(b, "spec.accessModes", [])),
             dig(b, "spec.persistentVolumeReclaimPolicy", "Retain"), phase_or_terminating(b), claim,
             dig(b, "spec.storageClassName", ""), dig(b, "spec.volumeAttributesClassName", "<unset>"),
             dig(b, "status.reason", "")], [dig(b, "spec.volumeMode", "Filesystem")])


def configmap_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    return [str(len(b.get("data") or {}) + len(b.get("binaryData") or {}))], []


def secret_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    return [b.get("type", "Opaque"), str(len(b.get("data") or {}) + len(b.get("stringData") or {}))], []


def serviceaccount_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    return [str(len(b.get("secrets") or []))], []


def storageclass_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    return [b.get("provisioner", ""), b.get("reclaimPolicy", "Delete"), b.get("volumeBindingMode", "Immediate"),
            str(bool(b.get("allowVolumeExpansion"))).lower()], []


def endpoints_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    eps = [f"{a.get('ip')}:{p.get('port')}" if p else str(a.get("ip")) for s in b.get("subsets") or []
           for p in (s.get("ports") or [None]) for a in s.get("addresses") or []]
    shown = ",".join(eps[:3]) + (f" + {len(eps) - 3} more..." if len(eps) > 3 else "")
    return [shown or "<none>"], []


def lease_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    return [dig(b, "spec.holderIdentity", "")], []


# kind: (columns before AGE, extra -o wide columns, cells function)
GENERIC: dict[str, tuple[Row, Row, Callable[[dict[str, Any], float, bool], Cells]]] = {
    "Service": (["TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)"], ["SELECTOR"], service_cells),
    "PersistentVolumeClaim": (["STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS",
                               "VOLUMEATTRIBUTESCLASS"], ["VOLUMEMODE"], pvc_cells),
    "PersistentVolume": (["CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS",
                          "VOLUMEATTRIBUTESCLASS", "REASON"], ["VOLUMEMODE"], pv_cells),
    "ConfigMap": (["DATA"], [], configmap_cells),
    "Secret": (["TYPE", "DATA"], [], secret_cells),
    "Endpoints": (["ENDPOINTS"], [], endpoints_cells),
    "ServiceAccount": (["SECRETS"], [], serviceaccount_cells),
    "Lease": (["HOLDER"], [], lease_cells),
    "StorageClass": (["PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION"], [],
                     storageclass_cells),
}


def generic_header(kind: str) -> tuple[Row, Row]:
    """The columns of a stored-only kind: (NAME ... AGE, what -o wide adds)."""
    if kind not in GENERIC:
        return ["NAME", "AGE"], []
    return ["NAME", *GENERIC[kind][0], "AGE"], GENERIC[kind][1]


def generic_row(obj: KubeObject, now: float, wide: bool) -> Row:
    body: dict[str, Any] = getattr(obj, "body", None) or obj.to_dict()  # typed kinds: their dict
    age = since(now, obj.metadata.creation_timestamp)
    if obj.kind not in GENERIC:
        return [obj.name, age]
    cells, extra = GENERIC[obj.kind][2](body, now, wide)
    default = dig(body, "metadata.annotations", {}).get("storageclass.kubernetes.io/is-default-class") == "true"
    return [obj.name + (" (default)" if default else ""), *cells, age, *(extra if wide else [])]
