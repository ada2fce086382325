"""kubectl's text: tables, ages, statuses, describe, errors and the write verbs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from k8slite import Cluster
from k8slite.api.meta import ObjectMeta
from k8slite.api.pod import (
    Container,
    ContainerState,
    ContainerStateRunning,
    ContainerStateTerminated,
    ContainerStateWaiting,
    ContainerStatus,
    Pod,
    PodSpec,
    PodStatus,
)
from k8slite.cli import main
from k8slite.kubectl import parse, run_kubectl
from k8slite.kubectl.describe_writer import rfc1123
from k8slite.kubectl.durations import human_duration
from k8slite.kubectl.rows import pod_reason
from k8slite.kubectl.selectors import selector_matches
from k8slite.kubectl.tabwriter import tabwrite

WEB = """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: busybox
        command: ["sh", "-c", "sleep 3600"]
"""
CRASH = """
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers:
  - {name: main, image: busybox, command: ["sh", "-c", "exit 1"]}
"""
DONE = """
apiVersion: v1
kind: Pod
metadata: {name: done}
spec:
  restartPolicy: Never
  containers:
  - {name: main, image: busybox, command: ["sh", "-c", "echo hi"]}
"""
POD_HEADER = "NAME          READY   STATUS             RESTARTS      AGE"


def make_cluster() -> Cluster:
    c = Cluster(nodes=3)
    c.apply(WEB + "---" + CRASH + "---" + DONE)
    c.run(30)
    return c


@pytest.fixture(scope="module")
def ro() -> Cluster:
    """A cluster the read-only tests share: do not change it."""
    return make_cluster()


@pytest.fixture
def c() -> Cluster:
    return make_cluster()


def rows(text: str) -> dict[str, list[str]]:
    """A table's rows by their first cell, split on kubectl's 3-space column gaps."""
    return {cells[0]: cells for cells in (re.split(r"\s{2,}", line) for line in text.splitlines()[1:] if line)}


def web_pods(c: Cluster) -> list[str]:
    return [p.name for p in c.get("pods") if p.name.startswith("web-")]


# ---------------------------------------------------------------- formatting helpers

@pytest.mark.parametrize("seconds, text", [
    (-5, "<invalid>"), (-1.5, "0s"), (0, "0s"), (5, "5s"), (119, "119s"),   # seconds up to 2 minutes
    (120, "2m"), (150, "2m30s"), (599, "9m59s"),                           # minutes and seconds below 10m
    (600, "10m"), (10799, "179m"),                                         # whole minutes below 3h
    (10800, "3h"), (3 * 3600 + 5 * 60, "3h5m"), (8 * 3600 - 1, "7h59m"),   # hours and minutes below 8h
    (8 * 3600, "8h"), (48 * 3600 - 1, "47h"),                              # whole hours below 2 days
    (48 * 3600, "2d"), (49 * 3600, "2d1h"), (8 * 86400 - 1, "7d23h"),      # days and hours below 8 days
    (8 * 86400, "8d"), (729 * 86400, "729d"),                              # whole days below 2 years
    (730 * 86400, "2y"), (731 * 86400, "2y1d"), (8 * 365 * 86400, "8y"),   # years (and days below 8y)
])
def test_human_duration(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def test_tabwriter_pads_to_the_widest_cell_plus_three_and_at_least_six() -> None:
    assert tabwrite([["A", "BB", "C"], ["xxxxxx", "y", "z"]]) == "A        BB    C\nxxxxxx   y     z\n"


def test_tabwriter_blocks_restart_after_a_line_without_that_column() -> None:
    lines = [["Name:", "x"], ["IPs:"], ["  IP:", "1.2.3.4"], ["Controlled By:", "ReplicaSet/web"]]
    assert tabwrite(lines, minwidth=0, padding=2) == (
        "Name:  x\nIPs:\n  IP:           1.2.3.4\nControlled By:  ReplicaSet/web\n")


def test_rfc1123_times_start_on_the_clock_epoch() -> None:
    assert rfc1123(5) == "Wed, 01 Jan 2025 00:00:05 +0000"
    assert rfc1123(86400 * 4 + 3661) == "Sun, 05 Jan 2025 01:01:01 +0000"


@pytest.mark.parametrize("selector, labels, matches", [
    ("app=web", {"app": "web"}, True), ("app==web", {"app": "db"}, False), ("app!=web", {"app": "db"}, True),
    ("app", {"app": "x"}, True), ("!app", {"app": "x"}, False), ("app=web,tier=fe", {"app": "web"}, False),
    ("tier in (fe,be)", {"tier": "be"}, True), ("tier notin (fe,be)", {"tier": "be"}, False),
])
def test_label_selectors(selector: str, labels: dict[str, str], matches: bool) -> None:
    assert selector_matches(selector, labels) is matches


def test_parse_flags_in_every_spelling() -> None:
    cmd = parse("kubectl get pods -nkube-system -o=wide --selector app=web --show-labels")
    assert (cmd.verb, cmd.args, cmd.namespace) == ("get", ["pods"], "kube-system")
    assert cmd.flags["output"] == "wide" and cmd.flags["selector"] == "app=web" and cmd.flags["show_labels"]
    assert parse("exec web -c main -- sh -c 'echo a b'").rest == ["sh", "-c", "echo a b"]


def status_pod(*states: ContainerState, deleted: float | None = None, phase: str = "Running") -> Pod:
    pod = Pod(metadata=ObjectMeta(name="p", deletion_timestamp=deleted),
              spec=PodSpec(containers=[Container(name=f"c{i}") for i in range(len(states))]))
    pod.status = PodStatus(phase=phase, container_statuses=[
        ContainerStatus(name=f"c{i}", state=s, ready=s.running is not None) for i, s in enumerate(states)])
    return pod


RUNNING = ContainerState(running=ContainerStateRunning(0))


@pytest.mark.parametrize("pod, status", [
    (status_pod(phase="Pending"), "Pending"),
    (status_pod(ContainerState(waiting=ContainerStateWaiting("ContainerCreating"))), "ContainerCreating"),
    (status_pod(RUNNING, ContainerState(waiting=ContainerStateWaiting("CrashLoopBackOff"))), "CrashLoopBackOff"),
    # the first container that is not fine wins: kubectl walks them from last to first
    (status_pod(ContainerState(terminated=ContainerStateTerminated(1, "Error")),
                ContainerState(waiting=ContainerStateWaiting("ImagePullBackOff"))), "Error"),
    (status_pod(ContainerState(terminated=ContainerStateTerminated(0, "Completed")), phase="Succeeded"), "Completed"),
    (status_pod(ContainerState(terminated=ContainerStateTerminated(2))), "ExitCode:2"),
    (status_pod(RUNNING, deleted=40.0), "Terminating"),
    (status_pod(ContainerState(terminated=ContainerStateTerminated(0, "Completed")), deleted=40.0,
                phase="Succeeded"), "Completed"),
])
def test_pod_status_column(pod: Pod, status: str) -> None:
    assert pod_reason(pod) == status


# ---------------------------------------------------------------- get

def test_get_pods(ro: Cluster) -> None:
    text = ro.kubectl("get pods")
    lines = text.splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    table = rows(text)
    for name in web_pods(ro):
        assert table[name][1:] == ["1/1", "Running", "0", "30s"]
    assert table["crash"][1:3] == ["0/1", "CrashLoopBackOff"]
    assert re.fullmatch(r"[1-9]\d* \(\d+s ago\)", table["crash"][3])
    assert table["done"][1:] == ["0/1", "Completed", "0", "30s"]
    assert [line.split()[0] for line in lines[1:]] == sorted(line.split()[0] for line in lines[1:])
    assert text.endswith("\n") and not any(line.endswith(" ") for line in lines)


def test_get_pods_columns_are_three_spaces_apart(ro: Cluster) -> None:
    header = ro.kubectl("get pods").splitlines()[0]
    name_width = max(len(p.name) for p in ro.get("pods")) + 3
    assert header.startswith("NAME".ljust(name_width) + "READY   STATUS")


def test_get_pods_wide(ro: Cluster) -> None:
    text = ro.kubectl("get pods -o wide")
    assert re.split(r"\s{2,}", text.splitlines()[0]) == [
        "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"]
    pod = ro.get("pod", web_pods(ro)[0])
    assert rows(text)[pod.name][5:] == [pod.status.pod_ip, pod.spec.node_name, "<none>", "<none>"]


def test_get_nodes(ro: Cluster) -> None:
    text = ro.kubectl("get no")
    assert text.splitlines()[0] == "NAME     STATUS   ROLES    AGE   VERSION"
    version = ro.get("node", "node-1").status.node_info["kubeletVersion"]
    assert rows(text)["node-2"] == ["node-2", "Ready", "<none>", "30s", version]
    wide = ro.kubectl("get nodes -o wide").splitlines()[0]
    assert re.split(r"\s{2,}", wide)[5:] == ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION",
                                            "CONTAINER-RUNTIME"]
    assert rows(ro.kubectl("get nodes -o wide"))["node-1"][5] == "172.18.0.2"


def test_get_replicasets(ro: Cluster) -> None:
    assert ro.kubectl("get rs") == "NAME   DESIRED   CURRENT   READY   AGE\nweb    3         3         3       30s\n"
    assert rows(ro.kubectl("get replicasets -o wide"))["web"][5:] == ["web", "busybox", "app=web"]


def test_get_namespaces(ro: Cluster) -> None:
    text = ro.kubectl("get ns")
    assert text.splitlines()[0] == "NAME              STATUS   AGE"  # kube-node-lease is the longest
    assert rows(text)["default"] == ["default", "Active", "30s"]


def test_get_events(ro: Cluster) -> None:
    text = ro.kubectl("get events")
    assert re.split(r"\s{2,}", text.splitlines()[0]) == ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert any(re.match(r"30s\s+Normal\s+Scheduled\s+pod/crash\s+Successfully assigned default/crash to node-",
                        line) for line in text.splitlines())
    assert "Warning   BackOff" in text and "replicaset/web" in text
    assert ro.kubectl("get ev") == text
    # listed as the API server lists them, by name (`<object>.<suffix>`): grouped by object, not by time,
    # which is why kubectl events and --sort-by=.lastTimestamp exist
    names = ro.kubectl("get events -o name").split()
    assert names == sorted(names) and len(names) > 3
    objects = [row.split()[3] for row in text.splitlines()[1:]]
    assert all(obj not in objects[:i - 1] for i, obj in enumerate(objects) if i and objects[i - 1] != obj)


def test_get_all_prefixes_kinds(ro: Cluster) -> None:
    text = ro.kubectl("get all")
    pods_block, svc_block, rs_block = text.split("\n\n")
    assert pods_block.splitlines()[0].startswith("NAME ") and "pod/crash " in pods_block
    assert svc_block.splitlines()[1].startswith("service/kubernetes   ClusterIP   10.96.0.1 ")
    assert rs_block.splitlines()[1].startswith("replicaset.apps/web ")


def test_get_by_name_selector_labels_and_namespaces(ro: Cluster) -> None:
    assert list(rows(ro.kubectl("get pods -l app=web"))) == web_pods(ro)
    assert list(rows(ro.kubectl("get pods crash done"))) == ["crash", "done"]
    assert list(rows(ro.kubectl("get pod/crash"))) == ["crash"]
    assert ro.kubectl("get pods --show-labels").splitlines()[0].endswith("   LABELS")
    assert rows(ro.kubectl("get pods --show-labels"))["crash"][-1] == "<none>"
    assert ro.kubectl("get pods -A").splitlines()[1].startswith("default     crash ")
    assert "NAME" not in ro.kubectl("get pods --no-headers")
    node = ro.get("pod", "crash").spec.node_name
    assert "crash" in rows(ro.kubectl(f"get pods --field-selector spec.nodeName={node}"))
    events = ro.kubectl("get events --field-selector involvedObject.name=crash,type=Warning")
    assert {line.split()[3] for line in events.splitlines()[1:]} == {"pod/crash"}


@pytest.mark.parametrize("command, text", [
    ("get pods nope", 'Error from server (NotFound): pods "nope" not found\n'),
    ("get rs nope", 'Error from server (NotFound): replicasets.apps "nope" not found\n'),
    ("get node nope", 'Error from server (NotFound): nodes "nope" not found\n'),
    ("describe pod nope", 'Error from server (NotFound): pods "nope" not found\n'),
    ("delete pod nope", 'Error from server (NotFound): pods "nope" not found\n'),
    ("logs nope", 'error: error from server (NotFound): pods "nope" not found in namespace "default"\n'),
    ("exec nope -- true", 'Error from server (NotFound): pods "nope" not found\n'),
    ("get foo", 'error: the server doesn\'t have a resource type "foo"\n'),
    ("create frob x", "error: Unexpected args: [frob x]\nSee 'kubectl create -h' for help and examples\n"),
    ("get pod nope -n nowhere", 'Error from server (NotFound): namespaces "nowhere" not found\n'),
    ("get pods -n kube-system", "No resources found in kube-system namespace.\n"),
    ("get pv", "No resources found\n"),
    ("get pods -A -l app=nothing", "No resources found\n"),
    ("frobnicate", 'error: unknown command "frobnicate" for "kubectl"\n'),
    ("get pods --frob", "Error: unknown flag: --frob\nSee 'kubectl get --help' for usage.\n"),
    ("exec crash ls", "error: exec [POD] [COMMAND] is not supported anymore. "
                      "Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n"),
    ("logs", "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required "
             "argument for the logs command\nSee 'kubectl logs -h' for help and examples\n"),
    ("get", 'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of '
            'supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a '
            "detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and "
            "examples\n"),
    ("delete", "error: You must provide one or more resources by argument or filename.\nExample resource "
               "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n"
               "   '<resource>'\n"),
    ("label pod crash", "error: at least one label update is required\n"),
    ("scale rs web --replicas=-1",
     "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n"),
    ("rollout status", "error: required resource not specified\n"),
    ("run", 'error: required flag(s) "image" not set\n'),
    ("logs crash -c nope", "error: container nope is not valid for pod crash\n"),
    ("exec crash -c nope -- true", "Error from server (BadRequest): container nope is not valid for pod crash\n"),
    ("exec crash -- true",  # CrashLoopBackOff: the kubelet finds no running container
     'error: Internal error occurred: unable to upgrade connection: container not found ("main")\n'),
    ("get pods -o table", 'error: unable to match a printer suitable for the output format "table", allowed '
                          "formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,"
                          "jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"),
    ("scale rs web --replicas=x", 'error: invalid argument "x" for "--replicas" flag: strconv.ParseInt: '
                                  'parsing "x": invalid syntax\n'),
    ("get pod crash -A", "error: a resource cannot be retrieved by name across all namespaces\n"),
])
def test_errors_are_returned_as_kubectl_prints_them(ro: Cluster, command: str, text: str) -> None:
    assert ro.kubectl(command) == text


def test_a_missing_name_among_found_ones(ro: Cluster) -> None:
    text = ro.kubectl("get pods crash nope")
    assert text.splitlines()[1].startswith("crash ")
    assert text.endswith('Error from server (NotFound): pods "nope" not found\n')


# ---------------------------------------------------------------- other output formats

def test_output_yaml_round_trips(ro: Cluster) -> None:
    data = yaml.safe_load(ro.kubectl("get pod crash -o yaml"))
    assert data["metadata"]["name"] == "crash" and data["kind"] == "Pod"
    assert data == ro.get("pod", "crash").to_dict()
    listed = yaml.safe_load(ro.kubectl("get pods -o yaml"))
    assert listed["kind"] == "List" and [i["metadata"]["name"] for i in listed["items"]][:2] == ["crash", "done"]


def test_output_yaml_quotes_like_kubectl(ro: Cluster) -> None:
    text = ro.kubectl("get rs web -o yaml")
    assert 'creationTimestamp: "2025-01-01T00:00:00Z"' in text and "'" not in text
    assert text.startswith("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n")


def test_output_json_and_name(ro: Cluster) -> None:
    text = ro.kubectl("get node node-1 -o json")
    assert json.loads(text)["metadata"]["name"] == "node-1" and text.startswith('{\n    "apiVersion": "v1",')
    assert ro.kubectl("get pods -l app=web -o name") == "".join(f"pod/{n}\n" for n in web_pods(ro))
    assert ro.kubectl("get rs -o name") == "replicaset.apps/web\n"


# ---------------------------------------------------------------- describe

def test_describe_pod(ro: Cluster) -> None:
    text = ro.kubectl("describe pod crash")
    pod = ro.get("pod", "crash")
    for section in ["Name:             crash\n", "Namespace:        default\n", "Priority:         0\n",
                    f"Node:             {pod.spec.node_name}/{pod.status.host_ip}\n",
                    "Start Time:       Wed, 01 Jan 2025 00:00:00 +0000\n", "Status:           Running\n",
                    f"IPs:\n  IP:  {pod.status.pod_ip}\n", "Containers:\n  main:\n",
                    "    Command:\n      sh\n      -c\n      exit 1\n",
                    "    State:          Waiting\n      Reason:       CrashLoopBackOff\n",
                    "    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1\n",
                    "    Ready:          False\n", "Conditions:\n  Type ", "Service Account:  default\n",
                    # the token volume's TokenExpirationSeconds: sets the width of the block QoS Class ends
                    "    DownwardAPI:             true\nQoS Class:                   BestEffort\n",
                    "Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"
                    "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n",
                    ]:
        assert section in text
    assert re.search(r"Events:\n  Type     Reason     Age +From               Message\n", text)
    # repeats are one Event with a count (client-go events_cache.go); describe.go DescribeEvents prints
    # "<since lastTimestamp> (x<count> over <since firstTimestamp>)"
    assert re.search(r"  Warning  BackOff    \d+s \(x\d+ over \d+s\)\s+kubelet\s+Back-off restarting failed "
                     r"container main", text)
    assert re.search(r"  Normal   Started    \d+s \(x\d+ over \d+s\)  kubelet", text)


def test_describe_pod_controlled_by_a_replicaset(ro: Cluster) -> None:
    text = ro.kubectl(f"describe po {web_pods(ro)[0]}")
    assert "Controlled By:  ReplicaSet/web\n" in text and "Labels:           app=web\n" in text


def test_describe_pod_probes_env_and_mounts(c: Cluster) -> None:
    c.apply("""
apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  containers:
  - name: app
    image: busybox
    command: ["sh", "-c", "touch /tmp/healthy; sleep 3600"]
    env: [{name: MODE, value: fast}]
    ports: [{containerPort: 8080}]
    resources: {requests: {cpu: 250m, memory: 64Mi}}
    livenessProbe: {exec: {command: [cat, /tmp/healthy]}, initialDelaySeconds: 5, periodSeconds: 5}
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  volumes: [{name: scratch, emptyDir: {}}]
""")
    c.run(10)
    text = c.kubectl("describe pod probed")
    # a line without a tab ("Requests:") ends a tabwriter block, so what follows aligns on its own
    assert ("    Requests:\n      cpu:     250m\n      memory:  64Mi\n"
            "    Liveness:  exec [cat /tmp/healthy] delay=5s timeout=1s period=5s #success=1 #failure=3\n") in text
    assert "    Port:          8080/TCP\n    Host Port:     0/TCP\n" in text
    assert "    Environment:\n      MODE:  fast\n" in text and "      /scratch from scratch (rw)\n" in text
    assert "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)\n" in text
    assert "QoS Class:                   Burstable\n" in text
    node = c.get("pod", "probed").spec.node_name
    assert re.search(r"  default\s+probed\s+250m \(6%\)\s+0 \(0%\)\s+64Mi \(0%\)\s+0 \(0%\)\s+10s\n",
                     c.kubectl(f"describe node {node}"))


def test_describe_node(ro: Cluster) -> None:
    text = ro.kubectl("describe node node-1")
    for section in ["Name:               node-1\n", "Roles:              <none>\n",
                    "Labels:             kubernetes.io/hostname=node-1\n",
                    "Taints:             <none>\n", "Unschedulable:      false\n",
                    "Conditions:\n  Type             Status  LastHeartbeatTime", "  MemoryPressure   False   ",
                    "  PIDPressure      False   ",
                    "KubeletHasSufficientPID      kubelet has sufficient PID available\n",
                    "  InternalIP:  172.18.0.2\n",
                    "Capacity:\n  cpu:     4\n  memory:  8Gi\n  pods:    110\n", "PodCIDR:",
                    "Non-terminated Pods:", "Allocated resources:\n"]:
        assert section in text


def test_describe_replicaset(ro: Cluster) -> None:
    text = ro.kubectl("describe rs web")
    assert re.search(r"Replicas:\s+3 current / 3 desired\n", text)
    assert re.search(r"Pods Status:\s+3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n", text)
    assert "Pod Template:\n  Labels:  app=web\n  Containers:\n   web:\n    Image:" in text
    assert re.search(r"Normal\s+SuccessfulCreate\s+30s\s+replicaset-controller\s+Created pod: web-", text)


def test_describe_matches_name_prefixes(ro: Cluster) -> None:
    text = ro.kubectl("describe pods web")
    assert text.count("\nControlled By:  ReplicaSet/web\n") == 3 and "\n\n\nName:" in text


# ---------------------------------------------------------------- writes

def test_scale_replicaset(c: Cluster) -> None:
    assert c.kubectl("scale rs web --replicas=5") == "replicaset.apps/web scaled\n"
    c.run(5)
    assert len(web_pods(c)) == 5
    assert c.kubectl("scale --replicas=1 replicaset/web") == "replicaset.apps/web scaled\n"
    c.run(40)
    assert len(web_pods(c)) == 1 and c.get("rs", "web").spec.replicas == 1


def test_delete_pod_shows_terminating_then_is_replaced(c: Cluster) -> None:
    victim = web_pods(c)[0]
    assert c.kubectl(f"delete pod {victim} --wait=false") == f'pod "{victim}" deleted\n'
    assert rows(c.kubectl("get pods"))[victim][2] == "Terminating"
    c.run(40)
    assert victim not in web_pods(c) and len(web_pods(c)) == 3


def test_delete_now_is_a_one_second_grace_and_grace_period_zero_alone_is_one_too(c: Cluster) -> None:
    first, second = web_pods(c)[:2]
    assert c.kubectl(f"delete pod {first} --now --wait=false") == f'pod "{first}" deleted\n'
    assert c.kubectl(f"delete pod {second} --grace-period=0 --wait=false") == f'pod "{second}" deleted\n'
    assert [c.get("pod", p).metadata.deletion_grace_period_seconds for p in (first, second)] == [1, 1]
    c.run(2)
    assert first not in web_pods(c) and second not in web_pods(c)


def test_force_delete_removes_the_pod_from_the_api_at_once_and_its_kubelet_kills_it_after(c: Cluster) -> None:
    victim = web_pods(c)[0]
    node = c.get("pod", victim).spec.node_name
    assert c.kubectl(f"delete pod {victim} --grace-period=0 --force") == (
        "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated."
        " The resource may continue to run on the cluster indefinitely.\n"
        f'pod "{victim}" force deleted\n')
    assert victim not in web_pods(c)
    runtime = c.kubelets[node].runtime
    assert "running" in {info.info.state for info in runtime.containers.values()}  # still running on the node
    c.run(5)
    assert victim not in {b.pod_name for b in runtime.sandboxes.values()}  # the kubelet noticed, stopped and removed it
    assert len(web_pods(c)) == 3


@pytest.mark.parametrize(("flags", "error"), [
    ("--now --grace-period=3", "--now and --grace-period cannot be specified together"),
    ("--force --grace-period=5", "--force and --grace-period greater than 0 cannot be specified together"),
])
def test_contradicting_delete_flags_are_refused_before_anything_is_deleted(c: Cluster, flags: str,
                                                                           error: str) -> None:
    victim = web_pods(c)[0]
    assert c.kubectl(f"delete pod {victim} {flags}") == f"error: {error}\n"
    assert c.get("pod", victim).metadata.deletion_timestamp is None


def test_taint_and_untaint(c: Cluster) -> None:
    assert c.kubectl("taint nodes node-1 dedicated=gpu:NoSchedule") == "node/node-1 tainted\n"
    taints = c.get("node", "node-1").spec.taints
    assert [(t.key, t.value, t.effect) for t in taints] == [("dedicated", "gpu", "NoSchedule")]
    assert "Taints:             dedicated=gpu:NoSchedule\n" in c.kubectl("describe node node-1")
    assert c.kubectl("taint nodes node-1 dedicated=cpu:NoSchedule") == (
        "error: node node-1 already has dedicated taint(s) with same effect(s) and --overwrite is false\n")
    assert c.kubectl("taint nodes node-1 dedicated:NoSchedule-") == "node/node-1 untainted\n"
    assert c.get("node", "node-1").spec.taints == []
    assert c.kubectl("taint node node-1 dedicated-") == 'error: taint "dedicated" not found\n'


def test_label_nodes_and_pods(c: Cluster) -> None:
    assert c.kubectl("label nodes node-2 disk=ssd") == "node/node-2 labeled\n"
    assert c.get("node", "node-2").metadata.labels["disk"] == "ssd"
    assert c.kubectl("label nodes node-2 disk=hdd") == (
        "error: 'disk' already has a value (ssd), and --overwrite is false\n")
    assert c.kubectl("label node/node-2 disk=hdd --overwrite") == "node/node-2 labeled\n"
    assert c.kubectl("label nodes node-2 disk-") == "node/node-2 unlabeled\n"
    assert "disk" not in c.get("node", "node-2").metadata.labels
    assert c.kubectl("label pod crash tier=debug") == "pod/crash labeled\n"
    assert list(rows(c.kubectl("get pods -l tier=debug"))) == ["crash"]


def test_cordon_and_uncordon(c: Cluster) -> None:
    assert c.kubectl("cordon node-3") == "node/node-3 cordoned\n"
    assert c.get("node", "node-3").spec.unschedulable is True
    assert rows(c.kubectl("get nodes"))["node-3"][1] == "Ready,SchedulingDisabled"
    assert c.kubectl("cordon node-3") == "node/node-3 already cordoned\n"
    assert c.kubectl("uncordon node-3") == "node/node-3 uncordoned\n"
    assert not c.get("node", "node-3").spec.unschedulable


def test_a_failed_node_becomes_not_ready(c: Cluster) -> None:
    c.node("node-3").fail()
    c.run(60)
    assert rows(c.kubectl("get nodes"))["node-3"][1] == "NotReady"


def test_apply_create_and_delete_files(c: Cluster, tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "app.yaml"  # type: ignore[operator]
    path.write_text(WEB.replace("name: web,", "name: api,").replace("app: web", "app: api") + "---" +
                    CRASH.replace("name: crash", "name: solo"))
    assert c.kubectl(f"apply -f {path}") == "replicaset.apps/api created\npod/solo created\n"
    assert c.kubectl(f"apply -f {path}") == "replicaset.apps/api unchanged\npod/solo unchanged\n"
    path.write_text(path.read_text().replace("replicas: 3", "replicas: 2"))
    assert c.kubectl(f"apply -f {path}") == "replicaset.apps/api configured\npod/solo unchanged\n"
    assert c.get("rs", "api").spec.replicas == 2
    assert c.kubectl(f"create -f {path}").startswith("Error from server (AlreadyExists): error when creating")
    assert c.kubectl(f"apply -f {tmp_path}") == "replicaset.apps/api unchanged\npod/solo unchanged\n"
    assert c.kubectl(f"delete -f {path}") == 'replicaset.apps "api" deleted\npod "solo" deleted\n'


def test_generic_kinds(c: Cluster) -> None:
    c.apply("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: front}}
  template:
    metadata: {labels: {app: front}}
    spec: {containers: [{name: nginx, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: front}
spec: {selector: {app: front}, clusterIP: 10.96.0.20, ports: [{port: 80, targetPort: 8080}]}
""")
    assert c.kubectl("get deploy") == ("NAME    READY   UP-TO-DATE   AVAILABLE   AGE\n"
                                       "front   0/2     0            0           0s\n")
    assert c.kubectl("get svc") == ("NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n"
                                    "front        ClusterIP   10.96.0.20   <none>        80/TCP    0s\n"
                                    "kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   30s\n")
    assert c.kubectl("scale deployment front --replicas=4") == "deployment.apps/front scaled\n"
    assert c.get("deploy", "front").spec.replicas == 4
    blocks = c.kubectl("get all").split("\n\n")
    assert [b.splitlines()[1].split("/")[0] for b in blocks] == ["pod", "service", "deployment.apps", "replicaset.apps"]
    assert "\nIP:                       10.96.0.20\n" in c.kubectl("describe svc front")


# ---------------------------------------------------------------- logs and exec

def test_logs(ro: Cluster) -> None:
    assert ro.kubectl("logs done") == "hi\n"
    assert ro.kubectl("logs pod/done -c main") == "hi\n"
    assert ro.kubectl("logs crash --previous") == ""
    assert ro.kubectl("logs -f done --tail=1") == "hi\n"


def test_logs_and_exec_of_a_workload_use_one_of_its_pods() -> None:
    """LogsForObject and AttachablePodForObject: the selector's pods, the one Ready the longest first."""
    c = Cluster(nodes=2)
    c.kubectl('create deployment web --image=busybox --replicas=2 -- sh -c "echo hello from $HOSTNAME; sleep 3600"')
    c.kubectl("create job pi --image=busybox -- echo 3.14")
    c.run(30)
    first, second = sorted(p.name for p in c.get("pods") if p.name.startswith("web"))
    c.kubectl(f"delete pod {first}")
    c.run(30)
    newer = next(p.name for p in c.get("pods") if p.name.startswith("web") and p.name != second)
    assert c.kubectl("logs deploy/web") == f"Found 2 pods, using pod/{second}\nhello from {second}\n"
    assert c.kubectl("logs replicaset/" + second.rsplit("-", 1)[0]).endswith(f"hello from {second}\n")
    assert c.kubectl("exec deployment/web -- hostname") == f"{second}\n"  # exec says nothing of its choice
    c.kubectl("expose deployment web --port=80")
    assert c.kubectl("logs svc/web --tail=1") == f"Found 2 pods, using pod/{second}\nhello from {second}\n"
    assert c.kubectl("logs jobs/pi") == "3.14\n"  # the Job docs' example: one pod, nothing said
    assert newer != second
    # what kubectl says when there is nothing to choose from
    assert c.kubectl("logs deploy/nope") == ('error: error from server (NotFound): deployments.apps "nope" not found '
                                             'in namespace "default"\n')
    assert c.kubectl("logs cm/kube-root-ca.crt") == (
        "error: cannot get the logs from *v1.ConfigMap: selector for *v1.ConfigMap not implemented\n")
    assert c.kubectl("exec svc/kubernetes -- ls") == (
        "error: cannot attach to *v1.Service: invalid service 'kubernetes': Service is defined without a selector\n")
    c.kubectl("create deployment idle --image=busybox --replicas=0")
    start = c.now
    timed_out = "error: timed out waiting for the condition\n"
    assert c.kubectl("logs deploy/idle") == timed_out
    assert c.now == start + 20  # --pod-running-timeout's default, for a pod to appear
    assert c.kubectl("exec deploy/idle --pod-running-timeout=5s -- ls") == timed_out
    assert c.now == start + 25


def test_events_sorts_by_the_last_time_and_counts_repeats() -> None:
    """kubectl events: LAST SEEN `<last> (x<count> over <first>)`, OBJECT Kind/name, --for and --types."""
    c = Cluster(nodes=1)
    c.kubectl("run crash --image=busybox -- sh -c 'exit 1'")
    c.kubectl("run fine --image=busybox -- sleep 3600")
    c.run(60)
    lines = c.kubectl("events").splitlines()
    assert lines[0] == "LAST SEEN           TYPE      REASON      OBJECT      MESSAGE"
    assert lines[1] == '60s                 Normal    Pulling     Pod/fine    Pulling image "busybox"'  # 13 events:
    # Go's sort.Sort's order, from the list's (by name, as the API server lists them)
    assert lines[9] == '27s (x4 over 60s)   Normal    Pulling     Pod/crash   Pulling image "busybox"'
    assert lines[-1].startswith("6s (x6 over 58s)    Warning   BackOff     Pod/crash   Back-off restarting failed ")
    seen = [int(line.split()[0][:-1]) for line in lines[1:]]
    assert seen == sorted(seen, reverse=True) and len(lines) == 14  # the oldest first
    assert c.kubectl("events --for pod/fine") == (
        "LAST SEEN   TYPE     REASON      OBJECT     MESSAGE\n"
        "60s         Normal   Scheduled   Pod/fine   Successfully assigned default/fine to node-1\n"
        "60s         Normal   Pulling     Pod/fine   Pulling image \"busybox\"\n"
        "59s         Normal   Pulled      Pod/fine   Successfully pulled image \"busybox\" in 800ms (1.813s including "
        "waiting). Image size: 4261574 bytes.\n"
        "59s         Normal   Created     Pod/fine   Created container fine\n"
        "59s         Normal   Started     Pod/fine   Started container fine\n")
    assert c.kubectl("events --types=warning -A").splitlines() == [
        "NAMESPACE   LAST SEEN          TYPE      REASON    OBJECT      MESSAGE",
        lines[-1].replace("6s (x6 over 58s)    Warning   BackOff     Pod/crash   ",
                          "default     6s (x6 over 58s)   Warning   BackOff   Pod/crash   ")]
    assert c.kubectl("events --for pod/gone") == "No events found in default namespace.\n"
    assert c.kubectl("events -A --types=Warning --for pod/fine") == "No events found.\n"
    assert c.kubectl("events --for fine") == "error: --for must be in resource/name form\n"
    assert c.kubectl("events --types=Bad") == "error: valid --types are Normal or Warning\n"
    assert c.kubectl("events --for widget/x") == 'the server doesn\'t have a resource type "widget"\n'


def test_a_dry_run_changes_nothing_and_says_so(tmp_path) -> None:
    """--dry-run=client|server on kubectl's writes: the command runs, nothing is stored, each line says so
    (patch and taint do not, as in kubectl 1.32); delete and drain do not wait; a command without the flag
    refuses it."""
    c = Cluster(nodes=2)
    c.kubectl("create deployment web --image=nginx --replicas=2")
    c.kubectl("run p --image=nginx")
    c.run(10)
    manifest = tmp_path / "cm.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\ndata: {a: b}\n")
    before, now = c.api.store.revision, c.now
    for command, printed in (
            ("scale deploy web --replicas=5 --dry-run=client", "deployment.apps/web scaled (dry run)\n"),
            ("scale deploy web --replicas=5 --dry-run=server", "deployment.apps/web scaled (server dry run)\n"),
            ("label pod p x=y --dry-run=client", "pod/p labeled (dry run)\n"),
            ("annotate pod p x=y --dry-run=server", "pod/p annotated (server dry run)\n"),
            ("delete pod p --dry-run=client", 'pod "p" deleted (dry run)\n'),
            ("delete deploy web --dry-run=server", 'deployment.apps "web" deleted (server dry run)\n'),
            (f"apply -f {manifest} --dry-run=client", "configmap/dry created (dry run)\n"),
            (f"create -f {manifest} --dry-run=server", "configmap/dry created (server dry run)\n"),
            ("""patch pod p -p '{"metadata":{"labels":{"z":"1"}}}' --dry-run=client""", "pod/p patched\n"),
            ("set image deploy/web nginx=nginx:2 --dry-run=client", "deployment.apps/web image updated (dry run)\n"),
            ("taint node node-1 a=b:NoSchedule --dry-run=client", "node/node-1 tainted\n"),
            ("cordon node-1 --dry-run=client", "node/node-1 cordoned (dry run)\n"),
            ("drain node-1 --force --dry-run=client", None),
            ("rollout restart deploy/web --dry-run=client",
             "Error: unknown flag: --dry-run\nSee 'kubectl rollout restart --help' for usage.\n")):
        out = c.kubectl(command)
        if printed is not None:
            assert out == printed, command
        assert (c.api.store.revision, c.now) == (before, now), command
    drained = c.kubectl("drain node-2 --force --dry-run=server")
    assert drained.startswith("node/node-2 cordoned (server dry run)\n") and "evicting pod default/" in drained
    assert drained.endswith("node/node-2 drained (server dry run)\n") and c.api.store.revision == before
    assert c.kubectl("scale deploy web --replicas=3") == "deployment.apps/web scaled\n"  # and now for real
    assert c.get("deploy", "web").spec.replicas == 3


def test_apply_to_an_object_no_apply_made_warns_as_kubectl_does(tmp_path) -> None:
    c = Cluster(nodes=1)
    c.kubectl("create configmap live --from-literal=a=b")
    manifest = tmp_path / "live.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: live}\ndata: {a: c}\n")
    assert c.kubectl(f"apply -f {manifest}") == (
        "Warning: resource configmaps/live is missing the kubectl.kubernetes.io/last-applied-configuration annotation "
        "which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by "
        "either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically."
        "\nconfigmap/live configured\n")
    assert c.kubectl(f"apply -f {manifest}") == "configmap/live unchanged\n"  # applied now: no more warning
    # made by kubectl apply: the next apply of a manifest without a key removes it (three-way merge)
    labelled = tmp_path / "made.yaml"
    labelled.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: made, labels: {tier: web}}\ndata: {a: b}\n")
    assert c.kubectl(f"apply -f {labelled}") == "configmap/made created\n"
    labelled.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: made}\ndata: {a: b}\n")
    assert c.kubectl(f"apply -f {labelled}") == "configmap/made configured\n"
    assert c.get("configmap", "made").metadata.labels == {}


def test_exec(ro: Cluster) -> None:
    pod = web_pods(ro)[0]
    assert ro.kubectl(f"exec {pod} -- echo hello") == "hello\n"
    assert ro.kubectl(f"exec {pod} -c web -- sh -c 'exit 3'") == "command terminated with exit code 3\n"
    assert ro.exec_code(pod, ["sh", "-c", "cat; exit 2"], stdin="typed\n") == (2, "typed\n")  # exec -i
    assert ro.kubectl("exec done -- true") == (
        "error: cannot exec into a container in a completed pod; current phase is Succeeded\n")


# ---------------------------------------------------------------- the whole

def test_same_seed_same_text() -> None:
    a, b = make_cluster(), make_cluster()
    for command in ("get pods -o wide", "get events", "describe pod crash", "get rs web -o yaml"):
        assert a.kubectl(command) == b.kubectl(command)


def test_cluster_kubectl_is_run_kubectl(ro: Cluster) -> None:
    assert ro.kubectl("get nodes") == run_kubectl(ro, "kubectl get nodes")


def test_demo_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "$ kubectl get nodes\nNAME     STATUS   ROLES    AGE   VERSION\n" in out
    assert out.count("web-") == 3 and "READINESS GATES" in out
    assert main([]) == 2 and main(["nosuch"]) == 2
    assert "k8slite registry" in capsys.readouterr().err


def test_create_and_apply_with_o_print_what_they_wrote(tmp_path: Path) -> None:
    c = Cluster(nodes=1)
    two = tmp_path / "two.yaml"
    two.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: '1'}\n---\n"
                   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {answer: 'y'}\n")
    assert c.kubectl(f"create -f {two} --dry-run=client -o yaml") == (
        'apiVersion: v1\ndata:\n  x: "1"\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n---\n'
        'apiVersion: v1\ndata:\n  answer: "y"\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: default\n')
    assert c.kubectl(f"create -f {two} -o name") == "configmap/a\nconfigmap/b\n"
    listed = yaml.safe_load(c.kubectl(f"apply -f {two} -o yaml"))
    assert (listed["kind"], listed["metadata"], [i["metadata"]["name"] for i in listed["items"]]) == \
        ("List", {}, ["a", "b"])
    assert c.get("configmaps", "b").data == {"answer": "y"}  # quoted: the letter


def test_yaml_reads_y_and_n_as_go_yaml_v2_does() -> None:
    c = Cluster(nodes=1)
    c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keys}\ndata: {true: a, 3: b, n: c}\n")
    assert c.get("configmaps", "keys").data == {"true": "a", "3": "b", "false": "c"}
    assert c.kubectl("get cm keys -o jsonpath={.data}") == '{"3":"b","false":"c","true":"a"}'
    c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: quoted}\ndata: {answer: 'n'}\n")
    assert 'data:\n  answer: "n"\n' in c.kubectl("get cm quoted -o yaml")  # quoted, as sigs.k8s.io/yaml writes it
