"""kubectl version and kubectl top: what the cluster runs, and the metrics it does not serve.

`version` prints the client's and the server's versions, as kubectl 1.32
does (k8s.io/kubectl/pkg/cmd/version): `Client Version`, `Kustomize
Version` (the kustomize built into kubectl 1.32: v5.5.0) and `Server
Version`, the API server's /version (`--client`: the first two only).
k8slite's kubectl and API server both say v1.32.0-k8slite, the version its
kubelets report. `top` needs the Metrics API (metrics.k8s.io), which
metrics-server adds to a real cluster; k8slite has none, and kubectl says
so as it says it on a cluster without metrics-server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.kubectl.command import Command, UsageError
from k8slite.server.discovery import GIT_VERSION

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

KUSTOMIZE_VERSION = "v5.5.0"  # sigs.k8s.io/kustomize/kustomize/v5 in kubectl 1.32's go.mod


def version(cluster: Cluster, cmd: Command) -> str:
    client = f"Client Version: {GIT_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n"
    return client if cmd.flags.get("client") else client + f"Server Version: {GIT_VERSION}\n"


def top(cluster: Cluster, cmd: Command) -> str:
    raise UsageError("Metrics API not available")
