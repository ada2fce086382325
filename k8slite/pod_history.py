"""What each pod was, and where, at every moment: recorded from a watch, for the Gantt chart.

Mirrors `kubectl get pods --watch -o wide` left running from the start: the
cluster opens a watch on pods when it is made, and every change the API
server publishes is written down with the cluster clock's time, the state
`kubectl get pods` would print (`state_word`, which the pictures' palette
uses too) and the node. A pod deleted from the API keeps its history. It
only reads what the API publishes, never a component, and draws nothing
from the RNG. `viz.timeline.gantt(c)` draws it. It also notes each run of each
container (when it started and finished, from the container statuses), since
the Started events of a crash loop are one Event with a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from k8slite.api.pod import Pod
from k8slite.informer import object_key
from k8slite.store import DELETED

HIDDEN_NAMESPACES = ("kube-system",)
PHASES = ("Pending", "Running", "Succeeded", "Failed")
WAITING_WORDS = ("CrashLoopBackOff", "ContainerCreating")  # waiting reasons kubectl shows instead of the phase


def state_word(pod: Pod) -> str:
    """The word kubectl prints in STATUS, restricted to the pictures' states (PHASE_COLORS' keys)."""
    if pod.metadata.deletion_timestamp is not None:
        return "Terminating"
    for status in pod.status.container_statuses:
        waiting = status.state.waiting
        if waiting is not None and waiting.reason in WAITING_WORDS:
            return waiting.reason
    return pod.status.phase if pod.status.phase in PHASES else "Unknown"


@dataclass(slots=True, frozen=True)
class Change:
    time: float
    pod: str      # namespace/name
    state: str    # as kubectl prints it, or "" once the pod is gone from the API
    node: str


@dataclass(slots=True, frozen=True)
class Segment:
    start: float
    end: float
    state: str


class PodHistory:
    """`PodHistory(api, clock)`; `.changes` in order; `.lifetimes(now)` per pod."""

    def __init__(self, api: Any, clock: Any) -> None:
        self.clock = clock
        self.changes: list[Change] = []
        self.latest: dict[str, Change] = {}  # each pod's last change, so taking one is O(1)
        self.container_runs: dict[tuple[str, str], dict[float, float | None]] = {}  # start -> finish
        self.watch = api.watch("pods", notify=self.take)

    def take(self) -> None:
        for event in self.watch.drain():
            pod = event.value
            if pod.namespace in HIDDEN_NAMESPACES:
                continue
            self.take_runs(pod)
            state = "" if event.type == DELETED else state_word(pod)
            change = Change(self.clock.now, object_key(pod), state, pod.spec.node_name or "")
            last = self.last(change.pod)
            if last is None or (last.state, last.node) != (change.state, change.node):
                self.changes.append(change)
                self.latest[change.pod] = change

    def take_runs(self, pod: Pod) -> None:
        """Note each container run the pod's status shows: running, terminated, or its last state."""
        for status in pod.status.container_statuses:
            runs = self.container_runs.setdefault((object_key(pod), status.name), {})
            for state in (status.last_state, status.state):
                if state.running is not None and state.running.started_at is not None:
                    runs.setdefault(state.running.started_at, None)
                if state.terminated is not None and state.terminated.started_at is not None:
                    runs[state.terminated.started_at] = state.terminated.finished_at

    def runs(self, pod: str, container: str) -> list[tuple[float, float | None]]:
        """(started, finished or None while it runs) of each run of a container of pod `namespace/name`.
        The kubelet's Started events say the same, but repeats are folded into one Event (events.py)."""
        return sorted(self.container_runs.get((pod, container), {}).items())

    def created(self, since: float = 0.0) -> dict[str, float]:
        """Pods (namespace/name) that appeared at or after `since`, and when, in order. The controllers'
        SuccessfulCreate events say the same until client-go combines them (event_correlator.py)."""
        first: dict[str, float] = {}
        for change in self.changes:
            first.setdefault(change.pod, change.time)
        return {pod: time for pod, time in first.items() if time >= since}

    def deleted(self, since: float = 0.0) -> dict[str, float]:
        """Pods whose deletion began at or after `since` (Terminating, or gone at once), and when, in order."""
        began: dict[str, float] = {}
        for change in self.changes:
            if change.state in ("Terminating", ""):
                began.setdefault(change.pod, change.time)
        return {pod: time for pod, time in began.items() if time >= since}

    def last(self, pod: str) -> Change | None:
        return self.latest.get(pod)

    def lifetimes(self, now: float) -> dict[str, tuple[str, list[Segment]]]:
        """Per pod (in order of creation): its node ('' if never scheduled) and its states over time."""
        changes: dict[str, list[Change]] = {}
        for change in self.changes:
            changes.setdefault(change.pod, []).append(change)
        result = {}
        for pod, seen in changes.items():
            ends = [c.time for c in seen[1:]] + [now]
            segments = [Segment(c.time, end, c.state) for c, end in zip(seen, ends) if c.state]
            result[pod] = (next((c.node for c in reversed(seen) if c.node), ""), merge(segments))
        return result


def merge(segments: list[Segment]) -> list[Segment]:
    """Neighbouring segments in the same state become one."""
    merged: list[Segment] = []
    for s in segments:
        if merged and merged[-1].state == s.state and merged[-1].end == s.start:
            merged[-1] = Segment(merged[-1].start, s.end, s.state)
        else:
            merged.append(s)
    return merged
