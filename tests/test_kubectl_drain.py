"""kubectl drain: cordon, kubectl's filters, evictions, and the wait for the pods to go."""

from __future__ import annotations

import pytest
from storage_builders import pod_with

from k8slite import Cluster


@pytest.fixture
def c() -> Cluster:
    c = Cluster(nodes=3)
    c.kubectl("create deployment web --image=busybox --replicas=3 -- sleep 3600")
    c.run(10)
    return c


def pods_on(c: Cluster, node: str) -> list[str]:
    return sorted(p.name for p in c.get("pods") if p.spec.node_name == node)


def test_drain_evicts_every_pod_waits_for_them_and_the_deployment_replaces_them_elsewhere(c: Cluster) -> None:
    node = c.get("pods")[0].spec.node_name
    victims = pods_on(c, node)
    start = c.now
    text = c.kubectl(f"drain {node} --ignore-daemonsets")
    assert text == (f"node/{node} cordoned\n" + "".join(f"evicting pod default/{v}\n" for v in victims)
                    + "".join(f"pod/{v} evicted\n" for v in victims) + f"node/{node} drained\n")
    assert c.now - start == pytest.approx(30, abs=1)  # `sleep` ignores SIGTERM: the grace period runs out
    c.run(5)
    assert pods_on(c, node) == [] and c.ready("deployment/web")
    assert c.get("node", node).spec.unschedulable
    assert c.kubectl(f"drain {node}") == f"node/{node} already cordoned\nnode/{node} drained\n"


def test_pods_without_a_controller_or_with_an_emptydir_stop_the_drain_unless_told(c: Cluster) -> None:
    c.apply(pod_with("bare", {"emptyDir": {}}, node="node-1"))
    c.run(5)
    refused = c.kubectl("drain node-1")
    # kubectl's filters stop at a pod's first refusal: the emptyDir filter comes before the no-controller one
    reason = "cannot delete Pods with local storage (use --delete-emptydir-data to override): default/bare"
    assert refused == ("node/node-1 cordoned\n"
                       f'error: unable to drain node "node-1" due to error: {reason}, continuing command...\n'
                       f"There are pending nodes to be drained:\n node-1\n{reason}\n")
    assert "bare" in pods_on(c, "node-1")  # nothing was evicted
    # kubectl 1.32 says "cannot delete" twice: filters.go's message has it, and its list of refusals adds it
    reason = "cannot delete cannot delete Pods that declare no controller (use --force to override): default/bare"
    assert c.kubectl("drain node-1 --delete-emptydir-data") == (
        "node/node-1 already cordoned\n"
        f'error: unable to drain node "node-1" due to error: {reason}, continuing command...\n'
        f"There are pending nodes to be drained:\n node-1\n{reason}\n")
    done = c.kubectl("drain node-1 --force --delete-emptydir-data --grace-period=1")
    # a pod keeps the last filter's word: the emptyDir warning is overwritten by the no-controller one
    assert done.startswith("node/node-1 already cordoned\nWarning: deleting Pods that declare no controller: "
                           "default/bare\nevicting pod default/bare\n")
    assert done.endswith("node/node-1 drained\n") and pods_on(c, "node-1") == []


def test_a_drain_that_takes_too_long_says_so(c: Cluster) -> None:  # drain.go: "global timeout reached: %v"
    node = c.get("pods")[0].spec.node_name
    (victim,) = pods_on(c, node)
    message = (f'[error when waiting for pod "{victim}" in namespace "default" to terminate: global timeout '
               "reached: 5s]")
    assert c.kubectl(f"drain {node} --timeout=5s") == (  # a Go time.Duration: --timeout=60s would say 1m0s
        f"node/{node} cordoned\nevicting pod default/{victim}\n"
        f'error: unable to drain node "{node}" due to error: {message}, continuing command...\n'
        f"There are pending nodes to be drained:\n {node}\n{message}\n")
