"""The files of a projected volume, such as the ServiceAccount token volume every pod gets.

Mirrors pkg/volume/projected: one directory filled from several sources,
each writing its own files: `serviceAccountToken` (a token for the pod's
ServiceAccount, from the TokenRequest API, at `path`), `configMap` and
`secret` (one file per key, or per `items` entry), and `downwardAPI` (one
file per item, from a field of the pod). The kubelet's volume manager
(volume_manager.py) mounts the result like a configMap volume.
Simplified: the token is JWT-shaped but signed by nobody (k8slite has no
authentication), and it is not refreshed before it expires; no
clusterTrustBundle sources, no per-file modes.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

from k8slite.api.pod import Pod, ProjectedVolumeSource
from k8slite.api.serialize import EPOCH

ISSUER = "https://kubernetes.default.svc.cluster.local"  # the API server's default --service-account-issuer

Reader = Callable[[str, str], "dict[str, str] | None"]  # (plural, name) -> the object's data, None when absent


class MissingSource(Exception):
    """A configMap or secret source that does not exist and is not optional; str() is the kubelet's words."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


TOKEN_HEAD = b64url(json.dumps({"alg": "RS256", "kid": "k8slite"}, separators=(",", ":")).encode())  # the JWT header


def token(pod: Pod, now: float, expiration_seconds: int) -> str:
    """A JWT-shaped token with the claims a bound ServiceAccount token carries (header.claims.signature)."""
    issued = int(EPOCH.timestamp() + now)
    claims = {"aud": [ISSUER], "exp": issued + expiration_seconds, "iat": issued, "iss": ISSUER,
              "kubernetes.io": {"namespace": pod.namespace, "pod": {"name": pod.name, "uid": pod.metadata.uid},
                                "serviceaccount": {"name": pod.spec.service_account_name or "default"}},
              "nbf": issued, "sub": f"system:serviceaccount:{pod.namespace}:{pod.spec.service_account_name}"}
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    return f"{TOKEN_HEAD}.{body}.{b64url(hashlib.sha256(f'{TOKEN_HEAD}.{body}'.encode()).digest())}"


def key_files(data: dict[str, str], items: list[dict[str, Any]] | None) -> dict[str, str]:
    """One file per key, or only the listed `items` at their `path`."""
    if not items:
        return dict(data)
    return {str(item["path"]): data[str(item["key"])] for item in items if item.get("key") in data}


def projected_files(pod: Pod, volume: str, projected: ProjectedVolumeSource, read: Reader, now: float,
                    field_value: Callable[[Pod, str], str]) -> dict[str, str]:
    """Every file of the volume, source by source; MissingSource for an absent, required object."""
    files: dict[str, str] = {}
    for source in projected.sources:
        if "serviceAccountToken" in source:
            spec = source["serviceAccountToken"]
            files[str(spec.get("path", "token"))] = token(pod, now, int(spec.get("expirationSeconds", 3600)))
        for key, plural in (("configMap", "configmaps"), ("secret", "secrets")):
            if key in source:
                ref = source[key]
                data = read(plural, str(ref.get("name", "")))
                if data is None and not ref.get("optional"):
                    raise MissingSource(f'MountVolume.SetUp failed for volume "{volume}" : '
                                        f'{plural[:-1]} "{ref.get("name", "")}" not found')
                files.update(key_files(data or {}, ref.get("items")))
        for item in (source.get("downwardAPI") or {}).get("items", []):
            path = str((item.get("fieldRef") or {}).get("fieldPath", ""))
            files[str(item.get("path", ""))] = field_value(pod, path)
    return files
