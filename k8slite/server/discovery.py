"""Discovery: what the server tells a client about itself (k8s.io/apiserver/pkg/endpoints/discovery).

Before anything else kubectl asks `/api` and `/apis` which groups and
versions exist, then `/api/v1`, `/apis/apps/v1` ... which resources each
serves: name, kind, short names (`po`), namespaced or not, verbs, the `all`
category, and subresources (`pods/log`, `deployments/scale`). That is how
`kubectl get deploy` knows `deploy` means deployments.apps, and it caches
the answer under ~/.kube/cache. `/version` says which Kubernetes this is.

kubectl 1.32 first asks for aggregated discovery (one document with every
group, `Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`);
a server that answers with a plain `application/json` APIGroupList is an
older server, and kubectl falls back to asking each group version in turn,
which is what happens here. Left out: aggregated discovery itself, and
storageVersionHash.
"""

from __future__ import annotations

from typing import Any

from k8slite.api.kinds import KINDS, Kind

GIT_VERSION = "v1.32.0-k8slite"  # what k8slite's kubelets report as kubeletVersion (k8slite/kubelet/agent.py)
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
ALL_CATEGORY = {"pods", "services", "deployments", "replicasets", "jobs"}  # kubectl's "all"
SCALABLE = {"deployments", "replicasets"}
WITH_STATUS = {"pods", "nodes", "namespaces", "deployments", "replicasets", "jobs", "services",
               "persistentvolumes", "persistentvolumeclaims", "resourcequotas"}


def version() -> dict[str, str]:
    """/version: version.Info."""
    return {"major": "1", "minor": "32", "gitVersion": GIT_VERSION, "gitCommit": "", "gitTreeState": "clean",
            "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.23.4", "compiler": "gc",
            "platform": "linux/amd64"}


def api_versions(address: str) -> dict[str, Any]:
    """/api: the core group's versions."""
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": address}]}


def groups() -> list[str]:
    """The named groups (apps, batch ...), in the order their kinds first appear."""
    found: list[str] = []
    for kind in KINDS:
        if kind.group and kind.group not in found:
            found.append(kind.group)
    return found


def group_list() -> dict[str, Any]:
    """/apis: every named group with its versions (one each here)."""
    entries = []
    for group in groups():
        gv = next(k.api_version for k in KINDS if k.group == group)
        version = {"groupVersion": gv, "version": gv.split("/")[1]}
        entries.append({"name": group, "versions": [version], "preferredVersion": version})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": entries}


def resource_list(group_version: str) -> dict[str, Any] | None:
    """/api/v1, /apis/apps/v1: the resources of one group version (None when it does not exist).

    In alphabetical order, as kube-apiserver lists them: the order `kubectl get all` prints them in."""
    kinds = [k for k in KINDS if k.api_version == group_version]
    if not kinds:
        return None
    resources = sorted((entry for k in kinds for entry in resource_entries(k)), key=lambda r: r["name"])
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}


def resource_entries(kind: Kind) -> list[dict[str, Any]]:
    """A resource's APIResource and its subresources'."""
    main: dict[str, Any] = {"name": kind.plural, "singularName": kind.kind.lower(), "namespaced": kind.namespaced,
                            "kind": kind.kind, "verbs": VERBS}
    if kind.short:
        main["shortNames"] = list(kind.short)
    if kind.plural in ALL_CATEGORY:
        main["categories"] = ["all"]
    entries = [main]
    sub = {"name": "", "singularName": "", "namespaced": kind.namespaced, "kind": kind.kind}
    if kind.plural in WITH_STATUS:
        entries.append({**sub, "name": f"{kind.plural}/status", "verbs": ["get", "patch", "update"]})
    if kind.plural in SCALABLE:
        entries.append({**sub, "name": f"{kind.plural}/scale", "group": "autoscaling", "version": "v1",
                        "kind": "Scale", "verbs": ["get", "patch", "update"]})
    if kind.plural == "pods":
        entries.append({**sub, "name": "pods/log", "verbs": ["get"]})
    return entries
