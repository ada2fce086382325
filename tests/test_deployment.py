"""The Deployment: its arithmetic, its validation, and rollouts as timelines."""

import pytest
from builders import available_pods, deployment_pods, deployment_yaml

from k8slite import Cluster, Invalid
from k8slite.api.deployment import Deployment, RollingUpdateDeployment
from k8slite.api.pod import Container, PodTemplateSpec
from k8slite.controllers.deployment_util import SAFE_ALPHABET, compute_hash, resolve_fenceposts


def scaling(c):
    return [e.message for e in c.events() if e.reason == "ScalingReplicaSet"]


# ---------------------------------------------------------------- arithmetic

@pytest.mark.parametrize(("replicas", "surge", "unavailable", "expected"), [
    (4, "25%", "25%", (1, 1)),     # 1.0 up, 1.0 down
    (10, "25%", "25%", (3, 2)),    # 2.5 rounds up to 3 for surge, down to 2 for unavailable
    (1, "25%", "25%", (1, 0)),     # 0.25: surge 1, unavailable 0
    (3, 0, "10%", (0, 1)),         # both 0 after rounding: unavailable becomes 1 so the rollout can move
    (5, 2, 0, (2, 0)),
    (4, "50%", 1, (2, 1)),
])
def test_resolve_fenceposts(replicas, surge, unavailable, expected):
    d = Deployment()
    d.spec.replicas = replicas
    d.spec.strategy.rolling_update = RollingUpdateDeployment(max_unavailable=unavailable, max_surge=surge)
    assert resolve_fenceposts(d) == expected


def test_hash_is_deterministic_and_safe():
    a = PodTemplateSpec(spec=__import__("k8slite.api.pod", fromlist=["PodSpec"]).PodSpec(
        containers=[Container(name="app", image="busybox")]))
    b = PodTemplateSpec(spec=__import__("k8slite.api.pod", fromlist=["PodSpec"]).PodSpec(
        containers=[Container(name="app", image="busybox:2")]))
    assert compute_hash(a) == compute_hash(a) != compute_hash(b)
    assert 1 <= len(compute_hash(a)) <= 10 and set(compute_hash(a)) <= set(SAFE_ALPHABET)


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize(("strategy", "message"), [
    ("  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}",
     "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"),
    ('  strategy: {rollingUpdate: {maxUnavailable: "150%"}}',
     'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'),
    ("  strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}",
     "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"),
    ("  strategy: {type: Sideways}",
     'spec.strategy.type: Unsupported value: "Sideways": supported values: "Recreate", "RollingUpdate"'),
    ("  progressDeadlineSeconds: 5\n  minReadySeconds: 10",
     "spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds"),
])
def test_invalid_deployments(strategy, message):
    c = Cluster(nodes=1)
    with pytest.raises(Invalid) as e:
        c.apply(deployment_yaml(strategy=strategy))
    # errors.NewInvalid names the GroupKind: Deployment.apps
    assert message in str(e.value) and str(e.value).startswith('Deployment.apps "web" is invalid: ')
    assert c.get("deploy") == []


def test_defaults():
    c = Cluster(nodes=1)
    (d,) = c.apply(deployment_yaml())
    assert d.spec.strategy.type == "RollingUpdate"
    assert (d.spec.strategy.rolling_update.max_surge, d.spec.strategy.rolling_update.max_unavailable) == ("25%", "25%")
    assert (d.spec.revision_history_limit, d.spec.progress_deadline_seconds) == (10, 600)


# ---------------------------------------------------------------- rollouts

def test_creation_names_the_replicaset_by_template_hash():
    c = Cluster(nodes=3)
    c.apply(deployment_yaml(replicas=3))
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    (rs,) = c.get("rs")
    pod_hash = rs.metadata.labels["pod-template-hash"]
    assert rs.name == f"web-{pod_hash}" and rs.spec.selector.match_labels["pod-template-hash"] == pod_hash
    assert rs.metadata.owner_references[0].kind == "Deployment"
    assert rs.metadata.annotations["deployment.kubernetes.io/revision"] == "1"
    assert all(p.metadata.labels["pod-template-hash"] == pod_hash for p in c.get("pods"))
    d = c.get("deploy", "web")
    assert (d.status.replicas, d.status.ready_replicas, d.status.available_replicas, d.status.updated_replicas) == \
        (3, 3, 3, 3)
    assert [(x.type, x.status, x.reason) for x in d.status.conditions] == [
        ("Available", "True", "MinimumReplicasAvailable"), ("Progressing", "True", "NewReplicaSetAvailable")]
    # pkg/controller/deployment/sync.go getNewReplicaSet: "Scaled up replica set %s from 0 to %d"
    assert scaling(c) == [f"Scaled up replica set {rs.name} from 0 to 3"]


def test_rolling_update_keeps_within_surge_and_unavailability():
    """4 replicas, 25%/25%: at most 5 pods and at least 3 available at every second."""
    c = Cluster(nodes=3)
    c.apply(deployment_yaml(replicas=4, extra="  minReadySeconds: 5"))
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    c.kubectl("set image deployment/web app=busybox:2")
    seen = []
    for _ in range(60):
        c.run(1)
        pods = deployment_pods(c)
        seen.append((len(pods), len(available_pods(c, pods, 5))))
        assert len(pods) <= 5 and len(available_pods(c, pods, 5)) >= 3, seen
    assert c.ready("deployment/web")
    assert {p.spec.containers[0].image for p in deployment_pods(c)} == {"busybox:2"}
    assert max(n for n, _ in seen) == 5  # it did surge
    new, old = sorted(c.get("rs"), key=lambda r: -r.spec.replicas)
    assert old.spec.replicas == 0 and new.metadata.annotations["deployment.kubernetes.io/revision"] == "2"
    # sync.go scaleReplicaSet: "Scaled %s replica set %s from %d to %d"
    assert f"Scaled up replica set {new.name} from 0 to 1" in scaling(c)
    assert f"Scaled down replica set {old.name} from 4 to 3" in scaling(c)
    assert f"Scaled down replica set {old.name} from 1 to 0" in scaling(c)


def test_reapplying_a_changed_manifest_starts_a_rollout():
    c = Cluster(nodes=2)
    c.apply(deployment_yaml(replicas=2))
    c.run(10)
    c.apply(deployment_yaml(replicas=2))
    c.run(10)
    assert len(c.get("rs")) == 1  # unchanged: no rollout
    c.apply(deployment_yaml(replicas=2, image="busybox:2"))
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    assert len(c.get("rs")) == 2 and c.get("deploy", "web").metadata.generation == 2


def test_broken_image_stalls_then_deadline_then_undo():
    c = Cluster(nodes=3)
    c.apply(deployment_yaml(replicas=4))
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    c.apply(deployment_yaml(replicas=4, command="exit 1"))
    c.run(60)
    pods = deployment_pods(c)
    assert len(pods) == 5 and len(available_pods(c, pods)) == 3  # stalled at the bounds
    progressing = c.get("deploy", "web").status.condition("Progressing")
    assert (progressing.status, progressing.reason) == ("True", "ReplicaSetUpdated")
    c.run(600)
    progressing = c.get("deploy", "web").status.condition("Progressing")
    assert (progressing.status, progressing.reason) == ("False", "ProgressDeadlineExceeded")
    assert 600 <= progressing.last_transition_time - progressing.last_update_time + 600 <= 700
    assert len(available_pods(c, deployment_pods(c))) == 3  # nothing rolls back by itself
    assert c.kubectl("rollout status deployment/web") == 'error: deployment "web" exceeded its progress deadline\n'
    assert c.kubectl("rollout undo deployment/web") == "deployment.apps/web rolled back\n"
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    assert {p.spec.containers[0].command[-1] for p in deployment_pods(c)} == {"sleep 3600"}
    assert c.get("deploy", "web").metadata.annotations["deployment.kubernetes.io/revision"] == "3"


def test_recreate_removes_every_old_pod_first():
    c = Cluster(nodes=2)
    c.apply(deployment_yaml(replicas=3, strategy="  strategy: {type: Recreate}"))
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    c.kubectl("set image deployment/web app=busybox:2")
    images = []
    for _ in range(60):
        c.run(1)
        pods = [p for p in c.get("pods") if p.status.phase not in ("Succeeded", "Failed")]
        images.append({p.spec.containers[0].image for p in pods})
        assert len(images[-1]) <= 1, "old and new pods never run together"
    assert images[0] == {"busybox"} and images[-1] == {"busybox:2"} and c.ready("deployment/web")
    assert images.index({"busybox:2"}) >= 29  # the old pods took their 30 s grace period to terminate


def test_scaling_and_history_limit():
    c = Cluster(nodes=2)
    c.apply(deployment_yaml(replicas=2, extra="  revisionHistoryLimit: 2"))
    for tag in range(2, 6):
        c.kubectl(f"set image deployment/web app=busybox:{tag}")
        c.run_until(lambda c: c.ready("deployment/web"), 60)
    assert len(c.get("rs")) == 3  # the new one and 2 old ones
    c.kubectl("scale deployment web --replicas=5")
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    assert len(deployment_pods(c)) == 5


def test_scaling_in_the_middle_of_a_rollout_is_proportional():
    c = Cluster(nodes=3)
    c.apply(deployment_yaml(replicas=4, command="exit 1"))
    c.run(30)  # stuck: new pods crash
    c.kubectl("scale deployment web --replicas=8")
    c.run(1)
    sizes = sorted(rs.spec.replicas for rs in c.get("rs"))
    assert sum(sizes) <= 8 + 2 and sizes[0] > 0  # both grew, within replicas + maxSurge


def test_pause_holds_template_changes():
    c = Cluster(nodes=2)
    c.apply(deployment_yaml(replicas=2))
    c.run(5)
    assert c.kubectl("rollout pause deployment/web") == "deployment.apps/web paused\n"
    c.kubectl("set image deployment/web app=busybox:2")
    c.run(20)
    assert len(c.get("rs")) == 1
    assert c.get("deploy", "web").status.condition("Progressing").reason == "DeploymentPaused"
    assert c.kubectl("rollout resume deployment/web") == "deployment.apps/web resumed\n"
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    assert len(c.get("rs")) == 2


def test_replicaset_availability_waits_for_min_ready_seconds():
    c = Cluster(nodes=1)
    c.apply(deployment_yaml(replicas=2, extra="  minReadySeconds: 10"))
    c.run(5)
    (rs,) = c.get("rs")
    assert (rs.status.ready_replicas, rs.status.available_replicas) == (2, 0)
    assert not c.ready("deployment/web")
    c.run(6)  # ready at 1.013 s and 1.813 s (the second pull waits for the first); replica_set.go looks again
    assert c.get("rs")[0].status.available_replicas == 0  # minReadySeconds after the sync that saw both ready
    c.run(1)
    assert c.get("rs")[0].status.available_replicas == 2 and c.ready("deployment/web")


def test_dashboard_slider_scales_the_first_deployment():
    from k8slite.widgets.dashboard import Dashboard
    c = Cluster(nodes=2)
    c.apply(deployment_yaml(replicas=2))
    c.run(5)
    board = Dashboard(c)
    assert (board.replicas.description, board.replicas.value) == ("deployment/web replicas", 2)
    board.replicas.value = 4
    c.run(5)
    assert c.get("deploy", "web").spec.replicas == 4 and len(deployment_pods(c)) == 4
