"""Scheduler profiles: which plugins run, and how much each score weighs.

Mirrors KubeSchedulerProfile (pkg/scheduler/apis/config) and the default
plugin set of Kubernetes 1.32 (apis/config/v1/default_plugins.go). Filters
run in this order: NodeUnschedulable, NodeName, TaintToleration,
NodeAffinity, NodeResourcesFit, VolumeRestrictions, PodTopologySpread,
InterPodAffinity, VolumeBinding.
Score weights: TaintToleration 3, NodeAffinity 2, PodTopologySpread 2,
InterPodAffinity 2, NodeResourcesFit 1, NodeResourcesBalancedAllocation 1.
A node's total is the sum of weight x normalized score.

VolumeRestrictions and VolumeBinding reject at PreFilter (every node at
once) when a pod's claims cannot be used. Simplified: no NodePorts,
ImageLocality or PrioritySort;
`percentage_of_nodes_to_score` 0 means Kubernetes' adaptive formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from k8slite.scheduler.plugins import (
    InterPodAffinity,
    NodeAffinity,
    NodeName,
    NodeResourcesBalancedAllocation,
    NodeResourcesFit,
    NodeUnschedulable,
    PodTopologySpread,
    TaintToleration,
    VolumeBinding,
    VolumeRestrictions,
)
from k8slite.scheduler.plugins.node_resources_fit import LEAST_ALLOCATED, MOST_ALLOCATED


@dataclass
class Profile:
    """A scheduler's plugins: `filters` in order, `scores` as (plugin, weight) pairs."""

    scheduler_name: str = "default-scheduler"
    filters: list[Any] = field(default_factory=list)
    scores: list[tuple[Any, int]] = field(default_factory=list)
    percentage_of_nodes_to_score: int = 0

    def plugin(self, name: str) -> Any:
        """The plugin called `name` (filter or score)."""
        for p in [*self.filters, *(p for p, _ in self.scores)]:
            if p.NAME == name:
                return p
        raise KeyError(f"profile {self.scheduler_name!r} has no plugin {name!r}")

    def weight(self, name: str) -> int:
        return next((w for p, w in self.scores if p.NAME == name), 0)


def default_profile(strategy: str = LEAST_ALLOCATED, **kwargs: Any) -> Profile:
    """kube-scheduler's default profile; strategy MostAllocated bin-packs instead of spreading."""
    fit, taints, affinity = NodeResourcesFit(strategy), TaintToleration(), NodeAffinity()
    spread, pod_affinity = PodTopologySpread(), InterPodAffinity()
    return Profile(
        filters=[NodeUnschedulable(), NodeName(), taints, affinity, fit, VolumeRestrictions(), spread, pod_affinity,
                 VolumeBinding()],
        scores=[(taints, 3), (affinity, 2), (fit, 1), (spread, 2), (pod_affinity, 2),
                (NodeResourcesBalancedAllocation(), 1)],
        **kwargs)


def bin_packing_profile(**kwargs: Any) -> Profile:
    """The default profile with NodeResourcesFit's MostAllocated strategy: fill nodes up first."""
    return default_profile(MOST_ALLOCATED, **kwargs)
