"""One workload on Kubernetes, Docker Swarm and Mesos+Marathon: the same machines, the same work.

Mirrors nothing upstream; it is the chapter's experiment. Three machines (node-1 .. node-3), a web
app of 3 replicas of nginx:1.25 reachable on one port (a Service, a published port, a Marathon app),
a 30 s batch job (a Job, a replicated-job service, a Chronos job), the machine `fail_node` failing at
`fail_at`, and a rolling update to nginx:1.27 at `update_at`. Each orchestrator runs it with its own
defaults: Kubernetes' node-monitor grace period and 300 s tolerationSeconds and a Deployment's 25%
maxSurge/maxUnavailable; Swarm's 15 s heartbeat timeout and update-parallelism 1, stop-first;
Marathon's 75 s agent removal and minimumHealthCapacity 1, maximumOverCapacity 1 (with the constraint
hostname:MAX_PER:2, since by default Marathon may put all three on one agent). Every run returns an
Outcome (outcome.py): the same table for each.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from k8slite.cluster import Cluster
from k8slite.orchestrators.chronos import Chronos
from k8slite.orchestrators.marathon import Marathon, max_per_host
from k8slite.orchestrators.mesos import Master
from k8slite.orchestrators.outcome import Outcome, TaskRun
from k8slite.orchestrators.swarm import Swarm


@dataclass(frozen=True)
class Plan:
    replicas: int = 3
    image: str = "nginx:1.25"
    new_image: str = "nginx:1.27"
    port: int = 8080
    job_seconds: float = 30.0
    fail_node: str = "node-2"
    fail_at: float = 60.0
    update_at: float = 450.0
    end: float = 600.0


def outcome(name: str, plan: Plan, runs: list[TaskRun], extra: dict[str, float] | None = None) -> Outcome:
    return Outcome(name, tuple(runs), plan.replicas, plan.fail_at, plan.update_at, plan.end, plan.new_image,
                   extra or {})


def run_swarm(plan: Plan = Plan(), seed: int = 0) -> Outcome:
    swarm = Swarm(nodes=3, managers=3, rng=random.Random(seed))
    swarm.create_service("web", plan.image, plan.replicas, (plan.port, 80))
    swarm.create_service("report", "busybox", 1, mode="replicated-job", run_seconds=plan.job_seconds)
    swarm.clock.call_at(plan.fail_at, lambda: swarm.fail_node(plan.fail_node))
    def update() -> None:
        swarm.update("web", plan.new_image)
    swarm.clock.call_at(plan.update_at, update)
    swarm.clock.run(plan.end)
    runs = []
    for t in swarm.tasks:
        start = next((at for at, state in t.history if state == "running"), None)
        if start is not None:
            runs.append(TaskRun(t.service, t.name, t.node, t.image, start, t.stopped_at, tuple(t.history)))
    return outcome("Docker Swarm", plan, runs)


def run_mesos(plan: Plan = Plan(), seed: int = 0) -> Outcome:
    master = Master(agents=3, rng=random.Random(seed))
    marathon = Marathon(master, max_per_host(2))
    chronos = Chronos(master)
    marathon.create_app("/web", plan.image, plan.replicas, cpus=1.0, mem=256.0)
    chronos.add_job("report", cpus=1.0, mem=512.0, run_seconds=plan.job_seconds, start=0.0)
    master.clock.call_at(plan.fail_at, lambda: master.fail_agent(plan.fail_node))
    def update() -> None:
        marathon.update("/web", plan.new_image)
    master.clock.call_at(plan.update_at, update)
    master.clock.run(plan.end)
    app = marathon.apps["/web"]
    runs = []
    for t in master.tasks:
        start = next((at for at, state in t.history if state == "TASK_RUNNING"), None)
        if start is not None:
            image = plan.image if app.versions.get(t.id, 1) == 1 else plan.new_image
            runs.append(TaskRun(t.name, t.id, t.hostname, image if t.name == "web" else "busybox", start,
                                t.stopped_at, tuple(t.history)))
    waits = [launched - wanted for _, wanted, launched in marathon.waits + chronos.waits]
    return outcome("Mesos+Marathon", plan, runs, {
        "declined offers": float(sum(master.declined.values())),
        "mean wait for an offer (s)": round(sum(waits) / len(waits), 3) if waits else 0.0})


KUBERNETES_WORKLOAD = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: %(replicas)d
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: "%(image)s", ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: report}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: report, image: busybox, command: ["sh", "-c", "sleep %(job)d"]}
"""


def run_kubernetes(plan: Plan = Plan(), seed: int = 0) -> Outcome:
    c = Cluster(nodes=3, seed=seed)
    c.apply(KUBERNETES_WORKLOAD % {"replicas": plan.replicas, "image": plan.image, "job": plan.job_seconds})
    c.run(plan.fail_at)
    c.node(plan.fail_node).fail()
    c.run(plan.update_at - plan.fail_at)
    c.kubectl(f"set image deployment/web web={plan.new_image}")
    c.run(plan.end - plan.update_at)
    images = {rs.metadata.name: rs.spec.template.spec.containers[0].image for rs in c.get("replicasets")}
    runs = []
    for pod, (node, segments) in c.pod_history.lifetimes(c.now).items():
        running = [s for s in segments if s.state == "Running"]
        if not running:
            continue
        name = pod.split("/", 1)[1]
        app = "report" if name.startswith("report-") else "web"
        end = running[-1].end if running[-1].end < c.now else None
        if node == plan.fail_node and (end is None or end > plan.fail_at) and running[0].start < plan.fail_at:
            end = plan.fail_at  # its machine failed: the pod stopped, whatever the API still says
        image = next((img for rs, img in images.items() if name.startswith(rs + "-")), "busybox")
        runs.append(TaskRun(app, name, node, image, running[0].start, end,
                            tuple((s.start, s.state) for s in segments)))
    c.close()
    return outcome("Kubernetes", plan, runs)


def run_all(seed: int = 0, plan: Plan = Plan()) -> list[Outcome]:
    """The workload on the three orchestrators, Kubernetes first."""
    return [run_kubernetes(plan, seed), run_swarm(plan, seed), run_mesos(plan, seed)]
