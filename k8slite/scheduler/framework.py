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

Simplified: no PreEnqueue, Reserve, Permit, PreBind or PostBind points;
no parallelism; preemption is not attempted, only explained.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

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


class CycleState(dict[str, Any]):
    """Data plugins keep for the length of one scheduling cycle, keyed by plugin name.

    cycle.new_state() fills in what every plugin may read: "all_nodes" (sorted by
    name), "affinity_pods" and "pod_counts" (the scheduler cache's count_pods)."""


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
    highest = max(scores.values(), default=0)
    if highest == 0:
        return {name: MAX_NODE_SCORE if reverse else 0 for name in scores}
    scaled = {name: MAX_NODE_SCORE * s // highest for name, s in scores.items()}
    return {name: MAX_NODE_SCORE - s if reverse else s for name, s in scaled.items()}
