"""VolumeRestrictions, pkg/scheduler/framework/plugins/volumerestrictions: ReadWriteOncePod is one pod.

PreFilter: a claim with access mode ReadWriteOncePod that another pod in
the cluster already uses keeps this pod off every node, `node has pod using
PersistentVolumeClaim with the same name and ReadWriteOncePod access
mode`. ReadWriteOnce is not checked here: it allows any number of pods on
one node, and is enforced when attaching (controllers/attach_detach.py).
"""

from __future__ import annotations

from k8slite.api.pod import Pod
from k8slite.api.storage import RWOP, PersistentVolumeClaim
from k8slite.apiserver import APIServer
from k8slite.errors import NotFound
from k8slite.scheduler.framework import SKIP, UNSCHEDULABLE, CycleState, NodeInfo, Status
from k8slite.scheduler.plugins.volume_binding import claim_names

NAME = "VolumeRestrictions"
RWOP_CONFLICT = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"


def rwop_claims(api: APIServer, pod: Pod) -> set[str]:
    found: set[str] = set()
    for name in claim_names(pod):
        try:
            claim = api.get("persistentvolumeclaims", name, pod.namespace)
        except NotFound:
            continue
        if isinstance(claim, PersistentVolumeClaim) and RWOP in claim.spec.access_modes:
            found.add(f"{pod.namespace}/{name}")
    return found


class VolumeRestrictions:
    NAME = NAME

    def __init__(self) -> None:
        self.api: APIServer | None = None  # set by the scheduler

    def pre_filter(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> str | None:
        state.pop(NAME, None)
        if self.api is None or not claim_names(pod):
            return SKIP  # no claims, nothing to check
        mine = rwop_claims(self.api, pod)
        users = {f"{p.namespace}/{name}" for info in state.get("all_nodes", nodes) for p in info.pods.values()
                 if p.metadata.uid != pod.metadata.uid for name in claim_names(p)}
        if mine & users:
            state[NAME] = Status((RWOP_CONFLICT,), UNSCHEDULABLE, NAME, pre_filter=True)
        return None

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        status: Status | None = state.get(NAME)
        return status
