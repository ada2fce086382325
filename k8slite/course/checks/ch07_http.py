"""Check for notebook 07's exercise on machines apart: which nodes have gone silent, read from their Leases.

07.3 ``silent_nodes(url, token, ca, now, grace)``: the names of the nodes
whose Lease in `kube-node-lease` was last renewed more than `grace` seconds
before `now` (a timezone-aware datetime), sorted, asked over HTTPS as in
exercise 05.5. Each scenario serves a cluster of four nodes, some of which
failed at random times, and a grace period other than the cluster's own
50 s: an answer that reads the Node's Ready condition (the controller's
verdict, with its own grace period), the node status's heartbeat time (sent
only when something changed, or every 5 minutes) or the Lease's
acquireTime fails with the node it got wrong.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Callable
from typing import Any

from k8slite.api.coordination import NODE_LEASE_NAMESPACE
from k8slite.api.serialize import EPOCH
from k8slite.course.checks import exercise
from k8slite.course.checks.ch05_http import ask_server


def scenario(seed: int) -> tuple[Any, float, dict[str, float]]:
    """A cluster of 4 nodes, some failed at random times, run to a moment between heartbeats: (cluster,
    grace, node -> when it failed)."""
    from k8slite import Cluster
    rng = random.Random(seed)
    cluster = Cluster(nodes=4, seed=seed)
    failures = {f"node-{i}": rng.uniform(5, 150) for i in rng.sample(range(1, 5), rng.randint(1, 3))}
    for node, when in sorted(failures.items(), key=lambda item: item[1]):
        cluster.run(when - cluster.now)
        cluster.node(node).fail()
    cluster.run(160.5 - cluster.now)  # half a second off the heartbeats: no silence equals the grace exactly
    return cluster, float(rng.choice([15, 25, 35, 70, 120])), failures


def expected_silent(cluster: Any, grace: float) -> list[str]:
    """The nodes whose Lease's renewTime is more than `grace` seconds old."""
    leases = cluster.api.list("leases", NODE_LEASE_NAMESPACE)
    return sorted(lease.name for lease in leases if cluster.now - lease.spec.renew_time > grace)


def answer(silent_nodes: Callable[..., Any], url: str, token: str, ca: str, now: dt.datetime, grace: float) -> Any:
    return silent_nodes(url, token, ca, now, grace)


@exercise("07.3")
def check_07_3(silent_nodes: Callable[..., Any], scenarios: int = 4) -> str:
    from k8slite.server import serve

    assert callable(silent_nodes), "define a function silent_nodes(url, token, ca, now, grace) -> sorted names"
    for seed in range(scenarios):
        cluster, grace, failures = scenario(seed)
        expected = expected_silent(cluster, grace)
        now = EPOCH + dt.timedelta(seconds=cluster.now)
        with serve(cluster) as server:
            got = ask_server(functools.partial(answer, silent_nodes, now=now, grace=grace), server)
        cluster.close()
        failed = ", ".join(f"{node} failed at t={when:.1f} s" for node, when in sorted(failures.items()))
        assert got == expected, (
            f"silent_nodes(..., now={now.isoformat()}, grace={grace:g}) returned {got!r}; the nodes whose "
            f"Lease was renewed more than {grace:g} s before now are {expected!r} ({failed}; a Lease's "
            "spec.renewTime is when its kubelet last renewed it: GET /apis/coordination.k8s.io/v1/namespaces/"
            "kube-node-lease/leases)")
    return f"{scenarios} clusters with failed machines, each node's silence read from its Lease over HTTPS."
