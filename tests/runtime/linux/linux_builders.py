"""Builders for the Linux runtime's tests: the root/runc gate and busybox pods."""

from __future__ import annotations

import os

import pytest
from builders import skip_unless_required

from k8slite.api.kinds import decode
from k8slite.api.pod import Pod
from k8slite.runtime.linux import unavailable_reason


def need_linux(oci: str = "runc") -> None:
    """Skip without root or without `oci` (runc, crun), or fail where K8SLITE_REQUIRE_DOCKER=1 (.ci/run's
    first leg installs both and readies the host's cgroups for crun). K8SLITE_NEWCOMER=1 (.ci/run's second leg)
    plays a newcomer's machine, where the course runs without root."""
    problem = unavailable_reason(oci)
    if os.environ.get("K8SLITE_NEWCOMER") == "1":
        pytest.skip("a newcomer's machine (K8SLITE_NEWCOMER=1): the linux runtime needs root")
    if problem:
        skip_unless_required(problem, "K8SLITE_REQUIRE_DOCKER")


def pod(name: str, *containers: dict, share_process_namespace: bool = False) -> Pod:
    """A pod of busybox containers, e.g. pod("web", {"name": "c", "command": ["sh", "-c", "..."]})."""
    spec = {"containers": [{"image": "busybox", **c} for c in containers],
            "shareProcessNamespace": share_process_namespace}
    made = decode({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "uid": f"uid-{name}"}, "spec": spec})
    assert isinstance(made, Pod)
    return made
