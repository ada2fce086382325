"""Objects made from the command line: `kubectl run`, `kubectl create deployment|namespace|quota|...`.

Mirrors k8s.io/kubectl/pkg/cmd/run and pkg/cmd/create (create_deployment.go,
create_namespace.go, create_quota.go): kubectl builds the object itself,
in the shape it would send (`creationTimestamp: null`, `status: {}`), then
creates it, and answers `pod/nginx created`, `deployment.apps/web created`.
With `--dry-run=client` it stores nothing and prints that object instead
(`-o yaml` is how most people write their first manifest); with
`--dry-run=server` the API server validates and admits it without storing it.

- `run NAME --image=IMAGE`: a Pod labelled `run=NAME` (or `--labels`), one
  container named NAME; `--restart` (Always, OnFailure, Never), `--env`
  (repeatable), `--port`; words after `--` are its args, or with `--command`
  its command.
- `create deployment NAME --image=IMAGE [--image=...] [--replicas=N]`:
  labels and selector `app=NAME`, one container per image, named after the
  image (`registry.k8s.io/busybox:1.27.2` -> busybox); words after `--` are
  every container's command.
- `create configmap NAME` and `create secret generic NAME` with
  `--from-literal=key=value`, `--from-file=[key=]path` (a folder: one key
  per file) and `--from-env-file=path` (repeatable); a Secret's values are
  base64-encoded, `--type` sets its type.
- `create namespace NAME`; `create quota NAME --hard=pods=2,requests.cpu=1`.
- `create service clusterip`, `create job` (also `--from=cronjob/NAME`) and
  `create cronjob`: create_service_job.py.
A create subcommand's refusal by the server is kubectl's error around the
server's words (`error: failed to create deployment: deployments.apps "web"
already exists`); `create namespace`, `run` and `expose` print the server's
error as it is. `run -i/-t/--rm` (an attached session) is attach.py. Left
out: `--overrides`, quota `--scopes`.
"""

from __future__ import annotations

import base64
import contextlib
import copy
from typing import TYPE_CHECKING, Any

from k8slite.api.kinds import decode, kind_of
from k8slite.api.validation import RESTART_POLICIES
from k8slite.errors import AlreadyExists, ApiError
from k8slite.kubectl import dryrun
from k8slite.kubectl.command import Command, UsageError, unknown_flag
from k8slite.kubectl.create_config import literal_data
from k8slite.kubectl.create_service_job import (
    check_job_flags,
    cronjob_manifest,
    job_from_cronjob,
    job_manifest,
    service_manifest,
    source_cronjob,
)
from k8slite.kubectl.output import to_json, to_yaml
from k8slite.kubectl.resources import resource_name

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

GENERATORS = {"namespace": "namespace", "ns": "namespace", "quota": "quota", "resourcequota": "quota",
              "deployment": "deployment", "deploy": "deployment", "configmap": "configmap", "cm": "configmap",
              "secret": "secret", "service": "service", "svc": "service", "job": "job",
              "serviceaccount": "serviceaccount", "sa": "serviceaccount", "cronjob": "cronjob", "cj": "cronjob"}
OWN_FLAGS = {"restart": ("cronjob",), "schedule": ("cronjob",), "from": ("job",)}  # flags only these subcommands have
# what a subcommand says around the server's refusal (`namespace` says nothing: the server's error is printed as is)
FAILED = {"deployment": "failed to create deployment: ", "configmap": "failed to create configmap: ",
          "cronjob": "failed to create cronjob: ", "job": "failed to create job: ", "quota": "failed to create quota: ",
          "secret": "failed to create secret ", "service": "failed to create ClusterIP service: ",
          "serviceaccount": "failed to create serviceaccount: "}


def hard_limits(text: str) -> dict[str, str | int | float]:
    """`pods=2,requests.cpu=1` -> {"pods": "2", "requests.cpu": "1"}."""
    return dict(key_values(text, "--hard", "resource=quantity"))


def key_values(text: str, flag: str, shape: str) -> dict[str, str]:
    """`a=1,b=2` -> {"a": "1", "b": "2"}, or kubectl's refusal naming the flag."""
    pairs = [p.split("=", 1) for p in text.split(",") if p]
    if any(len(p) != 2 or not p[0] for p in pairs):
        raise UsageError(f'invalid argument "{text}" for "{flag}" flag: expected {shape} pairs')
    return {name: value for name, value in pairs}


def meta(cmd: Command, name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """kubectl's generated metadata: the namespace only when one was asked for (-n)."""
    data: dict[str, Any] = {"creationTimestamp": None, "name": name}
    if labels:
        data["labels"] = labels
    if "namespace" in cmd.flags:
        data["namespace"] = cmd.namespace
    return data


def one_name(cmd: Command, skip: int, command: str = "") -> str:
    """NameFromCommandArgs: the one word before `--`; `command` (`create cronjob`) names the help kubectl points at."""
    names = cmd.args[skip:]
    if len(names) != 1:
        hint = f"\nSee 'kubectl {command} -h' for help and examples" if command else ""
        raise UsageError(f"exactly one NAME is required, got {len(names)}{hint}")
    return names[0]


def required(cmd: Command, *flags: str) -> None:
    """cobra's check of the flags a command marks required, before the command runs (in the flags' sorted order)."""
    missing = ", ".join(f'"{flag}"' for flag in sorted(flags) if not cmd.flags.get(flag))
    if missing:
        raise UsageError(f"required flag(s) {missing} not set")


def images(cmd: Command) -> list[str]:
    required(cmd, "image")
    return list(cmd.flags["image"])


def container_name(image: str) -> str:
    """create deployment's container name: the image's last path part, without tag or digest."""
    return image.rsplit("/", 1)[-1].split("@")[0].split(":")[0].replace("_", "-")


def ports(cmd: Command) -> list[dict[str, int]]:
    return [{"containerPort": int(cmd.flags["port"])}] if "port" in cmd.flags else []


def pod_manifest(cmd: Command) -> dict[str, Any]:
    """`kubectl run NAME --image=...`."""
    images(cmd)  # a required flag: cobra checks it before the command looks at its arguments
    name = one_name(cmd, 0)
    restart = str(cmd.flags.get("restart", "Always"))
    if restart not in RESTART_POLICIES:
        raise UsageError(f"invalid restart policy: {restart}")
    attached = any(cmd.flags.get(f) for f in ("attach", "stdin", "tty"))
    if attached and str(cmd.flags.get("dry_run", "none")) != "none":
        raise run_usage("--dry-run=[server|client] can't be used with attached containers options "
                        "(--attach, --stdin, or --tty)")
    if cmd.flags.get("rm") and not attached:
        raise run_usage("--rm should only be used for attached containers")
    pull = str(cmd.flags.get("image_pull_policy", ""))
    if pull and pull not in ("Always", "IfNotPresent", "Never"):
        raise run_usage(f"invalid image pull policy: {pull}")
    labels = key_values(str(cmd.flags["labels"]), "--labels", "key=value") if "labels" in cmd.flags else {"run": name}
    container: dict[str, Any] = {"image": images(cmd)[-1], "name": name, "resources": {}}
    if pull:
        container["imagePullPolicy"] = pull
    if cmd.rest:
        container["command" if cmd.flags.get("command") else "args"] = list(cmd.rest)
    if cmd.flags.get("env"):
        container["env"] = [dict(zip(("name", "value"), e.split("=", 1))) for e in cmd.flags["env"]]
    if ports(cmd):
        container["ports"] = ports(cmd)
    metadata = meta(cmd, name, labels)
    if cmd.flags.get("annotations"):
        metadata["annotations"] = dict(a.split("=", 1) for a in cmd.flags["annotations"] if "=" in a)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata,
            "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
            "status": {}}


def run_usage(message: str) -> UsageError:
    """kubectl run's own usage errors, with its pointer to the help."""
    return UsageError(f"{message}\nSee 'kubectl run -h' for help and examples")


def deployment_manifest(cmd: Command, name: str) -> dict[str, Any]:
    labels = {"app": name}
    containers: list[dict[str, Any]] = []
    for image in images(cmd):
        container: dict[str, Any] = {"image": image, "name": container_name(image), "resources": {}}
        if cmd.rest:
            container["command"] = list(cmd.rest)
        if ports(cmd) and not containers:  # --port goes to the first container only
            container["ports"] = ports(cmd)
        containers.append(container)
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(cmd, name, labels),
            "spec": {"replicas": int(cmd.flags.get("replicas", 1)), "selector": {"matchLabels": dict(labels)},
                     "strategy": {}, "template": {"metadata": {"creationTimestamp": None, "labels": dict(labels)},
                                                  "spec": {"containers": containers}}},
            "status": {}}


def subcommand(cmd: Command) -> str:
    """How kubectl names the create subcommand in its hints: `create cronjob` (for cj), `create secret generic`."""
    what = GENERATORS[cmd.args[0]]
    return f"create {what} {cmd.args[1]}" if what in ("secret", "service") and len(cmd.args) > 1 else f"create {what}"


def created_manifest(cmd: Command) -> dict[str, Any]:
    """The object `create namespace|quota|deployment|configmap|secret generic|cronjob NAME ...` stands for."""
    what = GENERATORS[cmd.args[0]]
    if what == "secret":
        if cmd.args[1:2] != ["generic"]:
            raise UsageError("k8slite knows `create secret generic NAME` (not docker-registry or tls)")
        data = {k: base64.b64encode(v.encode()).decode() for k, v in literal_data(cmd).items()}
        secret = {"apiVersion": "v1", "data": data, "kind": "Secret",
                  "metadata": meta(cmd, one_name(cmd, 2, subcommand(cmd)))}
        return {**secret, "type": str(cmd.flags["type"])} if "type" in cmd.flags else secret
    if what == "service":
        if cmd.args[1:2] != ["clusterip"]:
            raise UsageError("k8slite knows `create service clusterip NAME` (not nodeport or loadbalancer)")
        name = one_name(cmd, 2, subcommand(cmd))
        return service_manifest(cmd, meta(cmd, name, {"app": name}), name)
    if what in ("deployment", "cronjob"):  # required flags: cobra checks them before the command reads its arguments
        required(cmd, "image", *(["schedule"] if what == "cronjob" else []))
    name = one_name(cmd, 1, subcommand(cmd))
    if what == "job":
        return job_manifest(cmd, meta(cmd, name), name)
    if what == "cronjob":
        return cronjob_manifest(cmd, meta(cmd, name), name)
    if what == "configmap":
        return {"apiVersion": "v1", "data": literal_data(cmd), "kind": "ConfigMap", "metadata": meta(cmd, name)}
    if what == "namespace":
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta(cmd, name), "spec": {}, "status": {}}
    if what == "serviceaccount":
        return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(cmd, name)}
    if what == "quota":
        return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": meta(cmd, name),
                "spec": {"hard": hard_limits(str(cmd.flags.get("hard", "")))}, "status": {}}
    return deployment_manifest(cmd, name)


def create_generated(cluster: Cluster, cmd: Command) -> str:
    what = GENERATORS[cmd.args[0]]
    for flag, owners in OWN_FLAGS.items():
        if flag in cmd.flags and what not in owners:  # `run`'s --restart, `create cronjob`'s, `create job`'s --from
            raise unknown_flag(f"--{flag}", subcommand(cmd))
    if what == "job" and cmd.flags.get("from"):
        name = one_name(cmd, 1, subcommand(cmd))
        check_job_flags(cmd)
        manifest = job_from_cronjob(meta(cmd, name), source_cronjob(cluster, cmd))
    else:
        manifest = created_manifest(cmd)
    return submit(cluster, cmd, manifest, failed=FAILED.get(what, ""))


def run(cluster: Cluster, cmd: Command) -> str:
    return submit(cluster, cmd, pod_manifest(cmd))


def submit(cluster: Cluster, cmd: Command, manifest: dict[str, Any], done: str = "created", failed: str = "") -> str:
    """Create the object, or with --dry-run only show (client) or check (server) it; `done` is what kubectl
    says it did (`created`, `exposed`), `failed` what it says before the server's refusal (else it prints the
    server's error)."""
    dry_run = dryrun.mode(cmd)
    output = str(cmd.flags.get("output", ""))
    stored = {k: v for k, v in copy.deepcopy(manifest).items() if k != "status"}
    stored["metadata"].pop("creationTimestamp", None)
    stored.get("spec", {}).get("template", {}).get("metadata", {}).pop("creationTimestamp", None)
    obj = decode(stored)
    if not obj.namespace and kind_of(obj).namespaced:
        obj.metadata.namespace = cmd.namespace
    if dry_run != "client":  # the server's answer: defaulted, admitted, with a uid and a creation time
        with dryrun.dry(cluster) if dry_run == "server" else contextlib.nullcontext():
            try:
                obj = cluster.api.create(obj)
            except ApiError as e:
                if failed:
                    raise UsageError(failed + e.message) from None
                if isinstance(e, AlreadyExists):
                    return f"Error from server (AlreadyExists): {e.message}\n"
                raise
        if dry_run == "server":
            obj.metadata.resource_version = ""  # never stored
        else:
            cluster.run(0)
    if output in ("yaml", "json"):  # the client's object, or the server's answer
        data = manifest if dry_run == "client" else obj.to_dict()
        return to_yaml(data) if output == "yaml" else to_json(data)
    name = resource_name(kind_of(obj), obj.name)
    if output == "name":
        return name + "\n"
    return f"{name} {done}{dryrun.NOTES.get(dry_run, '')}\n"
