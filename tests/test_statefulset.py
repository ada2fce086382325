"""The StatefulSet: numbered pods made in order, each with its own claim and DNS name, kept through deletion,
scaling and rolling updates; its validation."""

from __future__ import annotations

import pytest

from k8slite import Cluster, Invalid
from k8slite.api.pod import Pod
from k8slite.api.statefulset import POD_INDEX_LABEL, POD_NAME_LABEL, REVISION_LABEL, StatefulSet
from k8slite.network.dns import CLUSTER_DOMAIN, ClusterDNS

SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: nginx, labels: {app: nginx}}
spec:
  ports: [{port: 80, name: web}]
  clusterIP: None
  selector: {app: nginx}
"""


def web(replicas: int = 2, image: str = "nginx", extra: str = "", claims: bool = True) -> str:
    """The docs' StatefulSet Basics `web` (a claim `www` per pod), with `extra` spec lines."""
    templates = """  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
""" if claims else ""
    return f"""
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: web}}
spec:
  serviceName: nginx
  replicas: {replicas}
{extra}  selector: {{matchLabels: {{app: nginx}}}}
  template:
    metadata: {{labels: {{app: nginx}}}}
    spec:
      containers:
      - name: nginx
        image: {image}
        ports: [{{containerPort: 80, name: web}}]
        volumeMounts: [{{name: www, mountPath: /usr/share/nginx/html}}]
{templates}"""


def started(replicas: int = 2, extra: str = "", seconds: float = 40) -> Cluster:
    c = Cluster(nodes=2)
    c.apply(SERVICE + "---" + web(replicas, extra=extra))
    c.run(seconds)
    return c


def pods(c: Cluster) -> dict[str, Pod]:
    return {p.name: p for p in c.get("pods") if p.name.startswith("web-")}


def created_order(c: Cluster) -> list[tuple[str, float]]:
    return [(e.message.split()[2], e.time) for e in c.events()
            if e.reason == "SuccessfulCreate" and e.message.startswith("create Pod")]


def deleted_order(c: Cluster) -> list[str]:
    return [e.message.split()[2] for e in c.events() if e.reason == "SuccessfulDelete"]


def sts(c: Cluster) -> StatefulSet:
    found = c.get("statefulset", "web")
    assert isinstance(found, StatefulSet)
    return found


# ---------------------------------------------------------------- identity
def test_pods_are_made_in_order_each_once_the_one_before_is_ready() -> None:
    c = started()
    order = created_order(c)
    assert [name for name, _ in order] == ["web-0", "web-1"]
    ready_0 = pods(c)["web-0"].status.condition("Ready")
    assert ready_0 is not None and order[1][1] >= (ready_0.last_transition_time or 0)  # web-1 waited for web-0
    messages = [e.message for e in c.events() if e.involved_object.kind == "StatefulSet"]
    assert messages[:2] == ["create Claim www-web-0 Pod web-0 in StatefulSet web success",
                            "create Pod web-0 in StatefulSet web successful"]


def test_each_pod_has_a_name_a_hostname_labels_and_a_claim_of_its_own() -> None:
    c = started()
    status = sts(c).status
    for ordinal, (name, pod) in enumerate(sorted(pods(c).items())):
        assert (pod.spec.hostname, pod.spec.subdomain) == (name, "nginx")
        assert pod.metadata.labels == {"app": "nginx", POD_NAME_LABEL: name, POD_INDEX_LABEL: str(ordinal),
                                       REVISION_LABEL: status.update_revision}
        volume = next(v for v in pod.spec.volumes if v.name == "www")
        assert volume.persistent_volume_claim is not None
        assert volume.persistent_volume_claim.claim_name == f"www-{name}"
        claim = c.get("pvc", f"www-{name}")
        assert claim.status.phase == "Bound" and claim.metadata.labels == {"app": "nginx"}
        assert claim.metadata.owner_references == []  # retained: nobody owns it
        assert ClusterDNS(c.api).lookup(f"{name}.nginx.default.svc.{CLUSTER_DOMAIN}") == [pod.status.pod_ip]
    assert (status.replicas, status.ready_replicas, status.current_replicas, status.updated_replicas,
            status.available_replicas) == (2, 2, 2, 2, 2)
    assert status.current_revision == status.update_revision and status.update_revision.startswith("web-")
    assert c.ready("statefulset/web")


def test_a_deleted_pod_comes_back_with_its_name_and_its_data() -> None:
    c = started()
    c.exec("web-0", "sh -c 'echo kept > /usr/share/nginx/html/index.html'")
    uid = pods(c)["web-0"].metadata.uid
    c.kubectl("delete pod web-0")
    c.run(30)
    again = pods(c)["web-0"]
    assert again.metadata.uid != uid and again.is_ready()
    assert c.exec("web-0", "cat /usr/share/nginx/html/index.html") == "kept\n"


# ---------------------------------------------------------------- scaling
def test_scaling_up_in_order_and_down_from_the_highest_keeping_the_claims() -> None:
    c = started()
    c.kubectl("scale sts web --replicas=4")
    c.run(60)
    assert [n for n, _ in created_order(c)] == ["web-0", "web-1", "web-2", "web-3"]
    c.kubectl("scale sts web --replicas=1")
    c.run(120)
    assert sorted(pods(c)) == ["web-0"]
    assert deleted_order(c) == ["web-3", "web-2", "web-1"]
    assert sorted(p.name for p in c.get("pvc")) == ["www-web-0", "www-web-1", "www-web-2", "www-web-3"]
    c.kubectl("scale sts web --replicas=2")
    c.run(60)
    assert sorted(pods(c)) == ["web-0", "web-1"]  # web-1 is back on its old claim


def test_parallel_makes_them_all_at_once() -> None:
    c = started(replicas=4, extra="  podManagementPolicy: Parallel\n", seconds=1)
    assert sorted(n for n, _ in created_order(c)) == ["web-0", "web-1", "web-2", "web-3"]
    assert {t for _, t in created_order(c)} == {0.0}


def test_when_scaled_delete_takes_the_claims_of_the_removed_pods() -> None:
    c = started(replicas=3, extra="  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}\n", seconds=60)
    c.kubectl("scale sts web --replicas=1")
    c.run(120)
    assert sorted(p.name for p in c.get("pvc")) == ["www-web-0"]


def test_deleting_the_set_deletes_its_pods_and_keeps_the_claims_unless_told() -> None:
    c = started()
    c.kubectl("delete sts web")
    c.run(60)
    assert pods(c) == {} and len(c.get("pvc")) == 2
    c2 = started(extra="  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}\n")
    assert all(r.kind == "StatefulSet" for p in c2.get("pvc") for r in p.metadata.owner_references)
    c2.kubectl("delete sts web")
    c2.run(60)
    assert pods(c2) == {} and c2.get("pvc") == []


# ---------------------------------------------------------------- updates
def test_a_rolling_update_goes_from_the_highest_ordinal_down_one_at_a_time() -> None:
    c = started(replicas=3, seconds=60)
    before = sts(c).status.update_revision
    c.kubectl("set image sts/web nginx=nginx:1.27")
    c.run(120)
    assert deleted_order(c) == ["web-2", "web-1", "web-0"]
    assert {p.spec.containers[0].image for p in pods(c).values()} == {"nginx:1.27"}
    status = sts(c).status
    assert status.update_revision != before and status.current_revision == status.update_revision
    assert (status.current_replicas, status.updated_replicas) == (3, 3)
    assert len([r for r in c.get("controllerrevisions") if r.name.startswith("web-")]) == 2


def test_a_partition_keeps_the_lower_pods_on_the_old_template() -> None:
    c = started(replicas=3, extra="  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}\n",
                seconds=60)
    c.kubectl("set image sts/web nginx=nginx:1.27")
    c.run(60)
    images = {name: p.spec.containers[0].image for name, p in pods(c).items()}
    assert images == {"web-0": "nginx", "web-1": "nginx", "web-2": "nginx:1.27"}
    status = sts(c).status
    assert (status.current_replicas, status.updated_replicas) == (2, 1)
    assert status.current_revision != status.update_revision
    c.kubectl("delete pod web-0")  # a pod below the partition comes back on the OLD template
    c.run(30)
    assert pods(c)["web-0"].spec.containers[0].image == "nginx"


def test_on_delete_replaces_only_what_you_delete() -> None:
    c = started(extra="  updateStrategy: {type: OnDelete}\n")
    c.kubectl("set image sts/web nginx=nginx:1.27")
    c.run(60)
    assert {p.spec.containers[0].image for p in pods(c).values()} == {"nginx"}
    c.kubectl("delete pod web-1")
    c.run(30)
    assert pods(c)["web-1"].spec.containers[0].image == "nginx:1.27"


def test_going_back_renumbers_the_old_revision() -> None:
    c = started(seconds=40)
    first = sts(c).status.update_revision
    c.kubectl("set image sts/web nginx=nginx:1.27")
    c.run(60)
    c.kubectl("set image sts/web nginx=nginx")
    c.run(60)
    status = sts(c).status
    assert status.update_revision == first == status.current_revision
    revisions = {r.name: r.revision for r in c.get("controllerrevisions")}
    assert revisions[first] == 3 and len(revisions) == 2


def test_a_failed_pod_is_recreated() -> None:
    c = started()
    failed = pods(c)["web-1"].copy()
    failed.status.phase = "Failed"
    c.api.update_status(failed)
    c.run(30)
    assert "RecreatingFailedPod" in [e.reason for e in c.events()]
    assert pods(c)["web-1"].status.phase == "Running"


# ---------------------------------------------------------------- validation
def test_only_some_fields_may_change() -> None:
    c = started(seconds=1)
    with pytest.raises(Invalid) as e:
        c.apply(web().replace("storage: 1Gi", "storage: 2Gi"))
    assert str(e.value) == (
        'StatefulSet.apps "web" is invalid: spec: Forbidden: updates to statefulset spec for fields other than '
        "'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
        "'minReadySeconds' are forbidden")
    c.apply(web(replicas=3, image="nginx:1.27"))  # replicas and the template may


@pytest.mark.parametrize("extra, message", [
    ("  podManagementPolicy: Sometimes\n",
     "spec.podManagementPolicy: Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel'"),
    ("  updateStrategy: {type: OnDelete, rollingUpdate: {partition: 1}}\n",
     "spec.updateStrategy.rollingUpdate: Invalid value: &apps.RollingUpdateStatefulSetStrategy{Partition:1, "
     "MaxUnavailable:<nil>}: only allowed for updateStrategy 'RollingUpdate'"),
    ("  updateStrategy: {rollingUpdate: {partition: -1}}\n",
     "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0"),
    ("  persistentVolumeClaimRetentionPolicy: {whenDeleted: Keep}\n",
     'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: '
     '"Retain", "Delete"'),
])
def test_validation(extra: str, message: str) -> None:
    c = Cluster(nodes=1)
    with pytest.raises(Invalid) as e:
        c.apply(web(extra=extra))
    assert message in str(e.value)


def test_a_bad_pod_spec_is_accepted_and_refused_when_the_pod_is_made() -> None:
    c = Cluster(nodes=1)
    c.apply(web(claims=False))  # volumeMounts name `www`, which no volume or claim template provides
    c.run(5)
    assert pods(c) == {}
    failed = [e.message for e in c.events() if e.reason == "FailedCreate"]
    assert failed and failed[0].startswith("create Pod web-0 in StatefulSet web failed error: Pod \"web-0\" is "
                                           "invalid: spec.containers[0].volumeMounts[0].name: Not found: \"www\"")
