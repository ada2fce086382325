"""kubectl delete waits until what it deleted is gone (k8s.io/kubectl/pkg/cmd/delete/delete.go)."""

from __future__ import annotations

import pytest
from builders import job_yaml

from k8slite import Cluster


@pytest.fixture
def c() -> Cluster:
    c = Cluster(nodes=1)
    c.kubectl("run solo --image=busybox -- sleep 3600")
    c.run(5)
    return c


def test_delete_runs_the_clock_until_the_pod_is_gone(c: Cluster) -> None:
    start = c.now
    # delete.go prints `pod "solo" deleted` when the delete is sent, then waits with --for=delete
    assert c.kubectl("delete pod solo") == 'pod "solo" deleted\n'
    assert c.get("pods") == [] and c.now > start  # the kubelet stopped it (sleep ignores SIGTERM: 30 s grace)
    assert c.now - start <= 31


def test_delete_wait_false_returns_at_once_with_the_pod_terminating(c: Cluster) -> None:
    start = c.now
    assert c.kubectl("delete pod solo --wait=false") == 'pod "solo" deleted\n'
    assert c.now == start
    assert "Terminating" in c.kubectl("get pods")  # the STATUS column, printers.go


def test_delete_timeout_gives_wait_s_error(c: Cluster) -> None:
    start = c.now
    # wait.go's words when the deadline passes first
    assert c.kubectl("delete pod solo --timeout=2s") == (
        'pod "solo" deleted\nerror: timed out waiting for the condition on pods/solo\n')
    assert c.now - start == 2 and c.get("pod", "solo").metadata.deletion_timestamp is not None


def test_delete_sends_background_propagation_by_default() -> None:
    c = Cluster(nodes=1)
    seen: list[object] = []
    real = c.api.delete

    def spy(kind: str, *args: object, **kwargs: object) -> object:
        if kind == "jobs":
            seen.append(kwargs.get("propagation_policy"))
        return real(kind, *args, **kwargs)

    c.api.delete = spy  # type: ignore[method-assign]
    c.apply(job_yaml(command="sleep 600"))
    c.run(3)
    assert c.kubectl("delete job work") == 'job.batch "work" deleted\n'
    assert seen[0] == "Background"  # delete.go: --cascade=background is the default, sent explicitly
    c.run(40)
    assert c.get("pods") == []  # its pods went too
    for flag, policy in (("orphan", "Orphan"), ("foreground", "Foreground")):
        c.apply(job_yaml(command="sleep 600"))
        c.run(3)
        c.kubectl(f"delete job work --cascade={flag}")
        assert seen[-1] == policy
