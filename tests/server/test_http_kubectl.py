"""The real kubectl 1.32 (/usr/bin/kubectl) and the Python `kubernetes` client against k8slite.server.

One server for the module, on one cluster; each test makes its own objects
(its own names), changes the cluster only under the server's lock, and
compares what the real kubectl prints with what `c.kubectl` prints for the
same state. kubectl writes errors to stderr, c.kubectl returns them as text:
the comparisons join kubectl's stdout and stderr.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import shutil
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from typing import Any

import pytest
from builders import example, make_pod
from protobuf_builders import envelope, nested, number, string

from k8slite.server import Server, protobuf

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl is not installed")


def kubectl(server: Server, *args: str, timeout: float = 30) -> str:
    """What the real kubectl prints (stdout, then stderr) for a command against the server."""
    env = dict(os.environ, HOME=str(server.home), TZ="UTC")  # type: ignore[attr-defined]
    done = subprocess.run([str(KUBECTL), "--kubeconfig", server.kubeconfig, *args], capture_output=True,
                          text=True, env=env, timeout=timeout)
    return done.stdout + done.stderr


def start_kubectl(server: Server, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, HOME=str(server.home), TZ="UTC")  # type: ignore[attr-defined]
    return subprocess.Popen([str(KUBECTL), "--kubeconfig", server.kubeconfig, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)


def same(server: Server, command: str) -> tuple[str, str]:
    """(real kubectl's text, c.kubectl's text) for one command line."""
    with server.lock:
        expected = server.cluster.kubectl(command)
    return kubectl(server, *command.split()), expected


def deployment(name: str, replicas: int = 2, image: str = "nginx") -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: web, image: {image}}}]}}
"""


def request(server: Server, path: str, token: str | None, body: bytes | None = None,
            content_type: str = "application/json", method: str = "POST") -> tuple[int, Any]:
    """A GET (with a `body`, a POST or `method`) with urllib, trusting the server's certificate; (HTTP code,
    decoded body)."""
    context = ssl.create_default_context(cadata=Path(server.directory, "apiserver.crt").read_text())
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"] = content_type
    sent = urllib.request.Request(server.url + path, data=body, headers=headers,
                                  method=method if body is not None else "GET")
    try:
        with urllib.request.urlopen(sent, context=context) as r:
            body = r.read().decode()
            return r.status, json.loads(body) if body.startswith("{") else body
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_version_and_discovery(server: Server) -> None:
    assert "Server Version: v1.32.0-k8slite" in kubectl(server, "version")
    real, expected = same(server, "version")  # the client is another kubectl: only its version differs
    assert real.splitlines()[1:] == expected.splitlines()[1:] == ["Kustomize Version: v5.5.0",
                                                                  "Server Version: v1.32.0-k8slite"]
    assert expected.splitlines()[0] == "Client Version: v1.32.0-k8slite"
    assert server.cluster.kubectl("version --client") == "".join(expected.splitlines(keepends=True)[:2])
    real, expected = same(server, "api-versions")
    assert real == expected and real.splitlines()[0] == "apps/v1" and real.endswith("\nv1\n")
    real, expected = same(server, "top pods")  # no metrics-server, no Metrics API
    assert real == expected == "error: Metrics API not available\n"
    resources = kubectl(server, "api-resources").splitlines()
    # kubectl's api-resources columns: NAME SHORTNAMES APIVERSION NAMESPACED KIND
    assert ["deployments", "deploy", "apps/v1", "true", "Deployment"] in [line.split() for line in resources]
    assert ["nodes", "no", "v1", "false", "Node"] in [line.split() for line in resources]


def test_a_request_without_the_token_is_401(server: Server) -> None:
    assert request(server, "/healthz", None) == (200, "ok")  # open to anyone, as system:public-info-viewer
    for token in (None, "not-the-token"):
        code, body = request(server, "/api/v1/namespaces/default/pods", token)
        assert (code, body["reason"]) == (401, "Unauthorized")
    code, body = request(server, "/api/v1/namespaces/default/pods", server.token)
    assert (code, body["kind"]) == (200, "PodList")


def test_get_prints_what_c_kubectl_prints(server: Server) -> None:
    with server.lock:
        server.cluster.apply(deployment("getweb"))
        server.cluster.run(30)
    for command in ("get pods", "get pods -o wide", "get deploy,rs", "get nodes", "get pods -A --show-labels",
                    "get pods -L app,run -L x", "get pods -o wide -Lapp --show-labels", "get deploy -L app.k8s.io/name",
                    "get all", "get events", "get pods -l app=getweb", "get svc kubernetes",
                    "get pods --field-selector=spec.nodeName=node-1", "rollout history deploy/getweb"):
        real, expected = same(server, command)
        assert real == expected, command
    assert "deployment.apps/getweb   2/2     2            2" in kubectl(server, "get", "deploy,rs")


def test_errors_read_as_the_servers(server: Server) -> None:
    real, expected = same(server, "get pod nope")
    assert real == expected == 'Error from server (NotFound): pods "nope" not found\n'
    # kubectl's own wording around the server's NotFound: a missing namespace (not for delete), logs' suffix
    for command, printed in (
            ("get pod nope -n nowhere", 'Error from server (NotFound): namespaces "nowhere" not found\n'),
            ("describe pod nope -n nowhere", 'Error from server (NotFound): namespaces "nowhere" not found\n'),
            ("delete pod nope -n nowhere", 'Error from server (NotFound): pods "nope" not found\n'),
            ("logs nope", 'error: error from server (NotFound): pods "nope" not found in namespace "default"\n'),
            ("logs deploy/nope -n nowhere", 'error: error from server (NotFound): namespaces "nowhere" not found '
                                           'in namespace "nowhere"\n'),
            ("exec deploy/nope -- ls", 'Error from server (NotFound): deployments.apps "nope" not found\n'),
            ("apply -f nowhere.yaml", 'error: the path "nowhere.yaml" does not exist\n'),
            ("wait --for=condition=Ready pod/nope", 'Error from server (NotFound): pods "nope" not found\n'),
            ("wait --for=delete pod/nope", ""), ("wait pod/nope", 'error: unrecognized condition: ""\n')):
        real, expected = same(server, command)
        assert real == expected == printed, command
    bad = make_pod("badpod")
    bad.spec.containers[0].image = ""
    manifest = Path(server.directory, "bad.json")
    manifest.write_text(json.dumps(bad.to_dict()))
    # the Invalid Status's causes, as kubectl's checkErr prints them (k8s.io/kubectl/pkg/cmd/util/helpers.go)
    assert kubectl(server, "apply", "-f", str(manifest)) == \
        'The Pod "badpod" is invalid: spec.containers[0].image: Required value\n'
    good = Path(server.directory, "good.json")
    good.write_text(json.dumps(make_pod("twice").to_dict()))
    assert kubectl(server, "create", "-f", str(good)) == "pod/twice created\n"
    assert kubectl(server, "create", "-f", str(good)) == \
        f'Error from server (AlreadyExists): error when creating "{good}": pods "twice" already exists\n'


def test_describe_prints_what_c_kubectl_prints(server: Server) -> None:
    with server.lock:
        server.cluster.apply(deployment("descweb"))
        server.cluster.kubectl("expose deployment descweb --port=80")  # a port without a name
        server.cluster.run(30)
    # an EndpointSlice's port name is a pointer that the real kubectl's describe dereferences (`name: ""`)
    for command in ("describe svc kubernetes", "describe ns default", "describe svc descweb", "describe ep descweb",
                    "describe ep kubernetes", "describe endpointslices -l kubernetes.io/service-name=descweb",
                    "describe endpointslice kubernetes", "describe storageclass"):
        real, expected = same(server, command)
        assert real == expected
    real, expected = same(server, "describe node node-1")
    # the Non-terminated Pods table's Age, like the events', is measured against the machine's clock
    assert real.split("Non-terminated Pods:")[0] == expected.split("Non-terminated Pods:")[0]
    real, expected = same(server, "describe deploy descweb")
    # kubectl measures the events' Age against the machine's clock, c.kubectl against the cluster's
    assert real.split("Events:")[0] == expected.split("Events:")[0]
    assert "Scaled up replica set descweb-" in real.split("Events:")[1]


def test_describe_configmaps_secrets_and_service_accounts(server: Server) -> None:
    """Their describers: a ConfigMap's values, a Secret's sizes, a ServiceAccount's secrets (one key each: kubectl
    walks a Go map, so several keys come in any order)."""
    with server.lock:
        server.cluster.apply([
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "lines", "labels": {"a": "b"}},
             "data": {"text": "one\ntwo\n"}, "binaryData": {"blob": "AAECAw=="}},
            {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "login"}, "data": {"password": "czNjcmV0"}},
            {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "robot"},
             "secrets": [{"name": "login"}, {"name": "gone"}], "imagePullSecrets": [{"name": "regcred"}]}])
    for command in ("describe configmap lines", "describe cm kube-root-ca.crt", "describe secret login",
                    "describe sa robot", "describe serviceaccount default"):
        real, expected = same(server, command)
        assert real == expected, command
    assert kubectl(server, "describe", "sa", "robot").endswith(
        "Image pull secrets:  regcred (not found)\nMountable secrets:   login\n                     gone (not found)\n"
        "Tokens:              <none>\nEvents:              <none>\n")
    assert "\nData\n====\ntext:\n----\none\ntwo\n\n\n\nBinaryData\n====\nblob: 4 bytes\n\nEvents:  <none>\n" in \
        kubectl(server, "describe", "configmap", "lines")
    assert kubectl(server, "describe", "secret", "login").endswith(
        "\nType:  Opaque\n\nData\n====\npassword:  6 bytes\n")


def test_apply_a_docs_example(server: Server) -> None:
    path = str(example("nginx-deployment.yaml"))
    assert kubectl(server, "apply", "-f", path) == "deployment.apps/nginx-deployment created\n"
    assert kubectl(server, "apply", "-f", path) == "deployment.apps/nginx-deployment unchanged\n"
    with server.lock:
        stored = server.cluster.get("deployment", "nginx-deployment")
        assert "kubectl.kubernetes.io/last-applied-configuration" in stored.metadata.annotations
        server.cluster.run(30)
    real, expected = same(server, "get deploy nginx-deployment")
    assert real == expected
    assert "nginx-deployment   3/3     3            3" in real


def test_scale_and_patch(server: Server) -> None:
    with server.lock:
        server.cluster.apply(deployment("scaleweb"))
    assert kubectl(server, "scale", "deploy", "scaleweb", "--replicas=4") == "deployment.apps/scaleweb scaled\n"
    assert kubectl(server, "patch", "deploy", "scaleweb", "--type=merge", "-p", '{"spec":{"minReadySeconds":5}}') \
        == "deployment.apps/scaleweb patched\n"
    assert kubectl(server, "patch", "deploy", "scaleweb", "--type=json",
                   "-p", '[{"op":"replace","path":"/spec/replicas","value":5}]') == "deployment.apps/scaleweb patched\n"
    assert kubectl(server, "set", "image", "deploy/scaleweb", "web=nginx:1.27") == \
        "deployment.apps/scaleweb image updated\n"  # a strategic merge patch of the container, by name
    with server.lock:
        stored = server.cluster.get("deployment", "scaleweb")
    assert (stored.spec.replicas, stored.spec.min_ready_seconds) == (5, 5)
    assert stored.spec.template.spec.containers[0].image == "nginx:1.27"


def test_logs(server: Server) -> None:
    with server.lock:
        server.cluster.apply(make_pod("talker", command="echo hello; echo world; sleep 3600"))
    # the kubelet's refusal, pkg/kubelet/kubelet_pods.go validateContainerLogStatus
    assert kubectl(server, "logs", "talker") == \
        'Error from server (BadRequest): container "main" in pod "talker" is waiting to start: ContainerCreating\n'
    with server.lock:
        server.cluster.run(30)
    real, expected = same(server, "logs talker")
    assert real == expected == "hello\nworld\n"


def without_last_seen(text: str) -> list[list[str]]:
    """The words of each line but those of an events table's first column (`12s`, `3s (x2 over 9s)`)."""
    return [re.sub(r"^(LAST SEEN|\S+ \(x\d+ over \S+\)|\d+[smhd]\S*)\s+", "", line).split()
            for line in text.splitlines()]


def test_events_logs_and_exec_of_a_workload(server: Server) -> None:
    """kubectl events and `logs job/x` / `exec deploy/x`: the pods and events the real kubectl picks from the
    server's lists are the ones c.kubectl picks."""
    with server.lock:
        server.cluster.kubectl("create job once --image=busybox -- echo done")
        server.cluster.kubectl("create deployment solo --image=busybox -- sleep 3600")
        server.cluster.run(30)
        pod = next(p.name for p in server.cluster.get("pods") if p.name.startswith("solo-"))
    for command in ("logs job/once", "logs jobs/once", f"events --for pod/{pod}", "events --for job/once",
                    "events --types=Bad", "events --for pod/nope", "events --for nope", "logs cm/kube-root-ca.crt",
                    "logs svc/kubernetes"):
        real, expected = same(server, command)
        # kubectl measures LAST SEEN against the machine's clock, c.kubectl against the cluster's
        assert without_last_seen(real) == without_last_seen(expected), command
    assert len(without_last_seen(kubectl(server, "events", "--for", f"pod/{pod}"))) == 6  # heading, Scheduled ...
    assert kubectl(server, "logs", "job/once") == "done\n"
    assert kubectl(server, "events", "--for", "pod/nope") == "No events found in default namespace.\n"
    real, expected = same(server, "exec deploy/solo -- hostname")
    assert real == expected == f"{pod}\n"


def delete_while_running(server: Server, kind: str, name: str, *flags: str, command: tuple[str, ...] = ()) -> str:
    """`kubectl delete` (or `command`) waits until the object is gone: run the cluster once the deletion began."""
    deleting = start_kubectl(server, *(command or ("delete", kind, name, *flags)))
    while True:
        with server.lock:
            if server.cluster.get(kind, name).metadata.deletion_timestamp is not None:
                server.cluster.run(40)  # the kubelet stops the containers, the garbage collector ...
                break
    out, _ = deleting.communicate(timeout=30)
    return out


def test_delete_waits_for_the_kubelet(server: Server) -> None:
    with server.lock:
        server.cluster.apply(make_pod("goner"))
        server.cluster.run(20)
    assert delete_while_running(server, "pod", "goner") == 'pod "goner" deleted\n'
    assert kubectl(server, "get", "pod", "goner") == 'Error from server (NotFound): pods "goner" not found\n'


def test_drain_deletes_with_protobuf_delete_options(server: Server) -> None:
    with server.lock:
        server.cluster.apply(deployment("drained", replicas=1))
        server.cluster.run(10)
        (pod,) = [p for p in server.cluster.get("pods") if p.name.startswith("drained-")]
    # kubectl's typed client sends DeleteOptions in protobuf; no pods/eviction in discovery: it deletes
    out = delete_while_running(server, "pod", pod.name, command=(
        "drain", pod.spec.node_name, "--ignore-daemonsets", "--pod-selector=app=drained", "--timeout=30s"))
    assert out.splitlines() == [f"node/{pod.spec.node_name} cordoned", f"pod/{pod.name} deleted",
                                f"node/{pod.spec.node_name} drained"]
    assert kubectl(server, "uncordon", pod.spec.node_name) == f"node/{pod.spec.node_name} uncordoned\n"


def test_delete_with_cascade_orphan(server: Server) -> None:
    with server.lock:
        server.cluster.apply(deployment("orphans"))
        server.cluster.run(5)
    assert delete_while_running(server, "deployment", "orphans", "--cascade=orphan") == \
        'deployment.apps "orphans" deleted\n'
    with server.lock:
        (rs,) = [r for r in server.cluster.get("replicasets") if r.name.startswith("orphans-")]
    assert rs.metadata.owner_references == []  # propagationPolicy=Orphan: the garbage collector let it go


def test_get_watch_streams_changes(server: Server) -> None:
    with server.lock:
        server.cluster.apply(make_pod("watched", labels={"watch": "me"}))
    # a list, then a watch from the list's resourceVersion: no change in between is missed (a watch of one
    # named object starts from "0" and kubectl skips its first event, so its start would race with run())
    watching = start_kubectl(server, "get", "pods", "-l", "watch=me", "-w")
    assert watching.stdout is not None
    assert watching.stdout.readline().split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert watching.stdout.readline().split()[:3] == ["watched", "0/1", "Pending"]
    with server.lock:
        server.cluster.run(30)
    seen = []
    while "Running" not in seen:
        seen.append(watching.stdout.readline().split()[2])
    watching.terminate()
    watching.communicate(timeout=10)
    assert seen[-2:] == ["ContainerCreating", "Running"]


@pytest.mark.parametrize("command, line", [
    ("explain pods", "  spec\t<PodSpec>"),
    ("explain pods.spec.containers", "FIELD: containers <[]Container>"),
    ("explain deployment.spec.strategy", "  rollingUpdate\t<RollingUpdateDeployment>"),
    ("explain pods --recursive", "    containers\t<[]Container> -required-"),
    ("explain svc --api-version=v1", "  spec\t<ServiceSpec>"),
    ("explain pods.spec.nope", 'error: field "nope" does not exist'),
    ("explain widgets", 'the server doesn\'t have a resource type "widgets"'),
])
def test_explain_prints_what_c_kubectl_prints(server: Server, command: str, line: str) -> None:
    """The real kubectl reads the kind's schema from the server's OpenAPI v3 document, c.kubectl from the same
    document (k8slite.server.openapi)."""
    real, expected = same(server, command)
    assert real == expected
    assert line in real.splitlines()


def get(server: Server, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """A GET without following redirects: (HTTP code, headers, body)."""
    context = ssl.create_default_context(cadata=Path(server.directory, "apiserver.crt").read_text())
    connection = http.client.HTTPSConnection("127.0.0.1", server.port, context=context)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {server.token}", **(headers or {})})
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def test_openapi_documents_are_found_and_cached_by_their_hash(server: Server) -> None:
    """kube-openapi's handler3: the root names each document with its hash; asked for with it, a document may be
    cached for good (kubectl keeps it in ~/.kube/cache/http); an old hash is sent on to the current one."""
    _, root = request(server, "/openapi/v3", server.token)
    url = root["paths"]["apis/apps/v1"]["serverRelativeURL"]
    assert url.startswith("/openapi/v3/apis/apps/v1?hash=")
    code, headers, body = get(server, url)
    assert (code, headers["Cache-Control"], headers["ETag"]) == (200, "public, immutable", f'"{url.split("=")[1]}"')
    assert "io.k8s.api.apps.v1.Deployment" in json.loads(body)["components"]["schemas"]
    code, headers, _ = get(server, "/openapi/v3/apis/apps/v1?hash=0123")
    assert (code, headers["Location"]) == (301, url)
    code, _, body = get(server, url, {"If-None-Match": f'"{url.split("=")[1]}"'})
    assert (code, body) == (304, b"")
    assert get(server, "/openapi/v3/apis/apps/v2")[0] == 404


def test_the_python_client_lists_watches_and_creates(server: Server) -> None:
    kubernetes = pytest.importorskip("kubernetes")
    client = kubernetes.config.new_client_from_config(server.kubeconfig)
    v1 = kubernetes.client.CoreV1Api(client)
    pod = kubernetes.client.V1Pod(metadata=kubernetes.client.V1ObjectMeta(name="frompython", labels={"py": "yes"}),
                                  spec=kubernetes.client.V1PodSpec(
                                      containers=[kubernetes.client.V1Container(name="a", image="nginx")]))
    assert v1.create_namespaced_pod("default", pod).metadata.name == "frompython"
    assert [p.metadata.name for p in v1.list_namespaced_pod("default", label_selector="py=yes").items] == \
        ["frompython"]
    assert {n.metadata.name for n in v1.list_node().items} == {"node-1", "node-2"}
    events = kubernetes.watch.Watch().stream(v1.list_namespaced_pod, "default", label_selector="py=yes",
                                             timeout_seconds=1)
    assert [(e["type"], e["object"].metadata.name) for e in events] == [("ADDED", "frompython")]
    with pytest.raises(kubernetes.client.exceptions.ApiException) as refused:
        v1.read_namespaced_pod("nope", "default")
    assert refused.value.status == 404
    assert json.loads(refused.value.body)["message"] == 'pods "nope" not found'
    v1.delete_collection_namespaced_pod("default", label_selector="py=yes")  # not on a node yet: gone at once
    assert v1.list_namespaced_pod("default", label_selector="py=yes").items == []


def test_the_console_command_serves_on_the_real_clock(tmp_path: Path) -> None:
    """`python -m k8slite.server`: its own cluster, running 20 times faster than real time, whose timestamps
    are sent on the real clock, so that describe's ages (computed by kubectl) are the cluster's."""
    manifest = tmp_path / "pod.json"
    manifest.write_text(json.dumps(make_pod("console").to_dict()))
    config = tmp_path / "kubeconfig"
    process = subprocess.Popen([sys.executable, "-m", "k8slite.server", "--nodes", "1", "--speed", "20",
                                "--kubeconfig", str(config), "-f", str(manifest)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("k8slite API server at https://127.0.0.1:")
        assert process.stdout.readline() == f"export KUBECONFIG={config}\n"
        env = dict(os.environ, HOME=str(tmp_path), TZ="UTC")
        run = [str(KUBECTL), "--kubeconfig", str(config)]
        subprocess.run([*run, "wait", "--for=condition=Ready", "pod/console", "--timeout=20s"], env=env, check=True,
                       capture_output=True)
        described = subprocess.run([*run, "describe", "pod", "console"], env=env, capture_output=True, text=True)
        events = described.stdout.split("Events:")[1].splitlines()[3:]
        # pkg/kubelet/images/image_manager.go: `Pulling image "busybox"`; its age in seconds, not "702d"
        pulling = next(line.split() for line in events if "Pulling" in line)
        assert pulling[2].endswith("s") and pulling[4:] == ["Pulling", "image", '"busybox"']
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_logs_follow(server: Server) -> None:
    with server.lock:
        server.cluster.apply(make_pod("follower", command="echo one; sleep 10; echo two; sleep 3600"))
        server.cluster.run(5)
    following = start_kubectl(server, "logs", "-f", "follower")
    assert following.stdout is not None
    assert following.stdout.readline() == "one\n"
    with server.lock:
        server.cluster.run(10)
    assert following.stdout.readline() == "two\n"  # the same stream, 10 s later on the cluster clock
    following.terminate()
    following.communicate(timeout=10)


def within(expected: Any, actual: Any) -> bool:
    """Whether `actual` has every field of `expected`, with its value (lists item by item)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and within(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and \
            all(within(e, a) for e, a in zip(expected, actual))
    return bool(expected == actual)


# kubectl 1.32's typed clients send these bodies in protobuf. What kubectl prints is what it prints against
# kube-apiserver; the stored object has the fields the command set.
CREATED = [
    ("create namespace pbns", "namespace/pbns created", {}),
    ("create deployment pbweb --image=nginx:1.27 --replicas=0 --port=80", "deployment.apps/pbweb created",
     {"spec": {"replicas": 0, "selector": {"matchLabels": {"app": "pbweb"}},  # a pointer's zero, kept
               "template": {"metadata": {"labels": {"app": "pbweb"}}, "spec": {"containers": [
                   {"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]}}}}),
    ("create configmap pbcm --from-literal=a=b", "configmap/pbcm created", {"data": {"a": "b"}}),
    ("create secret generic pbsecret --from-literal=a=b", "secret/pbsecret created",
     {"type": "Opaque", "data": {"a": "Yg=="}}),  # bytes, in base64
    ("create secret docker-registry pbpull --docker-username=u --docker-password=p", "secret/pbpull created",
     {"type": "kubernetes.io/dockerconfigjson"}),
    ("create service clusterip pbsvc --tcp=80:http", "service/pbsvc created",
     {"spec": {"type": "ClusterIP", "selector": {"app": "pbsvc"},
               "ports": [{"name": "80-http", "port": 80, "targetPort": "http"}]}}),  # IntOrString, a string
    ("create service nodeport pbnp --tcp=80:8080", "service/pbnp created",
     {"spec": {"type": "NodePort", "ports": [{"port": 80, "targetPort": 8080}]}}),  # IntOrString, a number
    ("create service loadbalancer pblb --tcp=443:8443", "service/pblb created", {"spec": {"type": "LoadBalancer"}}),
    ("create job pbjob --image=busybox -- echo hi", "job.batch/pbjob created",
     {"spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [
         {"name": "pbjob", "image": "busybox", "command": ["echo", "hi"]}]}}}}),
    ("create cronjob pbcj --image=busybox --schedule=@hourly -- echo hi", "cronjob.batch/pbcj created",
     {"spec": {"schedule": "@hourly", "jobTemplate": {"metadata": {"name": "pbcj"}, "spec": {"template": {"spec": {
         "restartPolicy": "OnFailure",
         "containers": [{"name": "pbcj", "image": "busybox", "command": ["echo", "hi"]}]}}}}}}),
    ("create serviceaccount pbsa", "serviceaccount/pbsa created", {}),
    ("create quota pbquota --hard=persistentvolumeclaims=5,requests.storage=10Gi", "resourcequota/pbquota created",
     {"spec": {"hard": {"persistentvolumeclaims": "5", "requests.storage": "10Gi"}}}),  # Quantities; no pod's limit
]


GENERATED = ["create deployment gen --image=nginx --replicas=3 --port=80", "run gen --image=busybox --restart=Never "
             "--labels=a=b --env=X=1 -- echo hi", "create job gen --image=busybox -- echo hi",
             "create configmap gen --from-literal=a=b", "create secret generic gen --from-literal=pw=x",
             "create namespace gen", "create service clusterip gen --tcp=80:8080", "create serviceaccount gen",
             "create quota gen --hard=pods=3", "create cronjob gen --image=busybox --schedule=@hourly -- echo hi",
             "expose deployment gen-exposed --port=80 --target-port=8080 --name=gen",
             "run gen --image=nginx --image-pull-policy=IfNotPresent --annotations=a=b --annotations=c=d",
             "run gen --image=nginx --image-pull-policy=Sometimes", "run gen -it --image=busybox -- sh",
             "run gen --rm --image=busybox"]


@pytest.mark.parametrize("command", GENERATED, ids=[c.split(" --")[0] for c in GENERATED])
def test_generators_print_what_the_real_kubectl_generates(server: Server, command: str) -> None:
    """--dry-run=client: the object as the client makes it, before the server adds anything."""
    with server.lock:
        if "gen-exposed" not in {d.name for d in server.cluster.get("deployments")}:
            server.cluster.kubectl("create deployment gen-exposed --image=nginx")
    for output in (" -o yaml", ""):
        real, expected = same(server, command.replace(" -- ", f" --dry-run=client{output} -- ")
                              if " -- " in command else f"{command} --dry-run=client{output}")
        assert real == expected


def test_dry_runs_say_what_the_real_kubectl_says_and_store_nothing(server: Server) -> None:
    with server.lock:
        server.cluster.kubectl("create deployment drydep --image=nginx")
        server.cluster.kubectl("run drypod --image=nginx")
        server.cluster.run(5)
        before = server.cluster.api.store.revision
    for mode in ("client", "server"):
        for command in ("scale deploy drydep --replicas=5", "label pod drypod x=y", "annotate pod drypod x=y",
                        "delete pod drypod", "cordon node-1", "set image deploy/drydep nginx=nginx:2",
                        "taint node node-1 a=b:NoSchedule", "get pods", "rollout restart deploy/drydep"):
            real, expected = same(server, f"{command} --dry-run={mode}")
            assert real == expected, command
    with server.lock:
        assert server.cluster.api.store.revision == before


@pytest.mark.parametrize(("command", "printed", "fields"), CREATED, ids=[c[0].split(" --")[0] for c in CREATED])
def test_kubectl_create_sends_protobuf(server: Server, command: str, printed: str, fields: dict[str, Any]) -> None:
    assert kubectl(server, *command.split()) == printed + "\n"
    kind, name = printed.split()[0].split("/")
    with server.lock:
        stored = server.cluster.get(kind.split(".")[0], name)
    assert within({"metadata": {"name": name}, **fields}, stored.to_dict())


def test_a_deployment_kubectl_created_runs_its_pods(server: Server) -> None:
    assert kubectl(server, "create", "deployment", "pbscale", "--image=nginx", "--replicas=3") == \
        "deployment.apps/pbscale created\n"
    with server.lock:
        server.cluster.run(30)
        pods = [p for p in server.cluster.get("pods") if p.name.startswith("pbscale-")]
    assert [p.status.phase for p in pods] == ["Running"] * 3
    real, expected = same(server, "get deploy pbscale")
    assert real == expected
    assert "pbscale   3/3     3            3" in real


def test_kubectl_debug_copies_a_pod_in_protobuf(server: Server) -> None:
    """`kubectl debug --copy-to` reads a pod (JSON) and creates its copy (protobuf): the same spec, one more
    container; every field of the stored pod, defaults included, goes through the protobuf table."""
    with server.lock:
        server.cluster.apply(make_pod("pboriginal", cpu="100m", memory="64Mi"))
        original = server.cluster.get("pod", "pboriginal")
    assert kubectl(server, "debug", "pboriginal", "--image=busybox", "--copy-to=pbcopy", "--container=dbg",
                   "--profile=general", "--", "sleep", "1000") == ""
    with server.lock:
        copy = server.cluster.get("pod", "pbcopy")
    assert copy.spec.containers[0] == original.spec.containers[0]
    assert (copy.spec.containers[1].name, copy.spec.containers[1].command) == ("dbg", ["sleep", "1000"])
    assert (copy.spec.volumes, copy.spec.tolerations) == (original.spec.volumes, original.spec.tolerations)


def test_a_protobuf_body_that_cannot_be_read_is_a_bad_request(server: Server) -> None:
    path = "/apis/apps/v1/namespaces/default/deployments"
    namespace = envelope("v1", "Namespace", nested(1, string(1, "pbwrong")))
    for body, message in [
        (protobuf.MAGIC + b"\x0a\x05ab", "the object provided is unrecognized (must be of type Deployment): "
                                         "the body: field 1 runs past the end of its message"),
        (envelope("apps/v1", "Deployment", nested(1, number(1, 5))), "the object provided is unrecognized "
         "(must be of type Deployment): metadata.name: a string sent with wire type 0"),
        (envelope("v1", "ReplicationController", nested(1, string(1, "pbwrong"))), "the object provided is "
         "unrecognized (must be of type Deployment): no protobuf message is known for kind 'ReplicationController'"),
        (namespace, 'Namespace in version "v1" cannot be handled as a Deployment: the request takes a Deployment'),
    ]:
        with server.lock:
            revision = server.cluster.api.store.revision
        code, status = request(server, path, server.token, body, protobuf.MEDIA_TYPE)
        assert (code, status["reason"], status["message"]) == (400, "BadRequest", message)
        with server.lock:
            assert server.cluster.api.store.revision == revision  # nothing stored
    assert "pbwrong" not in kubectl(server, "get", "deploy,ns")


def test_a_protobuf_scale_of_zero_replicas(server: Server) -> None:
    """A Scale's spec.replicas is an int32, not a pointer: Go writes it even at 0, so the table cannot tell a 0
    from nothing; the scale subresource reads nothing as 0, as Go does."""
    with server.lock:
        server.cluster.apply(deployment("pbzero", replicas=2))
    # autoscaling/v1 Scale {1 metadata {1 name}, 2 spec {1 replicas}}
    body = envelope("autoscaling/v1", "Scale", nested(1, string(1, "pbzero")) + nested(2, number(1, 0)))
    code, scale = request(server, "/apis/apps/v1/namespaces/default/deployments/pbzero/scale", server.token,
                          body, protobuf.MEDIA_TYPE, method="PUT")
    assert (code, scale["kind"], scale["spec"]) == (200, "Scale", {"replicas": 0})
    with server.lock:
        assert server.cluster.get("deployment", "pbzero").spec.replicas == 0


def test_a_watch_stream_says_deleted_at_the_revision_of_the_delete(server: Server) -> None:
    """etcd3's watcher decodes a delete as the last state, versioned with the delete's revision: a client that
    resumes from the DELETED event's resourceVersion must not see the delete again."""
    with server.lock:
        server.cluster.apply(make_pod("watched", command="sleep 3600"))
        server.cluster.run(2)
        since = server.cluster.api.store.revision
    context = ssl.create_default_context(cadata=Path(server.directory, "apiserver.crt").read_text())
    ask = urllib.request.Request(f"{server.url}/api/v1/namespaces/default/pods?watch=1&resourceVersion={since}"
                                 "&fieldSelector=metadata.name%3Dwatched",
                                 headers={"Authorization": f"Bearer {server.token}"})
    with urllib.request.urlopen(ask, context=context, timeout=10) as stream:
        with server.lock:
            server.cluster.api.delete("pods", "watched", "default", grace_period=0)
            deleted_at = server.cluster.api.store.revision
        event = json.loads(stream.readline())
    assert event["type"] == "DELETED"
    assert event["object"]["metadata"]["resourceVersion"] == str(deleted_at) != str(since)


def test_a_list_comes_in_pages_with_limit_and_continue(server: Server) -> None:
    """kubectl --chunk-size=2 follows metadata.continue page by page and prints the same table; a raw client
    gets remainingItemCount and the first page's resourceVersion on every page."""
    with server.lock:
        for i in range(5):
            server.cluster.api.create(make_pod(f"paged-{i}", labels={"paging": "yes"}))
    whole = kubectl(server, "get", "pods", "-l", "paging=yes")
    chunked = kubectl(server, "get", "pods", "-l", "paging=yes", "--chunk-size=2", "-v=6")
    requests = [line for line in chunked.splitlines() if "GET https" in line and "paging" in line]
    assert len(requests) == 3 and "continue=" in requests[1] and "continue=" in requests[2]
    assert [line for line in chunked.splitlines() if line.startswith(("NAME", "paged-"))] == whole.splitlines()
    names, token, versions = [], "", set()
    while True:
        code, body = request(server, "/api/v1/namespaces/default/pods?labelSelector=paging%3Dyes&limit=2"
                             + (f"&continue={token}" if token else ""), server.token)
        assert code == 200
        names += [item["metadata"]["name"] for item in body["items"]]
        versions.add(body["metadata"]["resourceVersion"])
        token = body["metadata"].get("continue", "")
        if not token:
            break
        assert body["metadata"]["remainingItemCount"] == 5 - len(names)
    assert names == [f"paged-{i}" for i in range(5)] and len(versions) == 1
    code, body = request(server, "/api/v1/namespaces/default/pods?limit=2&continue=bm90LWEtdG9rZW4", server.token)
    assert code == 400 and body["message"].startswith("continue key is not valid")


def test_later_pages_are_read_at_the_first_pages_revision(server: Server) -> None:
    """Pods created, changed or deleted between pages do not move the list (etcd reads at the token's
    revision); once the store's history no longer reaches back that far, the token is 410 Gone."""
    with server.lock:
        for i in range(5):
            server.cluster.api.create(make_pod(f"snap-{i}", labels={"snap": "yes"}))
    path = "/api/v1/namespaces/default/pods?labelSelector=snap%3Dyes&limit=2"
    code, first = request(server, path, server.token)
    assert [item["metadata"]["name"] for item in first["items"]] == ["snap-0", "snap-1"]
    with server.lock:
        api = server.cluster.api
        api.delete("pods", "snap-3", grace_period=0)
        api.create(make_pod("snap-2b", labels={"snap": "yes"}))
        changed = api.get("pods", "snap-4").copy()
        changed.metadata.labels["snap"] = "no"
        api.update(changed)
    names, token = [], first["metadata"]["continue"]
    while token:
        code, body = request(server, f"{path}&continue={token}", server.token)
        assert code == 200 and body["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
        names += [item["metadata"]["name"] for item in body["items"]]
        token = body["metadata"].get("continue", "")
    assert names == ["snap-2", "snap-3", "snap-4"]  # the list as it was: no snap-2b, snap-3 and snap-4 still there
    with server.lock:
        store = server.cluster.api.store
        saved, store._history = store._history, deque(maxlen=1)
        server.cluster.api.create(make_pod("snap-late"))
    try:
        code, body = request(server, f"{path}&continue={first['metadata']['continue']}", server.token)
    finally:
        with server.lock:
            saved.extend(store._history)
            store._history = saved
    assert code == 410 and body["reason"] == "Expired"
    assert body["message"].startswith("The provided continue parameter is too old to display a consistent list")


def test_a_watch_that_allows_bookmarks_gets_one_before_its_timeout(server: Server) -> None:
    """The watch cache's bookmark, 2 s before the stream's deadline: the revision everything up to which was
    sent; a watch without allowWatchBookmarks gets none."""
    context = ssl.create_default_context(cadata=Path(server.directory, "apiserver.crt").read_text())
    with server.lock:
        since = server.cluster.api.store.revision
    lines = {}
    for allowed in ("true", "false"):
        ask = urllib.request.Request(f"{server.url}/api/v1/namespaces/default/configmaps?watch=1&resourceVersion="
                                     f"{since}&timeoutSeconds=3&allowWatchBookmarks={allowed}",
                                     headers={"Authorization": f"Bearer {server.token}"})
        with urllib.request.urlopen(ask, context=context, timeout=10) as stream:
            lines[allowed] = [json.loads(line) for line in stream]
    (bookmark,) = [e for e in lines["true"] if e["type"] == "BOOKMARK"]
    assert bookmark["object"]["kind"] == "ConfigMap" and int(bookmark["object"]["metadata"]["resourceVersion"]) >= since
    assert not [e for e in lines["false"] if e["type"] == "BOOKMARK"]


@pytest.mark.parametrize("flags", ["", "-o wide", "-o name", "--namespaced=false", "--api-group=apps --no-headers",
                                   "--api-group=", "--sort-by=kind", "--verbs=list,get --namespaced=true",
                                   "--categories=all -o wide"])
def test_api_resources_prints_what_the_real_kubectl_prints(server: Server, flags: str) -> None:
    real, expected = same(server, f"api-resources {flags}".strip())
    assert real == expected


def test_kubectl_discovers_everything_in_two_aggregated_requests(server: Server, tmp_path: Path) -> None:
    """kubectl 1.32 asks /api and /apis for APIGroupDiscoveryList (apidiscovery.k8s.io/v2) and, answered,
    asks no group version's resource list."""
    env = dict(os.environ, HOME=str(tmp_path), TZ="UTC")  # an empty discovery cache
    done = subprocess.run([str(KUBECTL), "--kubeconfig", server.kubeconfig, "api-resources", "-v=6"],
                          capture_output=True, text=True, env=env, timeout=30)
    asked = [line.split("GET ", 1)[1].split("?")[0] for line in done.stderr.splitlines() if "GET https" in line]
    assert [url.removeprefix(server.url) for url in asked] == ["/api", "/apis"]
    code, body = request(server, "/apis", server.token)
    assert code == 200 and body["kind"] == "APIGroupList"  # a client that does not ask gets the older document


GO_TEMPLATES = [  # the Kubernetes Basics tutorial's, then what a mistake in one prints
    """get pods -l app=tmplweb -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'""",
    "get services/tmplweb -o go-template='{{(index .spec.ports 0).nodePort}}'",
    """get deploy tmplweb -o go-template='{{range $k, $v := .metadata.labels}}{{$k}}={{$v}} {{end}}{{.spec.replicas |
       printf "%05d"}} {{.status.missing}} {{if eq .spec.replicas 2}}two{{end}} {{.spec.template.spec.containers}}'""",
    "get deploy tmplweb -o go-template='{{if eq .spec.replicas 2.0}}two{{end}}'",
    "get deploy tmplweb -o go-template='{{.metadata.name.x}}'",
    "get pods -l app=tmplweb -o go-template='{{range .items}}{{.kind}}{{.items.x}}{{end}}'",
    "get deploy,svc tmplweb -o template='{{range .items}}{{.kind}} {{end}}'",
    "get deploy tmplweb -o go-template='{{range .items}}'",
    "get deploy tmplweb -o go-template='{{ .kind }'",
    "get svc nope -o go-template='{{.kind}}'",
    "get deploy tmplweb -o jsonpath-as-json='x{.spec.replicas}{.metadata.labels}'",
]


@pytest.mark.parametrize("command", GO_TEMPLATES, ids=range(len(GO_TEMPLATES)))
def test_go_templates_print_what_the_real_kubectl_prints(server: Server, command: str) -> None:
    with server.lock:
        if "tmplweb" not in {d.name for d in server.cluster.api.list("deployments")}:  # the first of these tests
            server.cluster.apply(deployment("tmplweb"))
            server.cluster.kubectl("expose deployment tmplweb --port=80 --type=NodePort")
            server.cluster.run(30)
        expected = server.cluster.kubectl(command)
    assert kubectl(server, *shlex.split(command)) == expected


def test_cluster_info_prints_what_the_real_kubectl_prints(server: Server) -> None:
    from k8slite.kubectl.version import SERVER_URL
    for command in ("cluster-info", "cluster-info -n default", "cluster-info -o yaml", "cluster-info -A"):
        real, expected = same(server, command)
        assert real.replace(server.url, SERVER_URL) == expected
    assert same(server, "cluster-info")[1].splitlines()[1] == \
        "CoreDNS is running at https://172.18.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy"


CONFIG_COMMANDS = ["config view", "config view -o json", "config current-context", "config get-contexts",
                   "config get-clusters", "config get-users", "config set-context --current --namespace=team",
                   "config view --minify -o jsonpath={..namespace}", "config set-context dev --namespace=dev",
                   "config get-contexts", "config use-context dev", "config get-contexts nope",
                   "config use-context nope", "config set-context --namespace=x", "config frob",
                   "config set-context dev --cluster=k8slite --user=k8slite", "config view --minify",
                   "config get-contexts", "config view -o name"]


def test_kubectl_config_reads_and_changes_the_kubeconfig_as_the_real_one(server: Server, tmp_path: Path) -> None:
    """The real kubectl on a copy of the served cluster's kubeconfig, c.kubectl on a cluster of its own."""
    from k8slite import Cluster
    from k8slite.kubectl.version import SERVER_URL
    copy = tmp_path / "kubeconfig"
    copy.write_text(Path(server.kubeconfig).read_text())
    env = dict(os.environ, HOME=str(tmp_path), TZ="UTC")
    mine = Cluster(nodes=1)
    for command in CONFIG_COMMANDS:
        done = subprocess.run([str(KUBECTL), "--kubeconfig", str(copy), *command.split()], capture_output=True,
                              text=True, env=env, timeout=30)
        assert (done.stdout + done.stderr).replace(server.url, SERVER_URL) == mine.kubectl(command), command
    assert mine.kubectl("get pods") == "No resources found in dev namespace.\n"  # the context's namespace
    mine.kubectl("config set-context dev --cluster=nope")
    assert mine.kubectl("get pods") == \
        "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n"
    assert mine.kubectl("config view --minify") == "error: cannot locate cluster nope\n"


def test_kubectl_diff_prints_what_the_real_kubectl_prints(server: Server, tmp_path: Path) -> None:
    """Both diff against the served cluster's dry run; the temporary folders' numbers, the files' times
    and the uid a dry-run create draws are the only differences allowed."""
    def normal(text: str) -> str:
        text = re.sub(r"/tmp/(LIVE|MERGED)-\d+", r"/tmp/\1-N", text)
        text = re.sub(r"\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000", "\tTIME", text)
        return re.sub(r"uid: [0-9a-f-]{36}", "uid: UID", text)

    with server.lock:
        server.cluster.apply(deployment("diffweb"))
        server.cluster.run(20)
    changed = tmp_path / "changed.yaml"
    changed.write_text(deployment("diffweb", replicas=3, image="nginx:1.16.1") + "---\n" +
                       "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: diffcm}\ndata: {a: '1'}\n")
    same_file = tmp_path / "same.yaml"
    same_file.write_text(deployment("diffweb"))
    for command in (f"diff -f {changed}", f"diff -f {same_file}", "diff", f"diff -f {tmp_path}/nope.yaml"):
        real, expected = same(server, command)
        assert normal(real) == normal(expected), command
    real, expected = same(server, f"diff -f {changed}")
    assert "-  replicas: 2\n+  replicas: 3\n" in expected and "+  name: diffcm\n" in expected
    with server.lock:
        assert server.cluster.api.get("deployments", "diffweb").spec.replicas == 2  # nothing was changed
        assert "diffcm" not in {cm.name for cm in server.cluster.api.list("configmaps")}


def test_rollout_undo_dry_runs_print_what_the_real_kubectl_prints(server: Server) -> None:
    with server.lock:
        server.cluster.apply(deployment("undoweb", image="nginx:1.14.2"))
        server.cluster.run(20)
        server.cluster.kubectl("set image deploy/undoweb web=nginx:1.16.1")
        server.cluster.run(30)
    for command in ("rollout undo deploy/undoweb --dry-run=client", "rollout undo deploy/undoweb --dry-run=server",
                    "rollout undo deploy/undoweb --to-revision=2 --dry-run=server",
                    "rollout undo deploy/undoweb --to-revision=5 --dry-run=client",
                    "rollout undo deploy/undoweb --dry-run=frob"):
        real, expected = same(server, command)
        assert real == expected, command
    assert "    Image:\tnginx:1.14.2\n" in same(server, "rollout undo deploy/undoweb --dry-run=client")[1]
    with server.lock:
        assert server.cluster.api.get("deployments", "undoweb").spec.template.spec.containers[0].image == \
            "nginx:1.16.1"  # nothing rolled back


def test_writes_print_their_objects_with_o_as_the_real_kubectl(server: Server) -> None:
    with server.lock:
        server.cluster.apply(deployment("outweb"))
        server.cluster.run(20)
    for command in ("label deploy outweb a=b --dry-run=server -o name",
                    "label deploy/outweb c=d --dry-run=client -o jsonpath={.metadata.labels}",
                    "annotate deploy outweb x=y --dry-run=server -o jsonpath={.metadata.annotations}",
                    "scale deploy outweb --replicas=3 --dry-run=client -o name",
                    "scale deploy outweb --replicas=3 --dry-run=server -o jsonpath={.spec.replicas}",
                    "label pods -l app=outweb tier=web --dry-run=server -o name",
                    "delete deploy outweb --dry-run=server -o name",
                    "cordon node-1 -o name", "cordon node-1 --output=name", "label deploy outweb",
                    "label deploy a=b", "annotate deploy a=b", "annotate deploy outweb", "label"):
        real, expected = same(server, command)
        assert real == expected, command
    assert same(server, "label pods -l app=outweb tier=web --dry-run=server -o name")[1].count("pod/outweb-") == 2


TWO_CONFIGMAPS = """
apiVersion: v1
kind: ConfigMap
metadata: {name: outa}
data: {x: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: outb}
data: {"y": "2"}
"""


def test_create_and_apply_print_what_they_wrote_with_o_as_the_real_kubectl(server: Server, tmp_path: Path) -> None:
    """create -f: each object (YAML documents apart by `---`; with --dry-run=client the documents as read);
    apply -f: one object, or a List of several. And go-yaml v2's booleans: an unquoted `n` is false."""
    two, yn = tmp_path / "two.yaml", tmp_path / "yn.yaml"
    two.write_text(TWO_CONFIGMAPS)
    yn.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: yn}\ndata: {answer: n}\n")
    for command in (f"create -f {two} -o yaml --dry-run=client", f"create -f {two} -o json --dry-run=client",
                    f"create -f {two} -o name --dry-run=server", f"apply -f {two} -o name --dry-run=server",
                    f"apply -f {two} -o go-template={{{{range.items}}}}{{{{.metadata.name}}}}{{{{end}}}}"
                    " --dry-run=server", f"apply -f {yn}"):
        real, expected = same(server, command)
        assert real == expected, command
    assert same(server, f"create -f {two} -o yaml --dry-run=client")[1].count("\n---\n") == 1
    assert "Go struct field ConfigMap.data of type string" in same(server, f"apply -f {yn}")[1]


def test_logs_of_selected_pods_and_all_containers_as_the_real_kubectl(server: Server) -> None:
    echo = "sh -c 'echo {0} 1; echo {0} 2; sleep 3600'"
    containers = [{"name": name, "image": "busybox", "command": ["sh", "-c", f"echo {name}; sleep 3600"]}
                  for name in ("main", "side")]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "logsini"},
           "spec": {"initContainers": [{"name": "setup", "image": "busybox", "command": ["sh", "-c", "echo init"]}],
                    "containers": containers}}
    with server.lock:
        for name in ("logsa", "logsb"):
            server.cluster.kubectl(f"run {name} --image=busybox -l app=logsecho -- {echo.format(name)}")
        server.cluster.apply(pod)
        server.cluster.run(20)
    for command in ("logs -l app=logsecho", "logs -l app=logsecho --prefix", "logs -l app=logsecho --tail=1",
                    "logs -l app=nobody", "logs logsini -c side --prefix", "logs -l app=logsecho --max-log-requests=1"):
        real, expected = same(server, command)
        assert real == expected, command
    # kubectl fetches several containers' logs at once (their order varies); it writes its note to stderr
    for command, lines in (("logs logsini --all-containers --prefix",
                            ["[pod/logsini/main] main", "[pod/logsini/setup] init", "[pod/logsini/side] side"]),
                           ("logs logsini", ['Defaulted container "main" out of: main, side, setup (init)', "main"])):
        real, expected = same(server, command)
        assert sorted(real.splitlines()) == sorted(expected.splitlines()) == lines, command


def test_sort_by_orders_equal_keys_as_the_real_kubectl(server: Server) -> None:
    """Go's sort.Sort is not stable: events with the same reason come out in its order (kubectl/gosort.py)."""
    with server.lock:
        for name in ("sorta", "sortb", "sortc"):
            server.cluster.kubectl(f"run {name} --image=busybox -- sleep 3600")
        server.cluster.run(10)
        assert len(server.cluster.api.list("events", "default")) > 12  # more than an insertion sort's
    for command in ("get events --sort-by=.reason -o name", "get events --sort-by=.involvedObject.kind -o name",
                    "get pods --sort-by=.status.phase -o name", "get events --sort-by=.type -o name"):
        real, expected = same(server, command)
        assert real == expected, command


def test_kubectl_events_orders_events_of_one_second_as_the_real_kubectl(server: Server) -> None:
    """SortableEvents with Go's sort.Sort: more than twelve events of the same seconds, in kubectl's order."""
    def order(text: str) -> list[str]:  # the rows without LAST SEEN (ages are computed on two clocks)
        return [" ".join(w for w in line.split() if not w[:1].isdigit() and not w.startswith("(x") and w != "over")
                for line in text.splitlines()[1:]]

    with server.lock:
        for name in ("evta", "evtb", "evtc"):
            server.cluster.kubectl(f"run {name} --image=busybox -- sleep 3600")
        server.cluster.run(10)
    for command in ("events", "events --types=Normal"):
        real, expected = same(server, command)
        assert len(order(real)) > 12 and order(real) == order(expected), command
