"""kubectl for CronJobs, in kubectl 1.32's words: get's columns (printCronJob), describe (describeCronJob), create
cronjob (create_cronjob.go), create job --from=cronjob/NAME (createJobFromCronJob), api-resources and `get all`;
YAML's quotes as go-yaml writes them (`schedule: '*/1 * * * *'`); and the real kubectl against a served cluster,
printing what c.kubectl prints."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from builders import KUBECTL, real_kubectl, same, skip_unless_required

from k8slite import Cluster
from k8slite.api.cronjob import INSTANTIATE, CronJob
from k8slite.api.meta import ObjectMeta, ObjectReference
from k8slite.kubectl.output import to_yaml
from k8slite.kubectl.rows_workloads import cronjob_row
from k8slite.server import Server

EVERY_MINUTE = "--schedule='*/1 * * * *'"


def tick(extra: str = "", template: str = "") -> str:
    """A CronJob every minute whose Jobs sleep 100 s, so the first two are still active at 150 s."""
    return f"""
apiVersion: batch/v1
kind: CronJob
metadata: {{name: tick, labels: {{app: tick}}}}
spec:
  schedule: "*/1 * * * *"
{extra}  jobTemplate:
{template}    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{{name: tick, image: busybox, command: [sleep, "100"]}}]
"""


@pytest.fixture
def c() -> Cluster:
    c = Cluster(nodes=1)
    c.apply(tick())
    c.run(150)  # Jobs at 60 s (tick-28928161) and 120 s, both running
    return c


# ---------------------------------------------------------------- get
def test_get_shows_schedule_time_zone_suspend_active_jobs_and_the_last_schedules_age(c: Cluster) -> None:
    assert c.kubectl("get cj") == (
        "NAME   SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\n"
        "tick   */1 * * * *   <none>     False     2        30s             2m30s\n")
    assert c.kubectl("get cronjobs -o wide").splitlines()[1].split()[-3:] == ["tick", "busybox", "<none>"]
    c.apply(tick("  timeZone: Europe/Berlin\n  suspend: true\n"))
    assert c.kubectl("get cronjob tick --no-headers") == (
        "tick   */1 * * * *   Europe/Berlin   True   2     30s   2m30s\n")
    fresh = CronJob(metadata=ObjectMeta(name="fresh", creation_timestamp=0.0))  # no defaults: printBoolPtr's <unset>
    fresh.status.active = [ObjectReference(kind="Job", name="a"), ObjectReference(kind="Job", name="b")]
    assert cronjob_row(fresh, 30.0, False) == ["fresh", "", "<none>", "<unset>", "2", "<none>", "30s"]


def test_get_all_lists_cronjobs_before_jobs_as_discovery_orders_batch(c: Cluster) -> None:
    blocks = c.kubectl("get all").split("\n\n")
    assert [b.splitlines()[1].split("/")[0] for b in blocks] == ["pod", "service", "cronjob.batch", "job.batch"]
    assert blocks[2].splitlines()[1].startswith("cronjob.batch/tick   */1 * * * *   <none>     False     2 ")


def test_api_resources_and_the_all_category() -> None:
    c = Cluster(nodes=1)
    line = [row.split() for row in c.kubectl("api-resources --api-group=batch").splitlines()][1]
    assert line == ["cronjobs", "cj", "batch/v1", "true", "CronJob"]
    assert c.kubectl("api-resources --categories=all -o name") == (
        "pods\nservices\ndaemonsets.apps\ndeployments.apps\nreplicasets.apps\nstatefulsets.apps\ncronjobs.batch\njobs.batch\n")


def test_yaml_quotes_a_string_as_go_yaml_does(c: Cluster) -> None:
    """Double quotes for text that would read as something else, single quotes for text that only cannot be
    plain (it starts with an indicator, or holds `: ` or ` #`)."""
    assert "\n  schedule: '*/1 * * * *'\n" in c.kubectl("get cj tick -o yaml")
    assert to_yaml({"a": "@hourly", "b": "0 9 * * 1-5", "c": "21", "d": "", "e": "x #y", "f": "y", "g": "it's"}) == (
        "a: '@hourly'\nb: 0 9 * * 1-5\nc: \"21\"\nd: \"\"\ne: 'x #y'\nf: \"y\"\ng: it's\n")


# ---------------------------------------------------------------- describe
def test_describe_shows_the_job_template_as_it_is_then_the_last_schedule_and_active_jobs(c: Cluster) -> None:
    assert c.kubectl("describe cj tick") == """\
Name:                          tick
Namespace:                     default
Labels:                        app=tick
Annotations:                   <none>
Schedule:                      */1 * * * *
Concurrency Policy:            Allow
Suspend:                       False
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
  Labels:  <none>
  Containers:
   tick:
    Image:      busybox
    Port:       <none>
    Host Port:  <none>
    Command:
      sleep
      100
    Environment:     <none>
    Mounts:          <none>
  Volumes:           <none>
  Node-Selectors:    <none>
  Tolerations:       <none>
Last Schedule Time:  Wed, 01 Jan 2025 00:02:00 +0000
Active Jobs:         tick-28928161, tick-28928162
Events:
  Type    Reason            Age   From                Message
  ----    ------            ----  ----                -------
  Normal  SuccessfulCreate  90s   cronjob-controller  Created job tick-28928161
  Normal  SuccessfulCreate  30s   cronjob-controller  Created job tick-28928162
"""


def test_describe_shows_what_is_set_and_unset_before_the_first_run() -> None:
    c = Cluster(nodes=1)
    spec = "  startingDeadlineSeconds: 30\n  concurrencyPolicy: Forbid\n  failedJobsHistoryLimit: 0\n"
    template = "    metadata: {labels: {team: a}}\n"
    c.apply(tick(spec, template).replace('    spec:\n      template', '    spec:\n      parallelism: 2\n'
                                         '      completions: 4\n      activeDeadlineSeconds: 100\n      template'))
    text = c.kubectl("describe cronjob tick")
    assert "\nConcurrency Policy:            Forbid\n" in text and "\nFailed Job History Limit:      0\n" in text
    assert "\nStarting Deadline Seconds:     30s\nSelector:                      <unset>\n" \
           "Parallelism:                   2\nCompletions:                   4\n" \
           "Active Deadline Seconds:       100s\nPod Template:\n" in text
    assert text.endswith("Last Schedule Time:  <unset>\nActive Jobs:         <none>\nEvents:              <none>\n")


def test_set_image_changes_the_job_template_and_other_verbs_refuse_a_cronjob(c: Cluster) -> None:
    assert c.kubectl("set image cj/tick tick=busybox:1.36") == "cronjob.batch/tick image updated\n"
    assert c.get("cronjobs", "tick").spec.job_template.spec.template.spec.containers[0].image == "busybox:1.36"
    assert c.kubectl("rollout status cj/tick") == "error: no status viewer has been implemented for CronJob.batch\n"
    assert c.kubectl("rollout history cj/tick") == \
        'error: no history viewer has been implemented for "CronJob.batch"\n'
    assert c.kubectl("rollout undo cj/tick") == 'error: no rollbacker has been implemented for "CronJob.batch"\n'
    assert c.kubectl("rollout restart cj/tick") == 'error: cronjobs.batch "tick" restarting is not supported\n'
    assert c.kubectl("rollout pause cj/tick") == 'error: cronjobs.batch "tick" pausing is not supported\n'
    assert c.kubectl("scale cj/tick --replicas=2") == \
        "Error from server (NotFound): the server could not find the requested resource\n"
    assert c.kubectl("expose cj/tick --port=80") == "error: cannot expose a CronJob.batch\n"


# ---------------------------------------------------------------- create cronjob
def test_create_cronjob_builds_a_job_template_named_after_it_restarting_on_failure() -> None:
    c = Cluster(nodes=1)
    assert c.kubectl(f"create cronjob hello --image=busybox {EVERY_MINUTE} -- sh -c 'date; echo Hello'") == \
        "cronjob.batch/hello created\n"
    cj = c.get("cronjobs", "hello")
    container = cj.spec.job_template.spec.template.spec.containers[0]
    assert (cj.spec.schedule, cj.spec.job_template.metadata.name) == ("*/1 * * * *", "hello")
    assert (container.name, container.image, container.command) == \
        ("hello", "busybox", ["sh", "-c", "date; echo Hello"])
    assert cj.spec.job_template.spec.template.spec.restart_policy == "OnFailure"
    failed = "error: failed to create cronjob: "  # the server's refusal, in create_cronjob.go's words
    assert c.kubectl(f"create cj hello --image=busybox {EVERY_MINUTE}") == \
        f'{failed}cronjobs.batch "hello" already exists\n'
    assert c.kubectl("create cronjob bad --image=busybox --schedule='* * * *'") == (
        f'{failed}CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "* * * *": expected exactly 5 '
        "fields, found 4: [* * * *]\n")
    assert c.kubectl("create cronjob bad --image=busybox --schedule=@hourly --restart=Always") == (
        f'{failed}CronJob.batch "bad" is invalid: spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported '
        'value: "Always": supported values: "OnFailure", "Never"\n')


def test_create_cronjob_refuses_what_cobra_and_kubectl_refuse() -> None:
    c = Cluster(nodes=1)
    assert c.kubectl("create cronjob hello") == 'error: required flag(s) "image", "schedule" not set\n'
    assert c.kubectl("create cronjob hello --image=busybox") == 'error: required flag(s) "schedule" not set\n'
    assert c.kubectl("create deployment web --image=nginx --schedule=@hourly").startswith(
        "Error: unknown flag: --schedule\nSee 'kubectl create deployment --help' for usage.")
    assert c.get("cronjobs") == []


# ---------------------------------------------------------------- create job --from=cronjob/NAME
def test_create_job_from_a_cronjob_runs_its_template_now() -> None:
    c = Cluster(nodes=1)
    c.apply(tick(template="    metadata: {labels: {team: a}, annotations: {why: demo}}\n"))
    assert c.kubectl("create job now --from=cronjob/tick") == "job.batch/now created\n"
    job, cj = c.get("jobs", "now"), c.get("cronjobs", "tick")
    assert job.metadata.annotations == {INSTANTIATE: "manual", "why": "demo"}
    assert job.metadata.labels == {"team": "a"}  # the template's (the API server copies the pods' only to none)
    (owner,) = job.metadata.owner_references
    assert (owner.kind, owner.name, owner.uid, owner.controller, owner.block_owner_deletion) == \
        ("CronJob", "tick", cj.metadata.uid, True, None)
    assert job.spec.template.spec.containers == cj.spec.job_template.spec.template.spec.containers
    assert (job.spec.completions, job.spec.backoff_limit) == (1, 6)  # a Job's defaults, which the template has not
    c.run(110)
    assert job.name not in {r.name for r in c.get("cronjobs", "tick").status.active}
    assert c.get("jobs", "now").status.finished() == "Complete"


def test_create_job_from_refuses_a_missing_cronjob_and_anything_else() -> None:
    c = Cluster(nodes=1)
    c.apply(tick())
    c.kubectl("create deployment web --image=nginx")
    assert c.kubectl("create job x --from=cronjob/nope") == \
        'Error from server (NotFound): cronjobs.batch "nope" not found\n'
    assert c.kubectl("create job x --from=cj/tick -n nowhere") == \
        'Error from server (NotFound): namespaces "nowhere" not found\n'
    assert c.kubectl("create job x --from=deployment/web") == "error: unknown object type *v1.Deployment\n"
    assert c.kubectl("create job x --from=cronjobs") == "error: resource(s) were provided, but no name was specified\n"
    assert c.kubectl("create job x --from=cronjob/") == \
        "error: arguments in resource/name form must have a single resource and name\n"
    assert c.kubectl("create job x --from=nope/tick") == 'error: the server doesn\'t have a resource type "nope"\n'
    assert c.kubectl("create job tick-now --from=cronjob/tick") == "job.batch/tick-now created\n"
    assert c.kubectl("create job tick-now --from=cronjob/tick") == \
        'error: failed to create job: jobs.batch "tick-now" already exists\n'


# ------------------------------------------------------------ the real kubectl 1.32
@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One cluster for the module: `tick` after 150 s (two active Jobs), served to the real kubectl."""
    if KUBECTL is None:
        skip_unless_required("the real kubectl is not installed", "K8SLITE_REQUIRE_KUBECTL")
    cluster = Cluster(nodes=2)
    cluster.apply(tick(template="    metadata: {labels: {team: a}, annotations: {why: 'x #y'}}\n"))
    cluster.run(150)
    s = cluster.serve(wall_clock=False)
    s.home = tmp_path_factory.mktemp("kubectl-home")  # type: ignore[attr-defined]
    yield s
    cluster.close()




def test_the_real_kubectl_prints_what_c_kubectl_prints(served: Server) -> None:
    for command in ("get cj", "get cronjobs -o wide", "get cj,jobs", "get all", "get cj tick -o yaml",
                    "api-resources --api-group=batch", "api-resources --categories=all -o wide", "explain cj.spec",
                    "explain cronjob.spec.jobTemplate", "create job x --from=cronjob/nope",
                    "create job x --from=deployment/nope", "create job x --from=cronjobs",
                    "create job x --from=cronjob/tick --dry-run=client -o yaml",
                    f"create cronjob tick --image=busybox {EVERY_MINUTE}",
                    "create cronjob bad --image=busybox --schedule='* * * *'", "rollout status cj/tick",
                    "rollout history cj/tick", "rollout undo cj/tick", "rollout restart cj/tick",
                    "scale cj/tick --replicas=2", "expose cj/tick --port=80"):
        real, expected = same(served, command)
        assert real == expected, command


def test_the_real_kubectl_describes_a_cronjob_as_c_kubectl(served: Server) -> None:
    real, expected = same(served, "describe cronjob tick")
    head, events = expected.split("Events:")
    assert real.split("Events:")[0] == head and "Active Jobs:         tick-28928161, tick-28928162\n" in head
    job = expected.split("Active Jobs:")[1].split()[0].rstrip(",")
    real_job, expected_job = same(served, f"describe job {job}")
    assert real_job.split("Events:")[0] == expected_job.split("Events:")[0]
    assert "\nControlled By:    CronJob/tick\n" in expected_job
    # the events' ages are the real kubectl's clock's: compare each event's other columns
    rows = [line.split() for line in events.splitlines()[3:]]
    assert [r[:2] + r[3:] for r in rows] == [r[:2] + r[3:] for r in (line.split() for line in
                                                                     real.split("Events:")[1].splitlines()[3:])]


def test_the_real_kubectl_creates_cronjobs_and_jobs_from_them_in_protobuf(served: Server) -> None:
    assert real_kubectl(served, "create cronjob nightly --image=busybox --schedule=@daily -- date") == \
        "cronjob.batch/nightly created\n"
    assert real_kubectl(served, "create job manual --from=cronjob/tick") == "job.batch/manual created\n"
    with served.lock:
        nightly, job = served.cluster.get("cronjobs", "nightly"), served.cluster.get("jobs", "manual")
        tick_uid = served.cluster.get("cronjobs", "tick").metadata.uid
    assert (nightly.spec.schedule, nightly.spec.job_template.spec.template.spec.containers[0].command) == \
        ("@daily", ["date"])
    assert job.metadata.annotations == {INSTANTIATE: "manual", "why": "x #y"}
    assert [(o.name, o.uid, o.controller) for o in job.metadata.owner_references] == [("tick", tick_uid, True)]
    real, expected = same(served, "create job manual --from=cronjob/tick")
    assert real == expected == 'error: failed to create job: jobs.batch "manual" already exists\n'
    # a strategic merge patch of the jobTemplate's containers, merged by name
    assert real_kubectl(served, "set image cj/tick tick=busybox:1.37") == "cronjob.batch/tick image updated\n"
    with served.lock:
        containers = served.cluster.get("cronjobs", "tick").spec.job_template.spec.template.spec.containers
    assert [(c.name, c.image, c.command) for c in containers] == [("tick", "busybox:1.37", ["sleep", "100"])]
