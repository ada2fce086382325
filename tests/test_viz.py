"""The pictures: draw_cluster's graph, its stable layout, its colours, and the events timeline."""

from __future__ import annotations

from io import BytesIO

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from k8slite import Cluster
from k8slite.api.meta import ObjectMeta
from k8slite.api.pod import (
    Container,
    ContainerState,
    ContainerStateWaiting,
    ContainerStatus,
    Pod,
    PodSpec,
    PodStatus,
)
from k8slite.viz import PHASE_COLORS, build_graph, draw_cluster, layout, png_bytes, pod_state, timeline
from k8slite.viz.palette import NODE_DOWN_EDGE, short_name


def replicaset(name: str = "web", replicas: int = 3, cpu: str = "100m") -> str:
    return f"""
apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - {{name: main, image: busybox, command: [sleep, "100000"], resources: {{requests: {{cpu: {cpu}}}}}}}
"""


def make_pod(name: str = "web-abcde", phase: str = "Running", deleting: bool = False,
             waiting: str = "") -> Pod:
    status = ContainerStatus(name="main", state=ContainerState(waiting=ContainerStateWaiting(waiting)) if waiting
                             else ContainerState())
    return Pod(metadata=ObjectMeta(name=name, deletion_timestamp=30.0 if deleting else None),
               spec=PodSpec(containers=[Container(name="main", image="busybox")]),
               status=PodStatus(phase=phase, container_statuses=[status]))


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(nodes=3)
    c.apply(replicaset("web", 10))
    c.run(30)
    return c


def pod_colours(fig: Figure) -> set[str]:
    ax = fig.axes[0]
    return {to_hex(p.get_facecolor()) for p in ax.patches if isinstance(p, FancyBboxPatch)}


# ------------------------------------------------------------ palette
@pytest.mark.parametrize("pod, state", [
    (make_pod(phase="Pending"), "Pending"),
    (make_pod(phase="Running"), "Running"),
    (make_pod(phase="Succeeded"), "Succeeded"),
    (make_pod(phase="Failed"), "Failed"),
    (make_pod(phase="Running", deleting=True), "Terminating"),        # deletion wins over the phase
    (make_pod(phase="Running", waiting="CrashLoopBackOff"), "CrashLoopBackOff"),
    (make_pod(phase="Pending", waiting="ContainerCreating"), "ContainerCreating"),
    (make_pod(phase="Pending", waiting="ErrImagePull"), "Pending"),
])
def test_pod_state_is_what_kubectl_prints(pod: Pod, state: str) -> None:
    assert pod_state(pod) == state
    assert state in PHASE_COLORS


def test_every_state_has_its_own_colour() -> None:
    assert len(set(PHASE_COLORS.values())) == len(PHASE_COLORS)


def test_short_names_keep_the_random_suffix() -> None:
    assert short_name("web-abcde") == "web-abcde"
    assert short_name("nginx-deployment-7d9f8-x7k2q") == "nginx…x7k2q"


# ------------------------------------------------------------ graph and layout
def test_graph_has_owners_nodes_pods_and_their_edges(cluster: Cluster) -> None:
    graph = build_graph(cluster)
    kinds = [data["kind"] for _, data in graph.nodes(data=True)]
    assert kinds.count("Node") == 3 and kinds.count("Pod") == 10 and kinds.count("Owner") == 1
    relations = [data["relation"] for _, _, data in graph.edges(data=True)]
    assert relations.count("owns") == 10 and relations.count("runs-on") == 10
    assert all(graph.has_edge("ReplicaSet/default/web", f"Pod/default/{p.name}") for p in cluster.get("pods"))


def test_layout_is_stable_across_steps(cluster: Cluster) -> None:
    before = layout(build_graph(cluster))
    cluster.run(60)
    after = layout(build_graph(cluster))
    assert before == after
    # Node i is column i, whatever the pods do.
    xs = [after.boxes[f"Node/node-{i}"].x for i in (1, 2, 3)]
    assert xs == sorted(xs) and len(set(xs)) == 3


def test_pods_sit_inside_their_node_without_overlapping(cluster: Cluster) -> None:
    where = layout(build_graph(cluster))
    boxes = [where.boxes[f"Pod/default/{p.name}"] for p in cluster.get("pods")]
    for pod, box in zip(cluster.get("pods"), boxes):
        node = where.boxes[f"Node/{pod.spec.node_name}"]
        assert node.x < box.x and box.x + box.w < node.x + node.w
        assert node.y < box.y and box.top < node.top
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a.x + a.w <= b.x or b.x + b.w <= a.x or a.top <= b.y or b.top <= a.y


def test_unschedulable_pods_wait_in_the_pending_lane() -> None:
    c = Cluster(nodes=2)
    c.apply(replicaset("big", 2, cpu="10"))   # 10 CPU fits no 4-CPU node
    c.run(5)
    where = layout(build_graph(c))
    for pod in c.get("pods"):
        box = where.boxes[f"Pod/default/{pod.name}"]
        assert where.lane.y < box.y and box.top < where.lane.top


# ------------------------------------------------------------ drawing
def test_draw_returns_a_figure_that_renders(cluster: Cluster) -> None:
    fig = cluster.draw()
    assert isinstance(fig, Figure)
    assert fig.dpi == 100
    buffer = BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")
    assert fig._repr_png_().startswith(b"\x89PNG")  # type: ignore[attr-defined]


def test_drawing_is_deterministic(cluster: Cluster) -> None:
    assert png_bytes(draw_cluster(cluster)) == png_bytes(draw_cluster(cluster))


def test_draw_leaves_pyplot_alone(cluster: Cluster) -> None:
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    draw_cluster(cluster)
    assert plt.get_fignums() == before


def test_pods_are_coloured_by_phase() -> None:
    c = Cluster(nodes=1)
    c.apply(replicaset("web", 2))
    c.apply(replicaset("big", 1, cpu="10"))
    c.run(10)
    colours = pod_colours(draw_cluster(c))
    assert PHASE_COLORS["Running"] in colours and PHASE_COLORS["Pending"] in colours
    c.delete("pod", next(p.name for p in c.get("pods") if p.status.phase == "Running"))
    assert PHASE_COLORS["Terminating"] in pod_colours(draw_cluster(c))


def test_a_failed_node_is_outlined_in_red(cluster: Cluster) -> None:
    def red_outlines(fig: Figure) -> int:
        return sum(1 for p in fig.axes[0].patches
                   if isinstance(p, FancyBboxPatch) and to_hex(p.get_edgecolor()) == NODE_DOWN_EDGE)
    assert red_outlines(draw_cluster(cluster)) == 0
    cluster.node("node-2").fail()
    fig = draw_cluster(cluster)
    assert red_outlines(fig) == 1
    assert any(t.get_text().startswith("machine down") for t in fig.axes[0].texts)
    cluster.run(60)  # past the 40 s grace period: the control plane sees it too, and says what kubectl says
    assert cluster.get("node", "node-2").ready_status() == "Unknown"
    texts = [t.get_text() for t in draw_cluster(cluster).axes[0].texts]
    assert "NotReady" in texts and "Unknown" not in texts
    assert "node-2   NotReady" in cluster.kubectl("get nodes")


def test_draw_into_given_axes_and_without_owners(cluster: Cluster) -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert draw_cluster(cluster, ax=ax, title="mine", show_owners=False) is fig
    assert ax.get_title(loc="left") == "mine"
    assert not any(t.get_text() == "web" for t in ax.texts)


# ------------------------------------------------------------ timeline
def test_timeline_shows_node_failure_and_eviction(cluster: Cluster) -> None:
    cluster.node("node-2").fail()
    cluster.run(400)
    fig = timeline(cluster)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert "node/node-2" in rows and "replicaset/web" in rows
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "NodeNotReady" in texts and "TaintManagerEviction" in texts
    fig.savefig(BytesIO(), format="png")


def test_timeline_filters_by_kind(cluster: Cluster) -> None:
    cluster.node("node-1").fail()
    cluster.run(60)
    rows = [t.get_text() for t in timeline(cluster, kinds=["Node"]).axes[0].get_yticklabels()]
    assert rows == ["node/node-1"]


def test_timeline_of_a_quiet_cluster() -> None:
    fig = timeline(Cluster(nodes=1), kinds=["Job"])
    assert any(t.get_text() == "no events yet" for t in fig.axes[0].texts)
    fig.savefig(BytesIO(), format="png")
