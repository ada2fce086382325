"""The ServiceAccount: the identity a pod's processes use to talk to the API server.

Mirrors k8s.io/api/core/v1 ServiceAccount. Every namespace gets one named
`default` (controllers/serviceaccount.py), and every pod runs as one: the
ServiceAccount admission plugin (admission/serviceaccount.py) fills in
`serviceAccountName: default` and mounts a short-lived token for it.
`automountServiceAccountToken: false` here keeps the token out of every
pod that runs as this account. Simplified: no token Secrets (since 1.24
Kubernetes makes none either), no RBAC, so the identity grants nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from k8slite.api.meta import KubeObject


@dataclass(slots=True)
class ServiceAccount(KubeObject):
    KIND: ClassVar[str] = "ServiceAccount"
    secrets: list[dict[str, Any]] = field(default_factory=list)
    """References to Secrets (legacy token Secrets); kubectl get's SECRETS column counts them."""
    image_pull_secrets: list[dict[str, Any]] = field(default_factory=list)
    automount_service_account_token: bool | None = None
