"""The plugins of kube-scheduler's default profile, one per file.

Mirrors pkg/scheduler/framework/plugins: each module has the plugin's NAME,
the reason strings users read in FailedScheduling, pure helper functions,
and a class with `filter` and/or `score` (+ `normalize_score`). They are
listed here in the order the default profile runs its filters.
"""

from k8slite.scheduler.plugins.default_binder import DefaultBinder
from k8slite.scheduler.plugins.inter_pod_affinity import InterPodAffinity
from k8slite.scheduler.plugins.node_affinity import NodeAffinity
from k8slite.scheduler.plugins.node_name import NodeName
from k8slite.scheduler.plugins.node_resources_balanced_allocation import NodeResourcesBalancedAllocation
from k8slite.scheduler.plugins.node_resources_fit import NodeResourcesFit
from k8slite.scheduler.plugins.node_unschedulable import NodeUnschedulable
from k8slite.scheduler.plugins.pod_topology_spread import PodTopologySpread
from k8slite.scheduler.plugins.taint_toleration import TaintToleration
from k8slite.scheduler.plugins.volume_binding import VolumeBinding
from k8slite.scheduler.plugins.volume_restrictions import VolumeRestrictions

__all__ = ["DefaultBinder", "InterPodAffinity", "NodeAffinity", "NodeName", "NodeResourcesBalancedAllocation",
           "NodeResourcesFit", "NodeUnschedulable", "PodTopologySpread", "TaintToleration", "VolumeBinding",
           "VolumeRestrictions"]
