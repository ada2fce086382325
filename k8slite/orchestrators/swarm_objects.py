"""Swarm's objects: a Service (its spec and update status), a Task (one slot's run on one node), a node.

Mirrors swarmkit's api/objects.proto and api/types.proto (ServiceSpec, Task, TaskState, UpdateStatus),
with the fields the model uses; see swarm.py for what moves them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# swarmkit api/types.proto TaskState, lower-cased as `docker service ps` prints them (capitalised there).
STATES = ("new", "pending", "assigned", "accepted", "preparing", "starting", "running",
          "complete", "shutdown", "failed", "rejected", "orphaned")
STOP_SECONDS = 1.0  # SIGTERM to exit for a server such as nginx
TERMINAL = ("complete", "failed", "shutdown", "rejected", "orphaned")


class SwarmError(Exception):
    """A request the swarm refuses, in Docker's words."""


@dataclass
class Task:
    """One run of a service's slot on one node: swarmkit's Task."""

    id: str
    service: str
    slot: int
    image: str
    node: str = ""
    desired_state: str = "running"
    history: list[tuple[float, str]] = field(default_factory=list)
    """(time, state) for each state the task reached, in swarmkit's words."""
    error: str = ""
    stopped_at: float | None = None
    """When its container really stopped (its machine failed, or it was shut down)."""

    @property
    def state(self) -> str:
        return self.history[-1][1]

    @property
    def name(self) -> str:
        return f"{self.service}.{self.slot}"


@dataclass
class Service:
    """A service's spec (what `docker service create` was given) and its update's progress."""

    id: str
    name: str
    image: str
    replicas: int = 1
    published: tuple[int, int] | None = None
    """(published port, target port): `--publish 8080:80`."""
    mode: str = "replicated"
    run_seconds: float | None = None
    """A replicated-job's task completes after this long (`sleep 30`); None runs until stopped."""
    update_parallelism: int = 1
    update_delay: float = 0.0
    update_status: tuple[str, str] | None = None
    """("updating" | "paused" | "completed", message), as `docker service inspect` shows UpdateStatus."""
    update_started: float | None = None
    update_completed: float | None = None
    updating_slots: set[int] = field(default_factory=set)


@dataclass
class SwarmNode:
    name: str
    manager: bool
    up: bool = True
    """Whether the machine runs (the truth)."""
    status: str = "ready"
    """What the managers believe: ready, or down once its heartbeats stopped for NODE_DOWN_AFTER."""
