"""Reading a container's exit from the Docker engine: Completed, Error or OOMKilled.

Mirrors how the kubelet names the reason of a terminated container: the
engine's `State.OOMKilled` flag when the kernel's OOM killer ended it,
otherwise Completed for exit code 0 and Error for anything else.

Docker 20.10 sets that flag only if containerd delivers the OOM event before
the exit event. Both come from the container's shim on separate paths, so on
a busy machine the exit can win and the flag stays false for good, although
the engine still logs an `oom` event for the container (`docker events
--filter event=oom`). containerd's own CRI plugin, which real clusters use,
records OOMKilled whichever event comes first. So a container that had a
memory limit and died of SIGKILL (137) that nobody here sent is checked
against the engine's event log; since that log entry can itself trail the
exit by a moment, the answer may be "not yet" (None), and the runtime asks
again at its next relist, a few times at most, before it settles on Error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

SIGKILLED = 137
OOM_CHECKS = 6  # relists (a second apart) to wait for a trailing oom event before saying Error (3 was
# too few once on a loaded machine: the oom event came after the third)


def exit_reason(client: Any, container_id: str, state: dict[str, Any], suspect_oom: bool,
                final: bool, now: float) -> str | None:
    """The reason for an exited container's state, or None while an OOM kill is still unconfirmed.

    `suspect_oom`: the container had a memory limit and this runtime did not kill it.
    `final`: the last check: no answer from the event log by now means Error.
    `now`: the wall time (Unix seconds) up to which the event log is read."""
    code = int(state.get("ExitCode", 0))
    if state.get("OOMKilled"):
        return "OOMKilled"
    if code == 0:
        return "Completed"
    if code != SIGKILLED or not suspect_oom:
        return "Error"
    if oom_logged(client, container_id, state.get("StartedAt", ""), now):
        return "OOMKilled"
    return "Error" if final else None


def oom_logged(client: Any, container_id: str, started_at: str, now: float) -> bool:
    """Whether the engine's event log has an `oom` event for the container between its start and `now`."""
    started = parse_stamp(started_at)
    since = started.timestamp() - 1 if started else now - 3600
    events = client.api.events(since=f"{since:.3f}", until=f"{now:.3f}", decode=True,  # until: the call returns
                               filters={"container": container_id, "event": "oom"})
    try:
        return any(True for _ in events)
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()


def parse_stamp(stamp: str) -> dt.datetime | None:
    """Docker's RFC 3339 time with nanoseconds, or None for the zero time ("0001-01-01...")."""
    if not stamp or stamp.startswith("0001-"):
        return None
    return dt.datetime.fromisoformat(stamp[:26].rstrip("Z") + "+00:00")
