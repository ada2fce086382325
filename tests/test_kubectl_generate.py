"""`kubectl run`, `kubectl create deployment|namespace|quota`, --dry-run, and `rollout restart`: kubectl's words."""

from __future__ import annotations

import pytest
import yaml

from k8slite import Cluster

RUN_YAML = """\
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: nginx
  name: nginx
spec:
  containers:
  - image: nginx
    name: nginx
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"""


@pytest.fixture
def c() -> Cluster:
    return Cluster(nodes=2)


def test_run_dry_run_prints_the_manifest_kubectl_would_send_and_stores_nothing(c: Cluster) -> None:
    assert c.kubectl("run nginx --image=nginx --dry-run=client -o yaml") == RUN_YAML
    assert c.kubectl("run nginx --image=nginx --dry-run=client") == "pod/nginx created (dry run)\n"
    assert c.kubectl("run nginx --image=nginx --dry-run") == "pod/nginx created (dry run)\n"
    assert c.kubectl("run nginx --image=nginx --dry-run=server") == "pod/nginx created (server dry run)\n"
    assert c.get("pods") == []
    # the server's answer: defaulted and admitted, with a uid and a creation time, never stored (no version)
    answer = c.kubectl("create deployment web --image=nginx --dry-run=server -o yaml")
    assert "  creationTimestamp: \"2025-01-01T00:00:00Z\"\n" in answer and "  uid: " in answer
    assert "    rollingUpdate:\n      maxSurge: 25%\n" in answer and "resourceVersion" not in answer
    assert c.get("deployments") == [] and c.kubectl("create deployment web --image=nginx --dry-run=server") == \
        "deployment.apps/web created (server dry run)\n"
    c.apply(RUN_YAML.replace("image: nginx", "image: busybox"))  # the printed manifest is valid input
    assert c.get("pod", "nginx").metadata.labels == {"run": "nginx"}


def test_run_makes_a_pod_with_args_or_a_command_env_ports_labels_and_restart_policy(c: Cluster) -> None:
    assert c.kubectl("run web --image=busybox --port=8080 --env A=1 --env B=two --labels=app=web,tier=front "
                     "-- httpd -f -p 8080") == "pod/web created\n"
    assert c.kubectl("run once --image=busybox --restart=Never --command -- sh -c 'echo done'") == \
        "pod/once created\n"
    c.run(10)
    web, once = c.get("pod", "web"), c.get("pod", "once")
    container = web.spec.containers[0]
    assert (container.name, container.command, container.args) == ("web", [], ["httpd", "-f", "-p", "8080"])
    assert [(e.name, e.value) for e in container.env] == [("A", "1"), ("B", "two")]
    assert [p.container_port for p in container.ports] == [8080]
    assert web.metadata.labels == {"app": "web", "tier": "front"} and web.status.phase == "Running"
    assert once.spec.containers[0].command == ["sh", "-c", "echo done"]
    assert (once.spec.restart_policy, once.status.phase, c.logs("once")) == ("Never", "Succeeded", "done\n")


def test_run_refuses_what_kubectl_refuses(c: Cluster) -> None:
    assert c.kubectl("run nginx") == 'error: required flag(s) "image" not set\n'
    assert c.kubectl("run nginx --image=nginx --restart=Sometimes") == "error: invalid restart policy: Sometimes\n"
    assert c.kubectl("run nginx --image=nginx --dry-run=maybe") == \
        'error: Invalid dry-run value (maybe). Must be "none", "server", or "client".\n'
    c.kubectl("run nginx --image=busybox")
    assert c.kubectl("run nginx --image=busybox") == 'Error from server (AlreadyExists): pods "nginx" already exists\n'
    assert c.kubectl("run x --image=busybox -n nowhere").startswith("Error from server (NotFound)")
    assert [p.name for p in c.get("pods")] == ["nginx"]


def test_create_deployment_names_containers_after_images_and_rolls_out(c: Cluster) -> None:
    manifest = yaml.safe_load(c.kubectl("create deployment web --image=registry.k8s.io/busybox:1.27.2 "
                                        "--replicas=3 --dry-run=client -o yaml -- sleep 3600"))
    assert manifest["metadata"] == {"creationTimestamp": None, "labels": {"app": "web"}, "name": "web"}
    assert manifest["spec"]["selector"] == {"matchLabels": {"app": "web"}} and manifest["spec"]["strategy"] == {}
    assert manifest["spec"]["template"]["spec"]["containers"] == [
        {"command": ["sleep", "3600"], "image": "registry.k8s.io/busybox:1.27.2", "name": "busybox",
         "resources": {}}]
    assert c.kubectl("create deployment web --image=busybox --replicas=3 -- sleep 3600") == \
        "deployment.apps/web created\n"
    c.run(10)
    assert c.ready("deployment/web") and len(c.get("pods")) == 3
    assert c.kubectl("create deployment solo --image=busybox -n kube-system --dry-run=client -o yaml").count(
        "namespace: kube-system") == 1


def test_create_namespace_and_quota_dry_run(c: Cluster) -> None:
    assert c.kubectl("create namespace team-a --dry-run=client -o yaml") == (
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  creationTimestamp: null\n  name: team-a\nspec: {}\nstatus: {}\n")
    assert c.kubectl("create quota q --hard=pods=2 --dry-run=client -o name") == "resourcequota/q\n"
    assert [ns.name for ns in c.get("namespaces")] == ["default", "kube-node-lease", "kube-public", "kube-system"]
    assert c.kubectl("create namespace team-a") == "namespace/team-a created\n"


def test_rollout_restart_replaces_every_pod_with_the_same_template_and_a_new_annotation(c: Cluster) -> None:
    c.kubectl("create deployment web --image=busybox --replicas=2 -- sleep 3600")
    c.run(10)
    before = {p.name for p in c.get("pods")}
    assert c.kubectl("rollout restart deployment/web") == "deployment.apps/web restarted\n"
    assert c.get("deployment", "web").spec.template.metadata.annotations == {
        "kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:10Z"}
    c.run(60)
    after = {p.name for p in c.get("pods")}
    assert len(after) == 2 and not before & after
    assert c.kubectl("rollout history deployment/web").endswith("1         <none>\n2         <none>\n\n")
    c.kubectl("rollout pause deployment/web")
    assert c.kubectl("rollout restart deployment/web") == (
        'error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)\n')


# Printed by the real kubectl 1.32: `kubectl create service clusterip frontend --tcp=80:8080 --tcp=6379
# --dry-run=client -o yaml -n guestbook` and `kubectl create job seed --image=redis:7 --dry-run=client -o yaml
# -- redis-cli -h redis-leader RPUSH guestbook 'hello world'`.
SERVICE_YAML = """\
apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: frontend
  name: frontend
  namespace: guestbook
spec:
  ports:
  - name: 80-8080
    port: 80
    protocol: TCP
    targetPort: 8080
  - name: "6379"
    port: 6379
    protocol: TCP
    targetPort: 6379
  selector:
    app: frontend
  type: ClusterIP
status:
  loadBalancer: {}
"""

JOB_YAML = """\
apiVersion: batch/v1
kind: Job
metadata:
  creationTimestamp: null
  name: seed
spec:
  template:
    metadata:
      creationTimestamp: null
    spec:
      containers:
      - command:
        - redis-cli
        - -h
        - redis-leader
        - RPUSH
        - guestbook
        - hello world
        image: redis:7
        name: seed
        resources: {}
      restartPolicy: Never
status: {}
"""


def test_create_service_clusterip_prints_what_kubectl_prints(c: Cluster) -> None:
    assert c.kubectl("create service clusterip frontend --tcp=80:8080 --tcp=6379 --dry-run=client -o yaml "
                     "-n guestbook") == SERVICE_YAML
    headless = yaml.safe_load(c.kubectl("create service clusterip db --clusterip=None --dry-run=client -o yaml"))
    assert headless["spec"] == {"clusterIP": "None", "selector": {"app": "db"}, "type": "ClusterIP"}
    named = yaml.safe_load(c.kubectl("create svc clusterip web --tcp=80:http --dry-run=client -o yaml"))
    assert named["spec"]["ports"] == [{"name": "80-http", "port": 80, "protocol": "TCP", "targetPort": "http"}]
    assert c.get("services") == [s for s in c.get("services") if s.name == "kubernetes"]


def test_create_service_clusterip_creates_it_and_refuses_what_kubectl_refuses(c: Cluster) -> None:
    assert c.kubectl("create service clusterip web --tcp=80:8080") == "service/web created\n"
    service = c.get("service", "web")
    assert service.spec.selector == {"app": "web"} and service.spec.cluster_ip
    assert [(p.port, p.target_port) for p in service.spec.ports] == [(80, 8080)]
    assert c.kubectl("create service clusterip x --dry-run=client -o yaml") == \
        "error: at least one tcp port specifier must be provided\n"
    assert c.kubectl("create service clusterip x --tcp=abc --dry-run=client -o yaml") == \
        'error: strconv.ParseUint: parsing "abc": invalid syntax\n'


def test_create_job_prints_what_kubectl_prints_and_runs(c: Cluster) -> None:
    assert c.kubectl("create job seed --image=redis:7 --dry-run=client -o yaml "
                     "-- redis-cli -h redis-leader RPUSH guestbook 'hello world'") == JOB_YAML
    assert c.kubectl("create job j --dry-run=client -o yaml") == "error: either --image or --from must be specified\n"
    assert c.kubectl("create job hello --image=busybox -- echo hi") == "job.batch/hello created\n"
    c.run(20)
    job = c.get("job", "hello")
    assert job.status.succeeded == 1
    assert job.spec.template.spec.restart_policy == "Never"
    [pod] = [p for p in c.get("pods") if p.metadata.labels.get("job-name") == "hello"]
    assert c.logs(pod.name) == "hi\n"


def test_create_refuses_runs_restart_flag_as_kubectl_does(c: Cluster) -> None:
    """`--restart` is `kubectl run`'s: `kubectl create job|deployment` answer it as an unknown flag."""
    for what in ("job x --image=busybox", "deployment x --image=busybox"):
        out = c.kubectl(f"create {what} --restart=Never")
        assert out == f"Error: unknown flag: --restart\nSee 'kubectl create {what.split()[0]} --help' for usage.\n"
    assert c.get("jobs") == [] and c.get("deployments") == []
