"""kubectl for StatefulSets, in kubectl 1.32's words: get's columns (printStatefulSet), describe (describeStatefulSet
and its claim templates), rollout status (StatefulSetStatusViewer), history, undo (the revision's patch), restart,
pause and resume refused, scale (statefulsets/scale), set image, api-resources, discovery and `get all`; and the real
kubectl against a served cluster, printing what c.kubectl prints."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import KUBECTL, real_kubectl, same, skip_unless_required
from protobuf_builders import envelope, nested, number, string

from k8slite import Cluster
from k8slite.api.meta import LabelSelector, ObjectMeta
from k8slite.api.statefulset import (
    RollingUpdateStatefulSetStrategy,
    StatefulSet,
    StatefulSetSpec,
    StatefulSetStatus,
    StatefulSetUpdateStrategy,
)
from k8slite.api.storage import PersistentVolumeClaim
from k8slite.kubectl.describe_workloads import describe_claim_templates
from k8slite.kubectl.describe_writer import PrefixWriter
from k8slite.kubectl.rollout_revisions import statefulset_status_message
from k8slite.kubectl.rows_workloads import statefulset_row
from k8slite.server import Server, discovery, protobuf

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
NEW_IMAGE = "registry.k8s.io/nginx-slim:0.24"
SERVICE = """apiVersion: v1
kind: Service
metadata: {name: nginx, labels: {app: nginx}}
spec:
  ports: [{port: 80, name: web}]
  clusterIP: None
  selector: {app: nginx}
"""
CLAIM = """  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
"""


def sts_yaml(name: str = "web", replicas: int = 2, extra: str = "", claims: str = CLAIM, pod: str = "",
             image: str = "registry.k8s.io/nginx-slim:0.21") -> str:
    """The docs' "StatefulSet Basics" StatefulSet (`web`: nginx pods, a claim `www` of 1Gi each, served through
    the headless Service `nginx`), with its name, replicas, spec (`extra`), claims and pod spec (`pod`) to change."""
    mounts = "        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]\n" if claims else ""
    return f"""
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {name}}}
spec:
  serviceName: nginx
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
{extra}  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
{pod}      containers:
      - name: nginx
        image: {image}
        ports: [{{containerPort: 80, name: web}}]
{mounts}{claims}"""


@pytest.fixture
def c() -> Cluster:
    c = Cluster(nodes=2)
    c.apply(SERVICE + "---" + sts_yaml())
    c.run(30)  # web-0, then web-1 once web-0 is ready
    return c


# ---------------------------------------------------------------- get, api-resources, discovery
def test_get_shows_ready_over_desired_and_wide_adds_only_containers_and_images(c: Cluster) -> None:
    assert c.kubectl("get sts") == "NAME   READY   AGE\nweb    2/2     30s\n"
    assert c.kubectl("get statefulsets -o wide") == (
        "NAME   READY   AGE   CONTAINERS   IMAGES\n"
        "web    2/2     30s   nginx        registry.k8s.io/nginx-slim:0.21\n")  # no SELECTOR, unlike a ReplicaSet
    fresh = StatefulSet(metadata=ObjectMeta(name="fresh", creation_timestamp=0.0), spec=StatefulSetSpec(replicas=3))
    assert statefulset_row(fresh, 5.0, False) == ["fresh", "0/3", "5s"]


def test_get_all_lists_statefulsets_after_replicasets_as_discovery_orders_apps(c: Cluster) -> None:
    c.kubectl("create deployment d --image=nginx")
    blocks = c.kubectl("get all").split("\n\n")
    assert [b.splitlines()[1].split("/")[0] for b in blocks] == [
        "pod", "service", "deployment.apps", "replicaset.apps", "statefulset.apps"]
    assert blocks[-1] == "NAME                   READY   AGE\nstatefulset.apps/web   2/2     30s\n"


def test_api_resources_and_discovery_with_the_scale_and_status_subresources() -> None:
    c = Cluster(nodes=1)
    lines = [row.split() for row in c.kubectl("api-resources --api-group=apps").splitlines()]
    assert ["statefulsets", "sts", "apps/v1", "true", "StatefulSet"] in lines
    assert "\nreplicasets.apps\nstatefulsets.apps\ncronjobs.batch\n" in \
        c.kubectl("api-resources --categories=all -o name")
    apps = discovery.resource_list("apps/v1")
    assert apps is not None
    sts, scale, status = [r for r in apps["resources"] if r["name"].startswith("statefulsets")]
    assert (sts["shortNames"], sts["categories"], sts["verbs"]) == (["sts"], ["all"], discovery.VERBS)
    assert (scale["name"], scale["group"], scale["version"], scale["kind"]) == \
        ("statefulsets/scale", "autoscaling", "v1", "Scale")
    assert (status["name"], status["kind"], status["verbs"]) == ("statefulsets/status", "StatefulSet",
                                                                 ["get", "patch", "update"])
    (apps_group,) = [g for g in discovery.aggregated(core=False)["items"] if g["metadata"]["name"] == "apps"]
    (aggregated,) = [r for r in apps_group["versions"][0]["resources"] if r["resource"] == "statefulsets"]
    assert [(s["subresource"], s["responseKind"]["kind"]) for s in aggregated["subresources"]] == \
        [("status", "StatefulSet"), ("scale", "Scale")]


# ---------------------------------------------------------------- describe
def test_describe_shows_replicas_the_strategy_the_pods_the_template_and_the_claim_templates(c: Cluster) -> None:
    assert c.kubectl("describe sts web") == """\
Name:               web
Namespace:          default
CreationTimestamp:  Wed, 01 Jan 2025 00:00:00 +0000
Selector:           app=web
Labels:             <none>
Annotations:        <none>
Replicas:           2 desired | 2 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=web
  Containers:
   nginx:
    Image:        registry.k8s.io/nginx-slim:0.21
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /usr/share/nginx/html from www (rw)
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          www
  StorageClass:  \n  Labels:        <none>
  Annotations:   <none>
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce]
Events:
  Type    Reason            Age   From                    Message
  ----    ------            ----  ----                    -------
  Normal  SuccessfulCreate  30s   statefulset-controller  create Claim www-web-0 Pod web-0 in StatefulSet web success
  Normal  SuccessfulCreate  30s   statefulset-controller  create Pod web-0 in StatefulSet web successful
  Normal  SuccessfulCreate  26s   statefulset-controller  create Claim www-web-1 Pod web-1 in StatefulSet web success
  Normal  SuccessfulCreate  26s   statefulset-controller  create Pod web-1 in StatefulSet web successful
"""


def test_describe_an_ondelete_set_without_claims_has_no_partition_and_no_volume_claims() -> None:
    c = Cluster(nodes=1)
    c.apply(sts_yaml("bare", replicas=1, extra="  updateStrategy: {type: OnDelete}\n", claims=""))
    text = c.kubectl("describe statefulset bare")
    assert "\nUpdate Strategy:    OnDelete\nPods Status:  " in text
    assert "\nVolume Claims:     <none>\nEvents:" in text


def test_claim_templates_show_the_class_labels_and_annotations_as_key_value_pairs() -> None:
    """printLabelsMultilineWithIndent: annotations too are `key=value`, each further pair under the tab; the beta
    annotation names the class before storageClassName does; no storage request is `<default>`."""
    claims = [PersistentVolumeClaim.from_dict({"metadata": {
        "name": "data", "labels": {"tier": "db", "team": "a"},
        "annotations": {"volume.beta.kubernetes.io/storage-class": "fast", "note": "x"}},
        "spec": {"storageClassName": "standard", "accessModes": ["ReadWriteOnce", "ReadOnlyMany"],
                 "resources": {"requests": {"storage": "1024Mi"}}}}),
        PersistentVolumeClaim.from_dict({"metadata": {"name": "logs"}, "spec": {"storageClassName": "standard"}})]
    w = PrefixWriter()
    describe_claim_templates(w, claims)  # type: ignore[arg-type]
    assert w.result() == """\
Volume Claims:
  Name:          data
  StorageClass:  fast
  Labels:        team=a
                 tier=db
  Annotations:   note=x
                 volume.beta.kubernetes.io/storage-class=fast
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce ReadOnlyMany]
  Name:          logs
  StorageClass:  standard
  Labels:        <none>
  Annotations:   <none>
  Capacity:      <default>
  Access Modes:  []
"""


# ---------------------------------------------------------------- rollout status
def viewed(replicas: int | None = 3, ready: int = 3, updated: int = 3, partition: int | None = 0,
           rolling: bool = True, current: str = "web-1", update: str = "web-1", generation: int = 1,
           observed: int | None = 1) -> tuple[str, bool]:
    strategy = StatefulSetUpdateStrategy("RollingUpdate", RollingUpdateStatefulSetStrategy(partition) if rolling
                                         else None)
    sts = StatefulSet(metadata=ObjectMeta(name="web", generation=generation),
                      spec=StatefulSetSpec(replicas=replicas, selector=LabelSelector({"app": "web"}),
                                           update_strategy=strategy),
                      status=StatefulSetStatus(observed_generation=observed, replicas=3, ready_replicas=ready,
                                               current_replicas=3 - updated, updated_replicas=updated,
                                               current_revision=current, update_revision=update))
    return statefulset_status_message(sts)


@pytest.mark.parametrize(("status", "expected"), [
    # not yet seen by the controller: generation 2 > observedGeneration 1, or no status at all
    (viewed(generation=2), ("Waiting for statefulset spec update to be observed...\n", False)),
    (viewed(observed=None), ("Waiting for statefulset spec update to be observed...\n", False)),
    # 3 desired - 1 ready = 2 to wait for, before anything else is looked at
    (viewed(ready=1, updated=0), ("Waiting for 2 pods to be ready...\n", False)),
    # a rollingUpdate with partition 1: 3 - 1 = 2 pods to update, 1 is
    (viewed(updated=1, partition=1),
     ("Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...\n", False)),
    # partition 0, the default: done with 3 of 3, though current and update revisions still differ
    (viewed(update="web-2"), ("partitioned roll out complete: 3 new pods have been updated...\n", True)),
    # a rollingUpdate without a partition, or no replicas: complete at once
    (viewed(updated=0, partition=None), ("partitioned roll out complete: 0 new pods have been updated...\n", True)),
    (viewed(replicas=None, updated=0), ("partitioned roll out complete: 0 new pods have been updated...\n", True)),
    # `type: RollingUpdate` and no rollingUpdate: the revisions decide
    (viewed(rolling=False, updated=2, update="web-2"),
     ("waiting for statefulset rolling update to complete 2 pods at revision web-2...\n", False)),
    (viewed(rolling=False, updated=0),
     ("statefulset rolling update complete 3 pods at revision web-1...\n", True)),
])
def test_the_status_viewer(status: tuple[str, bool], expected: tuple[str, bool]) -> None:
    assert status == expected


def test_rollout_status_prints_one_line_per_write_until_the_pods_are_updated_and_ready(c: Cluster) -> None:
    assert c.kubectl("rollout status sts/web") == "partitioned roll out complete: 2 new pods have been updated...\n"
    assert c.kubectl("scale sts web --replicas=3") == "statefulset.apps/web scaled\n"
    assert c.kubectl("rollout status statefulset/web") == (
        "Waiting for 1 pods to be ready...\npartitioned roll out complete: 3 new pods have been updated...\n")
    assert c.kubectl(f"set image sts/web nginx={NEW_IMAGE}") == "statefulset.apps/web image updated\n"
    assert c.kubectl("rollout status sts/web --watch=false") == "Waiting for 1 pods to be ready...\n"
    # web-2 first, then web-1, then web-0: each deleted, recreated from the new template and waited for
    assert c.kubectl("rollout status sts/web") == (
        "Waiting for 1 pods to be ready...\n"
        "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...\n"
        "Waiting for 1 pods to be ready...\n"
        "Waiting for partitioned roll out to finish: 2 out of 3 new pods have been updated...\n"
        "Waiting for 1 pods to be ready...\n"
        "partitioned roll out complete: 3 new pods have been updated...\n")
    assert {p.spec.containers[0].image for p in c.get("pods")} == {NEW_IMAGE}


def test_rollout_status_without_a_rolling_update_partition_and_on_delete() -> None:
    c = Cluster(nodes=2)
    c.apply(sts_yaml("plain", 3, "  updateStrategy: {type: RollingUpdate}\n"))
    c.apply(sts_yaml("part", 3, "  updateStrategy: {rollingUpdate: {partition: 2}}\n"))
    c.apply(sts_yaml("manual", extra="  updateStrategy: {type: OnDelete}\n"))
    c.run(60)
    for name in ("plain", "part", "manual"):
        c.kubectl(f"set image sts/{name} nginx={NEW_IMAGE}")
    update = c.get("sts", "plain").status.update_revision
    waiting = "Waiting for 1 pods to be ready...\n"
    assert c.kubectl("rollout status sts/plain") == (
        f"{waiting}waiting for statefulset rolling update to complete 1 pods at revision {update}...\n"
        f"{waiting}waiting for statefulset rolling update to complete 2 pods at revision {update}...\n"
        f"{waiting}statefulset rolling update complete 3 pods at revision {update}...\n")
    # only part-2 is at or above the partition
    assert c.kubectl("rollout status sts/part") == "partitioned roll out complete: 1 new pods have been updated...\n"
    assert [p.spec.containers[0].image for p in c.get("pods") if p.name.startswith("part-")] == \
        ["registry.k8s.io/nginx-slim:0.21", "registry.k8s.io/nginx-slim:0.21", NEW_IMAGE]
    assert c.kubectl("rollout status sts/manual") == (
        "error: rollout status is only available for RollingUpdate strategy type\n")
    assert c.kubectl("rollout status sts/nope") == 'Error from server (NotFound): statefulsets.apps "nope" not found\n'


def test_rollout_status_stops_at_the_timeout(c: Cluster) -> None:
    c.kubectl("set image sts/web nginx=registry.k8s.io/nginx-slim:no-such-tag")
    start = c.now
    # web-1 is recreated from the new template and never becomes ready, so web-0 is never replaced
    assert c.kubectl("rollout status sts/web --timeout=20s") == (
        "Waiting for 1 pods to be ready...\nerror: timed out waiting for the condition\n")
    assert c.now - start == 20 and "ImagePullBackOff" in c.kubectl("get pod web-1")


# ---------------------------------------------------------------- history, undo, restart, pause
def test_history_lists_the_controller_revisions_and_shows_one_template(c: Cluster) -> None:
    assert c.kubectl("rollout history sts/web") == "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n\n"
    c.kubectl(f"set image sts/web nginx={NEW_IMAGE}")
    c.run(30)
    assert c.kubectl("rollout history sts/web") == (
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")
    # printTemplate writes to a plain buffer: the tabs are not lined up
    assert c.kubectl("rollout history sts/web --revision=2") == (
        "statefulset.apps/web with revision #2\nPod Template:\n  Labels:\tapp=web\n  Containers:\n   nginx:\n"
        f"    Image:\t{NEW_IMAGE}\n    Port:\t80/TCP\n    Host Port:\t0/TCP\n    Environment:\t<none>\n"
        "    Mounts:\n      /usr/share/nginx/html from www (rw)\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n"
        "  Tolerations:\t<none>\n\n")
    assert c.kubectl("rollout history sts/web --revision=3") == "error: unable to find the specified revision\n"


def test_undo_applies_the_revisions_patch_and_the_revision_becomes_the_newest(c: Cluster) -> None:
    assert c.kubectl("rollout undo sts/web") == "error: no last revision to roll back to\n"
    c.kubectl("rollout restart sts/web")
    c.run(30)
    assert c.kubectl("rollout undo sts/web --to-revision=7") == \
        "error: unable to find specified revision 7 in history\n"
    assert c.kubectl("rollout undo sts/web --to-revision=2") == (
        "statefulset.apps/web skipped rollback (current template already matches revision 2)\n")
    assert c.kubectl("rollout undo sts/web --dry-run=client").startswith(
        "statefulset.apps/web will roll back to Pod Template:\n  Labels:\tapp=web\n  Containers:\n")
    assert c.kubectl("rollout undo sts/web --dry-run=server") == "statefulset.apps/web rolled back (server dry run)\n"
    assert RESTARTED_AT in c.get("sts", "web").spec.template.metadata.annotations  # neither changed anything
    assert c.kubectl("rollout undo sts/web") == "statefulset.apps/web rolled back\n"
    # "$patch": "replace": the template is revision 1's, without the annotation only revision 2 had
    assert c.get("sts", "web").spec.template.metadata.annotations == {}
    c.run(30)
    assert c.kubectl("rollout history sts/web") == (
        "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n")
    assert {p.metadata.labels["controller-revision-hash"] for p in c.get("pods")} == \
        {c.get("sts", "web").status.update_revision}


def test_restart_annotates_the_template_and_pause_and_resume_are_refused(c: Cluster) -> None:
    assert c.kubectl("rollout pause sts/web") == 'error: statefulsets.apps "web" pausing is not supported\n'
    assert c.kubectl("rollout resume statefulset/web") == 'error: statefulsets.apps "web" resuming is not supported\n'
    assert c.kubectl("rollout restart sts/web") == "statefulset.apps/web restarted\n"
    assert c.get("sts", "web").spec.template.metadata.annotations == {RESTARTED_AT: "2025-01-01T00:00:30Z"}
    assert c.kubectl("rollout restart sts/web").startswith("error: failed to create patch for web: if restart")


# ---------------------------------------------------------------- scale, set image
def test_scale_adds_and_removes_the_highest_ordinals_and_keeps_their_claims(c: Cluster) -> None:
    assert c.kubectl("scale sts web --replicas=3") == "statefulset.apps/web scaled\n"
    c.run(10)
    assert sorted(p.name for p in c.get("pods")) == ["web-0", "web-1", "web-2"]
    assert c.kubectl("scale statefulset/web --replicas=1") == "statefulset.apps/web scaled\n"
    c.run(60)
    assert [p.name for p in c.get("pods")] == ["web-0"]
    assert sorted(pvc.name for pvc in c.get("pvc")) == ["www-web-0", "www-web-1", "www-web-2"]  # whenScaled: Retain
    assert c.kubectl("get sts web --no-headers") == "web   1/1   100s\n"
    assert c.kubectl("scale sts nope --replicas=1") == \
        'error: no objects passed to scale statefulsets.apps "nope" not found\n'
    assert c.kubectl("scale sts web --replicas=1 -n nowhere") == \
        'error: no objects passed to scale namespaces "nowhere" not found\n'


def test_set_image_changes_the_template_and_an_unchanged_image_prints_nothing(c: Cluster) -> None:
    assert c.kubectl(f"set image sts/web nginx={NEW_IMAGE}") == "statefulset.apps/web image updated\n"
    assert c.get("sts", "web").spec.template.spec.containers[0].image == NEW_IMAGE
    generation = c.get("sts", "web").metadata.generation
    assert c.kubectl(f"set image sts/web nginx={NEW_IMAGE}") == ""  # an empty patch: nothing sent
    assert c.get("sts", "web").metadata.generation == generation
    assert c.kubectl("set image sts/web nginx=x -n nowhere") == \
        'Error from server (NotFound): namespaces "nowhere" not found\n'


# ---------------------------------------------------------------- apply
FORBIDDEN = ("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
             "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")


def test_apply_configures_a_set_with_claim_templates_every_time(tmp_path: Path) -> None:
    """kubectl's three-way patch always carries the claim templates, a list replaced whole, as the live ones
    have the server's defaults; the headless Service's cluster IP is the server's and stays `unchanged`."""
    c = Cluster(nodes=2)
    (tmp_path / "web.yaml").write_text(SERVICE + "---" + sts_yaml())
    (tmp_path / "bare.yaml").write_text(sts_yaml("bare", 1, claims=""))
    (tmp_path / "changed.yaml").write_text(sts_yaml(claims=CLAIM.replace("1Gi", "2Gi")))
    assert c.kubectl(f"apply -f {tmp_path}/web.yaml") == "service/nginx created\nstatefulset.apps/web created\n"
    assert c.kubectl(f"apply -f {tmp_path}/web.yaml") == "service/nginx unchanged\nstatefulset.apps/web configured\n"
    assert c.kubectl(f"apply -f {tmp_path}/bare.yaml") == "statefulset.apps/bare created\n"
    assert c.kubectl(f"apply -f {tmp_path}/bare.yaml") == "statefulset.apps/bare unchanged\n"
    # checkErr names the kind without its group, as the Status' details.kind has it
    assert c.kubectl(f"apply -f {tmp_path}/changed.yaml") == f'The StatefulSet "web" is invalid: {FORBIDDEN}\n'
    (tmp_path / "two.yaml").write_text(TWO)
    assert c.kubectl(f"apply -f {tmp_path}/two.yaml") == TWO_CAUSES  # MultilineError: one cause a line


TWO = """apiVersion: apps/v1
kind: Deployment
metadata: {name: two}
spec:
  replicas: -1
  selector: {matchLabels: {app: two}}
  template: {metadata: {labels: {app: two}}, spec: {containers: []}}
"""
TWO_CAUSES = ('The Deployment "two" is invalid: \n'
              "* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
              "* spec.template.spec.containers: Required value\n")


# ---------------------------------------------------------------- protobuf
def test_a_protobuf_statefulset_with_a_claim_template_reads_as_its_json() -> None:
    # StatefulSetSpec: 1 replicas (*int32), 4 volumeClaimTemplates (PersistentVolumeClaim {1 metadata, 2 spec
    # {1 accessModes, 2 resources {2 requests: map entries {1 key, 2 Quantity {1 string}}}}}), 5 serviceName,
    # 7 updateStrategy {1 type, 2 rollingUpdate {1 partition (*int32)}}, 11 ordinals {1 start (int32)}
    claim = nested(1, string(1, "www")) + nested(2, string(1, "ReadWriteOnce") + nested(
        2, nested(2, string(1, "storage") + nested(2, string(1, "1Gi")))))
    spec = (number(1, 0) + nested(4, claim) + string(5, "nginx")
            + nested(7, string(1, "RollingUpdate") + nested(2, number(1, 0))) + nested(11, number(1, 0)))
    body = envelope("apps/v1", "StatefulSet", nested(1, string(1, "web")) + nested(2, spec))
    assert protobuf.decode(body) == {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
                                     "spec": {"replicas": 0, "serviceName": "nginx", "ordinals": {},
                                              "updateStrategy": {"type": "RollingUpdate",
                                                                 "rollingUpdate": {"partition": 0}},
                                              "volumeClaimTemplates": [{
                                                  "metadata": {"name": "www"},
                                                  "spec": {"accessModes": ["ReadWriteOnce"],
                                                           "resources": {"requests": {"storage": "1Gi"}}}}]}}


# ------------------------------------------------------------ the real kubectl 1.32
def served_cluster() -> Cluster:
    """web (the docs'), plain (`type: RollingUpdate`, no rollingUpdate), part (partition 2, updated: part-2 has the
    new image), manual (OnDelete) and bare (no claims; its claim template described as <none>)."""
    cluster = Cluster(nodes=2)
    cluster.apply(SERVICE + "---" + sts_yaml())
    labelled = CLAIM.replace("{name: www}", "{name: www, labels: {tier: data}, annotations: {note: kept}}")
    cluster.apply(sts_yaml("plain", 3, "  updateStrategy: {type: RollingUpdate}\n",
                           claims=labelled.replace("spec:\n", "spec:\n      storageClassName: standard\n")))
    cluster.apply(sts_yaml("part", 3, "  updateStrategy: {rollingUpdate: {partition: 2}}\n"))
    cluster.apply(sts_yaml("manual", extra="  updateStrategy: {type: OnDelete}\n"))
    cluster.apply(sts_yaml("bare", 1, claims=""))
    cluster.run(60)
    cluster.kubectl(f"set image sts/part nginx={NEW_IMAGE}")
    cluster.run(30)
    return cluster


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if KUBECTL is None:
        skip_unless_required("the real kubectl is not installed", "K8SLITE_REQUIRE_KUBECTL")
    cluster = served_cluster()
    s = cluster.serve(wall_clock=False)
    s.home = tmp_path_factory.mktemp("kubectl-home")  # type: ignore[attr-defined]
    yield s
    cluster.close()




def test_the_real_kubectl_prints_what_c_kubectl_prints(served: Server) -> None:
    for command in ("get sts", "get statefulsets -o wide", "get sts part --no-headers", "get all", "get sts,pvc",
                    "get controllerrevisions", "get sts part -o yaml", "get sts bare -o json",
                    "api-resources --api-group=apps", "api-resources --categories=all -o wide", "explain sts.spec",
                    "explain statefulset.spec.updateStrategy.rollingUpdate",
                    "rollout status sts/web", "rollout status sts/plain", "rollout status sts/part",
                    "rollout status sts/manual", "rollout status sts/web --watch=false", "rollout status sts/nope",
                    "rollout history sts/part", "rollout history sts/part --revision=1",
                    "rollout history sts/part --revision=5", "rollout history sts/web -n nowhere",
                    "rollout undo sts/web", "rollout undo sts/part --to-revision=9",
                    "rollout undo sts/part --to-revision=-1", "rollout undo sts/part --to-revision=2",
                    "rollout undo sts/part --dry-run=client", "rollout undo sts/part --dry-run=server",
                    "rollout pause sts/web", "rollout resume sts/web", "rollout restart sts/nope",
                    "scale sts/nope --replicas=1", "scale sts web --replicas=1 -n nowhere",
                    "scale sts web --replicas=-1", f"set image sts/part nginx={NEW_IMAGE}",
                    "set image sts/web nope=busybox", "expose sts web --port=80"):
        real, expected = same(served, command)
        assert real == expected, command


def without_ages(events: str) -> list[tuple[str, ...]]:
    """Each event's type, reason, source and message: its Age (`85s`, `(x2 over 85s)`) is the real kubectl's
    clock's."""
    return [tuple(re.fullmatch(r"\s+(\S+)\s+(\S+)\s+.*?\s\s(statefulset-controller)\s+(.*)", line).groups())  # type: ignore
            for line in events.splitlines()[3:]]


def test_the_real_kubectl_describes_statefulsets_as_c_kubectl(served: Server) -> None:
    for name in ("web", "plain", "part", "manual", "bare"):
        real, expected = same(served, f"describe sts {name}")
        head, events = expected.split("Events:")
        assert real.split("Events:")[0] == head, name
        assert without_ages(real.split("Events:")[1]) == without_ages(events), name
    assert "\n  Labels:        tier=data\n  Annotations:   note=kept\n" in same(served, "describe sts plain")[1]
    assert "\nVolume Claims:     <none>\n" in same(served, "describe sts bare")[1]


def test_the_real_kubectl_scales_sets_images_restarts_and_undoes(served: Server) -> None:
    assert real_kubectl(served, "scale sts web --replicas=3") == "statefulset.apps/web scaled\n"  # through /scale
    with served.lock:
        served.cluster.run(30)
        assert served.cluster.get("sts", "web").status.ready_replicas == 3
    assert real_kubectl(served, f"set image sts/web nginx={NEW_IMAGE}") == "statefulset.apps/web image updated\n"
    with served.lock:
        served.cluster.run(30)
        assert {p.spec.containers[0].image for p in served.cluster.get("pods") if p.name.startswith("web-")} == \
            {NEW_IMAGE}
    # the revision's data, `{"spec": {"template": {..., "$patch": "replace"}}}`, as a strategic merge patch
    assert real_kubectl(served, "rollout undo sts/web") == "statefulset.apps/web rolled back\n"
    with served.lock:
        assert served.cluster.get("sts", "web").spec.template.spec.containers[0].image == \
            "registry.k8s.io/nginx-slim:0.21"
        served.cluster.run(30)
    # the current template's patch is byte for byte the revision's data (wire.py): skipped
    real, expected = same(served, "rollout undo sts/web --to-revision=3")
    assert real == expected == \
        "statefulset.apps/web skipped rollback (current template already matches revision 3)\n"
    assert real_kubectl(served, "rollout restart sts/web") == "statefulset.apps/web restarted\n"
    with served.lock:
        assert RESTARTED_AT in served.cluster.get("sts", "web").spec.template.metadata.annotations
        served.cluster.run(30)
        history = served.cluster.kubectl("rollout history sts/web")
    assert history == "statefulset.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n" \
                      "4         <none>\n\n"
    assert real_kubectl(served, "rollout history sts/web") == history


def test_the_real_kubectl_applies_as_c_kubectl(served: Server, tmp_path: Path) -> None:
    """What test_apply_configures_a_set_with_claim_templates_every_time has c.kubectl print."""
    (tmp_path / "db.yaml").write_text(SERVICE.replace("nginx", "db") + "---" + sts_yaml("db"))
    (tmp_path / "bare.yaml").write_text(sts_yaml("lean", 1, claims=""))
    (tmp_path / "changed.yaml").write_text(sts_yaml("db", claims=CLAIM.replace("1Gi", "2Gi")))
    assert real_kubectl(served, f"apply -f {tmp_path}/db.yaml") == "service/db created\nstatefulset.apps/db created\n"
    assert real_kubectl(served, f"apply -f {tmp_path}/db.yaml") == \
        "service/db unchanged\nstatefulset.apps/db configured\n"
    assert real_kubectl(served, f"apply -f {tmp_path}/bare.yaml") == "statefulset.apps/lean created\n"
    assert real_kubectl(served, f"apply -f {tmp_path}/bare.yaml") == "statefulset.apps/lean unchanged\n"
    assert real_kubectl(served, f"apply -f {tmp_path}/changed.yaml") == \
        f'The StatefulSet "db" is invalid: {FORBIDDEN}\n'
    (tmp_path / "two.yaml").write_text(TWO)
    assert real_kubectl(served, f"apply -f {tmp_path}/two.yaml") == TWO_CAUSES


def test_the_real_kubectl_watches_the_same_rollout(served: Server) -> None:
    """A rolling update on the served cluster, watched by the real kubectl, and the same update on a twin cluster
    (same seed, same clock, same steps) watched by c.kubectl: the same lines, one per write to the StatefulSet.
    The pods are kept on node-1 and their images are pulled nowhere else, so the other sets do not change when
    they start."""
    twin = Cluster(nodes=2)
    with served.lock:
        twin.run(served.cluster.now - twin.now)
    watched = sts_yaml("watched", 3, claims="", image="httpd:2.4",
                       pod="      nodeSelector: {kubernetes.io/hostname: node-1}\n")
    for cluster in (twin, served.cluster):
        with served.lock:
            cluster.apply(watched)
            cluster.run(60)
            cluster.kubectl("set image sts/watched nginx=httpd:latest")
    env = dict(os.environ, HOME=str(served.home), TZ="UTC")  # type: ignore[attr-defined]
    watching = subprocess.Popen([str(KUBECTL), "--kubeconfig", served.kubeconfig, "rollout", "status",
                                 "sts/watched"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert watching.stdout is not None
    printed = watching.stdout.readline()  # listed: its watch starts from the list's resourceVersion
    for _ in range(300):
        if watching.poll() is not None:
            break
        served.run(1)
    printed += watching.stdout.read()
    expected = twin.kubectl("rollout status sts/watched")
    assert printed == expected and expected.endswith("partitioned roll out complete: 3 new pods have been updated...\n")
    assert expected.count("\n") > 3
