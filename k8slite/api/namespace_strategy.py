"""How the API server creates and deletes a Namespace: the finalizer `kubernetes` and Terminating.

Mirrors pkg/registry/core/namespace (strategy.go and storage.go). A new
namespace always gets `spec.finalizers: ["kubernetes"]` (and the label
`kubernetes.io/metadata.name`). Deleting it does
not remove it: the server sets `metadata.deletionTimestamp` and
`status.phase: Terminating`, and leaves the rest to the namespace
controller, which deletes everything in the namespace and then takes the
finalizer off (the `/finalize` subresource); only a namespace with no
finalizer left is removed from the store. Simplified: the controller
removes the finalizer with an ordinary update rather than `/finalize`.
"""

from __future__ import annotations

from k8slite.api.core import Namespace
from k8slite.api.meta import KubeObject

FINALIZER = "kubernetes"  # spec.finalizers: the namespace controller's
TERMINATING = "Terminating"
NAME_LABEL = "kubernetes.io/metadata.name"


def prepare_for_create(obj: KubeObject) -> None:
    """namespaceStrategy.PrepareForCreate: every namespace starts Active, with the finalizer and
    the label `kubernetes.io/metadata.name` (which lets selectors pick namespaces by name)."""
    if isinstance(obj, Namespace):
        obj.spec.finalizers = [FINALIZER]
        obj.status.phase = "Active"
        obj.metadata.labels = {**obj.metadata.labels, NAME_LABEL: obj.name}


def terminating(ns: Namespace, now: float) -> Namespace:
    """What `delete` stores: a copy with deletionTimestamp and phase Terminating."""
    marked = ns.copy()
    marked.metadata.deletion_timestamp = now
    marked.metadata.deletion_grace_period_seconds = 0
    marked.status.phase = TERMINATING
    return marked


def awaits_finalize(obj: KubeObject) -> bool:
    """A namespace that still has spec.finalizers cannot leave the store yet."""
    return isinstance(obj, Namespace) and bool(obj.spec.finalizers)
