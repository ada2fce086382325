"""In-use protection: a claim used by a pod, or a volume bound to a claim, waits to be deleted."""

from __future__ import annotations

from storage_builders import claim, messages, pod_with, pv, pvc

from k8slite import Cluster


def rows(text: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split()[1:] for line in text.splitlines()[1:] if line.strip()}


def test_a_claim_in_use_stays_terminating_until_its_pod_is_gone_then_its_volume_is_reclaimed():
    c = Cluster(nodes=2)
    c.apply([pvc("data"), pod_with("db", claim("data"), "echo kept > /data/f; sleep 3600")])
    c.run(10)
    volume = c.get("pvc", "data").spec.volume_name
    assert c.get("pvc", "data").metadata.finalizers == ["kubernetes.io/pvc-protection"]
    assert c.get("pv", volume).metadata.finalizers == ["kubernetes.io/pv-protection"]
    c.delete("pvc", "data")
    c.run(20)
    assert rows(c.kubectl("get pvc"))["data"][0] == "Terminating"
    assert "Status:        Terminating (lasts 20s)\n" in c.kubectl("describe pvc data")
    assert "Finalizers:    [kubernetes.io/pvc-protection]\n" in c.kubectl("describe pvc data")
    assert c.exec("db", "cat /data/f") == "kept\n"  # the pod keeps its data meanwhile
    c.apply(pod_with("late", claim("data")))
    c.run(5)
    assert messages(c, "FailedScheduling", "late") == [
        '0/2 nodes are available: persistentvolumeclaim "data" is being deleted. '
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."]
    c.delete("pod", "db")
    c.delete("pod", "late")
    c.run(40)
    assert c.get("pvc") == [] and c.get("pv") == []  # the claim went, and its Delete-policy volume after it


def test_a_bound_volume_deleted_by_hand_waits_for_its_claim():
    c = Cluster(nodes=1)
    c.apply([pv("disk", policy="Retain"), pvc("mine", cls="")])
    c.run(5)
    c.delete("pv", "disk")
    c.run(5)
    assert rows(c.kubectl("get pv"))["disk"][3] == "Terminating"
    c.delete("pvc", "mine")  # nothing uses the claim: it goes at once, and the volume is released
    c.run(5)
    assert c.get("pvc") == [] and c.get("pv") == []


def test_a_finished_pod_does_not_hold_its_claim():
    c = Cluster(nodes=1)
    job = pod_with("job", claim("scratch"), "echo done")
    job["spec"]["restartPolicy"] = "Never"
    c.apply([pvc("scratch"), job])
    c.run(10)
    assert c.get("pod", "job").status.phase == "Succeeded"
    c.delete("pvc", "scratch")
    c.run(1)
    assert c.get("pvc") == []
