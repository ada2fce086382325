"""A control plane and three kubelets, each its own process, talking only over HTTPS (issue 18, part 3).

`k8slite serve --nodes 0 --kubelet node-N ...` and three `k8slite kubelet`
processes make one cluster; the real kubectl drives it. Killing a kubelet
process (SIGKILL: the machine is gone) is a node failure the control plane
sees only through the Lease that is no longer renewed. Each kubelet's token
lets it change only its own node (NodeRestriction). Wall-clock time: the
heartbeat is 1 s and the grace period 6 s, so that this takes seconds.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import websocket as client  # websocket-client: an independent WebSocket client
import yaml
from terminal_builders import kubectl_on_a_terminal

from k8slite.machines import Machines, wait_until

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl is not installed")
NODES = ("node-1", "node-2", "node-3")
GRACE = 6  # --node-monitor-grace-period, seconds
HEARTBEAT = 1  # the kubelets' --node-status-update-frequency, seconds

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 1}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 1}
      containers:
      - {name: web, image: nginx}
"""


def kubectl(machines: Machines, *args: str, kubeconfig: Path | None = None) -> str:
    env = dict(os.environ, HOME=str(machines.directory), TZ="UTC")
    done = subprocess.run([str(KUBECTL), "--kubeconfig", str(kubeconfig or machines.admin), *args],
                          capture_output=True, text=True, env=env, timeout=30)
    return done.stdout + done.stderr


def get(machines: Machines, *args: str) -> Any:
    return json.loads(kubectl(machines, "get", *args, "-o", "json"))


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    """wait_until, reading a half-written answer (kubectl racing a change) as not yet."""
    def attempt() -> Any:
        try:
            return condition()
        except (ValueError, KeyError, StopIteration):
            return None
    return wait_until(attempt, timeout, what)


def ready(node: dict[str, Any]) -> str:
    return next(c["status"] for c in node["status"].get("conditions", []) if c["type"] == "Ready")


@pytest.fixture(scope="module")
def machines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Machines]:
    with Machines(list(NODES), grace=GRACE, heartbeat=HEARTBEAT, directory=tmp_path_factory.mktemp("m")) as m:
        yield m


def test_three_kubelet_processes_are_a_cluster(machines: Machines) -> None:
    nodes = wait_for(lambda: (items := get(machines, "nodes")["items"]) and
                     all(ready(n) == "True" for n in items) and items, "three Ready nodes")
    assert [n["metadata"]["name"] for n in nodes] == list(NODES)
    leases = get(machines, "leases", "-n", "kube-node-lease")["items"]
    assert {(lease["metadata"]["name"], lease["spec"]["holderIdentity"]) for lease in leases} == \
        {(n, n) for n in NODES}
    (machines.directory / "web.yaml").write_text(DEPLOYMENT)
    assert kubectl(machines, "apply", "-f", str(machines.directory / "web.yaml")).strip() in (
        "deployment.apps/web created", "deployment.apps/web unchanged")

    def running_on() -> list[str] | None:
        pods = get(machines, "pods", "-l", "app=web")["items"]
        placed = [p["spec"].get("nodeName", "") for p in pods if p["status"].get("phase") == "Running"]
        return sorted(placed) if len(placed) == 6 else None

    placed = wait_for(running_on, "six Running pods")
    assert set(placed) == set(NODES), placed  # spread over the three machines


HELLO = """
apiVersion: v1
kind: Pod
metadata: {name: hello}
spec:
  nodeName: node-3
  containers:
  - {name: hello, image: busybox, command: ["sh", "-c", "echo hello from node-3; sleep 3600"]}
"""


def test_logs_and_exec_go_to_the_pods_kubelet(machines: Machines) -> None:
    """The API server holds no container output: it asks the kubelet at the port its Node names."""
    (machines.directory / "hello.yaml").write_text(HELLO)
    assert kubectl(machines, "apply", "-f", str(machines.directory / "hello.yaml")).strip() == "pod/hello created"
    wait_for(lambda: get(machines, "pod", "hello")["status"].get("phase") == "Running", "hello Running")
    node = get(machines, "node", "node-3")
    port = node["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"]
    assert {"type": "InternalIP", "address": "127.0.0.1"} in node["status"]["addresses"] and port > 0
    assert kubectl(machines, "logs", "hello") == "hello from node-3\n"
    for _ in range(10):  # the API server lets go of its lock while the kubelet answers (the kubelet may be
        assert kubectl(machines, "exec", "hello", "--", "hostname") == "hello\n"  # waiting on it, mid-sync)
    assert kubectl(machines, "exec", "hello", "--", "sh", "-c", "exit 3").strip() == \
        "command terminated with exit code 3"


def on_a_terminal(machines: Machines, args: list[str], keys: list[bytes]) -> tuple[bytes, int]:
    """kubectl on a pseudo-terminal (as test_http_exec drives it): each of `keys` is typed once the output so
    far ends with a prompt; (what the terminal showed, kubectl's exit code)."""
    return kubectl_on_a_terminal(KUBECTL, machines.admin, machines.directory, args, keys)


def test_an_interactive_shell_on_a_kubelet_process(machines: Machines) -> None:
    """The API server relays the WebSocket to the kubelet, which runs the session on its own runtime."""
    shown, code = on_a_terminal(machines, ["exec", "-it", "hello", "--", "sh"], [b"echo hi; exit 3\r"])
    assert (shown.decode(), code) == (
        "/ # echo hi; exit 3\r\nhi\r\ncommand terminated with exit code 3\r\n", 3)


def kubelet_port(machines: Machines, node: str) -> int:
    return int(get(machines, "node", node)["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"])


def node_token(machines: Machines, node: str) -> str:
    return str(yaml.safe_load(machines.kubeconfig(node).read_text())["users"][0]["user"]["token"])


def test_exec_i_gives_the_kubelets_command_its_stdin(machines: Machines) -> None:
    """kubectl's stdin reaches the command through the kubelet's own /exec (which this checks directly, with
    the node's token and kube-apiserver's query); the subprotocol is the client's choice, relayed."""
    env = dict(os.environ, HOME=str(machines.directory))
    done = subprocess.run([str(KUBECTL), "--kubeconfig", str(machines.admin), "exec", "-i", "hello", "--", "cat"],
                          input="one\ntwo\n", capture_output=True, text=True, env=env, timeout=30)
    assert (done.stdout, done.stderr, done.returncode) == ("one\ntwo\n", "", 0)
    # what the API server relays to: the kubelet's own /exec, kube-apiserver's query, the node's token
    url = f"wss://127.0.0.1:{kubelet_port(machines, 'node-3')}/exec/default/hello/hello?command=cat&input=1&output=1"
    conn = client.create_connection(url, header=[f"Authorization: Bearer {node_token(machines, 'node-3')}"],
                                    subprotocols=["v5.channel.k8s.io"], sslopt={"cert_reqs": ssl.CERT_NONE})
    conn.send_binary(b"\x00three\n")
    conn.send_binary(b"\xff\x00")  # v5: stdin has ended
    messages = []
    while (message := conn.recv()):
        messages.append(message)
    assert messages == [b"\x01", b"\x01three\n", b'\x03{"metadata":{},"status":"Success"}']
    # an older client offering only v4.channel.k8s.io gets it from the kubelet, and the kubelet's words
    config = yaml.safe_load(machines.admin.read_text())
    url = config["clusters"][0]["cluster"]["server"].replace("https", "wss") + \
        "/api/v1/namespaces/default/pods/hello/exec?command=sh&command=-c&command=echo+out%3B+exit+3&stdout=true"
    conn = client.create_connection(url, header=[f"Authorization: Bearer {config['users'][0]['user']['token']}"],
                                    subprotocols=["v4.channel.k8s.io"], sslopt={"cert_reqs": ssl.CERT_NONE})
    assert conn.subprotocol == "v4.channel.k8s.io"
    messages = []
    while (message := conn.recv()):
        messages.append(message)
    assert messages[:2] == [b"\x01", b"\x01out\n"]
    assert json.loads(messages[2][1:])["message"] == \
        "command terminated with non-zero exit code: error executing command [sh -c echo out; exit 3], exit code 3"


TALKER = """
apiVersion: v1
kind: Pod
metadata: {name: talker}
spec:
  nodeName: node-1
  restartPolicy: Never
  containers:
  - {name: talker, image: busybox, command: ["sh", "-c", "echo one; sleep 5; echo two; sleep 2; echo three"]}
"""


def test_attach_and_logs_f_stream_from_the_kubelet(machines: Machines) -> None:
    """attach sees what the main process prints from now on; logs -f the whole log, as it grows, and both
    end when the container does."""
    (machines.directory / "talker.yaml").write_text(TALKER)
    kubectl(machines, "apply", "-f", str(machines.directory / "talker.yaml"))
    wait_for(lambda: kubectl(machines, "logs", "talker") == "one\n", "talker to say one")
    env = dict(os.environ, HOME=str(machines.directory))
    started = {verb: subprocess.Popen([str(KUBECTL), "--kubeconfig", str(machines.admin), *args],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for verb, args in (("attach", ["attach", "talker"]), ("logs", ["logs", "-f", "talker"]))}
    followed = started["logs"].stdout
    assert followed is not None and followed.readline() == "one\n"  # before "two" was written
    attach_out, _ = started["attach"].communicate(timeout=20)
    logs_out, _ = started["logs"].communicate(timeout=20)
    assert (attach_out, started["attach"].returncode) == ("two\nthree\n", 0)
    assert ("one\n" + logs_out, started["logs"].returncode) == ("one\ntwo\nthree\n", 0)


def test_the_kubelet_streams_a_followed_log(machines: Machines) -> None:
    """What the API server relays for `kubectl logs -f`: the kubelet's chunked answer, each piece as it is
    written, ended when the container ends."""
    (machines.directory / "talker-2.yaml").write_text(TALKER.replace("{name: talker}", "{name: talker-2}"))
    kubectl(machines, "apply", "-f", str(machines.directory / "talker-2.yaml"))
    wait_for(lambda: kubectl(machines, "logs", "talker-2") == "one\n", "talker-2 to say one")
    connection = http.client.HTTPSConnection("127.0.0.1", kubelet_port(machines, "node-1"), timeout=20,
                                             context=ssl._create_unverified_context())
    connection.request("GET", "/containerLogs/default/talker-2/talker?follow=true",
                       headers={"Authorization": f"Bearer {node_token(machines, 'node-1')}"})
    answer = connection.getresponse()
    assert (answer.status, answer.getheader("Transfer-Encoding")) == (200, "chunked")
    pieces = [answer.read1(65536)]
    while pieces[-1]:
        pieces.append(answer.read1(65536))
    assert pieces == [b"one\n", b"two\n", b"three\n", b""]
    connection.close()


def test_a_killed_kubelet_is_a_node_failure(machines: Machines) -> None:
    port = get(machines, "node", "node-3")["status"]["daemonEndpoints"]["kubeletEndpoint"]["Port"]
    machines.kill("node-3")  # SIGKILL: no goodbye, the Lease simply stops being renewed
    assert kubectl(machines, "logs", "hello").strip() == (  # the machine is gone: nobody holds its logs
        f'Error from server: Get "https://127.0.0.1:{port}/containerLogs/default/hello/hello": '
        f"dial tcp 127.0.0.1:{port}: connect: connection refused")
    assert kubectl(machines, "exec", "hello", "--", "hostname").strip() == (  # kube-apiserver's stream translator
        f'error: Internal error occurred: error sending request: Post "https://127.0.0.1:{port}/exec/default/hello/'
        f'hello?command=hostname&error=1&output=1": dial tcp 127.0.0.1:{port}: connect: connection refused')
    killed_at = time.monotonic()
    wait_for(lambda: ready(get(machines, "node", "node-3")) == "Unknown", "node-3 to be NotReady", GRACE + 20)
    noticed = time.monotonic() - killed_at
    assert GRACE - 2 <= noticed <= GRACE + 10, noticed  # the grace period counts from the last renewal
    assert ready(get(machines, "node", "node-1")) == "True"
    events = kubectl(machines, "get", "events", "--field-selector", "involvedObject.name=node-3")
    assert "Node node-3 status is now: NodeNotReady" in events
    taints = wait_for(lambda: get(machines, "node", "node-3")["spec"].get("taints"), "node-3's taints")
    assert {t["key"] for t in taints} >= {"node.kubernetes.io/unreachable"}

    def replaced() -> bool:
        pods = get(machines, "pods", "-l", "app=web")["items"]
        alive = [p for p in pods if p["status"].get("phase") == "Running"
                 and not p["metadata"].get("deletionTimestamp") and p["spec"]["nodeName"] != "node-3"]
        return len(alive) == 6

    wait_for(replaced, "six Running pods on node-1 and node-2", 30)
    machines.start_kubelet("node-3")  # the machine comes back: the same node, Ready again
    wait_for(lambda: ready(get(machines, "node", "node-3")) == "True", "node-3 to be Ready again")


def test_a_kubelet_may_change_only_its_own_node(machines: Machines) -> None:
    own = machines.directory / "node-1.kubeconfig"
    assert kubectl(machines, "label", "node", "node-2", "rack=a", kubeconfig=own).strip() == (
        'Error from server (Forbidden): nodes "node-2" is forbidden: node "node-1" is not allowed to modify '
        'node "node-2"')
    assert kubectl(machines, "label", "node", "node-1", "rack=a", kubeconfig=own).strip() == "node/node-1 labeled"
    assert 'cannot create resource "deployments" in API group "apps" in the namespace "default"' in \
        kubectl(machines, "create", "deployment", "x", "--image=nginx", kubeconfig=own)
    lease = kubectl(machines, "-n", "kube-node-lease", "delete", "lease", "node-2", kubeconfig=own)
    assert lease.strip() == (
        'Error from server (Forbidden): leases.coordination.k8s.io "node-2" is forbidden: User '
        '"system:node:node-1" cannot delete resource "leases" in API group "coordination.k8s.io" in the '
        'namespace "kube-node-lease": can only access node lease with the same name as the requesting node')
    assert kubectl(machines, "get", "nodes", "--token", "wrong").strip().endswith(
        "error: You must be logged in to the server (Unauthorized)")


def run_kubelet(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "k8slite.cli", "kubelet", *args], capture_output=True, text=True,
                          timeout=30)


def test_a_kubelet_with_a_bad_kubeconfig_stops_with_one_clear_error(machines: Machines) -> None:
    missing = run_kubelet("--kubeconfig", str(machines.directory / "nope.kubeconfig"), "--node", "node-9")
    assert missing.returncode == 1 and missing.stderr.strip() == (
        f"kubelet: cannot read the kubeconfig {machines.directory / 'nope.kubeconfig'}: No such file or directory")
    config = yaml.safe_load(machines.kubeconfig("node-1").read_text())
    config["users"][0]["user"]["token"] = "not-a-token"
    forged = machines.directory / "forged.kubeconfig"
    forged.write_text(yaml.safe_dump(config))
    refused = run_kubelet("--kubeconfig", str(forged), "--node", "node-9")
    assert refused.returncode == 1 and refused.stderr.strip().endswith(
        "kubelet: the API server refused the kubeconfig's token (401 Unauthorized): use the kubeconfig "
        "`k8slite serve --kubelet node-9` wrote")
    assert [n["metadata"]["name"] for n in get(machines, "nodes")["items"]] == list(NODES)  # nothing registered
