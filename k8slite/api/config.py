"""ConfigMap and Secret: configuration kept apart from images.

Mirrors k8s.io/api/core/v1 ConfigMap (text in `data`) and Secret (`data`
holds base64-encoded values; `stringData` is a write-only convenience the
API server encodes into `data` and drops). Pods read both as environment
variables (`valueFrom`, `envFrom`) or as files in a volume, one per key.
Simplified: no binaryData for ConfigMaps' file modes, no immutability.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import ClassVar

from k8slite.api.meta import KubeObject


@dataclass(slots=True)
class ConfigMap(KubeObject):
    KIND: ClassVar[str] = "ConfigMap"
    data: dict[str, str] = field(default_factory=dict)
    binary_data: dict[str, str] = field(default_factory=dict)
    immutable: bool | None = None


@dataclass(slots=True)
class Secret(KubeObject):
    KIND: ClassVar[str] = "Secret"
    type: str = ""
    data: dict[str, str] = field(default_factory=dict)
    """Values base64-encoded, as Kubernetes stores and shows them."""
    string_data: dict[str, str] = field(default_factory=dict)
    immutable: bool | None = None

    def decoded(self) -> dict[str, str]:
        """The plain values, as a pod sees them in its env or files."""
        return {k: base64.b64decode(v).decode(errors="replace") for k, v in self.data.items()}


def encode_string_data(secret: Secret) -> None:
    """What the API server does on write: stringData is encoded into data (and wins), then dropped."""
    secret.type = secret.type or "Opaque"
    for key, value in secret.string_data.items():
        secret.data[key] = base64.b64encode(value.encode()).decode()
    secret.string_data = {}
