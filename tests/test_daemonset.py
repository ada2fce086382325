"""The DaemonSet: one pod per node, following the nodes, its validation, its history and its rolling update."""

from __future__ import annotations

import pytest

from k8slite import Cluster, Invalid
from k8slite.api.daemonset import CONTROLLER_REVISION_HASH, POD_TEMPLATE_GENERATION, TEMPLATE_GENERATION
from k8slite.api.node import Node
from k8slite.api.pod import Pod, Taint
from k8slite.cluster import default_node
from k8slite.controllers.daemonset import DAEMON_TOLERATIONS, scaled

FLUENTD = "manifests/07-fluentd-ds.yaml"  # the docs' DaemonSet, in kube-system


def ds_yaml(name: str = "agent", image: str = "busybox", extra_spec: str = "", pod_spec: str = "",
            strategy: str = "") -> str:
    return f"""
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: {name}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
{strategy}{extra_spec}  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
{pod_spec}      containers:
      - name: agent
        image: {image}
        command: [sleep, "86400"]
"""


def daemon_pods(c: Cluster, name: str = "agent", namespace: str = "default") -> list[Pod]:
    return [p for p in c.get("pods", namespace=namespace)
            if (ref := p.metadata.controller_ref()) is not None and ref.kind == "DaemonSet" and ref.name == name]


def nodes_of(pods: list[Pod]) -> list[str]:
    return sorted(p.spec.node_name for p in pods if p.metadata.deletion_timestamp is None)


def taint(c: Cluster, node: str, key: str, effect: str) -> None:
    obj = c.get("nodes", node).copy()
    obj.spec.taints.append(Taint(key=key, effect=effect))
    c.api.update(obj)


# ---------------------------------------------------------------- one pod per node

def test_the_docs_daemonset_runs_one_pod_on_each_node():
    c = Cluster()
    c.apply(FLUENTD)
    c.run(60)
    pods = daemon_pods(c, "fluentd-elasticsearch", "kube-system")
    assert nodes_of(pods) == ["node-1", "node-2", "node-3"]
    assert all(p.status.phase == "Running" for p in pods)
    ds = c.get("daemonsets", "fluentd-elasticsearch", "kube-system")
    s = ds.status
    assert (s.desired_number_scheduled, s.current_number_scheduled, s.number_ready, s.updated_number_scheduled,
            s.number_available, s.number_unavailable, s.number_misscheduled) == (3, 3, 3, 3, 3, 0, 0)
    assert s.observed_generation == ds.metadata.generation == 1
    assert ds.metadata.annotations[TEMPLATE_GENERATION] == "1"
    created = [e.message for e in c.events() if e.reason == "SuccessfulCreate"]
    assert sorted(created) == sorted(f"Created pod: {p.name}" for p in pods)
    assert c.ready("daemonset/fluentd-elasticsearch", "kube-system")


def test_a_daemon_pod_asks_for_its_node_by_name_and_tolerates_a_node_in_trouble():
    c = Cluster()
    c.apply(FLUENTD)
    c.run(10)
    [revision] = c.get("controllerrevisions", namespace="kube-system")
    pod = next(p for p in daemon_pods(c, "fluentd-elasticsearch", "kube-system") if p.spec.node_name == "node-2")
    assert pod.metadata.generate_name == "fluentd-elasticsearch-"
    assert pod.metadata.labels == {"name": "fluentd-elasticsearch", POD_TEMPLATE_GENERATION: "1",
                                   CONTROLLER_REVISION_HASH: revision.metadata.labels[CONTROLLER_REVISION_HASH]}
    assert revision.name == f"fluentd-elasticsearch-{revision.metadata.labels[CONTROLLER_REVISION_HASH]}"
    assert revision.revision == 1 and revision.data["spec"]["template"]["$patch"] == "replace"
    [term] = pod.spec.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_terms
    assert [(r.key, r.operator, r.values) for r in term.match_fields] == [("metadata.name", "In", ["node-2"])]
    added = [(t.key, t.effect, t.operator, t.toleration_seconds) for t in pod.spec.tolerations[2:]]
    assert added == [(key, effect, "Exists", None) for key, effect in DAEMON_TOLERATIONS]  # forever, not 300 s


def test_a_new_node_gets_a_pod_and_a_deleted_pod_comes_back_on_its_node():
    c = Cluster()
    c.apply(ds_yaml())
    c.run(10)
    c.add_node(default_node(4))
    c.run(10)
    assert nodes_of(daemon_pods(c)) == ["node-1", "node-2", "node-3", "node-4"]
    victim = next(p for p in daemon_pods(c) if p.spec.node_name == "node-3")
    c.delete("pods", victim.name)
    c.run(60)
    pods = daemon_pods(c)
    assert nodes_of(pods) == ["node-1", "node-2", "node-3", "node-4"]
    assert victim.name not in {p.name for p in pods}


def test_a_cordoned_node_still_gets_its_daemon_pod():
    c = Cluster()
    c.apply(ds_yaml())
    c.run(10)
    c.kubectl("cordon node-2")
    victim = next(p for p in daemon_pods(c) if p.spec.node_name == "node-2")
    c.delete("pods", victim.name)
    c.run(60)
    replacement = [p for p in daemon_pods(c) if p.spec.node_name == "node-2" and p.name != victim.name]
    assert [p.status.phase for p in replacement] == ["Running"]


def test_taints_and_node_selectors_decide_which_nodes_run_one():
    c = Cluster()
    taint(c, "node-1", "dedicated", "NoSchedule")
    c.apply(ds_yaml(pod_spec="      nodeSelector: {disk: ssd}\n"))
    c.kubectl("label node node-1 disk=ssd")
    c.kubectl("label node node-2 disk=ssd")
    c.run(10)
    assert nodes_of(daemon_pods(c)) == ["node-2"]  # node-1 has an untolerated taint, node-3 no label
    c.kubectl("label node node-3 disk=ssd")
    c.run(10)
    assert nodes_of(daemon_pods(c)) == ["node-2", "node-3"]
    c.kubectl("label node node-2 disk-")
    c.run(10)
    assert nodes_of(daemon_pods(c)) == ["node-3"]
    assert c.get("daemonsets", "agent").status.desired_number_scheduled == 1


def test_a_later_noschedule_taint_leaves_the_pod_misscheduled_and_noexecute_removes_it():
    c = Cluster()
    c.apply(ds_yaml())
    c.run(10)
    taint(c, "node-1", "dedicated", "NoSchedule")
    c.run(10)
    assert nodes_of(daemon_pods(c)) == ["node-1", "node-2", "node-3"]  # may stay: NoExecute alone evicts
    status = c.get("daemonsets", "agent").status
    assert (status.desired_number_scheduled, status.number_misscheduled) == (2, 1)
    taint(c, "node-2", "dedicated", "NoExecute")
    c.run(60)
    assert nodes_of(daemon_pods(c)) == ["node-1", "node-3"]
    assert any(e.reason == "SuccessfulDelete" for e in c.events())


def test_a_daemon_pod_is_not_evicted_from_a_dead_node():
    c = Cluster()
    c.apply(ds_yaml())
    c.kubectl("create deployment web --image=busybox --replicas=3 -- sleep 86400")
    c.run(30)
    c.node("node-2").fail()
    c.run(600)  # NotReady after 50 s, tainted, the Deployment's pods evicted 300 s later
    web_on_2 = [p for p in c.get("pods") if p.spec.node_name == "node-2" and p.name.startswith("web-")
                and p.metadata.deletion_timestamp is None]
    assert web_on_2 == []
    assert nodes_of(daemon_pods(c)) == ["node-1", "node-2", "node-3"]
    assert c.get("daemonsets", "agent").status.number_available == 2


def test_a_failed_daemon_pod_is_deleted_and_replaced():
    c = Cluster()
    c.apply(ds_yaml())
    c.run(10)
    pod = next(p for p in daemon_pods(c) if p.spec.node_name == "node-1").copy()
    pod.status.phase = "Failed"
    c.api.update_status(pod)
    c.run(90)  # deleted at once; the new pod starts once the old one has stopped (its grace period)
    warnings = [e.message for e in c.events() if e.reason == "FailedDaemonPod"]
    assert warnings == [f"Found failed daemon pod default/{pod.name} on node node-1, will try to kill it"]
    on_node_1 = [p for p in daemon_pods(c) if p.spec.node_name == "node-1"]
    assert [p.status.phase for p in on_node_1] == ["Running"] and on_node_1[0].name != pod.name


# ---------------------------------------------------------------- history and updates

def rollout(c: Cluster, name: str = "agent", image: str = "busybox:1.36", seconds: float = 120,
            step: float = 1) -> list[tuple[int, int]]:
    """Change the image and run, sampling (pods not being deleted, nodes without an available pod)."""
    c.kubectl(f"set image daemonset/{name} agent={image}")
    samples = []
    for _ in range(int(seconds / step)):
        c.run(step)
        pods = [p for p in daemon_pods(c, name) if p.metadata.deletion_timestamp is None]
        ready = {p.spec.node_name for p in pods if p.is_ready()}
        samples.append((len(pods), 3 - len(ready)))
    return samples


def test_a_rolling_update_replaces_one_node_at_a_time():
    c = Cluster()
    c.apply(ds_yaml())
    c.run(30)
    old = {p.name for p in daemon_pods(c)}
    samples = rollout(c)
    pods = daemon_pods(c)
    assert not old & {p.name for p in pods}
    assert {p.spec.containers[0].image for p in pods} == {"busybox:1.36"}
    assert max(unavailable for _, unavailable in samples) == 1  # maxUnavailable: 1
    assert max(count for count, _ in samples) == 3  # maxSurge: 0, never two pods on a node
    ds = c.get("daemonsets", "agent")
    assert ds.metadata.annotations[TEMPLATE_GENERATION] == "2"
    assert {p.metadata.labels[POD_TEMPLATE_GENERATION] for p in pods} == {"2"}
    assert sorted(r.revision for r in c.get("controllerrevisions")) == [1, 2]
    assert c.ready("daemonset/agent")


def test_max_surge_starts_the_new_pod_before_the_old_one_goes():
    c = Cluster()
    c.apply(ds_yaml(strategy="  updateStrategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n"))
    c.run(30)
    samples = rollout(c)
    assert max(unavailable for _, unavailable in samples) == 0  # a node always has an available pod
    assert max(count for count, _ in samples) == 4  # one node at a time runs an old and a new pod
    assert {p.spec.containers[0].image for p in daemon_pods(c)} == {"busybox:1.36"}


def test_on_delete_waits_for_you_to_delete_the_old_pods():
    c = Cluster()
    c.apply(ds_yaml(strategy="  updateStrategy: {type: OnDelete}\n"))
    c.run(30)
    rollout(c, seconds=30)
    assert {p.spec.containers[0].image for p in daemon_pods(c)} == {"busybox"}
    assert c.get("daemonsets", "agent").status.updated_number_scheduled == 0
    c.delete("pods", next(p.name for p in daemon_pods(c) if p.spec.node_name == "node-1"))
    c.run(60)
    images = {p.spec.node_name: p.spec.containers[0].image for p in daemon_pods(c)}
    assert images == {"node-1": "busybox:1.36", "node-2": "busybox", "node-3": "busybox"}


def test_only_a_template_change_counts_as_a_new_template_generation():
    c = Cluster()
    c.apply(ds_yaml())
    c.run(5)
    c.apply(ds_yaml(extra_spec="  minReadySeconds: 5\n"))
    ds = c.get("daemonsets", "agent")
    assert (ds.metadata.generation, ds.metadata.annotations[TEMPLATE_GENERATION]) == (2, "1")
    c.run(5)
    assert len(c.get("controllerrevisions")) == 1


def test_back_to_an_old_template_renumbers_its_revision_and_old_ones_are_cleaned_up():
    c = Cluster()
    c.apply(ds_yaml(extra_spec="  revisionHistoryLimit: 1\n"))
    c.run(30)
    for image in ("busybox:1.36", "busybox:1.35", "busybox"):
        rollout(c, image=image, seconds=60)
    revisions = {r.revision: r.data["spec"]["template"]["spec"]["containers"][0]["image"]
                 for r in c.get("controllerrevisions")}
    assert revisions == {3: "busybox:1.35", 4: "busybox"}  # the first template is revision 4 now


def test_deleting_the_daemonset_deletes_its_pods_and_history_and_orphans_are_adopted():
    c = Cluster()
    c.apply(ds_yaml())
    c.run(10)
    names = {p.name for p in daemon_pods(c)}
    c.kubectl("delete daemonset agent --cascade=orphan")
    c.run(10)
    assert {p.name for p in c.get("pods")} == names
    c.apply(ds_yaml())
    c.run(10)
    assert {p.name for p in daemon_pods(c)} == names  # adopted, not replaced
    c.kubectl("delete daemonset agent")
    c.run(60)
    assert c.get("pods") == [] and c.get("controllerrevisions") == []


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize(("yaml", "message"), [
    (ds_yaml(pod_spec="      restartPolicy: OnFailure\n"),
     'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'),
    (ds_yaml(pod_spec="      activeDeadlineSeconds: 10\n"),
     "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported"),
    (ds_yaml(strategy="  updateStrategy: {rollingUpdate: {maxSurge: 1}}\n"),
     "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero"),
    (ds_yaml(strategy="  updateStrategy: {rollingUpdate: {maxUnavailable: 0}}\n"),
     "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"),
    (ds_yaml(strategy='  updateStrategy: {rollingUpdate: {maxUnavailable: "110%"}}\n'),
     'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "110%": must not be greater than 100%'),
    (ds_yaml(strategy="  updateStrategy: {type: Recreate}\n"),
     'spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:"Recreate", '
     'RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: "RollingUpdate", "OnDelete"'),
    (ds_yaml().replace("selector: {matchLabels: {app: agent}}", "selector: {matchLabels: {app: other}}"),
     'spec.template.metadata.labels: Invalid value: map[string]string{"app":"agent"}: '
     "`selector` does not match template `labels`"),
])
def test_invalid_daemonsets_are_refused_with_the_field_named(yaml, message):
    c = Cluster()
    with pytest.raises(Invalid) as refused:
        c.apply(yaml)
    assert message in str(refused.value)
    assert c.get("daemonsets") == []


def test_max_unavailable_rounds_up():
    assert [scaled(v, 10) for v in (1, "10%", "15%", "0%", 0)] == [1, 1, 2, 0, 0]


def test_a_node_heartbeat_does_not_wake_the_controller():
    c = Cluster()
    c.apply(ds_yaml())
    c.run(30)
    controller = next(x for x in c.controllers if type(x).__name__ == "DaemonSetController")
    synced = []
    real = controller.sync
    controller.sync = lambda key: (synced.append(key), real(key))  # type: ignore[method-assign]
    controller.queue.process = controller.sync
    c.run(25)  # heartbeats every 10 s, no resync (every 30 s) in between
    assert synced == []
    assert isinstance(c.get("nodes", "node-1"), Node)
