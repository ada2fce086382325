"""Affinity and topology spread: where a pod would like to run, as the API spells it.

Mirrors k8s.io/api/core/v1 Affinity (NodeAffinity, PodAffinity,
PodAntiAffinity) and TopologySpreadConstraint. Node affinity matches node
labels with In, NotIn, Exists, DoesNotExist, Gt and Lt; pod affinity and
anti-affinity match *other pods'* labels within a topology domain (all
nodes sharing the value of `topologyKey`). "Required" terms are filters,
"preferred" ones carry a weight (1-100) that adds to a node's score.
Simplified: no namespaceSelector, matchLabelKeys or mismatchLabelKeys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from k8slite.api.meta import LabelSelector


@dataclass(slots=True)
class NodeSelectorRequirement:
    key: str = ""
    operator: str = ""  # In, NotIn, Exists, DoesNotExist, Gt, Lt
    values: list[str] = field(default_factory=list)

    def matches(self, labels: dict[str, str]) -> bool:
        """Kubernetes' NodeSelectorRequirement semantics (Gt/Lt compare integers)."""
        has, value = self.key in labels, labels.get(self.key, "")
        if self.operator == "In":
            return has and value in self.values
        if self.operator == "NotIn":
            return not has or value not in self.values
        if self.operator == "Exists":
            return has
        if self.operator == "DoesNotExist":
            return not has
        if self.operator in ("Gt", "Lt") and has and len(self.values) == 1:
            try:
                mine, theirs = int(value), int(self.values[0])
            except ValueError:
                return False
            return mine > theirs if self.operator == "Gt" else mine < theirs
        return False


@dataclass(slots=True)
class NodeSelectorTerm:
    """All expressions must match (AND); an empty term matches nothing."""

    match_expressions: list[NodeSelectorRequirement] = field(default_factory=list)
    match_fields: list[NodeSelectorRequirement] = field(default_factory=list)

    def matches(self, labels: dict[str, str], name: str = "") -> bool:
        if not self.match_expressions and not self.match_fields:
            return False
        fields = {"metadata.name": name}
        return (all(r.matches(labels) for r in self.match_expressions)
                and all(r.matches(fields) for r in self.match_fields))


@dataclass(slots=True)
class NodeSelector:
    """Any term may match (OR)."""

    node_selector_terms: list[NodeSelectorTerm] = field(default_factory=list)

    def matches(self, labels: dict[str, str], name: str = "") -> bool:
        return any(t.matches(labels, name) for t in self.node_selector_terms)


@dataclass(slots=True)
class PreferredSchedulingTerm:
    weight: int = 0
    preference: NodeSelectorTerm = field(default_factory=NodeSelectorTerm)


@dataclass(slots=True)
class NodeAffinity:
    required_during_scheduling_ignored_during_execution: NodeSelector | None = None
    preferred_during_scheduling_ignored_during_execution: list[PreferredSchedulingTerm] = field(
        default_factory=list)


@dataclass(slots=True)
class PodAffinityTerm:
    label_selector: LabelSelector | None = None
    namespaces: list[str] = field(default_factory=list)
    topology_key: str = ""
    IGNORED: ClassVar[frozenset[str]] = frozenset({"namespaceSelector", "matchLabelKeys", "mismatchLabelKeys"})

    def matches(self, pod_labels: dict[str, str], pod_namespace: str, own_namespace: str) -> bool:
        """Whether a pod is one this term is about (namespaces default to the term owner's)."""
        namespaces = self.namespaces or [own_namespace]
        return (pod_namespace in namespaces and self.label_selector is not None
                and self.label_selector.matches(pod_labels))


@dataclass(slots=True)
class WeightedPodAffinityTerm:
    weight: int = 0
    pod_affinity_term: PodAffinityTerm = field(default_factory=PodAffinityTerm)


@dataclass(slots=True)
class PodAffinity:
    required_during_scheduling_ignored_during_execution: list[PodAffinityTerm] = field(default_factory=list)
    preferred_during_scheduling_ignored_during_execution: list[WeightedPodAffinityTerm] = field(
        default_factory=list)


@dataclass(slots=True)
class PodAntiAffinity:
    required_during_scheduling_ignored_during_execution: list[PodAffinityTerm] = field(default_factory=list)
    preferred_during_scheduling_ignored_during_execution: list[WeightedPodAffinityTerm] = field(
        default_factory=list)


@dataclass(slots=True)
class Affinity:
    node_affinity: NodeAffinity | None = None
    pod_affinity: PodAffinity | None = None
    pod_anti_affinity: PodAntiAffinity | None = None


@dataclass(slots=True)
class TopologySpreadConstraint:
    max_skew: int = 1
    topology_key: str = ""
    when_unsatisfiable: str = "DoNotSchedule"  # or ScheduleAnyway
    label_selector: LabelSelector | None = None
    min_domains: int | None = None
    IGNORED: ClassVar[frozenset[str]] = frozenset({"matchLabelKeys", "nodeAffinityPolicy", "nodeTaintsPolicy"})
