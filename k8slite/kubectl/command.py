"""kubectl's command line, as cobra and pflag parse it (k8s.io/kubectl/pkg/cmd): a verb, arguments and flags.

Flags come in every spelling kubectl accepts: `-n web`, `-nweb`, `-n=web`,
`--namespace web`, `--namespace=web`; boolean flags take an optional
`=false`; words after `--` belong to the command `exec` runs. A flag kubectl
does not know is refused before the server is asked, as kubectl refuses it.
Subcommands (`rollout status`, `set image`) are the first arguments. Left out: `--help`, and flags k8slite
has nothing to do with (`-i`, `-t` are accepted and ignored).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

VALUE_FLAGS = {"-n": "namespace", "--namespace": "namespace", "-o": "output", "--output": "output",
               "-l": "selector", "--selector": "selector", "-c": "container", "--container": "container",
               "-f": "filename", "--filename": "filename", "--replicas": "replicas",
               "--grace-period": "grace_period", "--tail": "tail",
               "--field-selector": "field_selector", "--to-revision": "to_revision", "--revision": "revision",
               "--cascade": "cascade", "--timeout": "timeout", "--hard": "hard", "--port": "port",
               "--target-port": "target_port", "--type": "type", "--name": "name", "--protocol": "protocol",
               "--image": "image", "--env": "env", "--labels": "labels", "--restart": "restart",
               "--dry-run": "dry_run", "--sort-by": "sort_by", "--for": "for", "--patch": "patch",
               "--from-literal": "from_literal", "--from-file": "from_file", "--from-env-file": "from_env_file",
               "--api-version": "api_version", "--api-group": "api_group", "--verbs": "verbs",
               "--tcp": "tcp", "--clusterip": "clusterip", "--pod-running-timeout": "pod_running_timeout",
               "--types": "types", "--image-pull-policy": "image_pull_policy", "--annotations": "annotations",
               "-L": "label_columns", "--label-columns": "label_columns", "--template": "template",
               "--cluster": "cluster", "--user": "user", "--request-timeout": "request_timeout",
               "--max-log-requests": "max_log_requests", "--since": "since", "--since-time": "since_time",
               "--schedule": "schedule", "--from": "from", "--categories": "categories"}
# may be given more than once
REPEATED = {"image", "env", "from_literal", "from_file", "from_env_file", "tcp", "annotations", "label_columns",
            "categories"}
BOOL_FLAGS = {"-A": "all_namespaces", "--all-namespaces": "all_namespaces", "--show-labels": "show_labels",
              "-p": "previous", "--previous": "previous", "--overwrite": "overwrite", "--all": "all",
              "--no-headers": "no_headers", "-i": "stdin", "-t": "tty", "-it": "stdin_tty", "-ti": "stdin_tty",
              "--stdin": "stdin", "--tty": "tty", "--attach": "attach", "--rm": "rm", "--force": "force",
              "--now": "now", "--command": "command", "--wait": "wait",
              "--ignore-daemonsets": "ignore_daemonsets", "--delete-emptydir-data": "delete_emptydir_data",
              "--watch": "watch", "-w": "watch", "--recursive": "recursive", "--namespaced": "namespaced",
              "--show-managed-fields": "show_managed_fields", "--client": "client", "--current": "current",
              "--minify": "minify", "--raw": "raw", "--output-watch-events": "output_watch_events",
              "--prefix": "prefix", "--all-containers": "all_containers", "--timestamps": "timestamps"}
SHORT_VALUE_FLAGS = ("-n", "-o", "-l", "-c", "-f", "-L")  # the ones that may be glued to their value: `-nkube-system`


class UsageError(Exception):
    """A command kubectl itself refuses before asking the server (printed as `error: ...`)."""


class Refusal(UsageError):
    """A refusal kubectl prints in a shape of its own, with `error:` where it puts it (printed as it is)."""


class FlagError(UsageError):
    """A flag the command does not have, which cobra refuses before kubectl runs (printed as `Error: ...`)."""


def unknown_flag(flag: str, command: str) -> FlagError:
    """cobra's refusal of a flag, with kubectl's pointer to the command's help."""
    return FlagError(f"unknown flag: {flag}\nSee 'kubectl {command} --help' for usage.")


@dataclass
class Command:
    verb: str
    args: list[str] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)
    rest: list[str] = field(default_factory=list)  # after `--`, for exec
    context_namespace: str = "default"  # the kubeconfig's current context's (kubectl config set-context)
    words: list[str] = field(default_factory=list)  # the command line as given (which spelling of a flag)
    written: list[Any] = field(default_factory=list)  # what `create -f` and `apply` wrote, for -o (write_output)

    @property
    def namespace(self) -> str:
        return str(self.flags.get("namespace", self.context_namespace))


def parse(command: str) -> Command:
    """`kubectl get pods -n web` (the leading `kubectl` is optional) -> Command("get", ["pods"], {...})."""
    words = shlex.split(command)
    if words[:1] == ["kubectl"]:
        words = words[1:]
    if not words:
        raise UsageError("kubectl controls the k8slite cluster manager: try 'get pods'")
    cmd, rest, i = Command(words[0], words=words), words[1:], 0
    while i < len(rest):
        if rest[i] == "--":
            cmd.rest = rest[i + 1:]
            break
        i = take_word(cmd, rest, i)
    return cmd


def take_word(cmd: Command, words: list[str], i: int) -> int:
    """Read words[i] into cmd as a flag or an argument; the index of the next word to read."""
    word = words[i]
    name, eq, value = word.partition("=")
    if cmd.verb == "patch" and name == "-p":  # `patch -p '{...}'`: here -p is the patch, not --previous
        name = "--patch"
    if name in VALUE_FLAGS or (word[:2] in SHORT_VALUE_FLAGS and len(word) > 2 and not eq):
        if name not in VALUE_FLAGS:  # `-nkube-system`
            name, value, eq = word[:2], word[2:], "="
        if name == "--dry-run" and not eq:  # the old boolean spelling: client-side
            value, eq = "client", "="
        if not eq:  # `-n kube-system`: the value is the next word
            if i + 1 >= len(words):
                needs = f"'{name[1:]}' in {word}" if not name.startswith("--") else name
                raise FlagError(f"flag needs an argument: {needs}\nSee 'kubectl {cmd.verb} --help' for usage.")
            i, value = i + 1, words[i + 1]
        key = VALUE_FLAGS[name]
        if key in REPEATED:
            cmd.flags.setdefault(key, []).append(value)
        else:
            cmd.flags[key] = value
    elif name in BOOL_FLAGS:
        for key in BOOL_FLAGS[name].split("_") if BOOL_FLAGS[name] == "stdin_tty" else [BOOL_FLAGS[name]]:
            cmd.flags[key] = value.lower() != "false"
    elif word.startswith("--"):
        raise unknown_flag(name, cmd.verb)
    elif word.startswith("-") and word != "-":
        raise FlagError(f"unknown shorthand flag: '{word[1]}' in {word}\nSee 'kubectl {cmd.verb} --help' for usage.")
    else:
        cmd.args.append(word)
    return i + 1
