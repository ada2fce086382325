"""kubectl create namespace NAME and kubectl create quota NAME --hard=...: the generators of namespaces.

Mirrors k8s.io/kubectl/pkg/cmd/create (create_namespace.go, create_quota.go):
the object is built from the command line, then created like any other, and
kubectl answers `namespace/team-a created`, `resourcequota/q created`.
`--hard=pods=2,requests.cpu=1` is a comma-separated list of resource=quantity.
Left out: `--scopes`, `--dry-run` and `-o` on these generators.
"""

from __future__ import annotations

from typing import Any

from k8slite.api.core import Namespace
from k8slite.api.meta import KubeObject, ObjectMeta
from k8slite.api.policy import ResourceQuota, ResourceQuotaSpec
from k8slite.kubectl.command import Command, UsageError

GENERATORS = {"namespace": "namespace", "ns": "namespace", "quota": "quota", "resourcequota": "quota"}


def hard_limits(text: str) -> dict[str, str | int | float]:
    """`pods=2,requests.cpu=1` -> {"pods": "2", "requests.cpu": "1"}."""
    pairs = [p.split("=", 1) for p in text.split(",") if p]
    if any(len(p) != 2 or not p[0] for p in pairs):
        raise UsageError(f'invalid argument "{text}" for "--hard" flag: expected resource=quantity pairs')
    return {name: value for name, value in pairs}


def generate(cmd: Command) -> KubeObject:
    """The object `create namespace NAME` or `create quota NAME --hard=...` stands for."""
    if len(cmd.args) != 2:
        raise UsageError("exactly one NAME is required, got " + str(len(cmd.args) - 1))
    what, name = GENERATORS[cmd.args[0]], cmd.args[1]
    if what == "namespace":
        return Namespace(metadata=ObjectMeta(name=name))
    return ResourceQuota(metadata=ObjectMeta(name=name, namespace=cmd.namespace),
                         spec=ResourceQuotaSpec(hard=hard_limits(str(cmd.flags.get("hard", "")))))


def create_generated(cluster: Any, cmd: Command) -> str:
    obj = generate(cmd)
    cluster.api.create(obj)
    cluster.run(0)
    return f"{'namespace' if isinstance(obj, Namespace) else 'resourcequota'}/{obj.name} created\n"
