"""The scheduler's cache: every node with the pods on it and their summed requests.

Mirrors pkg/scheduler/backend/cache: kept current from the informers' events,
one pod at a time (adding or removing its requests), so a scheduling cycle
never re-adds the requests of every pod in the cluster. "Assume": right after
binding, the scheduler adds the pod to its node here, before the watch
reports it, so the next pod already sees the room it takes.

It also counts pods by namespace and labels, per node (`groups`): pods of a
Deployment share their labels, so "how many pods matching this selector on
each node", which PodTopologySpread and InterPodAffinity ask every cycle,
is a question about a few groups, not about every pod of the cluster. Each
group is also kept as an array, one count per node (`counts_by_row`), and
each label key the plugins ask about as one coded value per node
(`label_column`), so those questions are answered with NumPy.

For the vectorised plugins it also keeps every node's numbers as NumPy
columns (`table()`, rows in name order, the framework's COLUMNS): a row is
rewritten only when its node or the pods on it change.

Simplified: no assumed-pod expiry (binding is synchronous here), no image
states.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import numpy as np

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.informer import object_key
from k8slite.scheduler.framework import COLUMNS, LabelColumn, NodeInfo, column
from k8slite.scheduler.plugins.inter_pod_affinity import has_pod_affinity
from k8slite.scheduler.resources import Resources, occupies_node, pod_requests

LabelGroup = tuple[str, tuple[tuple[str, str], ...], bool]  # namespace, labels, terminating
Matches = Callable[[str, dict[str, str]], bool]  # (namespace, labels) -> is this pod counted?


class SchedulerCache:
    def __init__(self) -> None:
        self.nodes: dict[str, NodeInfo] = {}
        self.pods: dict[str, Pod] = {}  # key -> the pod as counted on its node
        self.waiting: dict[str, dict[str, Pod]] = {}  # pods bound to nodes not (yet) known
        self.affinity: dict[str, Pod] = {}  # placed pods that carry pod (anti-)affinity terms
        self.order: list[str] = []  # node names, sorted
        self.groups: dict[LabelGroup, dict[str, int]] = {}  # pods alike -> node name -> how many
        self.generation = 0  # bumps when nodes come or go
        self.nodes_in_order: list[NodeInfo] = []
        self.listed_generation = -1
        self.columns: dict[str, np.ndarray] = {}  # the table: column name -> one entry per node, in name order
        self.row: dict[str, int] = {}  # node name -> its row in the table
        self.table_generation = -1
        self.changed: set[str] = set()  # nodes whose rows are out of date
        self.requests: dict[str, tuple[Resources, Resources]] = {}  # pod uid -> requests (requests_of)
        self.group_rows: dict[LabelGroup, np.ndarray] = {}  # `groups` as arrays by table row (counts_by_row)
        self.rows_generation = -1  # the generation group_rows were made for
        self.label_columns: dict[str, LabelColumn] = {}  # label key -> each node's value, coded (label_column)

    # ------------------------------------------------------------ nodes
    def set_node(self, node: Node) -> None:
        info = self.nodes.get(node.name)
        if info is None:
            info = self.nodes[node.name] = NodeInfo(node)
            bisect.insort(self.order, node.name)
            self.generation += 1
            self.label_columns.clear()
            for pod in self.waiting.pop(node.name, {}).values():
                self.count(info, pod, +1)
        else:
            if node.metadata.labels != info.node.metadata.labels:
                self.label_columns.clear()
            info.node = node
            info.allocatable = NodeInfo(node).allocatable
            self.changed.add(node.name)

    def remove_node(self, name: str) -> None:
        info = self.nodes.pop(name, None)
        if info is not None:
            self.waiting[name] = dict(info.pods)
            self.order.remove(name)
            self.generation += 1
            self.label_columns.clear()
            for pod in info.pods.values():
                self.count_group(pod, name, -1)

    # ------------------------------------------------------------ pods
    def set_pod(self, pod: Pod) -> None:
        """Add, update or assume a pod: take out what it counted before, count it as it is now."""
        key = object_key(pod)
        if self.same_counts(key, pod):
            return
        self.remove_pod(key)
        if occupies_node(pod):
            self.pods[key] = pod
            if has_pod_affinity(pod):
                self.affinity[key] = pod
            info = self.nodes.get(pod.spec.node_name)
            if info is None:
                self.waiting.setdefault(pod.spec.node_name, {})[key] = pod
            else:
                self.count(info, pod, +1)

    def same_counts(self, key: str, pod: Pod) -> bool:
        """A change that counts as before (most are status updates: the pod still on the same node, with
        the same labels, not terminating): the cache only keeps the new object, every count stays."""
        old = self.pods.get(key)
        if old is None or not occupies_node(pod) or old.spec.node_name != pod.spec.node_name \
                or old.metadata.uid != pod.metadata.uid or old.metadata.labels != pod.metadata.labels \
                or (old.metadata.deletion_timestamp is None) != (pod.metadata.deletion_timestamp is None):
            return False
        self.pods[key] = pod
        if key in self.affinity:
            self.affinity[key] = pod
        info = self.nodes.get(pod.spec.node_name)
        (self.waiting[pod.spec.node_name] if info is None else info.pods)[key] = pod
        return True

    def delete_pod(self, pod: Pod) -> None:
        """The pod is gone from the cluster: take it off its node and forget its requests."""
        self.remove_pod(object_key(pod))
        self.requests.pop(pod.metadata.uid, None)

    def remove_pod(self, key: str) -> None:
        pod = self.pods.pop(key, None)
        if pod is None:
            return
        self.affinity.pop(key, None)
        info = self.nodes.get(pod.spec.node_name)
        if info is None:
            self.waiting.get(pod.spec.node_name, {}).pop(key, None)
        else:
            self.count(info, pod, -1)

    def count(self, info: NodeInfo, pod: Pod, sign: int) -> None:
        key = object_key(pod)
        exact, non_zero = self.requests_of(pod)
        if sign > 0:
            info.pods[key] = pod
        else:
            info.pods.pop(key, None)
        info.requested = info.requested + scaled(exact, sign)
        info.non_zero_requested = info.non_zero_requested + scaled(non_zero, sign)
        self.changed.add(info.name)
        self.count_group(pod, info.name, sign)

    def requests_of(self, pod: Pod) -> tuple[Resources, Resources]:
        """The pod's requests, exact and with the scoring defaults, summed once per pod: a pod's
        resources do not change once it exists (in-place resize is alpha in 1.32, off by default)."""
        uid = pod.metadata.uid
        found = self.requests.get(uid) if uid else None
        if found is None:
            found = pod_requests(pod), pod_requests(pod, non_zero=True)
            if uid:
                self.requests[uid] = found
        return found

    def count_group(self, pod: Pod, node_name: str, sign: int) -> None:
        group = label_group(pod)
        per_node = self.groups.setdefault(group, {})
        per_node[node_name] = per_node.get(node_name, 0) + sign
        rows = self.group_rows.get(group) if self.rows_generation == self.generation else None
        if rows is not None:
            rows[self.row[node_name]] += sign
        if not per_node[node_name]:
            del per_node[node_name]
            if not per_node:
                del self.groups[group]
                self.group_rows.pop(group, None)

    # ------------------------------------------------------------ reads
    def node_list(self) -> list[NodeInfo]:
        """The nodes sorted by name (the same list until nodes come or go: do not change it)."""
        if self.generation != self.listed_generation:
            self.nodes_in_order = [self.nodes[name] for name in self.order]
            self.listed_generation = self.generation
        return self.nodes_in_order

    def table(self) -> dict[str, np.ndarray]:
        """Every node's numbers as columns (rows in node_list() order), brought up to date."""
        nodes = self.node_list()
        if self.table_generation != self.generation:
            self.columns = {name: column(name, nodes) for name in COLUMNS}
            self.row = {n.name: i for i, n in enumerate(nodes)}
            self.table_generation = self.generation
        else:
            for name in self.changed & self.nodes.keys():
                info, i = self.nodes[name], self.row[name]
                for key, value in COLUMNS.items():
                    self.columns[key][i] = value(info)
        self.changed.clear()
        return self.columns

    def count_pods(self, matches: Matches, terminating: bool = True) -> dict[str, int]:
        """Node name -> how many of its pods `matches(namespace, labels)` (terminating ones only if asked)."""
        per_node: dict[str, int] = {}
        for (namespace, labels, ending), nodes in self.groups.items():
            if (terminating or not ending) and matches(namespace, dict(labels)):
                for name, n in nodes.items():
                    per_node[name] = per_node.get(name, 0) + n
        return per_node

    def counts_by_row(self, matches: Matches, terminating: bool = True) -> np.ndarray:
        """count_pods as an array, an entry per node of node_list(); each group's array is kept up to date
        pod by pod (count_group), so a cycle adds a few arrays instead of walking every node."""
        self.table()  # self.row up to date
        if self.rows_generation != self.generation:  # nodes came or went: rows moved
            self.group_rows, self.rows_generation = {}, self.generation
        total = np.zeros(len(self.order), np.int64)
        for group, per_node in self.groups.items():
            namespace, labels, ending = group
            if (terminating or not ending) and matches(namespace, dict(labels)):
                rows = self.group_rows.get(group)
                if rows is None:
                    rows = self.group_rows[group] = np.zeros(len(self.order), np.int64)
                    for name, n in per_node.items():
                        rows[self.row[name]] = n
                total += rows
        return total

    def label_column(self, key: str) -> LabelColumn:
        """Each node's value of a label (framework.LabelColumn), kept until nodes or their labels change."""
        found = self.label_columns.get(key)
        if found is None:
            found = self.label_columns[key] = LabelColumn.of(key, self.node_list())
        return found

    def affinity_pods(self) -> list[tuple[NodeInfo, Pod]]:
        return [(self.nodes[p.spec.node_name], p) for _, p in sorted(self.affinity.items())
                if p.spec.node_name in self.nodes]


def label_group(pod: Pod) -> LabelGroup:
    labels = tuple(sorted(pod.metadata.labels.items()))
    return pod.namespace, labels, pod.metadata.deletion_timestamp is not None


def scaled(r: Resources, sign: int) -> Resources:
    return Resources(sign * r.milli_cpu, sign * r.memory, sign * r.pods)
