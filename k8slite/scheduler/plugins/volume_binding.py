"""VolumeBinding, pkg/scheduler/framework/plugins/volumebinding: a pod's claims must be bindable.

PreFilter: every claim the pod uses must exist (`persistentvolumeclaim "x"
not found`) and be either Bound or of a class with volumeBindingMode
WaitForFirstConsumer; a claim waiting for Immediate binding blocks the pod
on every node: `pod has unbound immediate PersistentVolumeClaims`. PreBind:
for a WaitForFirstConsumer claim, annotate it with the chosen node
(`volume.kubernetes.io/selected-node`), which is what starts provisioning.

Simplified: no PV node affinity (hostPath volumes are not pinned to a
node, as in Kubernetes), and the pod is bound without waiting for the claim:
its kubelet waits for the claim to be Bound before starting containers.
"""

from __future__ import annotations

from k8slite.api.pod import Pod
from k8slite.api.storage import SELECTED_NODE, PersistentVolumeClaim, StorageClass
from k8slite.apiserver import APIServer
from k8slite.errors import ApiError, NotFound
from k8slite.scheduler.framework import SKIP, CycleState, NodeInfo, Status

NAME = "VolumeBinding"
UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"


def claim_names(pod: Pod) -> list[str]:
    return [v.persistent_volume_claim.claim_name for v in pod.spec.volumes if v.persistent_volume_claim]


class VolumeBinding:
    NAME = NAME

    def __init__(self) -> None:
        self.api: APIServer | None = None  # set by the scheduler: claims and classes are read through it

    def claims(self, pod: Pod) -> list[PersistentVolumeClaim]:
        """The pod's claims; NotFound for a missing one."""
        assert self.api is not None
        found = [self.api.get("persistentvolumeclaims", name, pod.namespace) for name in claim_names(pod)]
        return [c for c in found if isinstance(c, PersistentVolumeClaim)]

    def waits_for_consumer(self, claim: PersistentVolumeClaim) -> bool:
        assert self.api is not None
        try:
            sc = self.api.get("storageclasses", claim.spec.storage_class_name or "", "")
        except NotFound:
            return False
        return isinstance(sc, StorageClass) and sc.volume_binding_mode == "WaitForFirstConsumer"

    def pre_filter(self, state: CycleState, pod: Pod, nodes: list[NodeInfo]) -> str | None:
        state.pop(NAME, None)
        if self.api is None or not claim_names(pod):
            return SKIP  # no claims, nothing to check
        try:
            claims = self.claims(pod)
        except NotFound as e:  # the lister's words: singular resource name
            missing = str(e).split('"')[1]
            state[NAME] = Status((f'persistentvolumeclaim "{missing}" not found',), "UnschedulableAndUnresolvable",
                                 NAME, pre_filter=True)
            return None
        deleted = next((c for c in claims if c.metadata.deletion_timestamp is not None), None)
        if deleted is not None:
            state[NAME] = Status((f'persistentvolumeclaim "{deleted.name}" is being deleted',),
                                 "UnschedulableAndUnresolvable", NAME, pre_filter=True)
        elif any(not c.spec.volume_name and not self.waits_for_consumer(c) for c in claims):
            state[NAME] = Status((UNBOUND_IMMEDIATE,), "UnschedulableAndUnresolvable", NAME, pre_filter=True)
        return None

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None:
        status: Status | None = state.get(NAME)
        return status

    def pre_bind(self, pod: Pod, node_name: str) -> None:
        """Tell the provisioner where the pod goes: the selected-node annotation on each waiting claim."""
        if self.api is None or not claim_names(pod):
            return
        try:
            claims = self.claims(pod)
        except NotFound:
            return
        for claim in claims:
            if not claim.spec.volume_name and SELECTED_NODE not in claim.metadata.annotations:
                new = claim.copy()
                new.metadata.annotations[SELECTED_NODE] = node_name
                try:
                    self.api.update(new)
                except ApiError:
                    pass
