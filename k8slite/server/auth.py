"""Who is asking, and may they: bearer tokens, and what a kubelet may write.

Mirrors three pieces of kube-apiserver: token authentication (a token
names a user: the admin of the kubeconfig `serve` writes, or
`system:node:<name>` for a kubelet), the Node authorizer's and the
system:node role's limits on kubelets, and the NodeRestriction admission
plugin (plugin/pkg/admission/noderestriction). Together they mean a
kubelet can change only what belongs to its own machine: its Node (and
its status), its Lease in kube-node-lease, the status of pods bound to it,
and deleting those pods; it may create Events. Anything else it writes is
403 Forbidden in the server's words, e.g.

    nodes "node-2" is forbidden: node "node-1" is not allowed to modify node "node-2"

so a broken or stolen kubelet cannot take over another node, or the
workloads. Simplified: tokens are random strings the server hands out
(kept in a token file when it has a cert_dir: tokenfile.py; no client
certificates, no TLS bootstrapping); the admin may do everything
(no RBAC roles); reads are open to every user (the Node authorizer limits a
kubelet's reads of Secrets and ConfigMaps to those its pods use).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from k8slite.api.coordination import NODE_LEASE_NAMESPACE
from k8slite.api.pod import Pod
from k8slite.apiserver import APIServer
from k8slite.errors import ApiError, Forbidden
from k8slite.server.paths import Target

ADMIN = "kubernetes-admin"  # kubeadm's name for the admin.conf user
NODE_PREFIX = "system:node:"
VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
NODE_MAY_WRITE = {"nodes", "nodes/status", "leases", "pods/status", "pods", "events"}


def node_name(user: str) -> str | None:
    """The node a user speaks for (system:node:node-1 -> node-1), or None."""
    return user[len(NODE_PREFIX):] if user.startswith(NODE_PREFIX) else None


def authorize(user: str, method: str, target: Target, api: APIServer, body: Callable[[], Any]) -> None:
    """Raise Forbidden unless `user` may make this request; `body()` is the request's object, read when needed."""
    node = node_name(user)
    if node is None or method == "GET":
        return
    resource = target.kind.plural + (f"/{target.subresource}" if target.subresource else "")
    verb = VERBS.get(method, method.lower())
    if resource not in NODE_MAY_WRITE or resource == "pods" and verb != "delete":
        raise Forbidden(denied(user, verb, target, resource))
    name = target.name or str((body() or {}).get("metadata", {}).get("name", ""))
    if target.kind.plural == "nodes" and name != node:
        raise Forbidden(f'nodes "{name}" is forbidden: node "{node}" is not allowed to modify node "{name}"')
    if target.kind.plural == "leases" and (target.namespace != NODE_LEASE_NAMESPACE or name != node):
        raise Forbidden(denied(user, verb, target, resource, "can only access node lease with the same name as "
                                                              "the requesting node"))
    if target.kind.plural == "pods" and bound_to(api, target) != node:
        what = "update pod status for pods" if target.subresource else "delete pods"
        raise Forbidden(f'pods "{target.name}" is forbidden: node "{node}" can only {what} with '
                        'spec.nodeName set to itself')


def bound_to(api: APIServer, target: Target) -> str:
    """The node the pod a request names is bound to ("" when there is no such pod)."""
    try:
        pod = api.get("pods", target.name, target.namespace or "default")
    except ApiError:
        return ""
    return pod.spec.node_name if isinstance(pod, Pod) else ""


def denied(user: str, verb: str, target: Target, resource: str, reason: str = "") -> str:
    """The authorizer's refusal, as responsewriters.forbiddenMessage words it."""
    kind = target.kind
    qualified = kind.plural + (f".{kind.group}" if kind.group else "")
    subject = f'{qualified} "{target.name}"' if target.name else qualified
    scope = f'in the namespace "{target.namespace}"' if target.namespace else "at the cluster scope"
    text = (f'{subject} is forbidden: User "{user}" cannot {verb} resource "{resource}" '
            f'in API group "{kind.group}" {scope}')
    return f"{text}: {reason}" if reason else text
