"""The attach/detach controller: attach network volumes to the nodes whose pods use them.

Mirrors pkg/controller/volume/attachdetach. A cloud disk (here: any CSI
PersistentVolume) must be attached to a node before the kubelet there can
mount it; the controller compares the desired state (for every scheduled,
unfinished pod: its bound claims' volumes on its node) with the actual
state (`node.status.volumesAttached`) and attaches or detaches.

ReadWriteOnce means one *node*: a volume without ReadWriteMany or
ReadOnlyMany attached to one node is not attached to a second, and the
pods there get a `FailedAttachVolume` Warning, `Multi-Attach error for
volume "v" Volume is already used by pod(s) web-1` while a pod elsewhere
still uses it, or `... Volume is already exclusively attached to one node
and can't be attached to another` once no pod does. Two pods on the *same*
node share an RWO volume without complaint.

A volume no pod needs is detached at once from a Ready node; from a node
that is not Ready (its kubelet cannot confirm the unmount) only after
maxWaitForUnmountDuration, 6 minutes. A pod stuck Terminating on a dead node
still needs its volume: force-delete it (`kubectl delete pod --force`, `c.delete(..., grace_period=0)`) to let go.
"""

from __future__ import annotations

from collections.abc import Callable

from k8slite.api.meta import KubeObject
from k8slite.api.node import AttachedVolume, Node
from k8slite.api.pod import Pod
from k8slite.api.storage import ROX, RWX, PersistentVolume, PersistentVolumeClaim
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.errors import Aggregate
from k8slite.informer import object_key
from k8slite.kubelet.volume_manager import is_attachable, unique_name

MAX_WAIT_FOR_UNMOUNT = 360.0
KEY = "reconcile"  # the whole cluster is reconciled at once: desired vs actual


def exclusive(pv: PersistentVolume) -> bool:
    """Attachable to one node at a time: no ReadWriteMany or ReadOnlyMany."""
    return not ({RWX, ROX} & set(pv.spec.access_modes))


def multi_attach_message(pv: PersistentVolume, pod: Pod, users_elsewhere: list[Pod]) -> str:
    """reportMultiAttachError's words: name the blocking pods of the same namespace, count the others."""
    if not users_elsewhere:
        return (f'Multi-Attach error for volume "{pv.name}" Volume is already exclusively attached to one node '
                "and can't be attached to another")
    local = sorted(p.name for p in users_elsewhere if p.namespace == pod.namespace)
    others = len(users_elsewhere) - len(local)
    text = f"Volume is already used by pod(s) {', '.join(local)}"
    if others:
        text += f" and {others} pod(s) in different namespaces"
    return f'Multi-Attach error for volume "{pv.name}" {text}'


class AttachDetachController(Controller):
    name = "attachdetach-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.users: dict[str, Pod] = {}  # pods with claims: the only ones that matter here
        self.reported: dict[str, str] = {}  # pod uid -> last message, so an error is said once
        self.undesired_since: dict[tuple[str, str], float] = {}
        self.claims = self.informer("persistentvolumeclaims", self.wake)
        self.volumes = self.informer("persistentvolumes", self.wake)
        self.nodes = self.informer("nodes", self.node_changed, own=True)
        self.pods = self.informer("pods", self.pod_changed)

    def wake(self, event_type: str, obj: KubeObject) -> None:
        self.queue.add(KEY)

    def pod_changed(self, event_type: str, obj: KubeObject) -> None:
        if not isinstance(obj, Pod) or not any(v.persistent_volume_claim for v in obj.spec.volumes):
            return
        if event_type == "DELETED":
            self.users.pop(object_key(obj), None)
        else:
            self.users[object_key(obj)] = obj
        self.queue.add(KEY)

    def node_changed(self, event_type: str, obj: KubeObject) -> None:
        if isinstance(obj, Node) and obj.status.volumes_attached:
            self.queue.add(KEY)

    def resync_keys(self) -> list[str]:
        return [KEY]

    # ------------------------------------------------------------ desired and actual
    def desired(self) -> dict[tuple[str, str], list[Pod]]:
        """(volume, node) -> the pods there that need it."""
        wanted: dict[tuple[str, str], list[Pod]] = {}
        for key in sorted(self.users):
            pod = self.users[key]
            if not pod.spec.node_name or pod.status.phase in ("Succeeded", "Failed"):
                continue
            for volume in pod.spec.volumes:
                pv = self.volume_of(pod, volume.persistent_volume_claim.claim_name) \
                    if volume.persistent_volume_claim else None
                if pv is not None and is_attachable(pv):
                    wanted.setdefault((pv.name, pod.spec.node_name), []).append(pod)
        return wanted

    def volume_of(self, pod: Pod, claim_name: str) -> PersistentVolume | None:
        claim = self.claims.get(f"{pod.namespace}/{claim_name}")
        if not isinstance(claim, PersistentVolumeClaim) or claim.status.phase != "Bound":
            return None
        pv = self.volumes.get(claim.spec.volume_name)
        return pv if isinstance(pv, PersistentVolume) else None

    def actual(self) -> dict[tuple[str, str], Node]:
        names = {unique_name(v): v.name for v in self.volumes.list() if isinstance(v, PersistentVolume)}
        return {(names[a.name], node.name): node for node in self.nodes.list() if isinstance(node, Node)
                for a in node.status.volumes_attached if a.name in names}

    # ------------------------------------------------------------ reconcile
    def sync(self, key: str) -> None:
        wanted, attached = self.desired(), self.actual()
        errors = Aggregate()  # one node refusing a write does not hold up the other volumes
        for (pv_name, node_name) in sorted(attached):
            if (pv_name, node_name) not in wanted:
                with errors:
                    self.maybe_detach(pv_name, attached[pv_name, node_name])
        attached = self.actual()
        for (pv_name, node_name), pods in sorted(wanted.items()):
            self.undesired_since.pop((pv_name, node_name), None)
            if (pv_name, node_name) in attached:
                continue
            pv = self.volumes.get(pv_name)
            assert isinstance(pv, PersistentVolume)
            elsewhere = sorted(n for (v, n) in attached if v == pv_name and n != node_name)
            if elsewhere and exclusive(pv):
                users = [p for n in elsewhere for p in wanted.get((pv_name, n), [])]
                for pod in pods:
                    self.report(pod, "Warning", "FailedAttachVolume", multi_attach_message(pv, pod, users))
                continue
            with errors:
                self.attach(pv, node_name, pods)
            attached = self.actual()
        errors.raise_first()

    def report(self, pod: Pod, type_: str, reason: str, message: str) -> None:
        if self.reported.get(pod.metadata.uid) != message:
            self.reported[pod.metadata.uid] = message
            self.recorder.event(pod, type_, reason, message)

    def attach(self, pv: PersistentVolume, node_name: str, pods: list[Pod]) -> None:
        self.write_node(node_name, lambda vs: [*vs, AttachedVolume(unique_name(pv))])
        for pod in pods:
            self.report(pod, "Normal", "SuccessfulAttachVolume",
                        f'AttachVolume.Attach succeeded for volume "{pv.name}"')

    def maybe_detach(self, pv_name: str, node: Node) -> None:
        if not node.is_ready():
            since = self.undesired_since.setdefault((pv_name, node.name), self.clock.now)
            if self.clock.now - since < MAX_WAIT_FOR_UNMOUNT:
                self.queue.add_after(KEY, since + MAX_WAIT_FOR_UNMOUNT - self.clock.now)
                return
        self.undesired_since.pop((pv_name, node.name), None)
        pv = self.volumes.get(pv_name)
        if isinstance(pv, PersistentVolume):
            self.write_node(node.name, lambda vs: [v for v in vs if v.name != unique_name(pv)])
        self.queue.add(KEY)  # a pod elsewhere may be waiting for it

    def write_node(self, node_name: str, change: Callable[[list[AttachedVolume]], list[AttachedVolume]]) -> None:
        node = self.api.get("nodes", node_name, "")
        assert isinstance(node, Node)
        new = node.copy()
        new.status.volumes_attached = change(new.status.volumes_attached)
        # the actual state of the world knows its own attach at once, before the node's watch event comes:
        # a ReadWriteOnce volume attached here is not attached to a second node in the same sync
        self.nodes.cache[node_name] = self.api.update_status(new)
