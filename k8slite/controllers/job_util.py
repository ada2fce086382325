"""The bookkeeping of a Job: which attempts failed, when to try again, which indexes are done.

Mirrors pkg/controller/job/{backoff_utils,indexed_job_utils}.go. Pure
functions over the Job's pods:

- `backoff_remaining`: the pod-creation back-off. After n failures since
  the last success, wait 10 s * 2^(n-1) (DefaultJobPodFailureBackOff,
  capped at MaxJobPodFailureBackOff, 10 minutes) counted from the last
  failure: 10, 20, 40, 80, 160, 320, 600, 600 ...
- `restarts`: container restarts of a Job's running pods, which count
  toward backoffLimit when restartPolicy is OnFailure.
- `format_indexes` / `parse_indexes`: completedIndexes as Kubernetes writes
  it ("0-2,4,6-7").
"""

from __future__ import annotations

from k8slite.api.job import COMPLETION_INDEX
from k8slite.api.pod import Pod

DEFAULT_BACKOFF = 10.0
"""DefaultJobPodFailureBackOff in job_controller.go."""
MAX_BACKOFF = 600.0
"""MaxJobPodFailureBackOff: 10 minutes."""


def finish_time(pod: Pod) -> float:
    """When a finished pod finished: its last container's finishedAt."""
    times = [cs.state.terminated.finished_at for cs in pod.status.container_statuses
             if cs.state.terminated is not None and cs.state.terminated.finished_at is not None]
    if times:
        return max(times)
    ready = pod.status.condition("Ready")
    since = ready.last_transition_time if ready is not None else None
    return since or 0.0


def backoff_delay(failures: int) -> float:
    """10 s doubled for each failure after the first, capped at 10 minutes; 0 before any failure."""
    if failures <= 0:
        return 0.0
    return min(DEFAULT_BACKOFF * 2 ** (failures - 1), MAX_BACKOFF)


def backoff_remaining(pods: list[Pod], now: float) -> float:
    """Seconds until the next pod may be created: the back-off, measured from the last failure."""
    finished = sorted((finish_time(p), p.status.phase) for p in pods if p.status.phase in ("Succeeded", "Failed"))
    failures, last_failure = 0, 0.0
    for when, phase in finished:
        if phase == "Succeeded":
            failures = 0
        else:
            failures, last_failure = failures + 1, when
    return max(0.0, last_failure + backoff_delay(failures) - now) if failures else 0.0


def restarts(pods: list[Pod]) -> int:
    return sum(cs.restart_count for p in pods for cs in p.status.container_statuses)


def completion_index(pod: Pod) -> int | None:
    value = pod.metadata.annotations.get(COMPLETION_INDEX, "")
    return int(value) if value.isdigit() else None


def parse_indexes(text: str) -> set[int]:
    """"0-2,4" -> {0, 1, 2, 4}."""
    result: set[int] = set()
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        result.update(range(int(first), int(last or first) + 1))
    return result


def format_indexes(indexes: set[int]) -> str:
    """{0, 1, 2, 4} -> "0-2,4"."""
    parts: list[str] = []
    for i in sorted(indexes):
        if parts and int(parts[-1].split("-")[-1]) == i - 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{i}"
        else:
            parts.append(str(i))
    return ",".join(parts)
