"""kubectl for DaemonSets, in kubectl 1.32's words: describe, rollout status|history|undo|restart (pause and
resume refused), drain's DaemonSet filter; the strategic merge directive `rollout undo` sends; and the real
kubectl against a served cluster, printing what c.kubectl prints."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from builders import make_pod
from storage_builders import pod_with

from k8slite import Cluster, strategicpatch
from k8slite.api.meta import OwnerReference
from k8slite.kubectl.drain import PodDeleteStatus, filter_pods, grouped
from k8slite.server import Server, serve

KUBECTL = shutil.which("kubectl")
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def ds_yaml(name: str = "agent", extra: str = "", node_selector: str = "") -> str:
    """A DaemonSet of busybox pods that sleep (and take 1 s to stop: `sleep` ignores SIGTERM)."""
    selector = f"      nodeSelector: {{{node_selector}}}\n" if node_selector else ""
    return f"""
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {name}
  labels: {{app: {name}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
{extra}  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
{selector}      terminationGracePeriodSeconds: 1
      containers: [{{name: {name}, image: busybox, command: [sleep, "3600"]}}]
"""


def pods_of(c: Cluster, name: str) -> list[str]:
    """The DaemonSet's pods, in the order of their nodes (the order the controller made them in)."""
    pods = [p for p in c.get("pods") if p.metadata.labels.get("app") == name]
    return [p.name for p in sorted(pods, key=lambda p: p.spec.node_name)]


@pytest.fixture
def c() -> Cluster:
    c = Cluster(nodes=3)
    c.apply(ds_yaml(extra="  minReadySeconds: 5\n"))
    c.run(10)
    return c


def test_describe_daemonset_counts_nodes_and_has_no_namespace_line() -> None:
    c = Cluster(nodes=3)
    c.kubectl("label node node-1 node-2 disk=ssd")
    c.apply(ds_yaml("ssd", node_selector="disk: ssd"))
    c.run(10)
    first, second = pods_of(c, "ssd")
    assert c.kubectl("describe ds ssd") == f"""\
Name:           ssd
Selector:       app=ssd
Node-Selector:  disk=ssd
Labels:         app=ssd
Annotations:    deprecated.daemonset.template.generation: 1
Desired Number of Nodes Scheduled: 2
Current Number of Nodes Scheduled: 2
Number of Nodes Scheduled with Up-to-date Pods: 2
Number of Nodes Scheduled with Available Pods: 2
Number of Nodes Misscheduled: 0
Pods Status:  2 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=ssd
  Containers:
   ssd:
    Image:      busybox
    Port:       <none>
    Host Port:  <none>
    Command:
      sleep
      3600
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  disk=ssd
  Tolerations:     <none>
Events:
  Type    Reason            Age   From                  Message
  ----    ------            ----  ----                  -------
  Normal  SuccessfulCreate  10s   daemonset-controller  Created pod: {first}
  Normal  SuccessfulCreate  10s   daemonset-controller  Created pod: {second}
"""
    assert c.kubectl("describe daemonsets").startswith("Name:           ssd\nSelector:       app=ssd\n")


def test_rollout_status_prints_the_daemonset_at_each_change_until_every_node_is_updated(c: Cluster) -> None:
    assert c.kubectl("rollout status ds/agent") == 'daemon set "agent" successfully rolled out\n'
    assert c.kubectl("rollout restart ds/agent") == "daemonset.apps/agent restarted\n"
    assert c.kubectl("rollout status daemonset/agent --watch=false") == (
        'Waiting for daemon set "agent" rollout to finish: 0 out of 3 new pods have been updated...\n')
    waiting = 'Waiting for daemon set "agent" rollout to finish: '
    # one line per write to the DaemonSet (its status included), repeated when the counts did not move, as
    # the real kubectl prints them (test_the_real_kubectl_watches_the_same_rollout)
    assert c.kubectl("rollout status ds/agent") == (
        f"{waiting}0 out of 3 new pods have been updated...\n"
        + f"{waiting}1 out of 3 new pods have been updated...\n" * 3
        + f"{waiting}2 out of 3 new pods have been updated...\n" * 3
        + f"{waiting}2 of 3 updated pods are available...\n" * 2
        + 'daemon set "agent" successfully rolled out\n')
    assert c.kubectl("get ds agent").splitlines()[1].split()[:6] == ["agent", "3", "3", "3", "3", "3"]


def test_rollout_status_refuses_ondelete_and_stops_at_the_timeout() -> None:
    c = Cluster(nodes=2)
    c.apply(ds_yaml("manual", extra="  updateStrategy: {type: OnDelete}\n"))
    c.run(10)
    assert c.kubectl("rollout status ds/manual") == (
        "error: rollout status is only available for RollingUpdate strategy type\n")
    c.apply(ds_yaml())
    c.run(10)
    c.kubectl("set image ds/agent agent=busybox:no-such-tag")
    start = c.now
    # the new pod on the first node counts as updated (it has the new hash) but never becomes available, so
    # the old pod on the second node is never replaced
    assert c.kubectl("rollout status ds/agent --timeout=20s") == (
        'Waiting for daemon set "agent" rollout to finish: 0 out of 2 new pods have been updated...\n'
        'Waiting for daemon set "agent" rollout to finish: 1 out of 2 new pods have been updated...\n'
        "error: timed out waiting for the condition\n")
    assert c.now - start == 20 and "ImagePullBackOff" in c.kubectl("get pods")
    assert c.kubectl("rollout status ds/nope") == 'Error from server (NotFound): daemonsets.apps "nope" not found\n'


def test_history_lists_the_controller_revisions_and_shows_one_template(c: Cluster) -> None:
    assert c.kubectl("rollout history ds/agent") == (
        "daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n1         <none>\n\n")
    c.kubectl("set image ds/agent agent=busybox:1.36")
    c.kubectl("annotate ds/agent kubernetes.io/change-cause=v1.36")
    c.run(60)
    assert c.kubectl("rollout history ds/agent") == (  # the annotation the controller copied to revision 2
        "daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")
    c.kubectl("rollout restart ds/agent")
    c.run(60)
    assert c.kubectl("rollout history ds/agent") == (
        "daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n3         v1.36\n\n")
    # printTemplate writes to a plain buffer: the tabs are not lined up
    assert c.kubectl("rollout history ds/agent --revision=2") == (
        "daemonset.apps/agent with revision #2\nPod Template:\n  Labels:\tapp=agent\n  Containers:\n   agent:\n"
        "    Image:\tbusybox:1.36\n    Port:\t<none>\n    Host Port:\t<none>\n    Command:\n      sleep\n      3600\n"
        "    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n"
        "  Tolerations:\t<none>\n\n")
    assert c.kubectl("rollout history ds/agent --revision=9") == "error: unable to find the specified revision\n"


def test_undo_applies_the_revisions_patch_and_the_revision_becomes_the_newest(c: Cluster) -> None:
    assert c.kubectl("rollout undo ds/agent") == "error: no last revision to roll back to\n"
    c.kubectl("rollout restart ds/agent")
    c.run(60)
    assert c.kubectl("rollout undo ds/agent --to-revision=7") == (
        "error: unable to find specified revision 7 in history\n")
    assert c.kubectl("rollout undo ds/agent --to-revision=2") == (
        "daemonset.apps/agent skipped rollback (current template already matches revision 2)\n")
    assert c.kubectl("rollout undo ds/agent --dry-run=client") == (  # printPodTemplate: tabs not lined up
        "daemonset.apps/agent will roll back to Pod Template:\n  Labels:\tapp=agent\n  Containers:\n   agent:\n"
        "    Image:\tbusybox\n    Port:\t<none>\n    Host Port:\t<none>\n    Command:\n      sleep\n      3600\n"
        "    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n"
        "  Tolerations:\t<none>\n (dry run)\n")
    assert c.kubectl("rollout undo ds/agent --dry-run=server") == "daemonset.apps/agent rolled back (server dry run)\n"
    assert RESTARTED_AT in c.get("ds", "agent").spec.template.metadata.annotations  # neither changed anything
    assert c.kubectl("rollout undo ds/agent") == "daemonset.apps/agent rolled back\n"
    # "$patch": "replace": the template is revision 1's, the annotation that only revision 2 had is gone
    assert c.get("ds", "agent").spec.template.metadata.annotations == {}
    c.run(60)
    assert c.kubectl("rollout history ds/agent") == (
        "daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n")
    assert len({p.metadata.labels["controller-revision-hash"] for p in c.get("pods")}) == 1


def test_pause_and_resume_are_refused_and_restart_needs_a_new_second(c: Cluster) -> None:
    assert c.kubectl("rollout pause ds/agent") == 'error: daemonsets.apps "agent" pausing is not supported\n'
    assert c.kubectl("rollout resume ds/agent") == 'error: daemonsets.apps "agent" resuming is not supported\n'
    assert c.kubectl("rollout restart ds/agent") == "daemonset.apps/agent restarted\n"
    assert c.get("ds", "agent").spec.template.metadata.annotations == {RESTARTED_AT: "2025-01-01T00:00:10Z"}
    assert c.kubectl("rollout restart ds/agent") == (
        "error: failed to create patch for agent: if restart has already been triggered within the past second, "
        "please wait before attempting to trigger another\n")
    c.run(1)
    assert c.kubectl("rollout restart ds/agent") == "daemonset.apps/agent restarted\n"


def refusal(node: str, errors: list[str], cordoned: str = "cordoned") -> str:
    """What drain prints when kubectl's filters refuse (cmd/drain/drain.go and cmd/util/helpers.go)."""
    joined = errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]"
    return (f"node/{node} {cordoned}\n"
            f'error: unable to drain node "{node}" due to error: {joined}, continuing command...\n'
            f"There are pending nodes to be drained:\n {node}\n" + "".join(f"{e}\n" for e in errors))


def test_drain_refuses_daemonset_pods_unless_told_to_ignore_them_and_then_leaves_them(c: Cluster) -> None:
    c.kubectl("create deployment web --image=busybox --replicas=3 -- sleep 3600")
    c.run(10)
    (daemon,) = [p.name for p in c.get("pods") if p.name.startswith("agent-") and p.spec.node_name == "node-1"]
    (web,) = [p.name for p in c.get("pods") if p.name.startswith("web-") and p.spec.node_name == "node-1"]
    fatal = f"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/{daemon}"
    assert c.kubectl("drain node-1") == refusal("node-1", [fatal])
    assert c.kubectl("drain node-1 --ignore-daemonsets --grace-period=1") == (
        "node/node-1 already cordoned\n"
        f"Warning: ignoring DaemonSet-managed Pods: default/{daemon}\n"
        f"evicting pod default/{web}\npod/{web} evicted\nnode/node-1 drained\n")
    c.run(30)
    on_node_1 = [p.name for p in c.get("pods") if p.spec.node_name == "node-1"]
    assert on_node_1 == [daemon]  # the daemon pod stays: it tolerates node.kubernetes.io/unschedulable
    assert c.kubectl("get ds agent").splitlines()[1].split()[:6] == ["agent", "3", "3", "3", "3", "3"]


def test_drain_filters_stop_at_the_first_refusal_and_join_several_as_kubectl_does(c: Cluster) -> None:
    c.apply(pod_with("bare", {"emptyDir": {}}, node="node-1"))
    c.apply(pod_with("bare2", {"configMap": {"name": "none", "optional": True}}, node="node-1"))
    c.run(5)
    (daemon,) = [p.name for p in c.get("pods") if p.name.startswith("agent-") and p.spec.node_name == "node-1"]
    local = "cannot delete Pods with local storage (use --delete-emptydir-data to override): default/bare"
    # bare has an emptyDir and no controller: the emptyDir filter comes first and stops there; kubectl 1.32 says
    # "cannot delete" twice for a pod without a controller
    unmanaged = "cannot delete cannot delete Pods that declare no controller (use --force to override): default/bare2"
    daemons = f"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/{daemon}"
    assert c.kubectl("drain node-1") == refusal("node-1", [daemons, local, unmanaged])  # in the order of the pods
    both = unmanaged.replace("default/bare2", "default/bare, default/bare2")
    assert c.kubectl("drain node-1 --delete-emptydir-data --ignore-daemonsets") == refusal(
        "node-1", [both], "already cordoned")
    text = c.kubectl("drain node-1 --delete-emptydir-data --ignore-daemonsets --force --dry-run=client")
    assert text == ("node/node-1 already cordoned (dry run)\n"
                    f"Warning: ignoring DaemonSet-managed Pods: default/{daemon}; "
                    "deleting Pods that declare no controller: default/bare, default/bare2\n"
                    "evicting pod default/bare (dry run)\nevicting pod default/bare2 (dry run)\n"
                    "node/node-1 drained (dry run)\n")


def test_the_daemonset_filter_refuses_a_pod_whose_daemonset_is_gone_unless_forced() -> None:
    """The garbage collector deletes such a pod at once, so the filter is asked directly, before it runs."""
    c = Cluster(nodes=2)
    ghost = OwnerReference(api_version="apps/v1", kind="DaemonSet", name="ghost", controller=True,
                           uid="0b9e1c55-0000-4000-8000-000000000000")
    pod = make_pod("orphan")
    pod.metadata.owner_references = [ghost]
    pod = c.api.create(pod)
    assert filter_pods(c, [pod], {}) == [(pod, PodDeleteStatus(False, "Error", 'daemonsets.apps "ghost" not found'))]
    # with --force it is deleted, with a warning that the next filter's "okay" overwrites (kubectl prints none)
    assert filter_pods(c, [pod], {"force": True}) == [(pod, PodDeleteStatus(True))]
    assert grouped(filter_pods(c, [pod], {}), "Error", "cannot delete {}: {}") == [
        'cannot delete daemonsets.apps "ghost" not found: default/orphan']


def test_strategic_merge_patch_directives() -> None:
    live = {"metadata": {"labels": {"a": "1"}, "annotations": {"x": "y"}},
            "spec": {"containers": [{"name": "a", "image": "one"}, {"name": "b", "image": "two"}]}}
    replaced = strategicpatch.merge(live, {"metadata": {"labels": {"b": "2"}, "$patch": "replace"}})
    assert replaced == {"metadata": {"labels": {"b": "2"}}, "spec": live["spec"]}
    assert strategicpatch.merge(live, {"metadata": {"$patch": "delete"}})["metadata"] == {}
    containers = strategicpatch.merge(live, {"spec": {"containers": [{"name": "c", "image": "three"},
                                                                     {"$patch": "replace"}]}})
    assert containers["spec"] == {"containers": [{"name": "c", "image": "three"}]}
    merged = strategicpatch.merge(live, {"spec": {"containers": [{"name": "c", "image": "three"}]}})
    assert [x["name"] for x in merged["spec"]["containers"]] == ["c", "a", "b"]  # without it: merged by name
    assert live["metadata"]["annotations"] == {"x": "y"}  # nothing changed in place


# ------------------------------------------------------------ the real kubectl 1.32
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    cluster = Cluster(nodes=3)
    cluster.apply(ds_yaml(extra="  minReadySeconds: 5\n"))
    cluster.run(10)
    srv = serve(cluster)
    srv.home = tmp_path_factory.mktemp("kubectl-home")  # type: ignore[attr-defined]
    yield srv
    srv.close()
    cluster.close()


def real_kubectl(server: Server, *args: str) -> str:
    env = dict(os.environ, HOME=str(server.home), TZ="UTC")  # type: ignore[attr-defined]
    done = subprocess.run([str(KUBECTL), "--kubeconfig", server.kubeconfig, *args], capture_output=True, text=True,
                          env=env, timeout=60)
    return done.stdout + done.stderr


def same(server: Server, command: str) -> tuple[str, str]:
    with server.lock:
        expected = server.cluster.kubectl(command)
    return real_kubectl(server, *command.split()), expected


@needs_kubectl
def test_the_real_kubectl_describes_and_reads_the_history_as_c_kubectl(server: Server) -> None:
    with server.lock:
        server.cluster.kubectl("set image ds/agent agent=busybox:1.36")
        server.cluster.run(60)
    real, expected = same(server, "describe ds agent")
    head = expected.split("Events:")[0]  # the ages of the events are the real kubectl's clock's
    assert real.split("Events:")[0] == head and "Number of Nodes Scheduled with Up-to-date Pods: 3\n" in head
    for command in ("rollout history ds/agent", "rollout history ds/agent --revision=1",
                    "rollout history ds/agent --revision=5", "rollout status ds/agent",
                    "rollout undo ds/agent --dry-run=client", "rollout undo ds/agent --dry-run=server",
                    "rollout undo ds/agent --to-revision=9", "rollout undo ds/agent --to-revision=-1",
                    "rollout pause ds/agent", "rollout resume daemonset/agent"):
        real, expected = same(server, command)
        assert real == expected, command
    real = real_kubectl(server, "drain", "node-2")  # it cordons: c.kubectl's would say "already cordoned"
    with server.lock:
        server.cluster.kubectl("uncordon node-2")
        assert server.cluster.kubectl("drain node-2") == real and "DaemonSet-managed Pods" in real
        server.cluster.kubectl("uncordon node-2")


@needs_kubectl
def test_the_real_kubectl_watches_the_same_rollout(server: Server) -> None:
    """A rollout on the served cluster, watched by the real kubectl, and the same rollout on a twin cluster
    (same seed, same steps) watched by c.kubectl: the same lines, one per write to the DaemonSet."""
    twin = Cluster(nodes=3)
    twin.apply(ds_yaml("watched", extra="  minReadySeconds: 5\n"))
    twin.run(30)
    with server.lock:
        server.cluster.apply(ds_yaml("watched", extra="  minReadySeconds: 5\n"))
        server.cluster.run(30)
    for cluster in (twin, server.cluster):
        with server.lock:
            cluster.kubectl("rollout restart ds/watched")
    env = dict(os.environ, HOME=str(server.home), TZ="UTC")  # type: ignore[attr-defined]
    watching = subprocess.Popen([str(KUBECTL), "--kubeconfig", server.kubeconfig, "rollout", "status",
                                 "ds/watched"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert watching.stdout is not None
    printed = watching.stdout.readline()  # listed: its watch starts from the list's resourceVersion
    for _ in range(300):
        if watching.poll() is not None:
            break
        server.run(1)
    printed += watching.stdout.read()
    expected = twin.kubectl("rollout status ds/watched")
    assert printed == expected and expected.endswith('daemon set "watched" successfully rolled out\n')
    assert expected.count("\n") > 5


@needs_kubectl
def test_the_real_kubectls_undo_patch_replaces_the_template(server: Server) -> None:
    """kubectl sends the revision's data, `{"spec": {"template": {..., "$patch": "replace"}}}`, as a strategic
    merge patch: the server replaces the template (a merge would keep the restartedAt annotation)."""
    with server.lock:
        server.cluster.apply(ds_yaml("undone"))
        server.cluster.run(10)
        server.cluster.kubectl("rollout restart ds/undone")
        server.cluster.run(30)
        assert RESTARTED_AT in server.cluster.get("ds", "undone").spec.template.metadata.annotations
    assert real_kubectl(server, "rollout", "undo", "ds/undone") == "daemonset.apps/undone rolled back\n"
    with server.lock:
        assert server.cluster.get("ds", "undone").spec.template.metadata.annotations == {}
        server.cluster.run(30)
        history = server.cluster.kubectl("rollout history ds/undone")
    assert history == "daemonset.apps/undone \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n"
    assert real_kubectl(server, "rollout", "history", "ds/undone") == history
