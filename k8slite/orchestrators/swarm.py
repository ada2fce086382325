"""Docker Swarm mode: services, tasks and managers, as swarmkit runs them (moby/swarmkit).

Mirrors swarmkit's manager: the managers keep the swarm's state in a Raft log (raft.py); the
leader's orchestrator turns a service's `replicas` into one task per slot (`web.1`, `web.2` ...),
its scheduler assigns each new task to a node with the **spread** strategy (the node running the
fewest tasks of that service, then the fewest tasks at all), and the node's agent moves the task
through swarmkit's states: new, pending, assigned, accepted, preparing, starting, running, then
complete, failed, shutdown or rejected. A task never moves to another node: a failed node's tasks
are given up (desired state shutdown; swarmkit's task reaper marks them orphaned after 24 h) and
new tasks are made for their slots. A rolling update replaces `update_parallelism` tasks at a time,
stop-first, waits `update_delay` between batches, and pauses (update-failure-action pause) when a new
task fails. A published port is open on every node (the ingress routing mesh): a request to any
node reaches one of the service's running tasks, wherever it runs.

Timings (swarmkit defaults): a worker heartbeats every 5 s and is marked down after 3 missed
periods (15 s); a failed task is restarted after the 5 s restart delay; stopping takes 1 s here.
Simplified: a task's start takes 1.5 to 2.5 s (the rng picks), images come from k8slite's public
images (runtime/registry.py's DEFAULT) and pull instantly (a kubelet takes registry.pull_seconds); no networks, secrets,
constraints, global mode, rollback or update-monitor; the ingress mesh balances round-robin over
the tasks the managers believe running (IPVS does the same, so a dead node's tasks still get
requests until it is marked down).
"""

from __future__ import annotations

import random
from functools import partial

from k8slite.clock import VirtualClock
from k8slite.orchestrators.raft import ManagerRaft, NoLeader
from k8slite.orchestrators.swarm_objects import STOP_SECONDS, TERMINAL, Service, SwarmError, SwarmNode, Task
from k8slite.orchestrators.swarm_update import next_batch
from k8slite.runtime import registry

HEARTBEAT_PERIOD = 5.0  # manager/dispatcher/dispatcher.go DefaultHeartBeatPeriod, x defaultGracePeriodMultiplier 3
NODE_DOWN_AFTER = 3 * HEARTBEAT_PERIOD
RESTART_DELAY = 5.0
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


class Swarm:
    """Nodes ``node-1`` .. ``node-N``, the first `managers` of them managers (and workers too)."""

    def __init__(self, nodes: int = 3, managers: int = 3, seed: int = 0,
                 clock: VirtualClock | None = None, rng: random.Random | None = None) -> None:
        self.clock = clock or VirtualClock()
        self.rng = rng or random.Random(seed)
        self.nodes = {f"node-{i}": SwarmNode(f"node-{i}", i <= managers) for i in range(1, nodes + 1)}
        self.raft = ManagerRaft([n for n, node in self.nodes.items() if node.manager])
        self.services: dict[str, Service] = {}
        self.tasks: list[Task] = []
        self.log: list[tuple[float, str]] = []
        self._mesh_turn = 0
        self._reconcile_due = False

    @property
    def now(self) -> float:
        return self.clock.now

    def run(self, seconds: float) -> Swarm:
        self.clock.run(self.clock.now + seconds)
        return self

    def new_id(self, length: int = 25) -> str:
        return "".join(self.rng.choice(ALPHABET) for _ in range(length))

    def note(self, text: str) -> None:
        self.log.append((self.now, text))

    # -- the API the CLI calls: every change goes through the Raft log first --------------------

    def create_service(self, name: str, image: str, replicas: int = 1, publish: tuple[int, int] | None = None,
                       mode: str = "replicated", run_seconds: float | None = None,
                       update_parallelism: int = 1, update_delay: float = 0.0) -> Service:
        if name in self.services:
            raise SwarmError(f"Error response from daemon: rpc error: code = AlreadyExists desc = name conflicts "
                             f"with an existing object: service {name} already exists")
        service = Service(self.new_id(), name, image, replicas, publish, mode, run_seconds,
                          update_parallelism, update_delay)
        self.raft.propose(f"/services/{name}", service.image)
        self.services[name] = service
        self.note(f"service {name} created: {replicas} replicas of {image}")
        self.request_reconcile()
        return service

    def service(self, name: str) -> Service:
        """By name or ID (prefix), as the CLI resolves it."""
        for s in self.services.values():
            if name in (s.name, s.id) or (len(name) >= 3 and s.id.startswith(name)):
                return s
        raise SwarmError(f"Error response from daemon: service {name} not found")

    def scale(self, name: str, replicas: int) -> Service:
        service = self.service(name)
        self.raft.propose(f"/services/{service.name}/replicas", replicas)
        service.replicas = replicas
        self.note(f"service {service.name} scaled to {replicas}")
        self.request_reconcile()
        return service

    def update(self, name: str, image: str | None = None, update_parallelism: int | None = None,
               update_delay: float | None = None) -> Service:
        service = self.service(name)
        self.raft.propose(f"/services/{service.name}/spec", image or service.image)
        service.update_parallelism = update_parallelism or service.update_parallelism
        service.update_delay = service.update_delay if update_delay is None else update_delay
        if image and image != service.image:
            service.image = image
            service.update_started, service.update_completed = self.now, None
            service.update_status = ("updating", "update in progress")
            self.note(f"service {service.name} update to {image} started")
            self.clock.call_soon(lambda: next_batch(self, service))
        return service

    # -- nodes ------------------------------------------------------------------------------------

    def fail_node(self, name: str) -> None:
        """The machine stops: its containers with it, its manager (if any) leaves the Raft group."""
        node = self.nodes[name]
        node.up = False
        for t in self.tasks:
            if t.node == name and t.stopped_at is None:
                t.stopped_at = self.now
        if node.manager:
            self.raft.stop(name)
        self.note(f"{name} fails")
        self.clock.call_later(NODE_DOWN_AFTER, lambda: self.heartbeat_expired(name))

    def recover_node(self, name: str) -> None:
        node = self.nodes[name]
        node.up, node.status = True, "ready"
        if node.manager:
            self.raft.start(name)
        for t in self.tasks:  # its containers died with the machine: the agent reports them stopped
            if t.node == name and t.state not in TERMINAL and t.desired_state == "shutdown":
                self.set_state(t, "shutdown")  # marked down meanwhile: already replaced
            elif t.node == name and t.state not in TERMINAL:  # never marked down (no leader then): restart it
                stopped = t.stopped_at
                self.set_state(t, "failed")
                self.task_ended(t)
                t.stopped_at = stopped
        self.note(f"{name} is back")
        self.request_reconcile()

    def heartbeat_expired(self, name: str) -> None:
        node = self.nodes[name]
        if node.up or self.raft.leader is None:  # only a leader's dispatcher marks nodes down
            return
        node.status = "down"
        self.note(f"{name} is down: no heartbeat for {NODE_DOWN_AFTER:g}s")
        for t in self.tasks:
            if t.node == name and t.desired_state == "running":
                t.desired_state = "shutdown"
        self.request_reconcile()

    # -- the orchestrator and the scheduler (they run on the leader) -------------------------------

    def request_reconcile(self) -> None:
        if not self._reconcile_due:
            self._reconcile_due = True
            self.clock.call_soon(self.reconcile)

    def reconcile(self) -> None:
        """One task per slot 1..replicas, desired running; extra slots shut down."""
        self._reconcile_due = False
        if self.raft.leader is None:
            return
        for service in self.services.values():
            live = {t.slot for t in self.tasks if t.service == service.name and t.desired_state == "running"}
            done = {t.slot for t in self.tasks if t.service == service.name and t.state == "complete"}
            for slot in range(1, service.replicas + 1):
                if slot not in live | done | service.updating_slots:
                    self.start_task(service, slot)
            for t in self.tasks:
                if t.service == service.name and t.slot > service.replicas and t.desired_state == "running":
                    self.stop_task(t)

    def spread(self, service: Service) -> str | None:
        """The ready node with the fewest tasks of this service, then the fewest tasks; ties: the rng."""
        def load(name: str) -> tuple[int, int]:
            mine = [t for t in self.tasks if t.node == name and t.desired_state == "running"]
            return sum(t.service == service.name for t in mine), len(mine)
        ready = [n for n, node in self.nodes.items() if node.status == "ready"]
        if not ready:
            return None
        best = min(load(n) for n in ready)
        return self.rng.choice(sorted(n for n in ready if load(n) == best))

    def start_task(self, service: Service, slot: int) -> Task:
        task = Task(self.new_id(), service.name, slot, service.image, history=[(self.now, "new")])
        self.tasks.append(task)
        self.set_state(task, "pending")
        node = self.spread(service)
        if node is None:
            return task  # stays pending: "no suitable node"
        task.node = node
        self.set_state(task, "assigned")
        start = 1.5 + self.rng.random()
        for delay, state in ((0.5, "accepted"), (0.5, "preparing"), (1.0, "starting"), (start, "running")):
            self.clock.call_later(delay, partial(self.agent_step, task, state))
        return task

    def agent_step(self, task: Task, state: str) -> None:
        """The node's agent moves the task on, if the machine runs and the task is still wanted."""
        if not self.nodes[task.node].up or task.state in TERMINAL or task.desired_state != "running":
            return
        if state == "starting" and not registry.exists(task.image):
            task.error = f"No such image: {task.image}"
            self.set_state(task, "rejected")
            self.task_ended(task)
            return
        self.set_state(task, state)
        service = self.services.get(task.service)
        if state == "running" and service is not None and service.run_seconds is not None:
            self.clock.call_later(service.run_seconds, lambda: self.job_done(task))

    def job_done(self, task: Task) -> None:
        if task.state == "running" and self.nodes[task.node].up:
            self.set_state(task, "complete")
            task.stopped_at, task.desired_state = self.now, "shutdown"

    def task_ended(self, task: Task) -> None:
        """A task that failed or was rejected: the restart policy (any) makes a new one after the delay."""
        task.desired_state, task.stopped_at = "shutdown", self.now
        service = self.services[task.service]
        if task.slot in service.updating_slots:
            service.update_status = ("paused", f"update paused due to failure or early termination of task {task.id}")
            self.note(f"service {service.name} update paused")
        self.clock.call_later(RESTART_DELAY, lambda: self.restart_slot(service, task.slot))

    def restart_slot(self, service: Service, slot: int) -> None:
        service.updating_slots.discard(slot)
        self.request_reconcile()

    def stop_task(self, task: Task) -> None:
        task.desired_state = "shutdown"
        def stopped() -> None:
            if self.nodes[task.node].up and task.state not in TERMINAL:
                self.set_state(task, "shutdown")
                task.stopped_at = self.now
        self.clock.call_later(STOP_SECONDS, stopped)

    def set_state(self, task: Task, state: str) -> None:
        task.history.append((self.now, state))

    # -- the ingress routing mesh ------------------------------------------------------------------

    def route(self, port: int, via: str) -> Task:
        """A request to `via`:`port` reaches a task of the service publishing it, on whichever node."""
        if not self.nodes[via].up:
            raise ConnectionError(f"dial tcp {via}:{port}: connect: connection timed out")
        service = next((s for s in self.services.values() if s.published and s.published[0] == port), None)
        backends = [] if service is None else [t for t in self.tasks if t.service == service.name
                                                and t.state == "running" and t.desired_state == "running"]
        if not backends:
            raise ConnectionError(f"dial tcp {via}:{port}: connect: connection refused")
        task = backends[self._mesh_turn % len(backends)]
        self._mesh_turn += 1
        if task.stopped_at is not None:  # the managers still believe it runs: IPVS sends the request on
            raise ConnectionError(f"dial tcp {via}:{port}: connect: connection timed out")
        return task


__all__ = ["NoLeader", "Service", "Swarm", "SwarmError", "Task"]
