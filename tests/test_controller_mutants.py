"""Controller behaviours a mutation run found untested: each test names what Kubernetes 1.32 does.

Every test here failed against one deliberate bug (a "mutant") in a controller that the rest of the
suite let through: a flipped sort order, a dropped filter, an ignored field.
"""

import pytest
from builders import deployment_yaml, job_yaml, make_pod, replicaset_yaml
from storage_builders import claim, pod_with, pv, pvc

from k8slite import Cluster
from k8slite.api.deployment import REVISION
from k8slite.api.meta import OwnerReference
from k8slite.errors import NotFound


def sizes(c) -> dict[int, int]:
    """spec.replicas of each of the Deployment's ReplicaSets, by revision."""
    return {int(rs.metadata.annotations[REVISION]): rs.spec.replicas for rs in c.get("rs")}


def available(c) -> dict[int, int]:
    return {int(rs.metadata.annotations[REVISION]): rs.status.available_replicas for rs in c.get("rs")}


def running(c, namespace: str = "default") -> list:
    return [p for p in c.get("pods", namespace=namespace)
            if p.metadata.deletion_timestamp is None and p.status.phase not in ("Succeeded", "Failed")]


# ---------------------------------------------------------------- ReplicaSet

def test_a_replicaset_does_not_adopt_a_finished_orphan_pod():
    """replica_set.go keeps only active pods (FilterActivePods) before it claims orphans."""
    c = Cluster(nodes=1, seed=0)
    c.apply(make_pod("done", command="true", restart_policy="Never", labels={"app": "web"}))
    c.run_until(lambda c: c.get("pod", "done").status.phase == "Succeeded", 60)
    c.apply(replicaset_yaml(replicas=1))
    c.run(10)
    assert c.get("pod", "done").metadata.owner_references == []
    (pod,) = running(c)
    assert pod.metadata.owner_references[0].name == "web"  # a new pod stands in for it


# ---------------------------------------------------------------- Deployment

def test_a_rolling_update_scales_down_the_oldest_replicaset_first():
    """rolling.go scaleDownOldReplicaSetsForRollingUpdate sorts the old ReplicaSets by creation time."""
    extra = "  minReadySeconds: 5"
    c = Cluster(nodes=3, seed=0)
    c.apply(deployment_yaml(replicas=4, extra=extra))
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    c.apply(deployment_yaml(replicas=4, extra=extra, command="sleep 3601"))
    c.run_until(lambda c: available(c).get(2, 0) >= 2, 60)
    c.apply(deployment_yaml(replicas=4, extra=extra, command="sleep 3602"))  # revision 3 while 1 and 2 both serve
    seen = []
    for _ in range(30):
        c.run(1)
        seen.append((sizes(c)[1], sizes(c)[2]))
    assert (0, 1) in seen and (1, 0) not in seen, seen  # revision 1 went to 0 while revision 2 still had a pod
    assert c.ready("deployment/web")


def test_unhealthy_old_pods_are_kept_while_the_new_pods_are_unavailable_too():
    """rolling.go: maxScaledDown = allPods - minAvailable - the new ReplicaSet's unavailable pods, so a broken
    version replacing a broken version stops at maxSurge new pods instead of replacing every old one."""
    strategy = "  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"
    c = Cluster(nodes=2, seed=0)
    c.apply(deployment_yaml(replicas=3, command="exit 1", strategy=strategy))
    c.run(30)
    c.apply(deployment_yaml(replicas=3, command="exit 2", strategy=strategy))
    c.run(60)
    assert sizes(c) == {1: 3, 2: 1}


def test_revision_history_keeps_the_newest_old_replicasets():
    """cleanupDeployment deletes the oldest revisions beyond revisionHistoryLimit; `rollout undo` needs the last."""
    c = Cluster(nodes=2, seed=0)
    for command in ("sleep 3601", "sleep 3602", "sleep 3603"):
        c.apply(deployment_yaml(replicas=2, extra="  revisionHistoryLimit: 1", command=command))
        c.run_until(lambda c: c.ready("deployment/web"), 60)
        c.run(5)
    assert sorted(sizes(c)) == [2, 3]
    (old,) = [rs for rs in c.get("rs") if rs.spec.replicas == 0]
    assert old.spec.template.spec.containers[0].command[-1] == "sleep 3602"


def test_a_slow_rollout_that_keeps_moving_never_exceeds_its_progress_deadline():
    """progress.go: each step of a rollout rewrites Progressing (ReplicaSetUpdated) with a new lastUpdateTime,
    and the deadline counts from there, not from the start of the rollout."""
    extra = "  minReadySeconds: 10\n  progressDeadlineSeconds: 15"
    strategy = "  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"
    c = Cluster(nodes=2, seed=0)
    c.apply(deployment_yaml(replicas=3, extra=extra, strategy=strategy))
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    c.apply(deployment_yaml(replicas=3, extra=extra, strategy=strategy, command="sleep 3601"))
    reasons, updates = [], set()
    for _ in range(60):
        c.run(1)
        progressing = c.get("deploy", "web").status.condition("Progressing")
        reasons.append(progressing.reason)
        if progressing.reason == "ReplicaSetUpdated":
            updates.add(progressing.last_update_time)
    assert "ProgressDeadlineExceeded" not in reasons and reasons[-1] == "NewReplicaSetAvailable"
    assert len(updates) > 2  # lastUpdateTime moved with the rollout
    assert c.ready("deployment/web")


def test_scaling_up_mid_rollout_gives_the_newer_of_two_equal_replicasets_the_larger_share():
    """sync.go scale: scaling up sorts the active ReplicaSets by size, newer first on a tie
    (ReplicaSetsBySizeNewer), and the first ones take the rounded-up shares."""
    strategy = "  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}"
    c = Cluster(nodes=2, seed=0)
    c.apply(deployment_yaml(replicas=2, strategy=strategy))
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    c.apply(deployment_yaml(replicas=2, strategy=strategy, command="exit 1"))  # stuck: one old, one broken new
    c.run(30)
    assert sizes(c) == {1: 1, 2: 1}
    c.kubectl("scale deployment web --replicas=5")
    c.run(10)
    assert sizes(c) == {1: 2, 2: 3}


# ---------------------------------------------------------------- Job

def test_lowering_a_jobs_parallelism_deletes_the_newest_pod():
    """job_controller.go activePodsForRemoval sorts with controller.ActivePods: of two Ready pods, the one Ready
    for less time (here the newer) goes first."""
    c = Cluster(nodes=1, seed=0)
    c.apply(job_yaml(command="sleep 3600", extra="  completions: 5\n  parallelism: 1"))
    c.run(10)
    (first,) = running(c)
    c.kubectl("""patch job work -p '{"spec":{"parallelism":2}}'""")
    c.run(10)
    assert len(running(c)) == 2
    c.kubectl("""patch job work -p '{"spec":{"parallelism":1}}'""")
    c.run(5)
    assert [p.name for p in running(c)] == [first.name]


def test_an_exit_code_rule_ignores_containers_that_exited_zero():
    """pod_failure_policy.go matches onExitCodes only against containers that failed (exit code not 0): an init
    container that succeeded does not make `NotIn [42]` fail the Job."""
    init = ("      initContainers:\n      - name: setup\n        image: busybox\n"
            "        command: [\"sh\", \"-c\", \"true\"]\n")
    policy = ("  backoffLimit: 0\n  podFailurePolicy:\n    rules:\n    - action: FailJob\n      onExitCodes:\n"
              "        operator: NotIn\n        values: [42]")
    manifest = job_yaml(command="exit 42", extra=policy).replace("      containers:\n", init + "      containers:\n")
    c = Cluster(nodes=1, seed=0)
    c.apply(manifest)
    c.run(30)
    failed = c.get("job", "work").status.condition("Failed")
    assert failed is not None and failed.reason == "BackoffLimitExceeded"  # exit 42 is not NotIn [42]: counted


# ---------------------------------------------------------------- garbage collector

def owned_by(*owners):
    """A bare pod that names each owner in an ownerReference (none of them its controller)."""
    pod = make_pod("shared")
    pod.metadata.owner_references = [OwnerReference(api_version="apps/v1", kind=o.kind, name=o.name,
                                                    uid=o.metadata.uid) for o in owners]
    return pod


def test_a_dependent_with_an_owner_left_is_not_collected():
    """garbagecollector.go attemptToDeleteItem: a dependent that still has a live owner stays (only the
    reference to the gone owner is removed)."""
    c = Cluster(nodes=1, seed=0)
    (a,) = c.apply(replicaset_yaml("a", replicas=0))
    (b,) = c.apply(replicaset_yaml("b", replicas=0))
    c.apply(owned_by(a, b))
    c.run(5)
    c.delete("rs", "a")
    c.run(10)
    assert c.get("pod", "shared").metadata.deletion_timestamp is None
    c.delete("rs", "b")
    c.run(40)
    assert c.get("pods") == []  # its last owner gone, it goes too


# ---------------------------------------------------------------- endpoints

def test_a_terminating_pod_leaves_the_endpoints_before_its_grace_period_ends():
    """endpoints_controller.go: ShouldPodBeInEndpoints leaves out a pod with a deletionTimestamp at once."""
    c = Cluster(nodes=2, seed=0)
    c.apply([make_pod("a", labels={"app": "web"}), make_pod("b", labels={"app": "web"}),
             {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
              "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}])
    c.run(10)
    ips = {p.name: p.status.pod_ip for p in c.get("pods")}
    c.delete("pod", "a")  # sh as PID 1 ignores SIGTERM: it takes its 30 s of grace
    c.run(2)
    assert c.get("pod", "a").metadata.deletion_timestamp is not None  # still there, terminating
    (subset,) = c.get("endpoints", "web").subsets
    assert [x.ip for x in subset.addresses + subset.not_ready_addresses] == [ips["b"]]


# ---------------------------------------------------------------- namespace

def test_a_namespace_waits_for_every_terminating_pod_not_just_the_first_to_go():
    """namespaced_resources_deleter.go: the namespace keeps its finalizer while any object is left in it,
    terminating ones included."""
    c = Cluster(nodes=1, seed=0)
    c.kubectl("create namespace team")
    c.apply([make_pod("quick", command="trap 'exit 0' TERM; sleep 3600 & wait", namespace="team"),
             make_pod("slow", namespace="team")])  # no trap: it takes its 30 s of grace
    c.run(10)
    c.kubectl("delete namespace team --wait=false")
    c.run(5)
    assert [p.name for p in c.get("pods", namespace="team")] == ["slow"]
    assert c.get("ns", "team").status.phase == "Terminating"
    c.run(30)
    with pytest.raises(NotFound):
        c.get("ns", "team")  # gone once the slow pod was


# ---------------------------------------------------------------- PersistentVolumes

def test_a_released_volume_is_not_bound_to_a_new_claim_of_the_same_name():
    """pv_controller.go: a Released volume's claimRef keeps the deleted claim's uid, so a claim made again
    with the same name does not get the old data; the volume stays Released."""
    c = Cluster(nodes=1, seed=0)
    c.apply([pv("v", "1Gi", policy="Retain"), pvc("data", cls="")])
    c.run(5)
    assert c.get("pvc", "data").status.phase == "Bound"
    c.delete("pvc", "data")
    c.run(5)
    assert c.get("pv", "v").status.phase == "Released"
    c.apply(pvc("data", cls=""))
    c.run(5)
    assert c.get("pvc", "data").status.phase == "Pending"
    assert c.get("pv", "v").status.phase == "Released"


def test_a_provisioned_volume_takes_the_reclaim_policy_of_its_class():
    """The provisioner copies the StorageClass's reclaimPolicy: with Retain, deleting the claim keeps the
    volume, Released."""
    c = Cluster(nodes=1, seed=0)
    c.apply([{"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "keep"},
              "provisioner": "k8slite.io/simulated", "reclaimPolicy": "Retain", "volumeBindingMode": "Immediate"},
             pvc("data", cls="keep")])
    c.run(5)
    name = c.get("pvc", "data").spec.volume_name
    assert c.get("pv", name).spec.persistent_volume_reclaim_policy == "Retain"
    c.delete("pvc", "data")
    c.run(5)
    assert c.get("pv", name).status.phase == "Released" and c.storage.exists(name)


def test_a_read_only_many_volume_attaches_to_several_nodes():
    """attach_detach: only a volume without ReadWriteMany or ReadOnlyMany is limited to one node."""
    c = Cluster(nodes=2, seed=0)
    c.apply([pv("shared", "1Gi", modes=("ReadOnlyMany",)), pvc("shared", modes=("ReadOnlyMany",), cls="")])
    c.run(5)
    c.apply(pod_with("one", claim("shared"), node="node-1"))
    c.run(10)
    c.apply(pod_with("two", claim("shared"), node="node-2"))  # attached to node-1 already: a second node is fine
    c.run(10)
    assert [e.message for e in c.events() if e.reason == "FailedAttachVolume"] == []
    assert [c.get("pod", n).status.phase for n in ("one", "two")] == ["Running", "Running"]


def test_a_read_write_once_volume_wanted_on_two_nodes_at_once_attaches_to_one():
    """The attach/detach controller's actual state of the world records its own attach at once, so two pods
    on two nodes applied together get one attach and one Multi-Attach error, not two attaches."""
    c = Cluster(nodes=2, seed=0)
    c.apply([pv("data", "1Gi"), pvc("data", cls="")])
    c.run(5)
    c.apply([pod_with("one", claim("data"), node="node-1"), pod_with("two", claim("data"), node="node-2")])
    c.run(20)
    attached = {n.name: [v.name for v in n.status.volumes_attached] for n in c.get("nodes")}
    assert sorted(len(v) for v in attached.values()) == [0, 1]
    assert sorted(c.get("pod", n).status.phase for n in ("one", "two")) == ["Pending", "Running"]
    assert [e.message.split(" ")[0] for e in c.events() if e.reason == "FailedAttachVolume"] == ["Multi-Attach"]
