"""A kubeconfig for the server (k8s.io/client-go/tools/clientcmd/api/v1): a cluster, a user, a context.

kubectl and the Python `kubernetes` client read from it the server's
address, the certificate to trust (tls.py) and the user's bearer token.
The context is `k8slite`, and it is the current one, so `kubectl
--kubeconfig PATH get pods` needs nothing else. The token is a secret: the
file is readable by its owner only.
"""

from __future__ import annotations

import base64
from pathlib import Path

import yaml


def kubeconfig(url: str, token: str, ca_pem: bytes, name: str = "k8slite") -> dict[str, object]:
    """The kubeconfig's content: one cluster, one user with a token, one context joining them."""
    ca = base64.b64encode(ca_pem).decode()
    return {"apiVersion": "v1", "kind": "Config", "preferences": {},
            "clusters": [{"name": name, "cluster": {"server": url, "certificate-authority-data": ca}}],
            "users": [{"name": name, "user": {"token": token}}],
            "contexts": [{"name": name, "context": {"cluster": name, "user": name, "namespace": "default"}}],
            "current-context": name}


def write_kubeconfig(path: Path, url: str, token: str, ca_pem: bytes) -> Path:
    """Write the kubeconfig to path, readable by its owner only; the path."""
    path.touch(mode=0o600)
    path.write_text(yaml.safe_dump(kubeconfig(url, token, ca_pem), sort_keys=False))
    return path
