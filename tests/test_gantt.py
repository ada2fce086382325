"""gantt(c) and the pod history behind it: lifetimes by node, states over time, deleted pods kept."""

from __future__ import annotations

from matplotlib.colors import to_hex

from k8slite import Cluster
from k8slite.viz import PHASE_COLORS, gantt

SELF_HEALING = "manifests/07-web.yaml"  # ReplicaSet web, 3 replicas


def test_history_keeps_a_deleted_pod_and_its_states() -> None:
    c = Cluster(nodes=3)
    c.apply(SELF_HEALING)
    c.run(30)
    victim = c.get("pods")[0]
    c.delete("pods", victim.name)
    c.run(60)
    node, segments = c.pod_history.lifetimes(c.now)[f"default/{victim.name}"]
    assert node == victim.spec.node_name
    states = [s.state for s in segments]
    assert states[-1] == "Terminating" and "Running" in states
    assert segments[-1].end < c.now, "the pod is gone before now"
    assert all(a.end == b.start for a, b in zip(segments, segments[1:]))


def test_gantt_has_a_row_per_pod_under_its_node() -> None:
    c = Cluster(nodes=3)
    c.apply(SELF_HEALING)
    c.run(30)
    c.node("node-2").fail()
    c.run(400)
    fig = gantt(c)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert [label for label in labels if label.startswith("node-")] == ["node-1", "node-2", "node-3"]
    pods = {p for p, (_node, segs) in c.pod_history.lifetimes(c.now).items() if segs}
    assert len(labels) == 3 + len(pods) == 3 + 4  # three pods, one replacement
    colours = {to_hex(bar.get_facecolor()) for bar in fig.axes[0].patches}
    assert {PHASE_COLORS["Running"], PHASE_COLORS["Terminating"]} <= colours
    assert repr(fig) == repr(gantt(c))


def test_gantt_of_an_empty_cluster_says_so() -> None:
    fig = gantt(Cluster(nodes=1))
    assert "no pods yet" in [t.get_text() for t in fig.axes[0].texts]
