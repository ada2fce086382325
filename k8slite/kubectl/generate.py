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
- `create service clusterip` and `create job`: create_service_job.py.
`run -i/-t/--rm` (an attached session) is attach.py. Left out: `--overrides`, quota `--scopes`.
"""

from __future__ import annotations

import base64
import contextlib
import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from k8slite.api.kinds import decode, kind_of
from k8slite.api.validation import RESTART_POLICIES
from k8slite.errors import AlreadyExists
from k8slite.kubectl import dryrun
from k8slite.kubectl.command import Command, UsageError, unknown_flag
from k8slite.kubectl.create_service_job import job_manifest, service_manifest
from k8slite.kubectl.output import to_json, to_yaml
from k8slite.kubectl.resources import resource_name

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

GENERATORS = {"namespace": "namespace", "ns": "namespace", "quota": "quota", "resourcequota": "quota",
              "deployment": "deployment", "deploy": "deployment", "configmap": "configmap", "cm": "configmap",
              "secret": "secret", "service": "service", "svc": "service", "job": "job",
              "serviceaccount": "serviceaccount", "sa": "serviceaccount"}


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


def one_name(cmd: Command, skip: int) -> str:
    names = cmd.args[skip:]
    if len(names) != 1:
        raise UsageError(f"exactly one NAME is required, got {len(names)}")
    return names[0]


def images(cmd: Command) -> list[str]:
    given = cmd.flags.get("image", [])
    if not given:
        raise UsageError('required flag(s) "image" not set')
    return list(given)


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


def literal_data(cmd: Command) -> dict[str, str]:
    """--from-literal=k=v, --from-file=[key=]path (a folder: each file in it) and --from-env-file=path."""
    data: dict[str, str] = {}
    for item in cmd.flags.get("from_literal", []):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"invalid literal source {item}, expected key=value")
        data[key] = value
    for item in cmd.flags.get("from_file", []):
        key, sep, path = item.partition("=")
        source = Path(path if sep else item)
        files = sorted(f for f in source.iterdir() if f.is_file()) if source.is_dir() else [source]
        for file in files:
            try:
                data[key if sep and not source.is_dir() else file.name] = file.read_text()
            except OSError:
                raise UsageError(f"error reading {file}: no such file or directory") from None
    for path in cmd.flags.get("from_env_file", []):
        for line in Path(path).read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                data[key.strip()] = value
    return data


def created_manifest(cmd: Command) -> dict[str, Any]:
    """The object `create namespace|quota|deployment|configmap|secret generic NAME ...` stands for."""
    what = GENERATORS[cmd.args[0]]
    if "restart" in cmd.flags:  # `run`'s flag: no `create` subcommand has it
        raise unknown_flag("--restart", f"create {cmd.args[0]}")
    if what == "secret":
        if cmd.args[1:2] != ["generic"]:
            raise UsageError("k8slite knows `create secret generic NAME` (not docker-registry or tls)")
        data = {k: base64.b64encode(v.encode()).decode() for k, v in literal_data(cmd).items()}
        secret = {"apiVersion": "v1", "data": data, "kind": "Secret", "metadata": meta(cmd, one_name(cmd, 2))}
        return {**secret, "type": str(cmd.flags["type"])} if "type" in cmd.flags else secret
    if what == "service":
        if cmd.args[1:2] != ["clusterip"]:
            raise UsageError("k8slite knows `create service clusterip NAME` (not nodeport or loadbalancer)")
        name = one_name(cmd, 2)
        return service_manifest(cmd, meta(cmd, name, {"app": name}), name)
    if what == "deployment":
        images(cmd)  # a required flag: cobra checks it before the command looks at its arguments
    name = one_name(cmd, 1)
    if what == "job":
        return job_manifest(cmd, meta(cmd, name), name)
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
    return submit(cluster, cmd, created_manifest(cmd))


def run(cluster: Cluster, cmd: Command) -> str:
    return submit(cluster, cmd, pod_manifest(cmd))


def submit(cluster: Cluster, cmd: Command, manifest: dict[str, Any], done: str = "created") -> str:
    """Create the object, or with --dry-run only show (client) or check (server) it; `done` is what kubectl
    says it did (`created`, `exposed`)."""
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
            except AlreadyExists as e:
                return f"Error from server (AlreadyExists): {e.message}\n"
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
