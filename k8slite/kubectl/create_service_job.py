"""`kubectl create service clusterip`, `create job` and `create cronjob`: the objects kubectl builds itself.

Mirrors k8s.io/kubectl/pkg/cmd/create (create_service.go, create_job.go,
create_cronjob.go), in the shape `--dry-run=client -o yaml` prints, field for field.

- `create service clusterip NAME --tcp=80:8080` (repeatable): label and selector
  `app=NAME`, one port per `--tcp`, named `80-8080` (or `"6379"` when only a port
  is given, the target being the same); a target that is not a number is a port
  name. `--clusterip=None` makes a headless Service, which needs no `--tcp`.
- `create job NAME --image=IMAGE [-- COMMAND ARGS...]`: one container named NAME,
  its command the words after `--`, `restartPolicy: Never`.
- `create job NAME --from=cronjob/CJ`: the CronJob's jobTemplate made a Job now,
  as the CronJob controller would make it but owned without blockOwnerDeletion and
  annotated `cronjob.kubernetes.io/instantiate: manual` (how to run a CronJob by hand).
- `create cronjob NAME --image=IMAGE --schedule='*/1 * * * *' [-- COMMAND ARGS...]`:
  a jobTemplate named NAME whose one container is named NAME, `restartPolicy:
  OnFailure` unless `--restart` says otherwise (the server refuses anything but
  OnFailure or Never).
Left out: the service types nodeport, loadbalancer and externalname, `--node-port`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k8slite.api.cronjob import INSTANTIATE, CronJob
from k8slite.kubectl.command import Command, Refusal, UsageError
from k8slite.kubectl.resources import fetch, resources

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


def service_port(spec: str) -> dict[str, Any]:
    """"80:8080" -> {name: 80-8080, port: 80, protocol: TCP, targetPort: 8080}."""
    port_text, _, target_text = spec.partition(":")
    target_text = target_text or port_text
    if not port_text.isdigit():
        raise UsageError(f'strconv.ParseUint: parsing "{port_text}": invalid syntax')
    target: int | str = int(target_text) if target_text.isdigit() else target_text
    name = port_text if target_text == port_text else f"{port_text}-{target_text}"
    return {"name": name, "port": int(port_text), "protocol": "TCP", "targetPort": target}


def service_manifest(cmd: Command, meta: dict[str, Any], name: str) -> dict[str, Any]:
    """`create service clusterip NAME --tcp=...`."""
    cluster_ip = str(cmd.flags.get("clusterip", ""))
    tcp = list(cmd.flags.get("tcp", []))
    if not tcp and cluster_ip != "None":
        raise UsageError("at least one tcp port specifier must be provided")
    spec: dict[str, Any] = {}
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    if tcp:
        spec["ports"] = [service_port(t) for t in tcp]
    spec |= {"selector": {"app": name}, "type": "ClusterIP"}
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec,
            "status": {"loadBalancer": {}}}


def check_job_flags(cmd: Command) -> None:
    """CreateJobOptions.Validate: an image or a CronJob to start from, not both, and no command with --from."""
    if bool(cmd.flags.get("image")) == bool(cmd.flags.get("from")):
        raise UsageError("either --image or --from must be specified")
    if cmd.rest and cmd.flags.get("from"):
        raise UsageError("cannot specify --from and command")


def pod_template(cmd: Command, name: str, restart_policy: str) -> dict[str, Any]:
    """The one container named NAME, its command the words after `--`."""
    container: dict[str, Any] = {"image": cmd.flags["image"][-1], "name": name, "resources": {}}
    if cmd.rest:
        container["command"] = list(cmd.rest)
    return {"metadata": {"creationTimestamp": None},
            "spec": {"containers": [container], "restartPolicy": restart_policy}}


def job_manifest(cmd: Command, meta: dict[str, Any], name: str) -> dict[str, Any]:
    """`create job NAME --image=IMAGE -- COMMAND...`."""
    check_job_flags(cmd)
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta,
            "spec": {"template": pod_template(cmd, name, "Never")}, "status": {}}


def job_from_cronjob(meta: dict[str, Any], cj: CronJob) -> dict[str, Any]:
    """createJobFromCronJob: the jobTemplate's spec, labels and annotations (after `instantiate: manual`), and a
    controller reference without blockOwnerDeletion (which would need permission on cronjobs/finalizers)."""
    template = cj.to_dict()["spec"]["jobTemplate"]
    labels = template["metadata"].get("labels")
    owner = {"apiVersion": "batch/v1", "controller": True, "kind": "CronJob", "name": cj.name, "uid": cj.metadata.uid}
    metadata = {**meta, "annotations": {INSTANTIATE: "manual", **template["metadata"].get("annotations", {})},
                **({"labels": labels} if labels else {}), "ownerReferences": [owner]}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": metadata, "spec": template["spec"], "status": {}}


def source_cronjob(cluster: Cluster, cmd: Command) -> CronJob:
    """`--from=cronjob/NAME` as cli-runtime's builder finds it, which must be a CronJob (kubectl names the Go type
    of anything else)."""
    ((kind, names),) = resources([str(cmd.flags["from"])])
    if not names:
        raise UsageError("resource(s) were provided, but no name was specified")
    found, missing = fetch(cluster, cmd, kind, names, read=True)
    if missing:
        raise Refusal(missing[0].rstrip("\n"))
    if not isinstance(found[0], CronJob):
        raise UsageError(f"unknown object type *v1.{found[0].kind}")
    return found[0]


def cronjob_manifest(cmd: Command, meta: dict[str, Any], name: str) -> dict[str, Any]:
    """`create cronjob NAME --image=IMAGE --schedule=CRON -- COMMAND...`."""
    template = {"metadata": {"creationTimestamp": None, "name": name},
                "spec": {"template": pod_template(cmd, name, str(cmd.flags.get("restart") or "OnFailure"))}}
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta,
            "spec": {"jobTemplate": template, "schedule": str(cmd.flags["schedule"])}, "status": {}}
