"""The Deployment controller: one ReplicaSet per pod template, and rollouts between them.

Mirrors pkg/controller/deployment (deployment_controller.go and sync.go).
`sync` claims the ReplicaSets the Deployment's selector matches, then:

- while paused, or when `spec.replicas` changed (a scaling event), it only
  scales (`scale`: the active ReplicaSet, or all of them in proportion);
- otherwise it rolls out (rollout.py): RollingUpdate or Recreate,
  and writes the status and conditions (progress.py).

The new ReplicaSet is the one whose template equals the Deployment's; it is
called `<deployment>-<pod-template-hash>` and that label is added to its
selector, its template and so its pods, so ReplicaSets of different
templates never fight over pods. Each ReplicaSet carries the revision
(`deployment.kubernetes.io/revision`) it was last the new one at: rolling
back to an old template makes its old ReplicaSet new again, with a new
revision. Old ReplicaSets scaled to 0 are kept for `kubectl rollout undo`,
up to revisionHistoryLimit (10). Every scaling is an Event on the
Deployment: "Scaled up replica set web-7d9f8c6b5d from 0 to 3". A refused
new ReplicaSet (a quota on replicasets, say) is a ReplicaSetCreateError
Warning, and the sync raises so the work queue tries again.
Simplified: no hash collisions, no expectations cache, no rollback field
(`kubectl rollout undo` copies the old template, as kubectl does today).
"""

from __future__ import annotations

from contextlib import suppress

from k8slite.api.deployment import (
    CHANGE_CAUSE,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    POD_TEMPLATE_HASH,
    REVISION,
    REVISION_HISTORY,
    Deployment,
)
from k8slite.api.meta import KubeObject, LabelSelector, ObjectMeta
from k8slite.api.pod import Pod
from k8slite.api.replicaset import ReplicaSet, ReplicaSetSpec
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller, progress, rollout
from k8slite.controllers.deployment_util import (
    compute_hash,
    find_new_replicaset,
    max_surge,
    new_rs_new_replicas,
    revision,
    set_condition,
)
from k8slite.controllers.replicaset import controller_ref
from k8slite.errors import ApiError, NotFound
from k8slite.informer import object_key

FAILED_RS_CREATE = "ReplicaSetCreateError"  # deployment/util FailedRSCreateReason: the event and the condition


class DeploymentController(Controller):
    name = "deployment-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.deployments = self.informer("deployments", self.enqueue, own=True)
        self.replicasets = self.informer("replicasets", self.rs_changed, own=True)
        self.pods = self.informer("pods", self.pod_changed)

    def resync_keys(self) -> list[str]:
        return sorted(self.deployments.cache)

    def rs_changed(self, event_type: str, rs: KubeObject) -> None:
        """Wake the owning Deployment, or every Deployment that could adopt an orphan."""
        ref = rs.metadata.controller_ref()
        if ref is not None:
            if ref.kind == "Deployment":
                self.queue.add(f"{rs.namespace}/{ref.name}")
            return
        for d in self.deployments.list():
            if isinstance(d, Deployment) and d.namespace == rs.namespace and \
                    d.spec.selector.matches(rs.metadata.labels):
                self.queue.add(object_key(d))

    def pod_changed(self, event_type: str, pod: KubeObject) -> None:
        """A pod going away may let a Recreate rollout start its new pods."""
        ref = pod.metadata.controller_ref()
        rs = self.replicasets.get(f"{pod.namespace}/{ref.name}") if ref and ref.kind == "ReplicaSet" else None
        if event_type == "DELETED" and rs is not None:
            self.rs_changed(event_type, rs)

    # ------------------------------------------------------------ sync
    def sync(self, key: str) -> None:
        d = self.deployments.get(key)
        if not isinstance(d, Deployment):
            return
        self.sync_deployment(d)  # a Conflict (a cache behind a write) is retried by the work queue

    def sync_deployment(self, d: Deployment) -> None:
        rss = self.claim_replicasets(d)
        if d.metadata.deletion_timestamp is not None:
            new_rs, old = self.get_all_replicasets(d, rss, create=False)
            progress.sync_status(self, d, old + ([new_rs] if new_rs else []), new_rs)
            return
        d = progress.check_paused_conditions(self, d)
        if d.spec.paused or self.is_scaling_event(d, rss):
            self.sync_scale(d, rss)
        elif d.spec.strategy.type == "Recreate":
            rollout.rollout_recreate(self, d, rss)
        else:
            rollout.rollout_rolling(self, d, rss)

    def claim_replicasets(self, d: Deployment) -> list[ReplicaSet]:
        """The ReplicaSets this Deployment controls, adopting orphans its selector matches."""
        owned = []
        for rs in self.replicasets.list():
            if not isinstance(rs, ReplicaSet) or rs.namespace != d.namespace:
                continue
            ref = rs.metadata.controller_ref()
            if ref is not None and ref.uid == d.metadata.uid:
                owned.append(rs)
            elif ref is None and rs.metadata.deletion_timestamp is None and \
                    d.spec.selector.matches(rs.metadata.labels):
                adopted = rs.copy()
                adopted.metadata.owner_references.append(controller_ref(d))
                owned.append(self.write_rs(adopted))
        return owned

    def refresh(self, rss: list[ReplicaSet | None]) -> list[ReplicaSet]:
        """The latest copies (from this controller's own writes) of the ReplicaSets that still exist."""
        fresh = [self.replicasets.get(object_key(rs)) for rs in rss if rs is not None]
        return [rs for rs in fresh if isinstance(rs, ReplicaSet)]

    def sync_scale(self, d: Deployment, rss: list[ReplicaSet]) -> None:
        """sync: scale only (paused, or replicas changed), then write the status."""
        new_rs, old = self.get_all_replicasets(d, rss, create=False)
        rollout.scale(self, d, new_rs, old)
        if d.spec.paused:
            self.cleanup(d, self.refresh(list(old)))
        new_rs = self.refresh([new_rs])[0] if new_rs else None
        progress.sync_status(self, d, self.refresh([*old, new_rs]), new_rs)

    def is_scaling_event(self, d: Deployment, rss: list[ReplicaSet]) -> bool:
        """Whether an active ReplicaSet was sized for a different spec.replicas than the Deployment's now."""
        for rs in rss:
            desired = rs.metadata.annotations.get(DESIRED_REPLICAS)
            if rs.spec.replicas > 0 and desired is not None and desired != str(d.spec.replicas):
                return True
        return False

    # ------------------------------------------------------------ the new ReplicaSet and revisions
    def get_all_replicasets(self, d: Deployment, rss: list[ReplicaSet],
                            create: bool) -> tuple[ReplicaSet | None, list[ReplicaSet]]:
        """(the new ReplicaSet, made when create says so, the old ones); revisions brought up to date."""
        new_rs = find_new_replicaset(d, rss)
        old = [rs for rs in rss if new_rs is None or rs.metadata.uid != new_rs.metadata.uid]
        new_revision = max((revision(rs) for rs in old), default=0) + 1
        if new_rs is not None:
            new_rs = self.sync_new_replicaset(d, new_rs, new_revision)
        elif create:
            new_rs = self.create_new_replicaset(d, old, new_revision)
        return new_rs, old

    def sync_new_replicaset(self, d: Deployment, rs: ReplicaSet, new_revision: int) -> ReplicaSet:
        """An existing new ReplicaSet: give it the newest revision and the Deployment's minReadySeconds."""
        updated = rs.copy()
        if revision(rs) < new_revision:
            history = [h for h in rs.metadata.annotations.get(REVISION_HISTORY, "").split(",") if h]
            if revision(rs):
                updated.metadata.annotations[REVISION_HISTORY] = ",".join([*history, str(revision(rs))])
            updated.metadata.annotations[REVISION] = str(new_revision)
        updated.spec.min_ready_seconds = d.spec.min_ready_seconds
        if updated.metadata.annotations != rs.metadata.annotations or updated.spec != rs.spec:
            rs = self.write_rs(updated)
        d = self.set_revision(d, rs.metadata.annotations.get(REVISION, ""))
        if d.spec.progress_deadline_seconds is not None and d.status.condition("Progressing") is None:
            status = self.latest(d).copy()
            set_condition(status.status, "Progressing", "True", "FoundNewReplicaSet",
                          f'Found new replica set "{rs.name}"', self.clock.now)
            self.write_status(status)
        return rs

    def create_new_replicaset(self, d: Deployment, old: list[ReplicaSet], new_revision: int) -> ReplicaSet | None:
        template = d.spec.template
        pod_hash = compute_hash(template, d.status.collision_count)
        new_template = template.__class__(metadata=ObjectMeta(
            labels={**template.metadata.labels, POD_TEMPLATE_HASH: pod_hash},
            annotations=dict(template.metadata.annotations)), spec=template.spec)
        selector = LabelSelector({**d.spec.selector.match_labels, POD_TEMPLATE_HASH: pod_hash},
                                 list(d.spec.selector.match_expressions))
        annotations = {k: v for k, v in d.metadata.annotations.items() if k == CHANGE_CAUSE}
        annotations.update({DESIRED_REPLICAS: str(d.spec.replicas), MAX_REPLICAS: str(d.spec.replicas + max_surge(d)),
                            REVISION: str(new_revision)})
        rs = ReplicaSet(metadata=ObjectMeta(name=f"{d.name}-{pod_hash}", namespace=d.namespace,
                                            labels=dict(new_template.metadata.labels), annotations=annotations,
                                            owner_references=[controller_ref(d)]),
                        spec=ReplicaSetSpec(replicas=0, min_ready_seconds=d.spec.min_ready_seconds,
                                            selector=selector, template=new_template))
        rs.spec.replicas = new_rs_new_replicas(d, [*old, rs], rs)
        try:
            created = self.api.create(rs)
        except ApiError as e:
            self.fail_create(d, f'Failed to create new replica set "{rs.name}": {e}')
            raise
        self.replicasets.cache[object_key(created)] = created
        if created.spec.replicas > 0:
            self.recorder.normal(d, "ScalingReplicaSet", f"Scaled up replica set {created.name} from 0 to "
                                 f"{created.spec.replicas}")
        status = self.set_revision(d, str(new_revision)).copy()
        set_condition(status.status, "Progressing", "True", "NewReplicaSetCreated",
                      f'Created new replica set "{created.name}"', self.clock.now)
        self.write_status(status)
        return created

    def fail_create(self, d: Deployment, message: str) -> None:
        """The new ReplicaSet was refused: Progressing turns False (with a deadline) and a Warning says why."""
        current = self.latest(d)
        if d.spec.progress_deadline_seconds is not None:
            status = current.copy()
            set_condition(status.status, "Progressing", "False", FAILED_RS_CREATE, message, self.clock.now)
            if status.status != current.status:
                with suppress(ApiError):  # the refused create is the error worth reporting
                    self.write_status(status)
        self.recorder.warning(d, FAILED_RS_CREATE, message)

    def set_revision(self, d: Deployment, value: str) -> Deployment:
        if not value or d.metadata.annotations.get(REVISION) == value:
            return d
        new = d.copy()
        new.metadata.annotations[REVISION] = value
        return self.write(new)

    # ------------------------------------------------------------ writes, each kept in the caches
    def scale_replicaset(self, d: Deployment, rs: ReplicaSet, replicas: int) -> bool:
        """Set a ReplicaSet's size (and the sizes it was made for); an Event when the size changes."""
        wanted = {DESIRED_REPLICAS: str(d.spec.replicas), MAX_REPLICAS: str(d.spec.replicas + max_surge(d))}
        if rs.spec.replicas == replicas and wanted.items() <= rs.metadata.annotations.items():
            return False
        new = rs.copy()
        new.spec.replicas = replicas
        new.metadata.annotations.update(wanted)
        self.write_rs(new)
        if replicas != rs.spec.replicas:
            direction = "up" if replicas > rs.spec.replicas else "down"
            self.recorder.normal(d, "ScalingReplicaSet",  # sync.go scaleReplicaSet, in 1.32's words
                                 f"Scaled {direction} replica set {rs.name} from {rs.spec.replicas} to {replicas}")
        return replicas != rs.spec.replicas

    def cleanup(self, d: Deployment, old: list[ReplicaSet]) -> None:
        """Delete the oldest unused ReplicaSets beyond revisionHistoryLimit."""
        limit = d.spec.revision_history_limit
        alive = [rs for rs in old if rs.metadata.deletion_timestamp is None]
        if limit is None or len(alive) <= limit:
            return
        extra = len(alive) - limit
        for rs in sorted(alive, key=lambda r: (revision(r), r.metadata.creation_timestamp or 0.0)):
            if extra == 0:
                break
            if rs.spec.replicas or rs.status.replicas or (rs.metadata.generation or 0) > (
                    rs.status.observed_generation or 0):
                continue
            with suppress(NotFound):
                self.api.delete("replicasets", rs.name, rs.namespace)
            self.replicasets.cache.pop(object_key(rs), None)
            extra -= 1

    def write_rs(self, rs: ReplicaSet) -> ReplicaSet:
        stored = self.api.update(rs)
        self.replicasets.cache[object_key(stored)] = stored
        return stored

    def latest(self, d: Deployment) -> Deployment:
        """The newest copy of d: the cache holds this controller's own writes."""
        cached = self.deployments.get(object_key(d))
        return cached if isinstance(cached, Deployment) else d

    def write(self, d: Deployment) -> Deployment:
        d.metadata.resource_version = self.latest(d).metadata.resource_version
        stored = self.api.update(d)
        self.deployments.cache[object_key(stored)] = stored
        return stored

    def write_status(self, d: Deployment) -> Deployment:
        d.metadata.resource_version = self.latest(d).metadata.resource_version
        stored = self.api.update_status(d)
        self.deployments.cache[object_key(stored)] = stored
        return stored

    def pods_of(self, rss: list[ReplicaSet]) -> list[Pod]:
        uids = {rs.metadata.uid for rs in rss}
        return [p for p in self.pods.list() if isinstance(p, Pod) and (ref := p.metadata.controller_ref())
                is not None and ref.uid in uids]
