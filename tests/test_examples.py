"""Every manifest from the Kubernetes docs is accepted, or refused as Kubernetes would."""

import pytest
from builders import EXAMPLES, example, need_examples

from k8slite import Cluster, NotFound

FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


def test_the_examples_are_there():
    need_examples()
    assert len(FILES) >= 14, f"expected the docs' examples in {EXAMPLES}"


# Without the examples there is nothing to list: one placeholder, which skips (or fails in CI).
@pytest.mark.parametrize("name", [f for f in FILES if f != "memory-request-limit.yaml"] or ["(no examples)"])
def test_example_is_accepted(name):
    c = Cluster(nodes=3)
    stored = c.apply(example(name))
    assert stored and all(o.metadata.uid and o.metadata.resource_version for o in stored)
    c.run(30)
    for obj in stored:
        assert c.get(obj.kind, obj.name, obj.namespace or "default").metadata.uid == obj.metadata.uid


def test_memory_demo_needs_its_namespace_first():
    c = Cluster(nodes=1)
    with pytest.raises(NotFound, match='namespaces "mem-example" not found'):
        c.apply(example("memory-request-limit.yaml"))
    assert c.get("pods", namespace="mem-example") == []
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "mem-example"}})
    (pod,) = c.apply(example("memory-request-limit.yaml"))
    assert pod.namespace == "mem-example"


def test_frontend_replicaset_runs_three_nginx_pods():
    c = Cluster(nodes=3)
    c.apply(example("frontend-replicaset.yaml"))
    c.run(30)
    pods = c.get("pods")
    assert len(pods) == 3 and {p.status.phase for p in pods} == {"Running"}
    assert all(p.metadata.owner_references[0].name == "frontend" for p in pods)


def test_two_container_pod_shares_its_volume():
    """The docs: debian writes index.html into the emptyDir that nginx serves, then exits."""
    c = Cluster(nodes=1)
    c.apply(example("two-container-pod.yaml"))
    c.run(10)
    pod = c.get("pod", "two-containers")
    states = {s.name: s.state for s in pod.status.container_statuses}
    assert states["debian-container"].terminated.exit_code == 0
    assert states["nginx-container"].running is not None
    assert c.exec("two-containers", "cat /usr/share/nginx/html/index.html", container="nginx-container") \
        == "Hello from the debian container\n"


def test_exec_liveness_restarts_after_the_file_is_gone():
    c = Cluster(nodes=1)
    c.apply(example("exec-liveness.yaml"))
    c.run(25)
    assert c.get("pod", "liveness-exec").status.container_statuses[0].restart_count == 0
    c.run(60)
    assert c.get("pod", "liveness-exec").status.container_statuses[0].restart_count == 1
    events = [e for e in c.events() if e.involved_object.name == "liveness-exec"]
    # the three failed probes are one Event counted three times (client-go tools/record/events_cache.go)
    assert sum(e.count for e in events if e.reason == "Unhealthy") >= 3 and "Killing" in [e.reason for e in events]


def test_toleration_example_lands_on_a_tainted_node():
    from k8slite.api.pod import Taint
    c = Cluster(nodes=1)
    node = c.get("node", "node-1").copy()
    node.spec.taints.append(Taint(key="example-key", value="x", effect="NoSchedule"))
    c.api.update(node)
    c.apply(example("pod-with-toleration.yaml"))
    c.run(5)
    assert c.get("pod", "nginx").spec.node_name == "node-1"


@pytest.mark.parametrize("name", ["nginx-deployment.yaml", "backend-deployment.yaml", "run-my-nginx.yaml"])
def test_example_deployments_become_available(name):
    c = Cluster(nodes=3)
    (d,) = c.apply(example(name))
    c.run_until(lambda c: c.ready(f"deployment/{d.name}"), 120)
    status = c.get("deploy", d.name).status
    assert status.available_replicas == status.updated_replicas == d.spec.replicas
    assert len([p for p in c.get("pods") if p.status.phase == "Running"]) == d.spec.replicas


def test_pi_job_completes():
    c = Cluster(nodes=1)
    c.apply(example("job-pi.yaml"))
    c.run_until(lambda c: c.ready("job/pi"), 60)
    job = c.get("job", "pi")
    assert job.status.succeeded == 1 and job.status.condition("Complete").status == "True"
    (pod,) = c.get("pods")
    assert "simulated" in c.logs(pod.name)


def test_flow_style_and_document_markers_are_read():
    c = Cluster(nodes=1)
    stored = c.apply(example("backend-deployment.yaml"))  # ends with '...'
    assert [o.kind for o in stored] == ["Deployment"]
    assert stored[0].to_dict()["spec"]["replicas"] == 3
