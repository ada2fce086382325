"""The ReplicaSet controller's counts (OwnedPods), kept as pods change, equal counting every pod afresh.

calculateStatus in Kubernetes looks at every pod of the ReplicaSet at every sync; k8slite keeps the same
numbers current pod by pod (a Tally on the pod informer's cache). These tests churn pods (scale up and
down, readiness flapping, deletions, a failed node, finished pods, an adopted orphan) and compare the
kept counts, and the status written from them, with counting from scratch at every step.
"""

from collections import Counter

from builders import make_pod

from k8slite import Cluster
from k8slite.api.pod import Pod
from k8slite.api.replicaset import ReplicaSet
from k8slite.controllers.replicaset import ReplicaSetController, controller_uid, is_active, ready_since

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: %d
  minReadySeconds: 7
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: busybox
        command: [sh, -c, "sleep %d; exit 1"]
        readinessProbe: {exec: {command: ["true"]}, periodSeconds: 3}
"""


def controller(c: Cluster) -> ReplicaSetController:
    (rsc,) = [x for x in c.controllers if isinstance(x, ReplicaSetController)]
    return rsc


def counted_afresh(rsc: ReplicaSetController) -> dict[str, tuple[int, Counter, list[float]]]:
    """Per controller uid: active pods, active pods by label set, sorted Ready times, from every pod."""
    owners: dict[str, tuple[int, Counter, list[float]]] = {}
    for pod in rsc.pods.cache.values():
        if isinstance(pod, Pod) and is_active(pod):
            active, labels, ready = owners.setdefault(controller_uid(pod), (0, Counter(), []))
            labels[frozenset(pod.metadata.labels.items())] += 1
            since = ready_since(pod)
            owners[controller_uid(pod)] = (active + 1, labels, sorted([*ready, *([since] if since else [])]))
    return owners


def kept(rsc: ReplicaSetController) -> dict[str, tuple[int, Counter, list[float]]]:
    return {uid: (o.active, +o.labels, list(o.ready_since)) for uid, o in rsc.owned.owners.items()}


def status_afresh(rsc: ReplicaSetController, rs: ReplicaSet, now: float) -> tuple[int, int, int, int]:
    pods = [p for p in rsc.pods.by_index("controllerUID", rs.metadata.uid) if isinstance(p, Pod) and is_active(p)]
    ready = [t for t in map(ready_since, pods) if t is not None]
    template = rs.spec.template.metadata.labels.items()
    return (len(pods), sum(template <= p.metadata.labels.items() for p in pods), len(ready),
            sum(t + (rs.spec.min_ready_seconds or 0) <= now for t in ready))


def test_kept_counts_equal_counting_every_pod_while_pods_churn():
    c = Cluster(nodes=3, seed=4)
    rsc = controller(c)
    c.apply(DEPLOYMENT % (6, 40))  # containers exit after 40 s: restarts, readiness lost and regained
    steps = [lambda: c.run(3), lambda: c.kubectl("scale deployment web --replicas=9"), lambda: c.run(11),
             lambda: c.node("node-2").fail(), lambda: c.run(45),
             lambda: c.kubectl("scale deployment web --replicas=2"), lambda: c.run(30),
             lambda: c.apply(make_pod("stray", labels={"app": "web"})), lambda: c.run(20),
             lambda: c.kubectl("delete pod stray --wait=false"), lambda: c.run(90)]
    checked = 0
    for step in steps:
        step()
        for _ in range(3):
            assert kept(rsc) == counted_afresh(rsc)
            checked += sum(o[0] for o in counted_afresh(rsc).values())
            c.run(1)
    assert checked > 100  # the comparison saw pods, not an empty cluster


FRONT = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: front}}
  template:
    metadata: {labels: {app: front, tier: web}}
    spec:
      containers: [{name: web, image: busybox, command: [sleep, "3600"]}]
"""


def test_the_status_written_equals_the_status_counted_pod_by_pod():
    c = Cluster(nodes=2, seed=1)
    rsc = controller(c)
    c.apply(make_pod("older", labels={"app": "front"}))  # adopted by front, without the template's tier label
    c.run(5)
    c.apply(DEPLOYMENT % (4, 25))
    c.apply(FRONT)
    seen = set()
    for _ in range(60):
        c.run(2)
        for key in sorted(rsc.replicasets.cache):
            rsc.sync(key)  # writes the status from the kept counts, if it changed
            fresh = rsc.api.get("replicasets", *reversed(key.split("/")))
            status = fresh.status
            written = (status.replicas, status.fully_labeled_replicas, status.ready_replicas,
                       status.available_replicas)
            assert written == status_afresh(rsc, fresh, c.now)
            seen.add(written)
    assert len(seen) > 3  # ready and available counts moved (minReadySeconds, restarts)
    front = c.get("replicaset", "front").status
    assert (front.replicas, front.fully_labeled_replicas) == (2, 1)


def test_a_sync_writes_the_status_of_the_pods_it_found_not_of_those_it_just_created():
    """calculateStatus counts the pods the sync found before manageReplicas: the sync that creates
    three pods writes replicas 0; the next one, woken by the new pods, writes 3."""
    c = Cluster(nodes=1, scheduler=False)
    rsc = controller(c)
    rsc.queue.add = lambda key: None  # no sync but the ones this test calls
    c.apply(FRONT)
    c.run(1)
    rsc.sync("default/front")
    uid = c.get("replicaset", "front").metadata.uid
    assert len(rsc.pods.by_index("controllerUID", uid)) == 2  # created, and assumed into the cache
    assert c.get("replicaset", "front").status.replicas == 0
    c.run(1)
    rsc.sync("default/front")
    assert c.get("replicaset", "front").status.replicas == 2
