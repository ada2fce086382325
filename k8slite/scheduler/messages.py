"""FailedScheduling messages, in kube-scheduler's words (framework.FitError.Error()).

`0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint
{example-key: v}. preemption: 0/3 nodes are available: 1 No preemption victims
found for incoming pod, 2 Preemption is not helpful for scheduling.`

Each node contributes the reasons of the first filter that rejected it; the
counts are sorted as strings. Then the DefaultPreemption plugin explains
why evicting pods would not help: on nodes rejected "unresolvably" (taints,
selectors, node name, cordon) it cannot help; elsewhere it would need pods
of lower priority, and k8slite's pods all have priority 0, so there are
none. (Kubernetes 1.32's wording; 1.28 stopped printing a double period.)
"""

from __future__ import annotations

from k8slite.scheduler.framework import UNRESOLVABLE, Status

NO_NODES = "no nodes available to schedule pods"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"


def histogram(reasons: list[str]) -> str:
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    return ", ".join(sorted(f"{n} {reason}" for reason, n in counts.items()))


def fit_error(total_nodes: int, statuses: dict[str, Status]) -> str:
    """The whole message for a pod that fits no node (statuses: why each node said no)."""
    if total_nodes == 0:
        return NO_NODES
    filters = histogram([r for s in statuses.values() for r in s.reasons])
    preemption = histogram([NOT_HELPFUL if s.code == UNRESOLVABLE else NO_VICTIMS for s in statuses.values()])
    pre = next((s for s in statuses.values() if s.pre_filter), None)
    if pre is not None:  # a PreFilter said no for every node at once (VolumeBinding, VolumeRestrictions)
        filters = ", ".join(pre.reasons)
        preemption = f"{total_nodes} {NOT_HELPFUL if pre.code == UNRESOLVABLE else NO_VICTIMS}"
    return (f"0/{total_nodes} nodes are available: {filters}. "
            f"preemption: 0/{total_nodes} nodes are available: {preemption}.")
