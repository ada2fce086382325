"""Check for notebook 07's exercise 07.4, `daemon_nodes(ds, nodes)`: which nodes a DaemonSet wants a pod on.

Clusters of five nodes are put in random states (labels, taints of each
effect, a cordoned node, a failed one, one under disk pressure), a DaemonSet with a random
nodeSelector and random tolerations is applied, and the answer is compared
with the nodes the real controller makes pods for (each pod names its node
in its node affinity). The DaemonSets use no node affinity of their own.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from k8slite.api.daemonset import DaemonSet
from k8slite.api.node import Node
from k8slite.api.pod import Pod, Taint
from k8slite.cluster import Cluster
from k8slite.controllers.daemonset import target_node
from k8slite.course.checks import exercise

DISK_PRESSURE = "node.kubernetes.io/disk-pressure"
TAINTS = [Taint("dedicated", "gpu", "NoSchedule"), Taint("maintenance", "", "NoExecute"),
          Taint("spot", "true", "PreferNoSchedule"), Taint("dedicated", "gpu", "NoExecute")]
TOLERATIONS = ["{key: dedicated, operator: Exists}", "{key: dedicated, value: gpu, effect: NoSchedule}",
               "{key: maintenance, operator: Exists, effect: NoExecute}", "{operator: Exists}"]


def daemonset_yaml(selector: dict[str, str], tolerations: list[str]) -> str:
    node_selector = "{" + ", ".join(f"{k}: {v}" for k, v in selector.items()) + "}"
    listed = "[" + ", ".join(tolerations) + "]"
    return f"""
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent}}
spec:
  selector: {{matchLabels: {{app: agent}}}}
  template:
    metadata: {{labels: {{app: agent}}}}
    spec:
      nodeSelector: {node_selector}
      tolerations: {listed}
      containers:
      - {{name: agent, image: busybox, command: [sleep, "86400"]}}
"""


def prepared_cluster(rng: random.Random, seed: int) -> tuple[Cluster, list[str]]:
    """A 5-node cluster in a random state, and the story of each node (for hints)."""
    c = Cluster(nodes=5, seed=seed)
    story = []
    for node in c.get("nodes"):
        new, said = node.copy(), []
        if rng.random() < 0.6:
            new.metadata.labels["disk"] = rng.choice(["ssd", "hdd"])
            said.append(f"label disk={new.metadata.labels['disk']}")
        if rng.random() < 0.45:
            taint = rng.choice(TAINTS)
            new.spec.taints.append(Taint(taint.key, taint.value, taint.effect))
            said.append(f"taint {taint.key}={taint.value}:{taint.effect}")
        c.api.update(new)
        story.append(f"{node.name}: {', '.join(said) or 'nothing special'}")
    names = [n.name for n in c.get("nodes")]
    cordoned, failed, pressed = rng.sample(names, 3)
    c.kubectl(f"cordon {cordoned}")
    story.append(f"{cordoned} cordoned")
    if rng.random() < 0.6:  # the taint the node lifecycle controller gives a node whose DiskPressure is True
        node = c.get("nodes", pressed).copy()
        node.spec.taints.append(Taint(DISK_PRESSURE, "", "NoSchedule"))
        c.api.update(node)
        story.append(f"{pressed} under disk pressure (taint {DISK_PRESSURE}:NoSchedule)")
    if rng.random() < 0.7:
        c.node(failed).fail()
        story.append(f"{failed} failed (NotReady after 50 s)")
    c.run(70)
    return c, story


def scenario(daemon_nodes: Callable[..., Any], seed: int) -> None:
    rng = random.Random(seed)
    c, story = prepared_cluster(rng, seed)
    selector = {"disk": rng.choice(["ssd", "hdd"])} if rng.random() < 0.5 else {}
    tolerations = rng.sample(TOLERATIONS[:3], rng.randint(0, 2)) if rng.random() < 0.9 else [TOLERATIONS[3]]
    c.apply(daemonset_yaml(selector, tolerations))
    c.run(1)
    ds = c.get("daemonsets", "agent")
    nodes = [n for n in c.get("nodes") if isinstance(n, Node)]
    assert isinstance(ds, DaemonSet)
    answer = daemon_nodes(ds.copy(), [n.copy() for n in nodes])
    assert isinstance(answer, list) and all(isinstance(n, str) for n in answer), (
        f"daemon_nodes(ds, nodes) must return a list of node names (str), not {answer!r}")
    real = sorted(target_node(p) for p in c.get("pods") if isinstance(p, Pod))
    taints = {n.name: [f"{t.key}={t.value}:{t.effect}" for t in n.spec.taints] for n in nodes}
    assert answer == real, (
        f"seed {seed}: the DaemonSet has nodeSelector {selector} and tolerations [{', '.join(tolerations)}]; "
        f"the nodes: {'; '.join(story)}.\nTheir taints now: {taints}.\n"
        f"You said {answer}; the DaemonSet controller made pods for {real}.")


@exercise("07.4")
def check_07_4(daemon_nodes: Callable[..., Any]) -> str:
    assert callable(daemon_nodes), "define a function daemon_nodes(ds, nodes) -> sorted list of node names"
    for seed in range(10):
        scenario(daemon_nodes, 740 + seed)
    return "10 clusters of 5 nodes (labels, taints, a cordoned node, a failed one), compared with the controller."
