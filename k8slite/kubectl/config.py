"""kubectl config (k8s.io/kubectl/pkg/cmd/config): the kubeconfig c.kubectl reads, and its contexts.

c.kubectl talks to its own cluster as `kubectl --kubeconfig` would with the kubeconfig `c.serve()`
writes: one cluster and one user called k8slite (the API server at https://172.18.0.1:6443, a bearer
token) and contexts joining them. `config view` prints it as kubectl does (the CA as DATA+OMITTED,
the token REDACTED; `-o json` in the Config struct's order), `current-context`, `get-contexts`,
`get-clusters` and `get-users` list it, and `set-context` / `use-context` change the contexts: a
context's namespace is where a command without -n runs (`kubectl config set-context --current
--namespace=dev`); a context without the k8slite cluster leaves kubectl talking to localhost:8080,
where nothing answers (kubectl's five klog lines before the refusal are left out). Left out:
`view --raw` (c.kubectl has no certificate nor token to show: the served cluster's kubeconfig has
them), clusters and users other than k8slite, `set-cluster`, `set-credentials`, `delete-context`,
`rename-context`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from k8slite.kubectl import jsonpath
from k8slite.kubectl.command import Command, Refusal, UsageError
from k8slite.kubectl.output import to_yaml
from k8slite.kubectl.tabwriter import tabwrite
from k8slite.kubectl.version import SERVER_URL

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

NAME = "k8slite"  # the kubeconfig's cluster, user and first context (server/kubeconfig.py names them so too)


@dataclass
class Context:
    cluster: str = NAME
    user: str = NAME
    namespace: str = "default"


@dataclass
class KubeConfig:
    """The contexts of c.kubectl's kubeconfig, and the current one."""

    contexts: dict[str, Context] = field(default_factory=lambda: {NAME: Context()})
    current: str = NAME

    @property
    def namespace(self) -> str:
        """Where commands without -n run: the current context's namespace."""
        context = self.contexts.get(self.current)
        return context.namespace if context and context.namespace else "default"

    def reachable(self) -> bool:
        """Whether the current context names the cluster (a context without one sends kubectl to localhost:8080)."""
        context = self.contexts.get(self.current)
        return context is not None and context.cluster == NAME


UNREACHABLE = "The connection to the server localhost:8080 was refused - did you specify the right host or port?"


def kubeconfig_of(cluster: Cluster) -> KubeConfig:
    """The cluster's kubeconfig for c.kubectl, made on first use (kept as cluster.kubeconfig)."""
    found = getattr(cluster, "kubeconfig", None)
    if not isinstance(found, KubeConfig):
        found = KubeConfig()
        cluster.kubeconfig = found  # type: ignore[attr-defined]
    return found


def config(cluster: Cluster, cmd: Command) -> str:
    sub, args = (cmd.args[0], cmd.args[1:]) if cmd.args else ("", [])
    kc = kubeconfig_of(cluster)
    if sub == "view":
        return view(kc, cmd)
    if sub == "current-context":
        return f"{kc.current}\n"
    if sub == "get-contexts":
        return get_contexts(kc, args)
    if sub in ("get-clusters", "get-users"):
        return f"NAME\n{NAME}\n"
    if sub == "use-context":
        if not args or args[0] not in kc.contexts:
            raise UsageError(f'no context exists with the name: "{args[0] if args else ""}"')
        kc.current = args[0]
        return f'Switched to context "{args[0]}".\n'
    if sub == "set-context":
        return set_context(kc, cmd, args)
    raise Refusal(f'error: unknown command "{sub}"\nSee \'kubectl config -h\' for help and examples'
                  if sub else "error: you must specify a subcommand: kubectl config view|current-context|"
                  "get-contexts|get-clusters|get-users|use-context|set-context")


def document(kc: KubeConfig, minify: bool) -> dict[str, Any]:
    """The kubeconfig, in the order of clientcmd's v1 Config struct (what `-o json` keeps)."""
    names = [kc.current] if minify else sorted(kc.contexts)
    if minify and kc.contexts[kc.current].cluster not in ("", NAME):
        raise UsageError(f"cannot locate cluster {kc.contexts[kc.current].cluster}")
    contexts = [{"name": name, "context": {key: value for key, value in vars(kc.contexts[name]).items() if value}}
                for name in names]
    return {"kind": "Config", "apiVersion": "v1", "preferences": {},
            "clusters": [{"name": NAME,
                          "cluster": {"server": SERVER_URL, "certificate-authority-data": "DATA+OMITTED"}}],
            "users": [{"name": NAME, "user": {"token": "REDACTED"}}],
            "contexts": contexts, "current-context": kc.current}


def view(kc: KubeConfig, cmd: Command) -> str:
    if cmd.flags.get("raw"):
        raise UsageError("k8slite: c.kubectl has no certificate nor token to show; "
                         "c.serve() writes a kubeconfig that has them (server.kubeconfig)")
    data = document(kc, bool(cmd.flags.get("minify")))
    output = str(cmd.flags.get("output", "yaml"))
    if output == "json":
        return json.dumps(data, indent=4) + "\n"
    if output.startswith("jsonpath="):
        return jsonpath.render(output[len("jsonpath="):], data)
    if output == "name":
        return "config/<unknown>\n"
    return to_yaml(data)


def get_contexts(kc: KubeConfig, names: list[str]) -> str:
    missing = [n for n in names if n not in kc.contexts]
    shown = [n for n in (names or sorted(kc.contexts)) if n in kc.contexts]
    rows = [["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]] + \
        [["*" if n == kc.current else "", n, kc.contexts[n].cluster, kc.contexts[n].user, kc.contexts[n].namespace]
         for n in shown]
    return tabwrite(rows) + "".join(f"error: context {n} not found\n" for n in missing)


def set_context(kc: KubeConfig, cmd: Command, args: list[str]) -> str:
    """Create or change a context: a new one has only what the flags give (--cluster, --user, --namespace)."""
    name = kc.current if cmd.flags.get("current") else (args[0] if args else "")
    if not name:
        raise UsageError("you must specify a non-empty context name or --current")
    created = name not in kc.contexts
    context = kc.contexts.setdefault(name, Context("", "", ""))
    for flag in ("cluster", "user", "namespace"):
        if flag in cmd.flags:
            setattr(context, flag, str(cmd.flags[flag]))
    return f'Context "{name}" {"created" if created else "modified"}.\n'
