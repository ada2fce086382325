"""The Kubernetes docs' tutorials and task pages, command by command, with their apps.

The Kubernetes Basics tutorial (kubernetes.io/docs/tutorials/kubernetes-basics): its app is
gcr.io/google-samples/kubernetes-bootcamp, a Node.js server on 8080; its pods are found with
`-o go-template`, reached with curl inside them and through a NodePort Service, scaled, rolled to
docker.io/jocatalin/kubernetes-bootcamp:v2, then to a v10 that does not exist, and rolled back.
Hello Minikube: agnhost's netexec behind a LoadBalancer Service. Configure Liveness Probes:
agnhost's liveness server, whose /healthz fails after 10 seconds, and goproxy behind tcpSocket probes.
Exposing an External IP Address: GKE's hello-app behind a LoadBalancer. And the images the docs' pages
name with their tags (busybox:1.28, alpine:3), and Debugging DNS Resolution's dnsutils pod.
"""

from __future__ import annotations

import re

import pytest

from k8slite import Cluster

POD_NAMES = """get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'"""


@pytest.fixture(scope="module")
def c() -> Cluster:
    c = Cluster(nodes=2)
    c.run(5)
    return c


def test_module_1_and_2_the_cluster_and_a_deployment(c: Cluster) -> None:
    assert c.kubectl("cluster-info") == (
        "Kubernetes control plane is running at https://172.18.0.1:6443\n"
        "CoreDNS is running at https://172.18.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\n"
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")
    assert c.kubectl("create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1") == \
        "deployment.apps/kubernetes-bootcamp created\n"
    c.run(20)
    assert c.kubectl("get deployments").splitlines()[1].split()[:4] == ["kubernetes-bootcamp", "1/1", "1", "1"]


def test_module_3_explore_the_app(c: Cluster) -> None:
    pod = c.kubectl(POD_NAMES).strip()
    assert pod.startswith("kubernetes-bootcamp-") and "\n" not in pod
    assert c.kubectl(f"exec {pod} -- curl http://localhost:8080") == \
        f"Hello Kubernetes bootcamp! | Running on: {pod} | v=1\n"
    log = c.kubectl(f"logs {pod}").splitlines()
    assert log[0].startswith("Kubernetes Bootcamp App Started At: 2025-01-01T00:00:")
    assert log[0].endswith(f"Z | Running On:  {pod} ") and log[1] == ""
    assert log[2].startswith(f"Running On: {pod} | Total Requests: 1 | App Uptime: ")
    assert "response.end(\" | v=1\\n\");" in c.kubectl(f"exec {pod} -- cat server.js")
    assert "NODE_VERSION=6.3.1\n" in c.kubectl(f"exec {pod} -- env")


def test_module_4_a_service(c: Cluster) -> None:
    assert c.kubectl("expose deployment/kubernetes-bootcamp --type=NodePort --port 8080") == \
        "service/kubernetes-bootcamp exposed\n"
    c.run(2)
    node_port = c.kubectl("get services/kubernetes-bootcamp -o go-template='{{(index .spec.ports 0).nodePort}}'")
    assert node_port == str(c.api.get("services", "kubernetes-bootcamp").spec.ports[0].node_port)
    pod = c.kubectl(POD_NAMES).strip()
    ip = c.api.get("pods", pod).status.pod_ip
    assert f"Endpoints:                {ip}:8080\n" in c.kubectl("describe services/kubernetes-bootcamp")
    assert c.kubectl(f"exec {pod} -- curl -s kubernetes-bootcamp:8080").startswith("Hello Kubernetes bootcamp!")


def test_module_5_and_6_scale_update_and_roll_back(c: Cluster) -> None:
    c.kubectl("scale deployments/kubernetes-bootcamp --replicas=4")
    c.run(20)
    assert len(c.kubectl(POD_NAMES).split()) == 4
    c.kubectl("set image deployments/kubernetes-bootcamp "
              "kubernetes-bootcamp=docker.io/jocatalin/kubernetes-bootcamp:v2")
    assert c.kubectl("rollout status deployments/kubernetes-bootcamp").endswith(
        'deployment "kubernetes-bootcamp" successfully rolled out\n')
    pod = c.kubectl(POD_NAMES).split()[0]
    assert c.kubectl(f"exec {pod} -- curl -s kubernetes-bootcamp:8080").endswith(" | v=2\n")
    c.kubectl("set image deployments/kubernetes-bootcamp "
              "kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10")
    c.run(30)
    statuses = [line.split()[2] for line in c.kubectl("get pods").splitlines()[1:]]
    assert statuses.count("Running") == 3 and {"ErrImagePull", "ImagePullBackOff"} & set(statuses)
    assert c.kubectl("rollout undo deployments/kubernetes-bootcamp") == \
        "deployment.apps/kubernetes-bootcamp rolled back\n"
    c.run(60)
    assert [line.split()[2] for line in c.kubectl("get pods").splitlines()[1:]] == ["Running"] * 4


def test_curl_is_where_the_image_has_it(c: Cluster) -> None:
    c.kubectl("run bb --image=busybox -- sleep 3600")
    c.kubectl("run web --image=nginx")
    c.run(20)
    assert c.kubectl('exec bb -- sh -c "curl localhost"') == \
        "sh: curl: not found\ncommand terminated with exit code 127\n"
    assert c.kubectl("exec bb -- curl localhost") == (
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file '
        "not found in $PATH: unknown\ncommand terminated with exit code 126\n")
    assert c.kubectl("exec web -- curl -s localhost").startswith("<!DOCTYPE html>")
    assert c.kubectl("exec web -- curl -s localhost:81") == "command terminated with exit code 7\n"
    assert c.kubectl("exec web -- curl localhost:81") == (
        "curl: (7) Failed to connect to localhost port 81 after 0 ms: Couldn't connect to server\n"
        "command terminated with exit code 7\n")
    assert c.kubectl("exec web -- curl -sS nope") == \
        "curl: (6) Could not resolve host: nope\ncommand terminated with exit code 6\n"
    assert c.kubectl("exec web -- curl -f localhost/nope") == \
        "curl: (22) The requested URL returned error: 404\ncommand terminated with exit code 22\n"
    assert c.kubectl("exec web -- sh -c 'curl -so /tmp/i localhost && head -1 /tmp/i'") == "<!DOCTYPE html>\n"


def test_a_second_bootcamp_server_in_the_pod_cannot_listen(c: Cluster) -> None:
    c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "twice"}, "spec": {"containers": [
        {"name": "a", "image": "gcr.io/google-samples/kubernetes-bootcamp:v1"},
        {"name": "b", "image": "gcr.io/google-samples/kubernetes-bootcamp:v1"}]}})
    c.run(20)
    logs = {name: c.kubectl(f"logs twice -c {name}") for name in ("a", "b")}
    failed = [name for name, log in logs.items() if "Error: listen EADDRINUSE :::8080" in log]
    assert len(failed) == 1 and logs[failed[0]].startswith("events.js:160\n")
    assert c.kubectl("exec twice -c a -- node -v") == "v6.3.1\n"
    assert c.kubectl("exec twice -c a -- node nope.js") == (
        "module.js:442\n    throw err;\n    ^\n\nError: Cannot find module '/nope.js'\n"
        "command terminated with exit code 1\n")


def test_hello_minikube() -> None:
    """The docs' first tutorial: agnhost netexec behind a LoadBalancer Service."""
    c = Cluster(nodes=1)
    c.kubectl("create deployment hello-node --image=registry.k8s.io/e2e-test-images/agnhost:2.39 "
              "-- /agnhost netexec --http-port=8080")
    c.kubectl("expose deployment hello-node --type=LoadBalancer --port=8080")
    c.kubectl("run client --image=busybox -- sleep 3600")
    c.run(20)
    assert c.kubectl("get deploy hello-node").splitlines()[1].split()[1] == "1/1"
    now = re.fullmatch(r"NOW: 2025-01-01 00:00:20 \+0000 UTC m=\+(\d+)\.(\d{9})",
                       c.kubectl("exec client -- wget -qO- hello-node:8080"))
    assert now is not None and 10 < int(now[1]) < 20  # m=: seconds since agnhost started
    assert c.kubectl("exec client -- wget -qO- hello-node:8080/echo?msg=hi") == "hi"
    assert c.kubectl("exec client -- wget -qO- hello-node:8080/nope") == \
        "wget: server returned error: HTTP/1.1 404 Not Found\ncommand terminated with exit code 1\n"
    log = c.kubectl("logs deploy/hello-node").splitlines()
    assert [line.split("] ", 1)[1] for line in log] == [
        "Started HTTP server on port 8080", "Started UDP server on port  8081", "GET /", "GET /echo?msg=hi&code="]
    assert re.fullmatch(r"I0101 00:00:\d\d\.\d{6}       1 log\.go:195\] Started HTTP server on port 8080", log[0])


HTTP_LIVENESS = """
apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-http
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args:
    - liveness
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
      initialDelaySeconds: 3
      periodSeconds: 3
"""  # the docs' pods/probe/http-liveness.yaml (without its custom header)


def test_the_http_liveness_example_is_restarted_once_healthz_fails() -> None:
    c = Cluster(nodes=1)
    c.apply(HTTP_LIVENESS)
    c.run(10)
    assert c.kubectl("exec liveness-http -- wget -qO- localhost:8080/healthz") == "ok"
    c.run(15)
    messages = [(e.reason, e.message) for e in c.events() if e.involved_object.name == "liveness-http"]
    assert ("Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 500") in messages
    assert ("Killing", "Container liveness failed liveness probe, will be restarted") in messages
    assert c.get("pod", "liveness-http").status.container_statuses[0].restart_count == 1


TCP_LIVENESS_READINESS = """
apiVersion: v1
kind: Pod
metadata:
  name: goproxy
  labels:
    app: goproxy
spec:
  containers:
  - name: goproxy
    image: registry.k8s.io/goproxy:0.1
    ports:
    - containerPort: 8080
    readinessProbe:
      tcpSocket:
        port: 8080
      initialDelaySeconds: 15
      periodSeconds: 10
    livenessProbe:
      tcpSocket:
        port: 8080
      initialDelaySeconds: 15
      periodSeconds: 10
"""  # the docs' pods/probe/tcp-liveness-readiness.yaml


def test_the_tcp_probe_example_becomes_ready_after_its_initial_delay() -> None:
    c = Cluster(nodes=1)
    c.apply(TCP_LIVENESS_READINESS)
    c.run(10)
    assert c.kubectl("get pod goproxy").splitlines()[1].split()[1:3] == ["0/1", "Running"]  # not probed yet
    c.run(20)
    assert c.kubectl("get pod goproxy").splitlines()[1].split()[1:4] == ["1/1", "Running", "0"]


LOAD_BALANCER_EXAMPLE = """
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app.kubernetes.io/name: load-balancer-example
  name: hello-world
spec:
  replicas: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: load-balancer-example
  template:
    metadata:
      labels:
        app.kubernetes.io/name: load-balancer-example
    spec:
      containers:
      - image: gcr.io/google-samples/hello-app:2.0
        name: hello-world
        ports:
        - containerPort: 8080
"""  # the docs' service/load-balancer-example.yaml


def test_exposing_an_external_ip_address() -> None:
    c = Cluster(nodes=2)
    c.apply(LOAD_BALANCER_EXAMPLE)
    assert c.kubectl("expose deployment hello-world --type=LoadBalancer --name=my-service") == \
        "service/my-service exposed\n"
    c.kubectl("run client --image=busybox:1.28 -- sleep 3600")
    c.run(20)
    assert c.kubectl("get services my-service").splitlines()[1].split()[3] == "<pending>"  # no cloud behind it
    answer = c.kubectl("exec client -- wget -qO- my-service:8080")
    assert re.fullmatch(r"Hello, world!\nVersion: 2\.0\.0\nHostname: hello-world-\w+-\w{5}\n", answer)
    served = answer.rsplit(" ", 1)[1].strip()
    log = c.kubectl(f"logs {served}").splitlines()
    assert re.fullmatch(r"2025/01/01 00:00:0\d Server listening on port 8080", log[0])
    assert log[1:] == ["2025/01/01 00:00:20 Serving request: /"]


DNSUTILS = """
apiVersion: v1
kind: Pod
metadata:
  name: dnsutils
  namespace: default
spec:
  containers:
  - name: dnsutils
    image: registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3
    command:
      - sleep
      - "infinity"
    imagePullPolicy: IfNotPresent
  restartPolicy: Always
"""  # the docs' admin/dns/dnsutils.yaml


def test_debugging_dns_resolution() -> None:
    c = Cluster(nodes=1)
    c.apply(DNSUTILS)
    c.run(10)
    assert c.kubectl("exec -i -t dnsutils -- nslookup kubernetes.default") == \
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\nName:      kubernetes.default\nAddress 1: 10.96.0.1\n"
    assert c.kubectl("exec -ti dnsutils -- cat /etc/resolv.conf") == \
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"


@pytest.mark.parametrize("image", ["busybox:1.28", "alpine:3"])
def test_the_docs_image_tags_are_there(image: str) -> None:
    c = Cluster(nodes=1)
    c.kubectl(f"run p --image={image} -- sleep 3600")
    c.run(10)
    assert c.kubectl("get pod p").splitlines()[1].split()[2] == "Running"


def test_one_off_pods_with_run_i_rm() -> None:
    """`kubectl run -it --rm --restart=Never ...`, the docs' one-off checks: the output, then the pod gone
    (the real kubectl 1.32 printed these, against a served cluster, with its input not a terminal)."""
    c = Cluster(nodes=1)
    c.run(2)
    assert c.kubectl("run -it --rm --restart=Never busybox --image=busybox:1.28 -- nslookup kubernetes") == (
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\nName:      kubernetes\nAddress 1: 10.96.0.1\n"
        'pod "busybox" deleted\n')
    assert c.kubectl("run -i --rm --restart=Never t --image=busybox -- echo hi") == 'hi\npod "t" deleted\n'
    assert c.kubectl("run -i --restart=Never t3 --image=busybox -- sh -c 'echo a; exit 3'") == \
        "a\npod default/t3 terminated (Error)\n"
    assert c.kubectl("run t4 -i --image=busybox --restart=Never -- echo x") == "x\n"
    assert c.kubectl("run -i --rm --restart=Never t7 --image=nope:1 -- echo hi") == \
        "error: timed out waiting for the condition\n"
    assert sorted(p.name for p in c.api.list("pods")) == ["t3", "t4", "t7"]  # --rm removed the others
