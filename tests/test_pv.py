"""PersistentVolumes and claims: binding, provisioning, reclaiming, and why a claim waits."""

import pytest
from builders import example
from storage_builders import claim, messages, pod_with, pv, pvc

from k8slite import Cluster, Invalid
from k8slite.api.storage import PersistentVolume, PersistentVolumeClaim
from k8slite.controllers.pv_matching import find_best_match


def test_the_docs_task_pv_volume_pv_claim_pv_pod():
    """'Configure a Pod to Use a PersistentVolume for Storage': the claim binds, nginx serves the node's file."""
    c = Cluster(nodes=1)
    c.node("node-1").write_file("/mnt/data/index.html", "Hello from Kubernetes storage")
    c.apply(example("pv-volume.yaml"))
    c.run(1)
    assert c.get("pv", "task-pv-volume").status.phase == "Available"
    c.apply(example("pv-claim.yaml"))
    c.run(1)
    assert c.get("pvc", "task-pv-claim").spec.volume_name == "task-pv-volume"
    assert c.get("pv", "task-pv-volume").status.phase == "Bound"
    assert "task-pv-volume   10Gi       RWO            Retain           Bound    default/task-pv-claim   manual" \
        in c.kubectl("get pv")
    assert "task-pv-claim   Bound    task-pv-volume   10Gi       RWO            manual" in c.kubectl("get pvc")
    c.apply(example("pv-pod.yaml"))
    c.run(10)
    assert c.get("pod", "task-pv-pod").status.phase == "Running"
    assert c.exec("task-pv-pod", "wget -qO- http://localhost/") == "Hello from Kubernetes storage"


def test_the_smallest_volume_that_fits_wins():
    c = Cluster(nodes=1)
    c.apply([pv("big", "100Gi"), pv("small", "2Gi"), pv("tiny", "500Mi"), pv("rwx", "2Gi", ("ReadWriteMany",))])
    c.apply(pvc("want", "1Gi", cls=""))
    c.run(1)
    assert c.get("pvc", "want").spec.volume_name == "small"
    assert c.get("pv", "small").spec.claim_ref.name == "want"
    assert c.get("pv", "tiny").status.phase == "Available"


@pytest.mark.parametrize("seed", range(20))
def test_best_match_is_the_smallest_compatible(seed):
    import random
    rng = random.Random(seed)
    sizes, modes = [1, 2, 5, 10, 20], ["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany"]
    volumes = [PersistentVolume.from_dict(pv(f"v{i}", f"{rng.choice(sizes)}Gi", (rng.choice(modes),),
                                             rng.choice(["", "fast"]))) for i in range(6)]
    want = PersistentVolumeClaim.from_dict(pvc("c", f"{rng.choice(sizes)}Gi", (rng.choice(modes),),
                                               rng.choice(["", "fast"])))
    fits = [v for v in volumes if v.spec.storage_class_name == want.spec.storage_class_name
            and want.spec.access_modes[0] in v.spec.access_modes
            and int(v.spec.capacity["storage"][:-2]) >= int(want.spec.resources.requests["storage"][:-2])]
    best = find_best_match(want, volumes)
    if not fits:
        assert best is None
    else:
        assert best is not None and int(best.spec.capacity["storage"][:-2]) == min(
            int(v.spec.capacity["storage"][:-2]) for v in fits)


def test_a_claim_without_class_or_volume_stays_pending_and_says_why():
    c = Cluster(nodes=1)
    c.apply(pvc("lonely", cls=""))
    c.run(5)
    assert c.get("pvc", "lonely").status.phase == "Pending"
    assert messages(c, "FailedBinding", "lonely") == [
        "no persistent volumes available for this claim and no storage class is set"]


def test_an_unknown_class_is_a_provisioning_failure():
    c = Cluster(nodes=1)
    c.apply(pvc("fancy", cls="gold"))
    c.run(5)
    assert messages(c, "ProvisioningFailed", "fancy") == ['storageclass.storage.k8s.io "gold" not found']


def test_the_default_class_is_admitted_and_waits_for_a_consumer():
    c = Cluster(nodes=2)
    assert "standard (default)   k8slite.io/simulated   Delete          WaitForFirstConsumer" in c.kubectl("get sc")
    c.apply(pvc("data"))
    c.run(30)
    claim_obj = c.get("pvc", "data")
    assert claim_obj.spec.storage_class_name == "standard" and claim_obj.status.phase == "Pending"
    assert messages(c, "WaitForFirstConsumer", "data") == ["waiting for first consumer to be created before binding"]
    c.apply(pod_with("user", claim("data")))
    c.run(10)
    claim_obj = c.get("pvc", "data")
    assert claim_obj.status.phase == "Bound" and claim_obj.spec.volume_name == f"pvc-{claim_obj.metadata.uid}"
    node = c.get("pod", "user").spec.node_name
    assert claim_obj.metadata.annotations["volume.kubernetes.io/selected-node"] == node
    assert messages(c, "ProvisioningSucceeded", "data") == [
        f"Successfully provisioned volume {claim_obj.spec.volume_name}"]
    assert c.get("pod", "user").status.phase == "Running"


def test_an_unbound_immediate_claim_keeps_the_pod_pending():
    c = Cluster(nodes=3)
    c.apply([pvc("imm", cls=""), pod_with("p", claim("imm"))])
    c.run(5)
    assert c.get("pod", "p").spec.node_name == ""
    assert messages(c, "FailedScheduling", "p")[0] == (
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
    c.apply(pv("late", "5Gi"))
    c.run(30)
    assert c.get("pvc", "imm").spec.volume_name == "late"
    assert c.get("pod", "p").status.phase == "Running"


def test_a_missing_claim_is_named():
    c = Cluster(nodes=2)
    c.apply(pod_with("p", claim("nope")))
    c.run(2)
    assert messages(c, "FailedScheduling", "p")[0].startswith(
        '0/2 nodes are available: persistentvolumeclaim "nope" not found. preemption:')


@pytest.mark.parametrize("policy,left", [("Retain", "Released"), ("Delete", None)])
def test_reclaim_policy(policy, left):
    c = Cluster(nodes=1)
    c.apply([pv("v", "1Gi", policy=policy), pvc("c", cls=""),
             pod_with("w", claim("c"), "echo kept > /data/f; sleep 3600")])
    c.run(10)
    assert c.exec("w", "cat /data/f") == "kept\n"
    c.delete("pod", "w")
    c.run(40)
    c.delete("pvc", "c")
    c.run(5)
    if left is None:
        assert c.get("pv") == [] and not c.storage.exists("v")
    else:
        volume = c.get("pv", "v")
        assert volume.status.phase == left and c.storage.volume("v").files == {"f": "kept\n"}
        c.apply(pvc("again", cls=""))  # a Released volume is not bound again
        c.run(5)
        assert c.get("pvc", "again").status.phase == "Pending"


def test_provisioned_volumes_go_with_their_claim():
    c = Cluster(nodes=1)
    c.apply([pvc("c"), pod_with("w", claim("c"), "echo x > /data/f; sleep 3600")])
    c.run(10)
    name = c.get("pvc", "c").spec.volume_name
    assert c.storage.exists(name)
    c.delete("pod", "w")
    c.run(40)
    c.delete("pvc", "c")
    c.run(5)
    assert c.get("pv") == [] and not c.storage.exists(name)


def test_claim_validation_in_kubernetes_words():
    c = Cluster(nodes=1)
    bad = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "x"}, "spec": {}}
    with pytest.raises(Invalid, match=r'PersistentVolumeClaim "x" is invalid: \[spec.accessModes: Required value: '
                       r"at least 1 access mode is required, spec.resources\[storage\]: Required value\]"):
        c.apply(bad)
    with pytest.raises(Invalid, match=r"spec.accessModes: Unsupported value: \"ReadWriteSometimes\""):
        c.apply(pvc("y", modes=("ReadWriteSometimes",)))
    with pytest.raises(Invalid, match="may not use ReadWriteOncePod with other access modes"):
        c.apply(pvc("z", modes=("ReadWriteOncePod", "ReadWriteOnce")))
    with pytest.raises(Invalid, match=r"spec: Required value: must specify a volume type"):
        c.apply(pv("v", source={}) | {"spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"]}})
    assert c.get("pvc") == [] and c.get("pv") == []


def test_describe_pvc_and_pv_as_kubectl_does():
    c = Cluster(nodes=1)
    c.apply(example("pv-volume.yaml"))
    c.apply(example("pv-claim.yaml"))
    c.apply(example("pv-pod.yaml"))
    c.apply(pvc("lonely", cls=""))
    c.run(5)
    text = c.kubectl("describe pvc task-pv-claim")
    for line in ("StorageClass:  manual", "Status:        Bound", "Volume:        task-pv-volume",
                 "Capacity:      10Gi", "Access Modes:  RWO", "Used By:       task-pv-pod"):
        assert line in text
    assert "FailedBinding  5s    persistentvolume-controller  no persistent volumes available" in \
        c.kubectl("describe pvc lonely")
    pv_text = c.kubectl("describe pv task-pv-volume")
    assert "Claim:           default/task-pv-claim" in pv_text
    assert "    Type:          HostPath (bare host directory volume)\n    Path:          /mnt/data" in pv_text


def test_an_empty_class_is_kept_through_apply_and_yaml():
    c = Cluster(nodes=1)
    c.apply(pvc("none", cls=""))
    c.run(1)
    assert c.get("pvc", "none").to_dict()["spec"]["storageClassName"] == ""
    c.apply(pvc("none", size="1Gi", cls=""))  # apply again: a merge with what is stored
    c.run(40)
    assert c.get("pvc", "none").spec.storage_class_name == ""
    assert c.get("pv") == [] and c.get("pvc", "none").status.phase == "Pending"
