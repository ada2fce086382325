"""Checks for notebook 10, volumes.

10.1 `find_volume(claim, volumes)`: the name of the PersistentVolume the
binder picks for a claim (or None), as controllers/pv_matching.py does:
free volumes of the claim's class whose access modes include the claim's
and whose capacity fits, the smallest first. Tried on random volume sets
(sizes in mixed units, some volumes already bound), and on small clusters
where the PV controller really binds the claim.
10.2 `survives(place, event)`: does a file written to `place` ("container",
"emptyDir", "hostPath", "persistentVolumeClaim") survive `event` ("container
restart", "pod recreated on the same node", "pod recreated on another node")?
Every answer is compared with what a cluster does: a pod writes a file to
each place, the event happens, a pod reads them back.
10.3 `claims_after(counts, when_scaled, start)`: the claims a StatefulSet
`db` (claim template `data`, ordinals from `start`) has after being scaled
to each count in turn, with persistentVolumeClaimRetentionPolicy.whenScaled
Retain or Delete, compared with StatefulSets scaled so on clusters.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from k8slite.api.meta import ObjectMeta, ObjectReference
from k8slite.api.storage import (
    CSIPersistentVolumeSource,
    PersistentVolume,
    PersistentVolumeClaim,
    PersistentVolumeClaimSpec,
    PersistentVolumeSpec,
    VolumeResourceRequirements,
)
from k8slite.cluster import Cluster
from k8slite.controllers.pv_matching import find_best_match
from k8slite.course.checks import exercise

SIZES = ["500Mi", "1Gi", "1G", "2Gi", "5Gi", "5G", "10Gi", "20Gi", "100Gi"]
MODES = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"]
CLASSES = ["", "fast", "slow"]

# ---------------------------------------------------------------- 10.1


def random_volume(rng: random.Random, i: int) -> PersistentVolume:
    modes = sorted(rng.sample(MODES, rng.randint(1, 2)))
    spec = PersistentVolumeSpec(capacity={"storage": rng.choice(SIZES)}, access_modes=modes,
                                storage_class_name=rng.choice(CLASSES), persistent_volume_reclaim_policy="Retain",
                                csi=CSIPersistentVolumeSource(driver="k8slite.io/simulated", volume_handle=f"pv-{i}"))
    volume = PersistentVolume(metadata=ObjectMeta(name=f"pv-{i}"), spec=spec)
    if rng.random() < 0.2:  # already bound to somebody else's claim
        volume.spec.claim_ref = ObjectReference(kind="PersistentVolumeClaim", namespace="default",
                                                name=f"other-{i}", uid=f"uid-{i}")
        volume.status.phase = "Bound"
    else:
        volume.status.phase = "Available"
    return volume


def random_claim(rng: random.Random) -> PersistentVolumeClaim:
    spec = PersistentVolumeClaimSpec(access_modes=[rng.choice(MODES)], storage_class_name=rng.choice(CLASSES),
                                     resources=VolumeResourceRequirements(requests={"storage": rng.choice(SIZES)}))
    return PersistentVolumeClaim(metadata=ObjectMeta(name="claim", namespace="default", uid="claim-uid"), spec=spec)


def describe(claim: PersistentVolumeClaim, volumes: list[PersistentVolume]) -> str:
    lines = [f"claim: class {claim.spec.storage_class_name!r}, modes {claim.spec.access_modes}, "
             f"request {claim.request()}"]
    lines += [f"  {v.name}: class {v.spec.storage_class_name!r}, modes {v.spec.access_modes}, "
              f"capacity {v.spec.capacity['storage']}, {v.status.phase}" for v in volumes]
    return "\n".join(lines)


def check_one(find_volume: Any, claim: PersistentVolumeClaim, volumes: list[PersistentVolume]) -> None:
    got = find_volume(claim.copy(), [v.copy() for v in volumes])
    best = find_best_match(claim, volumes)
    want = best.name if best else None
    assert got is None or isinstance(got, str), f"find_volume must return a volume's name or None, not {got!r}"
    assert got == want, (
        f"{describe(claim, volumes)}\nthe binder picks {want}; you said {got}.\nA volume fits when it is free "
        "(no claimRef), has the claim's storageClassName, offers every access mode the claim asks for, and holds "
        "at least the request (compare bytes: parse_quantity('1Gi') > parse_quantity('1G')). The smallest wins.")


def cluster_binds(find_volume: Any, rng: random.Random) -> None:
    """The PV controller of a real (small) cluster agrees with the answer."""
    c = Cluster(nodes=1, seed=rng.randint(0, 999))
    volumes = [random_volume(rng, i) for i in range(5)]
    for v in volumes:
        v.spec.claim_ref, v.status.phase = None, ""
    claim = random_claim(rng)
    c.apply(volumes)
    c.apply(PersistentVolumeClaim(metadata=ObjectMeta(name="claim"), spec=claim.spec))
    c.run(2)
    stored = c.get("pvc", "claim")
    got = find_volume(claim.copy(), [v.copy() for v in volumes])  # what the binder saw before it bound
    assert got == (stored.spec.volume_name or None), (
        f"{describe(claim, volumes)}\non a cluster the claim was bound to {stored.spec.volume_name or 'nothing'}; "
        f"you said {got}")


@exercise("10.1")
def check_10_1(find_volume: Any) -> str:
    assert callable(find_volume), "define find_volume(claim, volumes) -> the chosen volume's name, or None"
    rng = random.Random(1001)
    for _ in range(60):
        check_one(find_volume, random_claim(rng), [random_volume(rng, i) for i in range(rng.randint(0, 7))])
    for _ in range(4):
        cluster_binds(find_volume, rng)
    return "60 random volume sets and 4 clusters"


# ---------------------------------------------------------------- 10.2

PLACES = ["container", "emptyDir", "hostPath", "persistentVolumeClaim"]
EVENTS = ["container restart", "pod recreated on the same node", "pod recreated on another node"]
MOUNTS = {"emptyDir": "/scratch", "hostPath": "/host", "persistentVolumeClaim": "/claim"}


def pod_manifest(name: str, node: str) -> dict[str, Any]:
    mounts = [{"name": place.lower(), "mountPath": path} for place, path in MOUNTS.items()]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {
        "nodeSelector": {"kubernetes.io/hostname": node},
        "containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", "sleep 36000"],
                        "volumeMounts": mounts}],
        "volumes": [{"name": "emptydir", "emptyDir": {}}, {"name": "hostpath", "hostPath": {"path": "/var/k8slite"}},
                    {"name": "persistentvolumeclaim", "persistentVolumeClaim": {"claimName": "data"}}]}}


def experiment(event: str, rng: random.Random) -> dict[str, bool]:
    """Write a file to every place, let the event happen, and look which files are still there."""
    c = Cluster(nodes=rng.randint(2, 3), seed=rng.randint(0, 999))
    first = f"node-{rng.randint(1, 2)}"
    c.apply({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})
    c.apply(pod_manifest("app", first))
    c.run(10)
    token = f"t{rng.randint(1000, 9999)}"
    paths = {"container": "/tmp/f", **{place: f"{path}/f" for place, path in MOUNTS.items()}}
    c.exec("app", "; ".join(f"echo {token} > {p}" for p in paths.values()))
    reader = "app"
    if event == "container restart":
        c.pod("app").kill()
        c.run(15)
    else:
        c.delete("pod", "app")
        c.run(40)
        others = [n for n in sorted(c.kubelets) if n != first]
        node = first if event == "pod recreated on the same node" else rng.choice(others)
        reader = "again"
        c.apply(pod_manifest(reader, node))
        c.run(15)
    return {place: c.exec(reader, f"cat {path}").strip() == token for place, path in paths.items()}


@exercise("10.2")
def check_10_2(survives: Any) -> str:
    assert callable(survives), "define survives(place, event) -> True or False"
    rng = random.Random(1002)
    for event in EVENTS:
        seen = experiment(event, rng)
        for place in PLACES:
            said = survives(place, event)
            assert isinstance(said, bool), f"survives({place!r}, {event!r}) must be True or False, not {said!r}"
            assert said == seen[place], (
                f"a file written to the {place} {'survives' if seen[place] else 'does not survive'} a "
                f"{event}; you said {said}.\nAsk what owns the data: the container (its writable layer), the pod "
                "(emptyDir), the node (hostPath), or the cluster's storage (a claim's volume).")
    return f"{len(PLACES) * len(EVENTS)} predictions checked against 3 clusters"


# ---------------------------------------------------------------- 10.3
DB = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: db}}
spec:
  serviceName: db
  replicas: {replicas}
  ordinals: {{start: {start}}}
  persistentVolumeClaimRetentionPolicy: {{whenScaled: {when_scaled}}}
  selector: {{matchLabels: {{app: db}}}}
  template:
    metadata: {{labels: {{app: db}}}}
    spec:
      containers:
      - {{name: db, image: redis, volumeMounts: [{{name: data, mountPath: /data}}]}}
  volumeClaimTemplates:
  - metadata: {{name: data}}
    spec: {{accessModes: [ReadWriteOnce], resources: {{requests: {{storage: 1Gi}}}}}}
"""


def settled(count: int) -> Callable[[Cluster], bool]:
    """Whether StatefulSet db has rolled out with `count` pods and no other."""
    return lambda c: c.ready("statefulset/db") and len(c.get("pods")) == count


def claims_on_a_cluster(counts: list[int], when_scaled: str, start: int) -> list[str]:
    """Scale a StatefulSet to each count in turn, each time until it has settled; the claims left."""
    c = Cluster(nodes=1, seed=0)
    for count in counts:
        c.apply(DB.format(replicas=count, start=start, when_scaled=when_scaled))
        c.run_until(settled(count), timeout=600)
        c.run(5)  # the garbage collector takes a removed pod's claims
    return sorted(p.name for p in c.get("pvc"))


def scale_cases() -> list[tuple[list[int], str, int]]:
    rng = random.Random(1003)
    cases: list[tuple[list[int], str, int]] = [([3, 1], "Retain", 0), ([3, 1], "Delete", 0), ([2, 0, 1], "Retain", 5)]
    for _ in range(3):
        counts = [rng.randint(0, 4) for _ in range(rng.randint(2, 4))]
        cases.append((counts, rng.choice(["Retain", "Delete"]), rng.choice([0, 0, 1, 3])))
    return cases


@exercise("10.3")
def check_10_3(claims_after: Any) -> str:
    assert callable(claims_after), "define claims_after(counts, when_scaled, start) -> a list of claim names"
    for counts, when_scaled, start in scale_cases():
        answer = claims_after(list(counts), when_scaled, start)
        call = f"claims_after({counts}, {when_scaled!r}, {start})"
        assert isinstance(answer, list) and all(isinstance(n, str) for n in answer), (
            f"{call} must return a list of claim names such as ['data-db-0'], not {answer!r}")
        truth = claims_on_a_cluster(counts, when_scaled, start)
        assert sorted(answer) == truth, (
            f"{call}: the cluster has the claims {truth}; you said {sorted(answer)}.\n"
            "A claim is named <template>-<statefulset>-<ordinal>, the ordinals counting from `start`; a pod "
            "that scaling down removes leaves its claim behind with whenScaled Retain (the next pod of that "
            "ordinal gets it back), and takes it with it with Delete.")
    return f"{len(scale_cases())} StatefulSets scaled on clusters."
