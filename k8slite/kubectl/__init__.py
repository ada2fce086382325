"""kubectl, as text (k8s.io/kubectl): `c.kubectl("get pods -o wide")`, and the `k8slite` command line.

A command line is parsed into a verb, resources and flags; reads go through
the API server's get and list; writes are done the way kubectl does them
(read the object, change a copy, update it); and the answer is the text
kubectl 1.32 would print, errors included ("Error from server (NotFound):
pods "x" not found"), so that a notebook cell shows what a terminal would.
Server warnings (e.g. deleting a Job through the API without a propagation
policy) come first, as `Warning: ...` lines, where kubectl writes them to
stderr. `delete` waits until the objects are gone, running the cluster's
clock (`--wait=false` does not); so do `get -w --request-timeout=...`
(watch.py) and `run -i` (attach.py). Left out: server-side apply (apply
compares the manifest with what is stored), and a watch without an end.

One module per part of kubectl, to read in this order:

- command:       the command line, parsed into a Command (flags in every spelling)
- resources:     `pods a b`, `pod/a`, `pods,rs`, `all` turned into objects
- selectors:     `-l` and `--field-selector`, and selectors printed back
- get:           the `get` verb and its tables (tabwriter, durations, rows, generic_rows, output)
- jsonpath:      -o jsonpath=, custom-columns= and --sort-by; gotemplate_parse and gotemplate: -o go-template
                 (Go's text/template); gofmt: Go's %v and printf for all three
- describe:      the `describe` verb (describe_writer, describe_containers, describe_pod,
                 describe_node, describe_other)
- write:         delete, scale, create, label, taint, cordon; apply: apply -f
- diff:          diff -f: what apply would change (a server-side dry run), as `diff -u`
- drain:         drain (cordon, kubectl's filters, evict, wait)
- wait:          wait --for=condition=Ready|delete|jsonpath=...
- patch:         patch (strategic, merge and json patches) and annotate
- policy:        get and describe for ResourceQuotas, LimitRanges and Namespaces
- generate:      `run`, `create deployment|namespace|quota`: objects made from flags, and --dry-run
- attach:        `run -i/-t/--rm`: the pod's output, then the pod deleted
- rollout:       rollout status, history, undo, restart, pause, resume of Deployments; rollout_revisions:
                 of DaemonSets and StatefulSets (their ControllerRevisions; pause and resume refused)
- set_image:     set image
- expose:        expose (a Service for a Deployment, ReplicaSet or pod)
- containers:    logs and exec
- explain:       explain, from the server's OpenAPI schemas (explain_template, wordwrap)
- api_resources: api-resources, from the server's discovery documents
- version:       version, cluster-info and top
- config:        config view, get-contexts, set-context ...: c.kubectl's kubeconfig
- demo:          `k8slite demo`, the console script
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k8slite.api.manifest import MissingPath
from k8slite.errors import ApiError, Invalid, NotFound
from k8slite.kubectl import dryrun, write_output
from k8slite.kubectl.api_resources import api_resources, api_versions
from k8slite.kubectl.apply import apply
from k8slite.kubectl.attach import run
from k8slite.kubectl.command import Command, FlagError, Refusal, UsageError, parse
from k8slite.kubectl.config import UNREACHABLE, config, kubeconfig_of
from k8slite.kubectl.containers import exec_cmd, logs
from k8slite.kubectl.describe import describe_cmd
from k8slite.kubectl.diff import diff
from k8slite.kubectl.drain import drain
from k8slite.kubectl.events import events
from k8slite.kubectl.explain import explain
from k8slite.kubectl.expose import expose
from k8slite.kubectl.get import get
from k8slite.kubectl.patch import annotate, patch
from k8slite.kubectl.rollout import rollout
from k8slite.kubectl.set_image import set_cmd
from k8slite.kubectl.version import cluster_info, top, version
from k8slite.kubectl.wait import wait
from k8slite.kubectl.write import cordon, create, delete, label, scale, taint
from k8slite.server.status import INVALID, causes

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

__all__ = ["Command", "UsageError", "VERBS", "parse", "run_kubectl"]

VERBS: dict[str, Callable[[Any, Command], str]] = {
    "get": get, "describe": describe_cmd, "delete": delete, "scale": scale, "apply": apply,
    "create": create, "label": label, "taint": taint, "cordon": cordon, "uncordon": cordon,
    "logs": logs, "exec": exec_cmd, "rollout": rollout, "set": set_cmd, "expose": expose, "run": run,
    "drain": drain, "wait": wait, "patch": patch, "annotate": annotate, "explain": explain,
    "api-resources": api_resources, "api-versions": api_versions, "events": events, "version": version, "top": top,
    "cluster-info": cluster_info, "config": config, "diff": diff}


def run_kubectl(cluster: Cluster, command: str) -> str:
    """The text `kubectl <command>` prints against this cluster (errors as kubectl prints them)."""
    try:
        cmd = parse(command)
        handler = VERBS.get(cmd.verb)
        if handler is None:
            raise UsageError(f'unknown command "{cmd.verb}" for "kubectl"')
        kc = kubeconfig_of(cluster)
        if not kc.reachable() and cmd.verb != "config" and not (cmd.verb == "version" and cmd.flags.get("client")):
            return f"{UNREACHABLE}\n"
        cmd.context_namespace = kc.namespace
        cluster.api.pop_warnings()  # earlier calls' warnings are not this command's
        write_output.refuse(cmd)
        if dryrun.applies(cmd):
            out = dryrun.run_dry(cluster, cmd, handler)
        else:
            earlier = write_output.before(cluster, cmd)
            out = write_output.printed(cluster, cmd, handler(cluster, cmd), earlier)
        return "".join(f"Warning: {w}\n" for w in cluster.api.pop_warnings()) + out  # kubectl: stderr, first
    except FlagError as e:  # cobra's, before kubectl's own checks
        return f"Error: {e}\n"
    except Refusal as e:
        return f"{e}\n"
    except (UsageError, ValueError) as e:
        return f"error: {e}\n"
    except MissingPath as e:  # the client's own error: nothing reached the server
        return f"error: {e.kubectl_message}\n"
    except NotFound as e:
        if e.message.startswith("the server doesn't have"):
            return f"error: {e.message}\n"
        return f"Error from server (NotFound): {e.message}\n"
    except Invalid as e:
        return invalid_text(e)
    except ApiError as e:
        return f"Error from server ({e.reason}): {e.message}\n"


def invalid_text(error: Invalid) -> str:
    """checkErr's words for the server's Invalid: `The Deployment "web" is invalid: ` (the Status' details.kind,
    without its group), then the causes as `field: message`, on that line if there is one, else one per line
    after `* ` (MultilineError)."""
    found = INVALID.fullmatch(error.message)
    if found is None:
        return f"The {error.message}\n" if " is invalid: " in error.message else f"error: {error.message}\n"
    head = f'The {found["kind"].split(".")[0]} "{found["name"]}" is invalid: '
    lines = list(dict.fromkeys(f'{c.get("field", "")}: {c["message"]}' for c in causes(found["detail"])))
    return head + (f"{lines[0]}\n" if len(lines) == 1 else "\n" + "".join(f"* {line}\n" for line in lines))
