"""The cluster as a graph, and where each part of it goes on the page.

Mirrors nothing in Kubernetes: this is how the pictures see a cluster.
`build_graph` reads the API (never the components) into a networkx DiGraph
whose vertices are Deployments, ReplicaSets (and other owners), Nodes and
Pods, with an `owns` edge from each owner to what it owns
(metadata.ownerReferences: Deployment -> ReplicaSet -> Pod) and a `runs-on`
edge from each pod to its node (spec.nodeName).

`layout` places them with a fixed recipe rather than a force-directed
layout, so that the picture does not jump between two `c.run` steps: node i
is column i (nodes sorted by name), the pods on a node fill a grid in name
order, unscheduled pods wait in a lane at the bottom, owners sit in a row
above the nodes and Deployments above their ReplicaSets. Given a `Slots`
(viz/slots.py), pods and owners keep the place they had in the previous
picture instead, for animations and live views. Coordinates are in "pod widths"; y grows upwards, with
the top of the picture at y = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

from k8slite.api.meta import KubeObject
from k8slite.api.pod import Pod
from k8slite.errors import ApiError
from k8slite.pod_history import HIDDEN_NAMESPACES
from k8slite.viz.palette import pod_state
from k8slite.viz.slots import Slots

POD_W, POD_H, POD_GAP = 1.0, 0.5, 0.15
NODE_PAD, NODE_HEADER, NODE_GAP = 0.2, 1.25, 0.5
OWNER_W, OWNER_H, OWNER_GAP = 2.4, 0.6, 1.0
DEPLOYMENT_GAP = 0.5  # between a Deployment and the row of ReplicaSets below it
LANE_GAP, LANE_HEADER = 0.45, 0.4


@dataclass(frozen=True)
class Box:
    """A rectangle: (x, y) is its lower-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def center_x(self) -> float:
        return self.x + self.w / 2


@dataclass(frozen=True)
class Layout:
    """Where everything goes: a Box per graph vertex, the pending lane and its pods, the overall size."""

    boxes: dict[str, Box]
    lane: Box
    waiting: tuple[str, ...]
    width: float
    height: float


def vertex_id(obj: KubeObject) -> str:
    """`Node/node-1`, `Pod/default/web-x7k2q`, `ReplicaSet/default/web`."""
    return f"{obj.kind}/{obj.namespace}/{obj.name}" if obj.namespace else f"{obj.kind}/{obj.name}"


def build_graph(cluster: object) -> nx.DiGraph:
    """Nodes, pods (every namespace but kube-system) and their owners, with owns/runs-on edges."""
    api = cluster.api  # type: ignore[attr-defined]
    kubelets = getattr(cluster, "kubelets", {})
    graph = nx.DiGraph()
    for node in sorted(api.list("nodes"), key=lambda n: n.name):
        kubelet = kubelets.get(node.name)
        up = kubelet is not None and bool(kubelet.running)
        graph.add_node(vertex_id(node), kind="Node", obj=node, up=up)
    pods = [p for p in api.list("pods") if p.namespace not in HIDDEN_NAMESPACES]
    for deployment in api.list("deployments"):
        if deployment.namespace not in HIDDEN_NAMESPACES:
            graph.add_node(vertex_id(deployment), kind="Deployment", obj=deployment)
    for rs in api.list("replicasets"):
        if rs.namespace not in HIDDEN_NAMESPACES:
            graph.add_node(vertex_id(rs), kind="Owner", obj=rs)
            for ref in rs.metadata.owner_references:
                if f"{ref.kind}/{rs.namespace}/{ref.name}" in graph:
                    graph.add_edge(f"{ref.kind}/{rs.namespace}/{ref.name}", vertex_id(rs), relation="owns")
    for pod in sorted(pods, key=lambda p: (p.namespace, p.name)):
        add_pod(graph, api, pod)
    return graph


def add_pod(graph: nx.DiGraph, api: object, pod: Pod) -> None:
    pid = vertex_id(pod)
    graph.add_node(pid, kind="Pod", obj=pod, state=pod_state(pod))
    node_id = f"Node/{pod.spec.node_name}"
    if pod.spec.node_name and node_id in graph:
        graph.add_edge(pid, node_id, relation="runs-on")
    for ref in pod.metadata.owner_references:
        owner_id = f"{ref.kind}/{pod.namespace}/{ref.name}"
        if owner_id not in graph:
            owner = find_owner(api, ref.kind, ref.name, pod.namespace)
            if owner is None:
                continue  # the owner is gone: the garbage collector will remove the pod
            graph.add_node(owner_id, kind="Owner", obj=owner)
        graph.add_edge(owner_id, pid, relation="owns")


def find_owner(api: object, kind: str, name: str, namespace: str) -> KubeObject | None:
    try:
        found: KubeObject = api.get(kind.lower(), name, namespace)  # type: ignore[attr-defined]
        return found
    except ApiError:
        return None


def vertices(graph: nx.DiGraph, kind: str) -> list[str]:
    """The vertices of one kind, sorted by id (so by namespace, then name)."""
    return sorted(v for v, data in graph.nodes(data=True) if data["kind"] == kind)


def pods_per_row(node_count: int) -> int:
    """Three pods side by side for three nodes; more when there are fewer nodes, two at least."""
    return max(2, min(6, 9 // max(1, node_count)))


def grid(count: int, columns: int, left: float, top: float) -> list[Box]:
    """`count` pod boxes in rows of `columns`, the first one's top-left corner at (left, top)."""
    boxes = []
    for i in range(count):
        row, col = divmod(i, columns)
        boxes.append(Box(left + col * (POD_W + POD_GAP), top - row * (POD_H + POD_GAP) - POD_H, POD_W, POD_H))
    return boxes


def grid_height(count: int, columns: int) -> float:
    rows = max(1, math.ceil(count / columns))
    return rows * (POD_H + POD_GAP) - POD_GAP


def slots_for(slots: Slots | None, group: str, keys: list[str]) -> dict[str, int]:
    """Each key's slot: its place in `keys`, or the one it kept in `slots`."""
    return slots.place(group, keys) if slots is not None else {k: i for i, k in enumerate(keys)}


def needed(slots: Slots | None, what: str, taken: dict[str, int]) -> int:
    count = max(taken.values(), default=-1) + 1
    return slots.reserve(what, count) if slots is not None else count


def layout(graph: nx.DiGraph, show_owners: bool = True, slots: Slots | None = None) -> Layout:
    """Stable positions: a function of the sorted names (and of `slots`), never of iteration order or chance."""
    nodes = vertices(graph, "Node")
    columns = pods_per_row(len(nodes))
    node_w = 2 * NODE_PAD + columns * POD_W + (columns - 1) * POD_GAP
    width = max(1, len(nodes)) * (node_w + NODE_GAP) - NODE_GAP
    pods_on = {n: sorted(p for p in graph.predecessors(n) if graph.nodes[p]["kind"] == "Pod") for n in nodes}
    slot_on = {n: slots_for(slots, n, pods_on[n]) for n in nodes}
    most = max((max(taken.values(), default=-1) + 1 for taken in slot_on.values()), default=0)
    most = slots.reserve("pods", most) if slots is not None else most
    node_h = NODE_HEADER + grid_height(most, columns) + NODE_PAD
    top = 0.0
    boxes: dict[str, Box] = {}
    if show_owners:
        deployments = vertices(graph, "Deployment")
        has_row = (slots.reserve("deployments", len(deployments)) if slots is not None else len(deployments)) > 0
        owner_top = -(OWNER_H + DEPLOYMENT_GAP) if has_row else 0.0
        boxes.update(owner_row(vertices(graph, "Owner"), width, owner_top, slots))
        boxes.update(deployment_row(graph, deployments, boxes, width))
        top = owner_top - (OWNER_H + OWNER_GAP)
    for i, node in enumerate(nodes):
        x = i * (node_w + NODE_GAP)
        boxes[node] = Box(x, top - node_h, node_w, node_h)
        cells = grid(most, columns, x + NODE_PAD, top - NODE_HEADER)
        boxes.update((pod, cells[slot]) for pod, slot in slot_on[node].items())
    placed = set(boxes)
    waiting = [p for p in vertices(graph, "Pod") if p not in placed]
    waiting_slots = slots_for(slots, "waiting", waiting)
    lane_count = needed(slots, "waiting", waiting_slots)
    lane_columns = max(1, int((width - 2 * NODE_PAD + POD_GAP) // (POD_W + POD_GAP)))
    lane_top = top - node_h - LANE_GAP
    lane_h = LANE_HEADER + (grid_height(lane_count, lane_columns) + NODE_PAD if lane_count else 0.1)
    lane = Box(0.0, lane_top - lane_h, width, lane_h)
    cells = grid(lane_count, lane_columns, NODE_PAD, lane_top - LANE_HEADER)
    boxes.update((pod, cells[slot]) for pod, slot in waiting_slots.items())
    return Layout(boxes, lane, tuple(waiting), width, -lane.y)


def owner_row(owners: list[str], width: float, top: float = 0.0, slots: Slots | None = None) -> dict[str, Box]:
    """Owners evenly spread across the width, in name order (or in the slots they kept)."""
    taken = slots_for(slots, "owners", owners)
    count = needed(slots, "owners", taken)
    if not count:
        return {}
    slot = width / count
    w = min(OWNER_W, slot - 0.2)
    return {o: Box(slot * (i + 0.5) - w / 2, top - OWNER_H, w, OWNER_H) for o, i in taken.items()}


def deployment_row(graph: nx.DiGraph, deployments: list[str], owners: dict[str, Box],
                   width: float) -> dict[str, Box]:
    """Each Deployment centred above its ReplicaSets; evenly spread when that would overlap."""
    if not deployments:
        return {}
    even = width / len(deployments)
    w = min(OWNER_W, even - 0.2)
    centres = []
    for i, d in enumerate(deployments):
        below = [owners[rs].center_x for rs in sorted(graph.successors(d)) if rs in owners]
        centres.append(sum(below) / len(below) if below else even * (i + 0.5))
    centres = [min(max(c, w / 2), width - w / 2) for c in centres]
    if any(b - a < w + 0.2 for a, b in zip(sorted(centres), sorted(centres)[1:])):
        centres = [even * (i + 0.5) for i in range(len(deployments))]
    return {d: Box(c - w / 2, -OWNER_H, w, OWNER_H) for d, c in zip(deployments, centres)}
