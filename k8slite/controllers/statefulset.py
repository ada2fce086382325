"""The StatefulSet controller: numbered pods, each with its own claims, made and replaced in order.

Mirrors pkg/controller/statefulset (stateful_set_control.go's
updateStatefulSet, stateful_set_utils.go, stateful_pod_control.go). A sync:

1. adopts orphan pods its selector matches, and finds the set's revisions:
   the update revision is the ControllerRevision whose data is today's
   template (made, or renumbered to be the newest after a rollback), the
   current revision the one status.currentRevision names;
2. sorts its pods into `replicas` (ordinals start .. start+replicas-1) and
   `condemned` (the others, highest first);
3. walks the replicas in order. A pod that failed is deleted (recreated on
   a later sync). A missing pod is created, its claims first
   (`<claim>-<set>-<ordinal>`, kept if they exist: a new pod gets the old
   pod's data), from the current revision below the partition and the
   update revision from it on. With OrderedReady the walk stops at the first
   pod it created, or that is not yet Running and Ready (and available for
   minReadySeconds): the next pod waits for it. With Parallel it goes on;
4. deletes the condemned pods, highest first; OrderedReady one at a time,
   and only once every replica is Running and Ready;
5. with RollingUpdate, deletes the highest-numbered pod at or above the
   partition that is not of the update revision, one at a time, once every
   pod above it is Ready (step 3 then recreates it from the new template);
   OnDelete leaves that to you;
6. writes the status (replicas, ready, current and updated counts, the
   revisions; when every pod is updated and ready the update revision
   becomes the current one), and drops revisions beyond
   revisionHistoryLimit that no pod uses.

`persistentVolumeClaimRetentionPolicy` Delete gives the claims an owner
reference to the set (whenDeleted) or, when scaling down removes a pod, to
that pod (whenScaled), so that the garbage collector deletes them.
Simplified: revision names use pod-template-hash's hash of the template (not
the revision's serialized bytes); no maxUnavailable (alpha in 1.32), no
repair of a pod whose identity labels were changed by hand.
"""

from __future__ import annotations

import copy
import re
from contextlib import suppress
from typing import Any

from k8slite.api.daemonset import ControllerRevision
from k8slite.api.meta import KubeObject, ObjectMeta, OwnerReference
from k8slite.api.pod import PersistentVolumeClaimVolumeSource, Pod, Volume
from k8slite.api.statefulset import HASH_LABEL, POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL, StatefulSet
from k8slite.api.storage import PersistentVolumeClaim
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.controllers.daemonset import is_available, template_patch
from k8slite.controllers.deployment_util import compute_hash
from k8slite.controllers.replicaset import (
    CONTROLLER_UID,
    adopt,
    controlled_by_or_orphan,
    controller_ref,
    controller_uid,
    orphans_of,
)
from k8slite.errors import AlreadyExists, ApiError, NotFound
from k8slite.informer import Informer, object_key


def ordinal_of(sts: StatefulSet, pod: KubeObject) -> int | None:
    """getParentNameAndOrdinal: the number after `<set>-`, or None for a pod not named so."""
    match = re.fullmatch(rf"{re.escape(sts.name)}-(\d+)", pod.name)
    return int(match.group(1)) if match else None


def claim_name(claim: str, sts: StatefulSet, ordinal: int) -> str:
    return f"{claim}-{sts.name}-{ordinal}"


def revision_of(pod: Pod) -> str:
    return pod.metadata.labels.get(REVISION_LABEL, "")


def running_and_ready(pod: Pod) -> bool:
    return pod.status.phase == "Running" and pod.is_ready()


def available(pod: Pod, min_ready_seconds: int, now: float) -> bool:
    """isRunningAndAvailable: Running, and Ready for at least minReadySeconds (podutil.IsPodAvailable)."""
    return running_and_ready(pod) and is_available(pod, min_ready_seconds, now)


def finished(pod: Pod) -> bool:
    return pod.status.phase in ("Failed", "Succeeded")


def terminating(pod: Pod) -> bool:
    return pod.metadata.deletion_timestamp is not None


def owner_ref(owner: KubeObject) -> OwnerReference:
    """setOwnerRef: a plain owner reference (not a controller), as the retention policy puts on claims."""
    return OwnerReference(api_version=owner.api_version, kind=owner.kind, name=owner.name, uid=owner.metadata.uid)


class StatefulSetController(Controller):
    name = "statefulset-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.sets = self.informer("statefulsets", self.enqueue, own=True)  # its status writes go in at once
        self.revisions = self.informer("controllerrevisions", self.owned_changed)
        self.revisions.add_index(CONTROLLER_UID, controller_uid)
        self.claims = self.informer("persistentvolumeclaims", lambda t, o: None)
        # its own cache of the pods that are a StatefulSet's or nobody's: the pods it creates go in at once
        self.pods = Informer(api, "pods", self.pod_changed, match=controlled_by_or_orphan("StatefulSet"))
        self.pods.add_index(CONTROLLER_UID, controller_uid)

    def resync_keys(self) -> list[str]:
        return sorted(self.sets.cache)

    def owned_changed(self, event_type: str, obj: KubeObject) -> None:
        ref = obj.metadata.controller_ref()
        if ref is not None and ref.kind == "StatefulSet":
            self.queue.add(f"{obj.namespace}/{ref.name}")

    def pod_changed(self, event_type: str, obj: KubeObject) -> None:
        if obj.metadata.controller_ref() is not None:
            self.owned_changed(event_type, obj)
            return
        for sts in self.sets.list():  # an orphan: every set that could adopt it
            if isinstance(sts, StatefulSet) and sts.namespace == obj.namespace and \
                    sts.spec.selector.matches(obj.metadata.labels):
                self.queue.add(object_key(sts))

    # ------------------------------------------------------------ sync
    def sync(self, key: str) -> None:
        sts = self.sets.get(key)
        if not isinstance(sts, StatefulSet) or sts.metadata.deletion_timestamp is not None:
            return
        self.adopt_orphans(sts)
        current, update, old = self.revisions_of(sts)
        failure = None
        try:
            self.update_statefulset(sts, current.name, update.name)
        except ApiError as err:
            failure = err
        self.update_status(sts, current.name, update.name)
        self.truncate_history(sts, [r for r in old if r.name != current.name], {current.name, update.name})
        if failure is not None:
            raise failure

    def adopt_orphans(self, sts: StatefulSet) -> None:
        for pod in self.pods.by_index(CONTROLLER_UID, orphans_of(sts.namespace)):
            if isinstance(pod, Pod) and not terminating(pod) and sts.spec.selector.matches(pod.metadata.labels):
                with suppress(NotFound):
                    adopt(self.api, self.pods, sts, pod)

    def pods_of(self, sts: StatefulSet) -> list[Pod]:
        return [p for p in self.pods.by_index(CONTROLLER_UID, sts.metadata.uid) if isinstance(p, Pod)]

    # ------------------------------------------------------------ revisions
    def revisions_of(self, sts: StatefulSet) -> tuple[ControllerRevision, ControllerRevision,
                                                       list[ControllerRevision]]:
        """getStatefulSetRevisions: (current, update, the others), after adopting the orphan revisions the
        selector matches (those of a set deleted with --cascade=orphan)."""
        for orphan in self.revisions.by_index(CONTROLLER_UID, orphans_of(sts.namespace)):
            if isinstance(orphan, ControllerRevision) and sts.spec.selector.matches(orphan.metadata.labels):
                with suppress(NotFound):
                    adopt(self.api, self.revisions, sts, orphan)
        mine = [r for r in self.revisions.by_index(CONTROLLER_UID, sts.metadata.uid)
                if isinstance(r, ControllerRevision)]
        patch = template_patch(sts.spec.template)
        newest = max((r.revision for r in mine), default=0)
        equal = [r for r in mine if r.data == patch]
        if not equal:
            update = self.snapshot(sts, patch, newest + 1)
        else:
            update = max(equal, key=lambda r: r.revision)
            if update.revision < newest:  # a rollback to this template: it becomes the newest revision
                renumbered = update.copy()
                renumbered.revision = newest + 1
                update = self.api.update(renumbered)
                self.revisions.cache[object_key(update)] = update
        current = next((r for r in mine if r.name == sts.status.current_revision), update)
        old = [r for r in mine if r.name not in (update.name, current.name)]
        return current, update, old

    def snapshot(self, sts: StatefulSet, patch: dict[str, Any], revision: int) -> ControllerRevision:
        """newRevision and CreateControllerRevision: the set's annotations (kubernetes.io/change-cause) come
        along. A revision of that name with the same data is taken; with other data (a hash collision) the
        status' collisionCount goes up and the next sync tries another name."""
        hash_ = compute_hash(sts.spec.template, sts.status.collision_count)
        wanted = ControllerRevision(
            metadata=ObjectMeta(name=f"{sts.name}-{hash_}", namespace=sts.namespace,
                                labels={**sts.spec.template.metadata.labels, HASH_LABEL: hash_},
                                annotations=dict(sts.metadata.annotations), owner_references=[controller_ref(sts)]),
            data=patch, revision=revision)
        try:
            created = self.api.create(wanted)
        except AlreadyExists:
            existing = self.api.get("controllerrevisions", wanted.name, sts.namespace)
            if isinstance(existing, ControllerRevision) and existing.data == patch:
                return existing
            bumped = sts.copy()
            bumped.status.collision_count = (sts.status.collision_count or 0) + 1
            self.api.update_status(bumped)
            raise
        self.revisions.cache[object_key(created)] = created
        return created

    def revision_data(self, sts: StatefulSet, name: str) -> StatefulSet:
        """ApplyRevision: the set with the template that revision `name` keeps."""
        revision = self.revisions.get(f"{sts.namespace}/{name}")
        applied = copy.deepcopy(sts)
        if isinstance(revision, ControllerRevision) and revision.data != template_patch(sts.spec.template):
            data = copy.deepcopy(revision.data["spec"]["template"])
            data.pop("$patch", None)
            restored = StatefulSet.from_dict({"apiVersion": "apps/v1", "kind": "StatefulSet",
                                             "metadata": {"name": sts.name}, "spec": {"template": data}})
            assert isinstance(restored, StatefulSet)
            applied.spec.template = restored.spec.template
        return applied

    def truncate_history(self, sts: StatefulSet, old: list[ControllerRevision], live: set[str]) -> None:
        """Delete the oldest revisions beyond revisionHistoryLimit that no pod runs."""
        live |= {revision_of(p) for p in self.pods_of(sts)}
        dead = sorted((r for r in old if r.name not in live), key=lambda r: r.revision)
        for revision in dead[:max(len(dead) - (sts.spec.revision_history_limit or 0), 0)]:
            with suppress(NotFound):
                self.api.delete("controllerrevisions", revision.name, revision.namespace)
            self.revisions.cache.pop(object_key(revision), None)

    # ------------------------------------------------------------ the pods
    def update_statefulset(self, sts: StatefulSet, current: str, update: str) -> None:
        start, count = sts.start_ordinal(), sts.spec.replicas or 0
        replicas: dict[int, Pod] = {}
        condemned: list[Pod] = []
        for owned in self.pods_of(sts):
            ordinal = ordinal_of(sts, owned)
            if ordinal is not None and start <= ordinal < start + count:
                replicas[ordinal] = owned
            else:
                condemned.append(owned)
        condemned.sort(key=lambda p: -(ordinal_of(sts, p) or 0))
        monotonic = sts.spec.pod_management_policy != "Parallel"
        now, min_ready = self.clock.now, sts.spec.min_ready_seconds
        for ordinal in range(start, start + count):
            pod = replicas.get(ordinal)
            if pod is not None and finished(pod):
                if not terminating(pod):
                    if pod.status.phase == "Failed":
                        self.recorder.warning(sts, "RecreatingFailedPod",
                                              f"StatefulSet {sts.namespace}/{sts.name} is recreating failed Pod "
                                              f"{pod.name}")
                    self.delete_pod(sts, pod)
                return  # the new pod comes on a later sync, once this one is gone
            if pod is None:
                self.create_pod(sts, ordinal, current, update)
                if monotonic:
                    return
                continue
            if terminating(pod) and monotonic:
                return  # wait for it to go
            if monotonic and not available(pod, min_ready, now):
                if running_and_ready(pod) and min_ready:
                    self.queue.add_after(object_key(sts), min_ready)
                return  # wait for it before making the next
        healthy = all(running_and_ready(p) and not terminating(p) for p in replicas.values())
        for pod in condemned:
            if terminating(pod):
                if monotonic:
                    return
                continue
            if monotonic and not healthy:
                return
            self.release_claims(sts, pod)
            self.delete_pod(sts, pod)
            if monotonic:
                return
        if sts.spec.update_strategy.type != "RollingUpdate" or len(replicas) < count:
            return
        rolling = sts.spec.update_strategy.rolling_update
        partition = start + (rolling.partition or 0 if rolling is not None else 0)
        for ordinal in range(start + count - 1, partition - 1, -1):
            target = replicas[ordinal]
            if revision_of(target) != update and not terminating(target):
                self.delete_pod(sts, target)  # recreated from the update revision once it is gone
                return
            if not running_and_ready(target) or terminating(target):
                return  # one at a time

    def create_pod(self, sts: StatefulSet, ordinal: int, current: str, update: str) -> None:
        """newVersionedStatefulSetPod and CreateStatefulPod: the claims first, then the pod."""
        rolling = sts.spec.update_strategy.rolling_update
        partition = (rolling.partition or 0) if sts.spec.update_strategy.type == "RollingUpdate" and rolling else 0
        revision = current if ordinal < sts.start_ordinal() + partition else update
        source = self.revision_data(sts, revision)
        name = f"{sts.name}-{ordinal}"
        self.create_claims(sts, ordinal, name)
        template = source.spec.template
        labels = {**template.metadata.labels, POD_NAME_LABEL: name, REVISION_LABEL: revision,
                  POD_INDEX_LABEL: str(ordinal)}
        spec = copy.deepcopy(template.spec)
        spec.hostname, spec.subdomain = name, sts.spec.service_name
        claims = {c.name for c in sts.spec.volume_claim_templates}
        spec.volumes = [v for v in spec.volumes if v.name not in claims] + [
            Volume(name=c, persistent_volume_claim=PersistentVolumeClaimVolumeSource(claim_name(c, sts, ordinal)))
            for c in sorted(claims)]
        pod = Pod(metadata=ObjectMeta(name=name, namespace=sts.namespace, labels=labels,
                                      annotations=dict(template.metadata.annotations),
                                      owner_references=[controller_ref(sts)]), spec=spec)
        try:
            created = self.api.create(pod)
        except ApiError as e:
            self.recorder.warning(sts, "FailedCreate", f"create Pod {name} in StatefulSet {sts.name} failed "
                                                       f"error: {e}")
            raise
        self.pods.cache[object_key(created)] = created
        self.recorder.normal(sts, "SuccessfulCreate", f"create Pod {name} in StatefulSet {sts.name} successful")

    def create_claims(self, sts: StatefulSet, ordinal: int, pod_name: str) -> None:
        """createPersistentVolumeClaims: each template's claim for this ordinal, unless it exists already."""
        policy = sts.spec.persistent_volume_claim_retention_policy
        for template in sts.spec.volume_claim_templates:
            name = claim_name(template.name, sts, ordinal)
            if self.claims.get(f"{sts.namespace}/{name}") is not None:
                continue
            claim = copy.deepcopy(template)
            claim.metadata = ObjectMeta(name=name, namespace=sts.namespace,
                                        labels={**template.metadata.labels, **sts.spec.selector.match_labels},
                                        annotations=dict(template.metadata.annotations))
            if policy is not None and policy.when_deleted == "Delete":
                claim.metadata.owner_references = [owner_ref(sts)]
            claim.status = type(claim.status)()
            try:
                self.api.create(claim)
            except AlreadyExists:
                continue
            except ApiError as e:
                self.recorder.warning(sts, "FailedCreate", f"create Claim {name} for Pod {pod_name} in StatefulSet "
                                                           f"{sts.name} failed error: {e}")
                raise
            self.recorder.normal(sts, "SuccessfulCreate",
                                 f"create Claim {name} Pod {pod_name} in StatefulSet {sts.name} success")

    def release_claims(self, sts: StatefulSet, pod: Pod) -> None:
        """whenScaled: Delete: a pod that scaling down removes takes its claims with it (they name it owner)."""
        policy = sts.spec.persistent_volume_claim_retention_policy
        ordinal = ordinal_of(sts, pod)
        if policy is None or policy.when_scaled != "Delete" or ordinal is None:
            return
        for template in sts.spec.volume_claim_templates:
            claim = self.claims.get(f"{sts.namespace}/{claim_name(template.name, sts, ordinal)}")
            if isinstance(claim, PersistentVolumeClaim) and \
                    all(r.uid != pod.metadata.uid for r in claim.metadata.owner_references):
                new = claim.copy()
                new.metadata.owner_references.append(owner_ref(pod))
                with suppress(NotFound):
                    self.api.update(new)

    def delete_pod(self, sts: StatefulSet, pod: Pod) -> None:
        try:
            deleted = self.api.delete("pods", pod.name, pod.namespace)
        except NotFound:
            return
        if deleted.metadata.deletion_timestamp is not None:
            self.pods.cache[object_key(deleted)] = deleted
        else:
            self.pods.cache.pop(object_key(deleted), None)
        self.recorder.normal(sts, "SuccessfulDelete", f"delete Pod {pod.name} in StatefulSet {sts.name} successful")

    # ------------------------------------------------------------ status
    def update_status(self, sts: StatefulSet, current: str, update: str) -> None:
        pods = [p for p in self.pods_of(sts) if not terminating(p) or not finished(p)]
        now = self.clock.now
        new = sts.copy()
        status = new.status
        status.observed_generation = sts.metadata.generation
        status.replicas = len(pods)
        status.ready_replicas = sum(1 for p in pods if running_and_ready(p))
        status.available_replicas = sum(1 for p in pods if available(p, sts.spec.min_ready_seconds, now))
        status.current_replicas = sum(1 for p in pods if revision_of(p) == current)
        status.updated_replicas = sum(1 for p in pods if revision_of(p) == update)
        status.current_revision, status.update_revision = current, update
        status.collision_count = status.collision_count or 0
        if sts.spec.update_strategy.type == "RollingUpdate" and \
                status.updated_replicas == status.replicas == status.ready_replicas:  # completeRollingUpdate
            status.current_replicas, status.current_revision = status.updated_replicas, update
        if status != sts.status:
            stored = self.api.update_status(new)
            self.sets.cache[object_key(stored)] = stored
