"""Lease (coordination.k8s.io/v1): a small object that says "I am still here".

Mirrors k8s.io/api/coordination/v1. A Lease has a holder and a renew time;
whoever holds it renews it before `leaseDurationSeconds` run out. Every
kubelet holds one in the `kube-node-lease` namespace, named after its node,
and renews it every 10 s (a quarter of its 40 s duration): that is the
node's heartbeat since Kubernetes 1.17 (NodeLease). Renewing a Lease
writes a few bytes; posting the whole Node status (conditions, addresses,
images) every 10 s from thousands of nodes was what made big clusters slow,
so the kubelet now posts its status only when it changes or every 5 minutes.
The times are MicroTime (microseconds). Simplified: no leader election
with it (chapter 05 only mentions it), no acquireTime from the kubelet
(it sets none either).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from k8slite.api.meta import MICRO_TIME, KubeObject

NODE_LEASE_NAMESPACE = "kube-node-lease"


@dataclass(slots=True)
class LeaseSpec:
    holder_identity: str | None = None
    lease_duration_seconds: int | None = None
    acquire_time: float | None = field(default=None, metadata=MICRO_TIME)
    renew_time: float | None = field(default=None, metadata=MICRO_TIME)
    lease_transitions: int | None = None


@dataclass(slots=True)
class Lease(KubeObject):
    KIND: ClassVar[str] = "Lease"
    API_VERSION: ClassVar[str] = "coordination.k8s.io/v1"
    spec: LeaseSpec = field(default_factory=LeaseSpec)
