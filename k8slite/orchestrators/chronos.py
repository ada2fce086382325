"""A Chronos-style batch framework: scheduled jobs sharing a Mesos cluster with Marathon.

Mirrors what Chronos (mesos/chronos) does as a Mesos framework: a job has a schedule (start time,
repeat interval: ISO 8601's `R/2026-01-01T00:00:00Z/PT5M`, here seconds) and the resources and
duration of one run. When a run is due, the job waits for an offer that fits, launches its task
and lets it finish (TASK_FINISHED); a run that fails is retried on the next offer. Between runs it
declines every offer with Mesos' default filter (5 s) and does not revive, which is why a due run
can wait up to that filter's length: `waits` records each run's due and launch times, the
declined-offer latency.

Simplified: no dependent jobs, retries limit, epsilon or time zones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k8slite.orchestrators.drf import Resources
from k8slite.orchestrators.mesos import DEFAULT_REFUSE_SECONDS, Master, MesosTask, Offer, TaskInfo


@dataclass
class Job:
    name: str
    resources: Resources
    run_seconds: float
    start: float
    every: float | None = None
    """Seconds between runs; None runs once."""
    due: list[float] = field(default_factory=list)
    """Runs that are due and not yet launched: their due times."""
    tasks: list[MesosTask] = field(default_factory=list)


class Chronos:
    name = "chronos"

    def __init__(self, master: Master, refuse_seconds: float = DEFAULT_REFUSE_SECONDS) -> None:
        self.master, self.refuse_seconds = master, refuse_seconds
        self.jobs: dict[str, Job] = {}
        self.waits: list[tuple[str, float, float]] = []  # (job, due at, launched at)
        master.register(self)

    def add_job(self, name: str, cpus: float, mem: float, run_seconds: float, start: float,
                every: float | None = None) -> Job:
        job = Job(name, Resources(cpus, mem), run_seconds, start, every)
        self.jobs[name] = job
        self.master.clock.call_at(start, lambda: self.fire(job))
        return job

    def fire(self, job: Job) -> None:
        job.due.append(self.master.now)
        if job.every is not None:
            self.master.clock.call_later(job.every, lambda: self.fire(job))

    def resource_offers(self, master: Master, offers: list[Offer]) -> None:
        for offer in offers:
            job = next((j for j in self.jobs.values() if j.due and offer.resources.fits(j.resources)), None)
            if job is None:
                master.decline(offer, self.refuse_seconds)
                continue
            due = job.due.pop(0)
            task = master.accept(offer, [TaskInfo(job.name, job.resources, job.run_seconds)])[0]
            job.tasks.append(task)
            self.waits.append((job.name, due, master.now))

    def status_update(self, master: Master, task: MesosTask) -> None:
        job = self.jobs.get(task.name)
        if job is not None and task.state in ("TASK_FAILED", "TASK_LOST"):
            job.due.insert(0, master.now)  # retry the run
