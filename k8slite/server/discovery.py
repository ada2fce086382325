"""Discovery: what the server tells a client about itself (k8s.io/apiserver/pkg/endpoints/discovery).

Before anything else kubectl asks `/api` and `/apis` which groups and
versions exist, then `/api/v1`, `/apis/apps/v1` ... which resources each
serves: name, kind, short names (`po`), namespaced or not, verbs, the `all`
category, and subresources (`pods/log`, `deployments/scale`). That is how
`kubectl get deploy` knows `deploy` means deployments.apps, and it caches
the answer under ~/.kube/cache. `/version` says which Kubernetes this is.

kubectl 1.32 asks for aggregated discovery first (`Accept:
application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`):
`/api` and `/apis` then answer every group, version and resource in one
APIGroupDiscoveryList each (apidiscovery.k8s.io/v2), subresources nested
in their resource, so two requests replace one per group version. A
client that does not ask for it (an older kubectl, the Python client) gets
the APIVersions / APIGroupList and asks each group version in turn, as
from an older server. Left out: storageVersionHash, and the
peer-aggregated discovery of several API servers.
"""

from __future__ import annotations

from typing import Any

from k8slite.api.kinds import KINDS, Kind

GIT_VERSION = "v1.32.0-k8slite"  # what k8slite's kubelets report as kubeletVersion (k8slite/kubelet/agent.py)
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
ALL_CATEGORY = {"pods", "services", "daemonsets", "deployments", "replicasets", "statefulsets", "cronjobs",
                "jobs"}  # kubectl's "all"
SCALABLE = {"deployments", "replicasets", "statefulsets"}
WITH_STATUS = {"pods", "nodes", "namespaces", "deployments", "replicasets", "daemonsets", "statefulsets", "jobs",
               "cronjobs", "services", "persistentvolumes", "persistentvolumeclaims", "resourcequotas"}


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


AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def wants_aggregated(accept: str) -> bool:
    """Does an Accept header ask for the v2 APIGroupDiscoveryList (kubectl 1.32 lists it first)?"""
    return any(part.replace(" ", "").startswith(AGGREGATED) or
               {"g=apidiscovery.k8s.io", "v=v2", "as=APIGroupDiscoveryList"} <= set(part.replace(" ", "").split(";"))
               for part in accept.split(","))


def aggregated(core: bool) -> dict[str, Any]:
    """/api (core) or /apis as an APIGroupDiscoveryList: each group, its version, its resources."""
    names = [""] if core else groups()
    items = []
    for group in names:
        kinds = [k for k in KINDS if k.group == group]
        version = kinds[0].api_version.split("/")[-1]
        resources = sorted((discovered(k, version) for k in kinds), key=lambda r: r["resource"])
        items.append({"metadata": {"name": group} if group else {},
                      "versions": [{"version": version, "resources": resources, "freshness": "Current"}]})
    return {"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {},
            "items": items}


def discovered(kind: Kind, version: str) -> dict[str, Any]:
    """An APIResourceDiscovery: the resource_entries of a kind, its subresources nested."""
    main, *subs = resource_entries(kind)
    entry: dict[str, Any] = {
        "resource": main["name"], "responseKind": {"group": kind.group, "version": version, "kind": kind.kind},
        "scope": "Namespaced" if kind.namespaced else "Cluster", "singularResource": main["singularName"],
        "verbs": main["verbs"]}
    for key in ("shortNames", "categories"):
        if key in main:
            entry[key] = main[key]
    if subs:
        entry["subresources"] = [{
            "subresource": sub["name"].split("/", 1)[1],
            "responseKind": {"group": sub.get("group", kind.group), "version": sub.get("version", version),
                             "kind": sub["kind"]},
            "verbs": sub["verbs"]} for sub in subs]
    return entry


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
        entries.append({**sub, "name": "pods/attach", "kind": "PodAttachOptions", "verbs": ["create", "get"]})
        entries.append({**sub, "name": "pods/exec", "kind": "PodExecOptions", "verbs": ["create", "get"]})
    return entries
