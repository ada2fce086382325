"""The scheduling framework's vocabulary: plugins, statuses, node infos.

Mirrors pkg/scheduler/framework (interface.go, types.go): a scheduler is a
list of plugins called at fixed extension points. k8slite keeps three:

- **Filter**: can this pod run on this node? `filter()` returns None for
  yes, or a Status whose reasons are what a user reads in FailedScheduling
  ("Insufficient cpu"). The first plugin that says no decides, as in
  kube-scheduler; the other plugins are not asked about that node.
- **Score** (+ NormalizeScore): how good is each node that passed? `score()`
  gives an integer per node, `normalize_score()` maps the scores of all
  nodes onto 0-100, and the profile multiplies by the plugin's weight.
- **Bind**: write the decision through the API (pods/binding).

Plugins may also define `pre_filter(state, pod, nodes)` and
`pre_score(state, pod, nodes)` to compute something once per cycle (the
pod's requests, counts of matching pods per zone) and keep it in the
CycleState, so that filter and score, called once per node, only look
things up. A pre_filter that returns SKIP means "nothing to check for this
pod" (its filter is not called, framework.Skip); a pre_score that returns
False means "skip me for this pod" (every node scores 0).

Big clusters: kube-scheduler runs Filter and Score for 16 nodes at a time
in goroutines; k8slite runs them for all nodes at once with NumPy. A plugin
may define `filter_nodes(state, pod, nodes)` (a True/False array: passes?)
and `score_nodes(state, pod, nodes)` (an array of scores), where `nodes`
is a `Nodes` batch: the NodeInfos and their numbers as arrays, one entry
per node. Its `score()` for one node is then `score_nodes` on a batch of
one (`score_one`), and its `filter()` and `filter_nodes()` use the same
formulas, written so they work on one number or on an array of them, so
there is one definition of each. Plugins with only `filter` and `score`
(yours, in the exercises) are called node by node, as before.

Simplified: no PreEnqueue, Reserve, Permit, PreBind or PostBind points;
no parallelism; preemption is not attempted, only explained.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol, runtime_checkable

import numpy as np

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.scheduler.resources import Resources, allocatable

MAX_NODE_SCORE = 100
UNSCHEDULABLE = "Unschedulable"
UNRESOLVABLE = "UnschedulableAndUnresolvable"  # preemption could not help on this node
SKIP = "Skip"  # a pre_filter's answer when its filter has nothing to check for this pod


@dataclass(frozen=True)
class Status:
    """Why a filter said no. `code` tells preemption whether evicting pods could help."""

    reasons: tuple[str, ...]
    code: str = UNSCHEDULABLE
    plugin: str = ""
    pre_filter: bool = False  # said by a PreFilter: the message is this reason alone, not counts per node


def unschedulable(*reasons: str) -> Status:
    return Status(tuple(reasons), UNSCHEDULABLE)


def unresolvable(*reasons: str) -> Status:
    return Status(tuple(reasons), UNRESOLVABLE)


@dataclass
class NodeInfo:
    """A node and the pods on it, as the scheduler's cache keeps them (framework.NodeInfo)."""

    node: Node
    pods: dict[str, Pod] = field(default_factory=dict)
    requested: Resources = field(default_factory=Resources)
    non_zero_requested: Resources = field(default_factory=Resources)
    allocatable: Resources = field(default_factory=Resources)
    name: str = field(init=False)  # the node's name (it never changes), read for every node of every cycle

    def __post_init__(self) -> None:
        self.allocatable = allocatable(self.node)
        self.name = self.node.name

    @property
    def labels(self) -> dict[str, str]:
        return self.node.metadata.labels


# The numbers of a node that the vectorised plugins read, as columns of a Nodes batch.
COLUMNS: dict[str, Callable[[NodeInfo], int]] = {
    "allocatable_cpu": lambda n: n.allocatable.milli_cpu,
    "allocatable_memory": lambda n: n.allocatable.memory,
    "allocatable_pods": lambda n: n.allocatable.pods,
    "requested_cpu": lambda n: n.requested.milli_cpu,
    "requested_memory": lambda n: n.requested.memory,
    "requested_pods": lambda n: n.requested.pods,
    "non_zero_cpu": lambda n: n.non_zero_requested.milli_cpu,
    "non_zero_memory": lambda n: n.non_zero_requested.memory,
    "unschedulable": lambda n: bool(n.node.spec.unschedulable),
    "tainted": lambda n: bool(n.node.spec.taints),
}


def column(name: str, infos: list[NodeInfo]) -> np.ndarray:
    """One of the COLUMNS for these nodes, as an array."""
    return np.array([COLUMNS[name](n) for n in infos], bool if name in ("unschedulable", "tainted") else np.int64)


class Nodes:
    """A batch of nodes for vectorised plugins: `infos[i]` and entry i of every column are one node.

    `nodes.requested_cpu` is an int64 array (millicores requested on each node),
    likewise allocatable_*, requested_*, non_zero_* (requests counted with the
    scoring defaults), and the booleans unschedulable and tainted. A batch is
    `rows` of a list of NodeInfos sorted by name (all of them if no rows are
    given); the columns come from the scheduler cache's table, whose rows are
    the same, or else from the infos themselves."""

    def __init__(self, every: list[NodeInfo], table: dict[str, np.ndarray] | None = None,
                 rows: np.ndarray | None = None) -> None:
        self.every, self.table = every, table
        self.rows = np.arange(len(every)) if rows is None else rows
        self.labels: dict[str, list[str | None]] = {}  # label key -> each node's value (label())

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[NodeInfo]:
        """The NodeInfos, in batch order (a batch reads like the list of nodes it stands for)."""
        every = self.every
        return (every[i] for i in self.rows.tolist())

    def __getitem__(self, i: int) -> NodeInfo:
        return self.info(i)

    def info(self, i: int) -> NodeInfo:
        """The i-th node of the batch."""
        return self.every[int(self.rows[i])]

    def column(self, name: str) -> np.ndarray:
        if self.table is not None:
            return self.table[name][self.rows]
        return column(name, self.infos)

    def subset(self, positions: np.ndarray) -> Nodes:
        """The nodes at these positions of this batch."""
        return Nodes(self.every, self.table, self.rows[positions])

    def label(self, key: str) -> list[str | None]:
        """Each node's value of the label `key` (None where it has none), read once per batch."""
        if key not in self.labels:
            every = self.every
            self.labels[key] = [every[i].node.metadata.labels.get(key) for i in self.rows.tolist()]
        return self.labels[key]

    def by_name(self) -> Nodes:
        """The same nodes, sorted by name (`every` is, so sorting the rows does it)."""
        return Nodes(self.every, self.table, np.sort(self.rows))

    @cached_property
    def infos(self) -> list[NodeInfo]:
        return [self.every[i] for i in self.rows.tolist()]

    @cached_property
    def names(self) -> list[str]:
        return [n.name for n in self.infos]

    @cached_property
    def allocatable_cpu(self) -> np.ndarray:
        return self.column("allocatable_cpu")

    @cached_property
    def allocatable_memory(self) -> np.ndarray:
        return self.column("allocatable_memory")

    @cached_property
    def allocatable_pods(self) -> np.ndarray:
        return self.column("allocatable_pods")

    @cached_property
    def requested_cpu(self) -> np.ndarray:
        return self.column("requested_cpu")

    @cached_property
    def requested_memory(self) -> np.ndarray:
        return self.column("requested_memory")

    @cached_property
    def requested_pods(self) -> np.ndarray:
        return self.column("requested_pods")

    @cached_property
    def non_zero_cpu(self) -> np.ndarray:
        return self.column("non_zero_cpu")

    @cached_property
    def non_zero_memory(self) -> np.ndarray:
        return self.column("non_zero_memory")

    @cached_property
    def unschedulable(self) -> np.ndarray:
        return self.column("unschedulable")

    @cached_property
    def tainted(self) -> np.ndarray:
        return self.column("tainted")


def score_one(plugin: Any, state: CycleState, pod: Pod, node: NodeInfo) -> int:
    """A vectorised plugin's score for one node: its score_nodes on a batch of one."""
    return int(plugin.score_nodes(state, pod, Nodes([node]))[0])


def node_by_node(plugin: Any, state: CycleState, pod: Pod, nodes: Nodes, passes: np.ndarray) -> np.ndarray:
    """Run a plugin's one-node filter on the nodes where `passes` is False (the few the arrays cannot decide)."""
    for i in np.flatnonzero(~passes).tolist():
        passes[i] = plugin.filter(state, pod, nodes.info(i)) is None
    return passes


class CycleState(dict[str, Any]):
    """Data plugins keep for the length of one scheduling cycle, keyed by plugin name.

    cycle.new_state() fills in what every plugin may read: "all_nodes" (sorted by
    name), "affinity_pods", and the scheduler cache's answers: "pod_counts" (count_pods),
    "row_counts" (counts_by_row), "label_column" and "node_rows"."""


def count_pods(state: CycleState, matches: Callable[[str, dict[str, str]], bool],
               terminating: bool = True) -> dict[str, int]:
    """Node name -> how many of its pods `matches(namespace, labels)`; terminating pods only if asked.

    The scheduler cache answers from its counts by namespace and labels; without a
    cache (a test's bare state) every pod of "all_nodes" is looked at."""
    if "pod_counts" in state:
        found: dict[str, int] = state["pod_counts"](matches, terminating)
        return found
    per_node = {node.name: sum(1 for p in node.pods.values() if matches(p.namespace, p.metadata.labels)
                               and (terminating or p.metadata.deletion_timestamp is None))
                for node in state["all_nodes"]}
    return {name: n for name, n in per_node.items() if n}


def counts_by_row(state: CycleState, matches: Callable[[str, dict[str, str]], bool],
                  terminating: bool = True) -> np.ndarray:
    """count_pods as an array: entry i counts the matching pods on the i-th node of "all_nodes".

    The scheduler cache keeps these arrays current pod by pod (SchedulerCache.counts_by_row)."""
    if "row_counts" in state:
        found: np.ndarray = state["row_counts"](matches, terminating)
        return found
    per_node = count_pods(state, matches, terminating)
    return np.array([per_node.get(n.name, 0) for n in state["all_nodes"]], np.int64)


@dataclass
class LabelColumn:
    """Every node's value of one label key, as codes NumPy can count with (rows as in "all_nodes").

    `values[codes[i]]` is node i's value ("" when it has no such label, as Go's map
    lookup gives); `present[i]` says whether it has the label at all."""

    values: list[str]
    codes: np.ndarray
    present: np.ndarray

    @classmethod
    def of(cls, key: str, nodes: list[NodeInfo]) -> LabelColumn:
        values: dict[str, int] = {}
        codes = [values.setdefault(n.node.metadata.labels.get(key, ""), len(values)) for n in nodes]
        present = [key in n.node.metadata.labels for n in nodes]
        return cls(list(values), np.array(codes, np.int64), np.array(present, bool))


def label_column(state: CycleState, key: str) -> LabelColumn:
    """The LabelColumn of `key` for "all_nodes": the scheduler cache's (kept until nodes or labels change),
    or made for this cycle."""
    if "label_column" in state:
        found: LabelColumn = state["label_column"](key)
        return found
    columns = state.setdefault("label_columns", {})
    if key not in columns:
        columns[key] = LabelColumn.of(key, state["all_nodes"])
    return columns[key]  # type: ignore[no-any-return]


def rows_of(state: CycleState, nodes: Nodes) -> np.ndarray:
    """Where the nodes of a batch are in "all_nodes" (a batch of the cache's nodes knows; one node asked alone
    is looked up by name)."""
    if nodes.every is state.get("all_nodes"):
        return nodes.rows
    if "node_rows" not in state:
        state["node_rows"] = {n.name: i for i, n in enumerate(state["all_nodes"])}
    rows: dict[str, int] = state["node_rows"]
    return np.array([rows[n.name] for n in nodes], np.int64)


def node_infos(state: CycleState) -> dict[str, NodeInfo]:
    """Node name -> NodeInfo, for every node of the cycle."""
    if "node_infos" not in state:
        state["node_infos"] = {node.name: node for node in state["all_nodes"]}
    found: dict[str, NodeInfo] = state["node_infos"]
    return found


@runtime_checkable
class FilterPlugin(Protocol):
    NAME: str

    def filter(self, state: CycleState, pod: Pod, node: NodeInfo) -> Status | None: ...


@runtime_checkable
class ScorePlugin(Protocol):
    NAME: str

    def score(self, state: CycleState, pod: Pod, node: NodeInfo) -> int: ...


@runtime_checkable
class BindPlugin(Protocol):
    NAME: str

    def bind(self, pod: Pod, node_name: str) -> Pod: ...


def default_normalize_score(scores: dict[str, int], reverse: bool = False) -> dict[str, int]:
    """helper.DefaultNormalizeScore: scale so the highest is 100 (reverse: the lowest is 100).

    E.g. {a: 2, b: 1, c: 0} -> {a: 100, b: 50, c: 0}; reversed -> {a: 0, b: 50, c: 100}.
    """
    normalized = default_normalize(np.array(list(scores.values()), np.int64), reverse)
    return dict(zip(scores, normalized.tolist()))


def default_normalize(scores: np.ndarray, reverse: bool = False) -> np.ndarray:
    """default_normalize_score on an array of scores, one per node."""
    highest = int(scores.max(initial=0))
    if highest == 0:
        return np.full(len(scores), MAX_NODE_SCORE if reverse else 0, np.int64)
    scaled = MAX_NODE_SCORE * scores // highest
    return MAX_NODE_SCORE - scaled if reverse else scaled
