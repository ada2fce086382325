"""What the scheduler decided for one pod, and why: every plugin's verdict per node.

Mirrors kube-scheduler-simulator (sigs.k8s.io/kube-scheduler-simulator),
which records each plugin's results on the pod as annotations. k8slite keeps
them in memory instead, in `scheduler.records["namespace/name"]` (the last
attempt for each pod), and `record.annotations()` gives the simulator's
annotations: filter-result, score-result (raw), finalscore-result
(normalized x weight) and selected-node, each as JSON text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

PASSED = "passed"


@dataclass
class SchedulingRecord:
    pod: str  # namespace/name
    filters: dict[str, dict[str, str]] = field(default_factory=dict)  # node -> plugin -> "passed" | reasons
    scores: dict[str, dict[str, int]] = field(default_factory=dict)  # node -> plugin -> raw score
    normalized: dict[str, dict[str, int]] = field(default_factory=dict)  # node -> plugin -> 0..100
    weights: dict[str, int] = field(default_factory=dict)  # plugin -> weight
    selected: str = ""  # the node chosen, "" if none
    message: str = ""  # the FailedScheduling message, if it failed

    def add_scores(self, plugin: str, weight: int, raw: dict[str, int], normalized: dict[str, int]) -> None:
        """One score plugin's raw and normalized score for every feasible node."""
        self.weights[plugin] = weight
        for name, score in raw.items():
            self.scores.setdefault(name, {})[plugin] = score
            self.normalized.setdefault(name, {})[plugin] = normalized[name]

    def final(self, node: str) -> dict[str, int]:
        """normalized x weight, per plugin, for one node."""
        return {p: s * self.weights.get(p, 0) for p, s in self.normalized.get(node, {}).items()}

    def total(self, node: str) -> int:
        return sum(self.final(node).values())

    def nodes(self) -> list[str]:
        """Every node the cycle looked at, sorted by name."""
        return sorted(self.filters)

    def annotations(self) -> dict[str, str]:
        """kube-scheduler-simulator's annotations for this pod."""
        def text(values: dict[str, dict[str, int]]) -> str:
            return json.dumps({n: {p: str(s) for p, s in v.items()} for n, v in sorted(values.items())},
                              sort_keys=True)
        return {
            "scheduler-simulator/filter-result": json.dumps(self.filters, sort_keys=True),
            "scheduler-simulator/score-result": text(self.scores),
            "scheduler-simulator/finalscore-result": text({n: self.final(n) for n in self.normalized}),
            "scheduler-simulator/selected-node": self.selected,
        }
