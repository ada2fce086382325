"""Marathon: a Mesos framework for long-running apps (mesosphere/marathon 1.x).

Mirrors Marathon's launch queue, offer matching and deployments. An app (`/web`) asks for
`instances` tasks of `cpus`/`mem` each; while some are missing, Marathon takes from each offer as
many tasks as its offer-acceptance rule says (`accept_rule`, replaceable: the chapter's exercise;
`as_many_as_fit` by default, `max_per_host(n)` for the constraint hostname:MAX_PER:n)
and declines an offer it takes nothing from with its `decline_offer_duration` filter (120 s), reviving
offers as soon as it needs more. Marathon restarts what fails: a
task that ends (TASK_FAILED, TASK_KILLED, TASK_LOST ...) while its app still wants it is replaced
on the next offer. Health checks mark a running task healthy after its first passing check
(`interval_seconds` after it runs). A new version (`update(app, image=...)`) is deployed with the
app's upgrade strategy: with the defaults, minimumHealthCapacity 1 and maximumOverCapacity 1,
Marathon starts the new tasks first (up to twice the instances) and kills an old task only when a
new one is healthy, so none is ever missing.

Errors in Marathon's words (its REST API, api/v2): an unknown app is "App '/web' does not exist"
(404), a negative instance count "Object is not valid" with the detail "got -1, expected 0 or more"
(422). Simplified: no backoff between relaunches, no constraints, ports or groups; one health check
per task (it passes if the task's process runs), so an unhealthy task is never killed; the app spec
is a Python call, not JSON.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from k8slite.orchestrators.drf import Resources
from k8slite.orchestrators.mesos import TERMINAL, Master, MesosTask, Offer, TaskInfo

DECLINE_OFFER_DURATION = 120.0  # --decline_offer_duration, 120 s by default


class MarathonError(Exception):
    """An API request Marathon refuses: its HTTP status and JSON message."""

    def __init__(self, status: int, body: dict[str, object]) -> None:
        super().__init__(f"{status} {body}")
        self.status, self.body = status, body


@dataclass
class App:
    id: str
    image: str
    instances: int
    resources: Resources
    health_interval: float = 5.0
    minimum_health_capacity: float = 1.0
    maximum_over_capacity: float = 1.0
    version: int = 1
    tasks: list[MesosTask] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    """task id -> the app version it runs."""
    healthy: set[str] = field(default_factory=set)
    deploy_started: float | None = None
    deploy_done: float | None = None


AcceptRule = Callable[[Offer, App], int]
"""An offer-acceptance rule: how many tasks of the app to launch on this offer (Marathon caps it
at the number missing)."""


def as_many_as_fit(offer: Offer, app: App) -> int:
    """Marathon's default: fill the offer, so an app's tasks may all land on one agent."""
    return int(min(offer.resources.cpus // app.resources.cpus if app.resources.cpus else 1e9,
                   offer.resources.mem // app.resources.mem if app.resources.mem else 1e9))


def max_per_host(limit: int) -> AcceptRule:
    """The constraint ["hostname", "MAX_PER", "<limit>"]: at most `limit` live tasks of the app per agent."""
    def rule(offer: Offer, app: App) -> int:
        here = sum(t.hostname == offer.hostname and t.state not in TERMINAL for t in app.tasks)
        return min(limit - here, as_many_as_fit(offer, app))
    return rule


one_per_host = max_per_host(1)  # the constraint ["hostname", "UNIQUE"]


class Marathon:
    name = "marathon"

    def __init__(self, master: Master, accept_rule: AcceptRule = as_many_as_fit,
                 decline_seconds: float = DECLINE_OFFER_DURATION) -> None:
        self.master, self.accept_rule, self.decline_seconds = master, accept_rule, decline_seconds
        self.apps: dict[str, App] = {}
        self.waits: list[tuple[str, float, float]] = []  # (task name, wanted since, launched at)
        self.wanted_since: dict[str, float] = {}
        master.register(self)

    # -- the REST API --------------------------------------------------------------------------

    def create_app(self, app_id: str, image: str, instances: int = 1, cpus: float = 1.0, mem: float = 128.0,
                   health_interval: float = 5.0) -> App:
        check_instances(instances)
        app = App(normalize(app_id), image, instances, Resources(cpus, mem), health_interval)
        self.apps[app.id] = app
        self.want(app)
        return app

    def app(self, app_id: str) -> App:
        if normalize(app_id) not in self.apps:
            raise MarathonError(404, {"message": f"App '{normalize(app_id)}' does not exist"})
        return self.apps[normalize(app_id)]

    def scale(self, app_id: str, instances: int) -> App:
        app = self.app(app_id)
        check_instances(instances)
        app.instances = instances
        for task in self.live(app)[instances:]:
            self.master.kill(task)
        self.want(app)
        return app

    def update(self, app_id: str, image: str) -> App:
        """A new version: deployed with the app's upgrade strategy."""
        app = self.app(app_id)
        app.image, app.version, app.deploy_started, app.deploy_done = image, app.version + 1, self.master.now, None
        self.want(app)
        return app

    # -- what the app needs ----------------------------------------------------------------------

    def live(self, app: App) -> list[MesosTask]:
        return [t for t in app.tasks if t.state not in TERMINAL and t.state != "TASK_KILLING"]

    def missing(self, app: App) -> int:
        """How many tasks of the current version to launch now, within the upgrade strategy's room."""
        live = self.live(app)
        new = sum(app.versions[t.id] == app.version for t in live)
        room = math.floor(app.instances * (1 + app.maximum_over_capacity)) - len(live)
        return max(0, min(app.instances - new, room))

    def want(self, app: App) -> None:
        if self.missing(app):
            self.wanted_since.setdefault(app.id, self.master.now)
            self.master.revive(self.name)  # Marathon revives offers when its launch queue fills

    # -- the scheduler callbacks -----------------------------------------------------------------

    def resource_offers(self, master: Master, offers: list[Offer]) -> None:
        for offer in offers:
            infos: list[TaskInfo] = []
            free = offer.resources
            for app in sorted(self.apps.values(), key=lambda a: a.id):
                view = Offer(offer.id, offer.framework, offer.agent_id, offer.hostname, free)
                count = min(self.missing(app), max(0, self.accept_rule(view, app)))
                while count > 0 and free.fits(app.resources):
                    infos.append(TaskInfo(task_name(app), app.resources))
                    free, count = free - app.resources, count - 1
            if not infos:
                master.decline(offer, self.decline_seconds)
                continue
            for task in master.accept(offer, infos):
                self.record_launch(task)

    def record_launch(self, task: MesosTask) -> None:
        app = next(a for a in self.apps.values() if task_name(a) == task.name)
        app.tasks.append(task)
        app.versions[task.id] = app.version
        self.waits.append((task.name, self.wanted_since.get(app.id, self.master.now), self.master.now))
        if not self.missing(app):
            self.wanted_since.pop(app.id, None)

    def status_update(self, master: Master, task: MesosTask) -> None:
        app = next((a for a in self.apps.values() if task in a.tasks), None)
        if app is None:
            return
        if task.state == "TASK_RUNNING":
            master.clock.call_later(app.health_interval, lambda: self.health_check(app, task))
        elif task.state in TERMINAL:
            app.healthy.discard(task.id)
            self.step_deployment(app)  # restart on failure: the launch queue gets the task back

    def health_check(self, app: App, task: MesosTask) -> None:
        if task.state == "TASK_RUNNING" and task.stopped_at is None:
            app.healthy.add(task.id)
            self.step_deployment(app)

    def step_deployment(self, app: App) -> None:
        """Kill an old-version task for each healthy new one above minimumHealthCapacity."""
        old = [t for t in self.live(app) if app.versions[t.id] != app.version]
        healthy = [t for t in self.live(app) if t.id in app.healthy]
        floor = math.ceil(app.instances * app.minimum_health_capacity)
        for task in old:
            if len(healthy) - (task in healthy) < floor:
                break
            if task in healthy:
                healthy.remove(task)
            self.master.kill(task)
        self.want(app)
        new_healthy = sum(app.versions[t.id] == app.version and t.id in app.healthy for t in self.live(app))
        if app.deploy_started is not None and app.deploy_done is None and not old and new_healthy >= app.instances:
            app.deploy_done = self.master.now


def normalize(app_id: str) -> str:
    return app_id if app_id.startswith("/") else "/" + app_id


def task_name(app: App) -> str:
    return app.id.strip("/").replace("/", "_")


def check_instances(instances: int) -> None:
    if instances < 0:  # Marathon's validation (Accord's >= 0), as its 422 body shows it
        raise MarathonError(422, {"message": "Object is not valid", "details": [
            {"path": "/instances", "errors": [f"got {instances}, expected 0 or more"]}]})
