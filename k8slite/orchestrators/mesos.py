"""Apache Mesos' two-level scheduling: the master offers, frameworks choose (apache/mesos 1.x).

Mirrors the master and its hierarchical allocator: agents register with the resources they have
(cpus, mem); every allocation interval (1 s) the allocator takes each agent's free resources, in a
random order (the rng passed in), and offers them to one framework, the one with the lowest dominant
share (drf.py) that has not filtered that agent. The framework, not the master, decides: it accepts
an offer with the tasks to launch on it, or declines it with a filter (`refuse_seconds`, 5 s by
default), during which the agent is not offered to it again; `revive` clears its filters. Declined
offers cost time: a framework that declined is not offered those resources again until the filter
ends, so a task that becomes wanted meanwhile waits.

Tasks move through Mesos' TaskState: TASK_STAGING, TASK_STARTING, TASK_RUNNING, then TASK_FINISHED,
TASK_FAILED, TASK_KILLING/TASK_KILLED, or TASK_LOST. An agent that stops answering the master's
health pings is removed after `agent_ping_timeout` (15 s) times `max_agent_ping_timeouts` (5), 75 s;
its tasks are then TASK_LOST with reason REASON_SLAVE_REMOVED, and each framework decides what to do
(Marathon relaunches, marathon.py). Until then the master still counts them as running.

Simplified: frameworks answer an offer at once; an offer is accepted or declined whole (the unused
part of an accepted offer returns at once, with no filter); no roles, reservations, partition
awareness (TASK_UNREACHABLE) or executors; a task's start takes 1.5 to 2.5 s (the rng picks).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from k8slite.clock import VirtualClock
from k8slite.orchestrators.drf import Resources, drf_order

ALLOCATION_INTERVAL = 1.0
DEFAULT_REFUSE_SECONDS = 5.0
AGENT_PING_TIMEOUT = 15.0
MAX_AGENT_PING_TIMEOUTS = 5
KILL_SECONDS = 1.0
TERMINAL = ("TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR")


@dataclass
class Agent:
    id: str
    hostname: str
    total: Resources
    up: bool = True
    """Whether the machine runs (the truth); `registered` is what the master believes."""
    registered: bool = True


@dataclass(frozen=True)
class Offer:
    id: str
    framework: str
    agent_id: str
    hostname: str
    resources: Resources


@dataclass(frozen=True)
class TaskInfo:
    """What a framework asks to launch: a name, its resources, and how long it runs (None: until killed)."""

    name: str
    resources: Resources
    run_seconds: float | None = None


@dataclass
class MesosTask:
    id: str
    name: str
    framework: str
    agent_id: str
    hostname: str
    resources: Resources
    history: list[tuple[float, str]] = field(default_factory=list)
    reason: str = ""
    stopped_at: float | None = None
    """When its process really stopped (its machine failed, it exited or was killed)."""

    @property
    def state(self) -> str:
        return self.history[-1][1]


class Framework(Protocol):
    name: str

    def resource_offers(self, master: Master, offers: list[Offer]) -> None: ...

    def status_update(self, master: Master, task: MesosTask) -> None: ...


class Master:
    """The Mesos master: agents ``node-1`` .. ``node-N``, its allocator, and the frameworks registered."""

    def __init__(self, agents: int = 3, cpus: float = 4, mem: float = 8192, seed: int = 0,
                 clock: VirtualClock | None = None, rng: random.Random | None = None) -> None:
        self.clock = clock or VirtualClock()
        self.rng = rng or random.Random(seed)
        self.agents = {f"node-{i}": Agent(f"agent-{i}-S0", f"node-{i}", Resources(cpus, mem))
                       for i in range(1, agents + 1)}
        self.frameworks: dict[str, Framework] = {}
        self.tasks: list[MesosTask] = []
        self.filters: dict[tuple[str, str], float] = {}  # (framework, hostname) -> refused until
        self.declined: dict[str, int] = {}
        self.log: list[tuple[float, str]] = []
        self._ids = 0
        self.clock.call_later(ALLOCATION_INTERVAL, self.allocate)

    @property
    def now(self) -> float:
        return self.clock.now

    def run(self, seconds: float) -> Master:
        self.clock.run(self.clock.now + seconds)
        return self

    def note(self, text: str) -> None:
        self.log.append((self.now, text))

    def new_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}-{self._ids:04d}"

    def register(self, framework: Framework) -> None:
        self.frameworks[framework.name] = framework
        self.declined.setdefault(framework.name, 0)

    def total(self) -> Resources:
        return sum((a.total for a in self.agents.values() if a.registered), Resources())

    def used(self, hostname: str | None = None, framework: str | None = None) -> Resources:
        """Resources held by live tasks (as the master believes), on one agent or of one framework."""
        return sum((t.resources for t in self.tasks if t.state not in TERMINAL
                    and hostname in (None, t.hostname) and framework in (None, t.framework)), Resources())

    # -- the allocator ---------------------------------------------------------------------------

    def allocate(self) -> None:
        """Offer each agent's free resources to the framework with the lowest dominant share."""
        self.clock.call_later(ALLOCATION_INTERVAL, self.allocate)
        hosts = sorted(h for h, a in self.agents.items() if a.registered)
        self.rng.shuffle(hosts)
        for host in hosts:
            free = self.agents[host].total - self.used(hostname=host)
            if free.cpus <= 0 or free.mem <= 0:
                continue
            shares = {name: self.used(framework=name) for name in self.frameworks}
            for name in drf_order(shares, self.total()):
                if self.filters.get((name, host), -1.0) <= self.now:
                    agent = self.agents[host]
                    offer = Offer(self.new_id("offer"), name, agent.id, host, free)
                    self.frameworks[name].resource_offers(self, [offer])
                    break

    def accept(self, offer: Offer, tasks: list[TaskInfo]) -> list[MesosTask]:
        """Launch tasks on the offer's agent (they must fit in the offer)."""
        need = sum((t.resources for t in tasks), Resources())
        if not offer.resources.fits(need):
            raise ValueError(f"tasks need {need}, more than offer {offer.id} holds ({offer.resources})")
        return [self.launch(offer, info) for info in tasks]

    def decline(self, offer: Offer, refuse_seconds: float = DEFAULT_REFUSE_SECONDS) -> None:
        """The framework does not want it; do not offer it that agent for refuse_seconds."""
        self.declined[offer.framework] += 1
        self.filters[offer.framework, offer.hostname] = self.now + refuse_seconds

    def revive(self, framework: str) -> None:
        """reviveOffers: clear the framework's filters, so it is offered everything again."""
        self.filters = {k: v for k, v in self.filters.items() if k[0] != framework}

    def launch(self, offer: Offer, info: TaskInfo) -> MesosTask:
        task = MesosTask(self.new_id(info.name), info.name, offer.framework, offer.agent_id, offer.hostname,
                         info.resources, [(self.now, "TASK_STAGING")])
        self.tasks.append(task)
        start = 1.5 + self.rng.random()
        self.clock.call_later(0.5, partial(self.agent_step, task, "TASK_STARTING"))
        self.clock.call_later(start, partial(self.agent_step, task, "TASK_RUNNING"))
        if info.run_seconds is not None:
            self.clock.call_later(start + info.run_seconds, partial(self.agent_step, task, "TASK_FINISHED"))
        return task

    def agent_step(self, task: MesosTask, state: str) -> None:
        if self.agents[task.hostname].up and task.state not in TERMINAL and task.state != "TASK_KILLING":
            self.update(task, state)

    def update(self, task: MesosTask, state: str, reason: str = "") -> None:
        """A status update: recorded, then forwarded to the task's framework."""
        task.history.append((self.now, state))
        task.reason = reason or task.reason
        if state in TERMINAL and task.stopped_at is None:
            task.stopped_at = self.now
        self.frameworks[task.framework].status_update(self, task)

    def kill(self, task: MesosTask) -> None:
        """killTask: TASK_KILLING now, TASK_KILLED once the agent stopped it (never, if the agent is gone)."""
        if task.state in TERMINAL:
            return
        self.update(task, "TASK_KILLING")
        def killed() -> None:
            if self.agents[task.hostname].up and task.state == "TASK_KILLING":
                self.update(task, "TASK_KILLED")
        self.clock.call_later(KILL_SECONDS, killed)

    def exit(self, task: MesosTask, code: int) -> None:
        """The task's process exits by itself: TASK_FINISHED on 0, TASK_FAILED otherwise."""
        if task.state not in TERMINAL:
            self.update(task, "TASK_FINISHED" if code == 0 else "TASK_FAILED")

    # -- agents failing ----------------------------------------------------------------------------

    def fail_agent(self, hostname: str) -> None:
        """The machine stops: its tasks stop at once, but the master only learns it 75 s later."""
        self.agents[hostname].up = False
        for t in self.tasks:
            if t.hostname == hostname and t.stopped_at is None:
                t.stopped_at = self.now
        self.note(f"{hostname} fails")
        self.clock.call_later(AGENT_PING_TIMEOUT * MAX_AGENT_PING_TIMEOUTS, partial(self.remove_agent, hostname))

    def remove_agent(self, hostname: str) -> None:
        agent = self.agents[hostname]
        if agent.up:
            return
        agent.registered = False
        self.note(f"agent {agent.id} ({hostname}) removed: health check timed out")
        for t in self.tasks:
            if t.hostname == hostname and t.state not in TERMINAL:
                stopped = t.stopped_at
                self.update(t, "TASK_LOST", "REASON_SLAVE_REMOVED")
                t.stopped_at = stopped

    def recover_agent(self, hostname: str) -> None:
        """The machine is back: its agent registers again, with a new agent ID."""
        agent = self.agents[hostname]
        number = int(agent.id.rsplit("S", 1)[1]) + 1 if not agent.registered else 0
        for t in self.tasks:  # back before it was removed: its tasks died with the machine
            if t.hostname == hostname and t.state not in TERMINAL:
                stopped = t.stopped_at
                self.update(t, "TASK_LOST", "REASON_SLAVE_RESTARTED")
                t.stopped_at = stopped
        agent.up, agent.registered = True, True
        if number:
            agent.id = f"{agent.id.rsplit('S', 1)[0]}S{number}"
        self.note(f"{hostname} registers again as {agent.id}")


__all__ = ["Agent", "Framework", "Master", "MesosTask", "Offer", "Resources", "TaskInfo"]
