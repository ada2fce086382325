"""kubectl version, cluster-info and top: what the cluster runs, where, and the metrics it does not serve.

`version` prints the client's and the server's versions, as kubectl 1.32
does (k8s.io/kubectl/pkg/cmd/version): `Client Version`, `Kustomize
Version` (the kustomize built into kubectl 1.32: v5.5.0) and `Server
Version`, the API server's /version (`--client`: the first two only).
k8slite's kubectl and API server both say v1.32.0-k8slite, the version its
kubelets report. `top` needs the Metrics API (metrics.k8s.io), which
metrics-server adds to a real cluster; k8slite has none, and kubectl says
so as it says it on a cluster without metrics-server.

`cluster-info` (k8s.io/kubectl/pkg/cmd/clusterinfo) names the API server,
then each Service of kube-system labelled kubernetes.io/cluster-service=true
(kubeadm's kube-dns, shown by its kubernetes.io/name, CoreDNS) with the API
server's proxy URL for it. k8slite's API server is at 172.18.0.1:6443 (its
`kubernetes` Endpoints); served (`c.serve()`), the real kubectl prints the
server's own URL. Left out: `cluster-info dump`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k8slite.kubectl.command import Command, FlagError, UsageError
from k8slite.network.bootstrap import API_SERVER_ADDRESS
from k8slite.server.discovery import GIT_VERSION

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

KUSTOMIZE_VERSION = "v5.5.0"  # sigs.k8s.io/kustomize/kustomize/v5 in kubectl 1.32's go.mod


def version(cluster: Cluster, cmd: Command) -> str:
    client = f"Client Version: {GIT_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n"
    return client if cmd.flags.get("client") else client + f"Server Version: {GIT_VERSION}\n"


def top(cluster: Cluster, cmd: Command) -> str:
    raise UsageError("Metrics API not available")


SERVER_URL = f"https://{API_SERVER_ADDRESS}:6443"
CLUSTER_SERVICE = "kubernetes.io/cluster-service"  # the label cluster-info lists Services by


def cluster_info(cluster: Cluster, cmd: Command) -> str:
    if cmd.args[:1] == ["dump"]:
        raise UsageError('k8slite leaves out "kubectl cluster-info dump": try "kubectl get all -A -o yaml"')
    for flag, letter in (("output", "o"), ("all_namespaces", "A")):
        if flag in cmd.flags:
            raise FlagError(f"unknown shorthand flag: '{letter}' in -{letter}\n"
                            "See 'kubectl cluster-info --help' for usage.")
    namespace = str(cmd.flags.get("namespace", "kube-system"))
    lines = [f"Kubernetes control plane is running at {SERVER_URL}"]
    for service in cluster.api.list("services", namespace=namespace,
                                    selector=lambda s: s.metadata.labels.get(CLUSTER_SERVICE) == "true"):
        lines.append(f"{service.metadata.labels.get('kubernetes.io/name') or service.name} is running at "
                     f"{proxy_url(service)}")
    return "\n".join(lines) + "\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"


def proxy_url(service: Any) -> str:
    """The API server's proxy to a Service: <scheme>:<name>:<first port's name> (https guessed from the port)."""
    name = service.name
    if service.spec.ports:
        port = service.spec.ports[0]
        scheme = "https" if port.name == "https" or port.port == 443 else ""
        name = ":".join([scheme, name, port.name] if scheme else [name, port.name] if port.name else [name])
    return f"{SERVER_URL}/api/v1/namespaces/{service.namespace}/services/{name}/proxy"
