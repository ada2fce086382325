"""A kubelet process on the Docker runtime (`k8slite kubelet --runtime docker`): real containers, reached
over the kubelet's own HTTPS endpoint (marker `docker`: skipped without an engine, required in CI)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from k8slite.api.kinds import decode
from k8slite.machines import Machines, wait_until

pytestmark = pytest.mark.docker

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "echo"},
       "spec": {"containers": [{"name": "echo", "image": "busybox",
                                "command": ["sh", "-c", "echo real container; sleep 3600"]}]}}


@pytest.fixture(scope="module")
def machines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Machines]:
    with Machines(["node-1"], runtime="docker", directory=tmp_path_factory.mktemp("docker-machines")) as m:
        yield m


def test_a_kubelet_process_runs_docker_containers(machines: Machines) -> None:
    api = machines.admin_api
    api.create(decode(POD))
    pod = wait_until(lambda: (p := api.get("pods", "echo")).status.phase == "Running" and p, 60, "echo Running")
    assert pod.spec.node_name == "node-1" and pod.status.pod_ip
    names = subprocess.run(["docker", "ps", "--format", "{{json .Names}}"], capture_output=True, text=True,
                           check=True).stdout
    assert "pause" in names, names  # the pod's sandbox is a real container
    assert wait_until(lambda: "real container" in logs(machines), 20, "its log")


def logs(machines: Machines) -> str:
    """GET .../pods/echo/log: the API server asks the kubelet process, which asks Docker."""
    with machines.admin_api.open("GET", "/api/v1/namespaces/default/pods/echo/log") as answer:
        return str(answer.read().decode())


def test_the_process_takes_its_containers_along(machines: Machines) -> None:
    kubelet = machines.kubelets["node-1"]
    assert len(containers(kubelet.pid)) == 2, "the pod's pause and app containers run in Docker"
    kubelet.terminate()  # SIGTERM: the machine shuts down, and its containers with it
    kubelet.wait(timeout=30)
    assert containers(kubelet.pid) == set()


def containers(pid: int) -> set[str]:
    """The containers a kubelet process made (labelled with its pid), running or not."""
    listed = subprocess.run(["docker", "ps", "-aq", "--filter", f"label=k8slite.pid={pid}"],
                            capture_output=True, text=True, check=True).stdout
    return set(listed.split())
