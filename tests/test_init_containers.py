"""Init containers and sidecars: order, failures, status, kubectl (kubelet/init_containers.py, kubelet/status.py,
rows.py).

The docs' example is kubernetes.io "Init Containers" (myapp-pod), as written: busybox:1.28, and commands that
read the namespace from the service account token mount.
"""

from __future__ import annotations

import pytest

from k8slite import Cluster
from k8slite.api.pod import Container, ResourceRequirements
from k8slite.cluster import default_node
from k8slite.errors import Invalid
from k8slite.kubectl.rows import pod_reason
from k8slite.scheduler.resources import pod_requests

MYAPP = """
apiVersion: v1
kind: Pod
metadata:
  name: myapp-pod
  labels: {app.kubernetes.io/name: MyApp}
spec:
  containers:
  - name: myapp-container
    image: busybox:1.28
    command: ['sh', '-c', 'echo The app is running! && sleep 3600']
  initContainers:
  - name: init-myservice
    image: busybox:1.28
    command:
    - sh
    - -c
    - until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local;
      do echo waiting for myservice; sleep 2; done
  - name: init-mydb
    image: busybox:1.28
    command:
    - sh
    - -c
    - until nslookup mydb.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local;
      do echo waiting for mydb; sleep 2; done
"""

SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: NAME}
spec:
  ports: [{protocol: TCP, port: 80, targetPort: 9376}]
"""


def pod_with(init: list[dict[str, object]], command: str = "sleep 3600", restart_policy: str = "Always") -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"restartPolicy": restart_policy, "initContainers": init,
                     "containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", command]}]}}


def init(name: str, command: str, **extra: object) -> dict[str, object]:
    return {"name": name, "image": "busybox", "command": ["sh", "-c", command], **extra}


def status_column(c: Cluster, name: str = "p") -> str:
    return c.kubectl("get pods").splitlines()[1].split()[2]


def test_docs_example_waits_for_its_services():
    c = Cluster(nodes=1, seed=0)
    c.apply(MYAPP)
    c.run(10)
    # pkg/printers/internalversion/printers.go printPod: the index of the first init container not done
    assert c.kubectl("get pods").splitlines()[1].split()[1:4] == ["0/1", "Init:0/2", "0"]
    assert "waiting for myservice" in c.kubectl("logs myapp-pod -c init-myservice")
    pod = c.get("pod", "myapp-pod")
    assert pod.status.phase == "Pending"
    init_cond = pod.status.condition("Initialized")
    # pkg/kubelet/status/generate.go GeneratePodInitializedCondition
    assert (init_cond.status, init_cond.reason, init_cond.message) == (
        "False", "ContainersNotInitialized", "containers with incomplete status: [init-myservice init-mydb]")
    c.apply(SERVICE.replace("NAME", "myservice"))
    c.run(10)
    assert status_column(c) == "Init:1/2"
    c.apply(SERVICE.replace("NAME", "mydb"))
    c.run(10)
    assert status_column(c) == "Running"
    assert c.logs("myapp-pod") == "The app is running!\n"
    assert c.get("pod", "myapp-pod").status.condition("Initialized").status == "True"


def test_app_container_waits_with_pod_initializing():
    c = Cluster(nodes=1, seed=0)
    c.apply(pod_with([init("wait", "sleep 30")]))
    c.run(5)
    app = c.get("pod", "p").status.container_statuses[0]
    # pkg/kubelet/kubelet_pods.go convertToAPIContainerStatuses: the default waiting reason with init containers
    assert app.state.waiting.reason == "PodInitializing"
    with pytest.raises(Exception, match='container "app" in pod "p" is waiting to start: PodInitializing'):
        c.logs("p", container="app")


def test_conditions_read_in_kubectl_describe_order():
    c = Cluster(nodes=1, seed=0)
    c.apply(pod_with([init("wait", "sleep 30")]))
    c.run(5)
    out = c.kubectl("describe pod p")
    conditions = out.split("Conditions:\n")[1].split("\n")[1:6]
    # kubectl describe in 1.32 lists the kubelet's conditions in this order (PodReadyToStartContainers first)
    assert [line.split()[:2] for line in conditions] == [
        ["PodReadyToStartContainers", "True"], ["Initialized", "False"], ["Ready", "False"],
        ["ContainersReady", "False"], ["PodScheduled", "True"]]
    # describe.go: "Init Containers:" comes before "Containers:"
    assert out.index("Init Containers:\n  wait:\n") < out.index("\nContainers:\n  app:\n")
    init_section = out.split("\nContainers:")[0]
    assert "    State:          Running\n" in init_section
    # prober_manager.UpdatePodStatus: a regular init container is not ready until it has exited 0
    assert "    Ready:          False\n" in init_section


def test_failing_init_container_gives_init_error_then_crash_loop():
    c = Cluster(nodes=1, seed=0)
    c.apply(pod_with([init("fail", "exit 1")]))
    c.run(2)  # pulled (1.013 s), failed at once
    # printPod: "Init:" + the terminated reason, shown until the kubelet's next sync restarts it
    assert status_column(c) == "Init:Error"
    c.run(5)
    assert status_column(c) == "Init:CrashLoopBackOff"  # the second failure: back-off 10 s
    pod = c.get("pod", "p")
    assert pod.status.phase == "Pending"
    assert pod.status.init_container_statuses[0].restart_count >= 1
    assert pod.status.container_statuses[0].state.waiting.reason == "PodInitializing"
    row = c.kubectl("get pods").splitlines()[1].split()
    assert row[3] != "0"  # RESTARTS counts init containers while the pod initializes


def test_init_exit_code_without_reason():
    c = Cluster(nodes=1, seed=0)
    c.apply(pod_with([init("fail", "exit 3")], restart_policy="Never"))
    c.run(2)
    pod = c.get("pod", "p")
    pod.status.init_container_statuses[0].state.terminated.reason = ""
    assert pod_reason(pod) == "Init:ExitCode:3"  # printPod, when the runtime gave no reason


def test_restart_policy_never_fails_the_pod():
    c = Cluster(nodes=1, seed=0)
    c.apply(pod_with([init("fail", "exit 1")], restart_policy="Never"))
    c.run(30)
    pod = c.get("pod", "p")
    assert pod.status.phase == "Failed"  # getPhase: failedInitialization under restartPolicy Never
    assert pod.status.init_container_statuses[0].restart_count == 0
    assert pod.status.container_statuses[0].state.waiting is not None  # the app never ran
    assert status_column(c) == "Init:Error"


def test_sidecar_runs_beside_a_job_like_pod_which_completes():
    c = Cluster(nodes=1, seed=0)
    c.apply(pod_with([init("log-shipper", "while true; do sleep 1; done", restartPolicy="Always")],
                     command="echo done", restart_policy="Never"))
    c.run(2)  # after its image pull
    pod = c.get("pod", "p")
    assert pod.status.init_container_statuses[0].state.running is not None or pod.status.phase == "Succeeded"
    c.run(60)
    pod = c.get("pod", "p")
    assert pod.status.phase == "Succeeded"  # sidecars do not keep a pod from completing (KEP-753)
    assert pod.status.init_container_statuses[0].state.terminated is not None
    assert status_column(c) == "Completed"
    assert any(e.message == "Stopping container log-shipper" for e in c.events())


def test_sidecar_counts_in_ready_and_is_restarted():
    c = Cluster(nodes=1, seed=0)
    c.apply(pod_with([init("proxy", "sleep 5", restartPolicy="Always")], restart_policy="Never"))
    c.run(3)
    assert c.kubectl("get pods").splitlines()[1].split()[1:3] == ["2/2", "Running"]  # printPod: READY adds sidecars
    c.run(20)
    proxy = c.get("pod", "p").status.init_container_statuses[0]
    assert proxy.restart_count >= 1  # a sidecar is always restarted, whatever the pod's restartPolicy


def test_deletion_stops_sidecars_after_the_app():
    c = Cluster(nodes=1, seed=0)
    c.apply(pod_with([init("proxy", "sleep 3600", restartPolicy="Always")]))
    c.run(3)
    c.delete("pod", "p")
    c.run(60)
    stops = [e.message for e in c.events() if e.reason == "Killing"]
    assert stops == ["Stopping container app", "Stopping container proxy"]


def test_validation_words():
    c = Cluster(nodes=1, seed=0)
    bad = pod_with([init("app", "true")])
    with pytest.raises(Invalid, match=r'spec.initContainers\[0\].name: Duplicate value: "app"'):
        c.apply(bad)
    bad = pod_with([init("w", "true", restartPolicy="OnFailure")])
    with pytest.raises(Invalid, match=r'spec.initContainers\[0\].restartPolicy: Unsupported value: "OnFailure": '
                                      r'supported values: "Always"'):
        c.apply(bad)
    bad = pod_with([init("w", "true", livenessProbe={"exec": {"command": ["true"]}})])
    # pkg/apis/core/validation validateInitContainers
    with pytest.raises(Invalid, match="livenessProbe: Forbidden: may not be set for init containers without "
                                      "restartPolicy=Always"):
        c.apply(bad)
    bad = pod_with([])
    bad["spec"]["containers"][0]["restartPolicy"] = "Always"
    with pytest.raises(Invalid, match=r"containers\[0\].restartPolicy: Forbidden: may not be set for non-init"):
        c.apply(bad)


def test_init_containers_round_trip():
    c = Cluster(nodes=1, seed=0)
    [pod] = c.apply(pod_with([init("proxy", "sleep 1", restartPolicy="Always")]))
    spec = pod.to_dict()["spec"]
    assert spec["initContainers"][0]["restartPolicy"] == "Always"
    assert spec["initContainers"][0]["imagePullPolicy"] == "Always"  # defaulted like containers


def test_scheduler_requests_take_the_largest_init_step():
    pod = Cluster(nodes=1, seed=0).apply(pod_with([init("big", "true"), init("side", "sleep 1",
                                                                            restartPolicy="Always")]))[0]
    pod.spec.containers[0].resources = ResourceRequirements(requests={"cpu": "100m"})
    pod.spec.init_containers[0].resources = ResourceRequirements(requests={"cpu": "2"})
    pod.spec.init_containers[1].resources = ResourceRequirements(requests={"cpu": "300m"})
    # component-helpers resource.PodRequests: max(2000m, 100m app + 300m sidecar) = 2000m
    assert pod_requests(pod).milli_cpu == 2000
    pod.spec.init_containers[0] = Container(name="big", image="busybox",
                                            resources=ResourceRequirements(requests={"cpu": "200m"}))
    assert pod_requests(pod).milli_cpu == 400  # the app and its sidecar: 100m + 300m


def test_pod_ready_to_start_containers_false_without_a_sandbox():
    node = default_node(1)
    node.spec.pod_cidr, node.spec.pod_cidrs = "10.244.1.0/30", ["10.244.1.0/30"]  # room for one pod
    c = Cluster(nodes=[node])
    for name in ("first", "second"):
        c.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {
            "nodeName": "node-1", "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "1000"]}]}})
    c.run(5)
    # pkg/kubelet/kubelet_pods.go generatePodReadyToStartContainersCondition: False, no reason, without a sandbox
    cond = c.get("pod", "second").status.condition("PodReadyToStartContainers")
    assert (cond.status, cond.reason) == ("False", "")
    assert c.get("pod", "first").status.condition("PodReadyToStartContainers").status == "True"


def test_a_restarting_sidecar_does_not_hold_back_the_app():
    c = Cluster(nodes=1, seed=0)
    c.apply(pod_with([init("proxy", "sleep 2; exit 1", restartPolicy="Always")], command="sleep 5; exit 1"))
    c.run(60)
    pod = c.get("pod", "p")
    # both keep being restarted: the sidecar always, the app under restartPolicy Always
    assert pod.status.init_container_statuses[0].restart_count >= 2
    assert pod.status.container_statuses[0].restart_count >= 2
