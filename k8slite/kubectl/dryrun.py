"""--dry-run for kubectl's writes: `client` (nothing sent) and `server` (sent with dryRun=All, nothing stored).

Mirrors what kubectl does with the flag on scale, label, annotate, delete,
apply, create -f, patch, set, taint, cordon, uncordon and drain: the
command runs as usual but no change is stored, and each line it prints
says so (`deployment.apps/web scaled (dry run)`, `pod "p" deleted (server
dry run)`; patch and taint do not say it); `delete` and `drain` do not
wait; `rollout undo` prints the template it would roll back to (client) or
says it rolled back (server). Other commands refuse the flag, as kubectl 1.32's do (`rollout
restart` among them). Here both kinds run the
command against the server's dry run (k8slite.server.dryrun: the cluster's
store with the command's own writes laid over it, dropped afterwards), so
even a client-side dry run is validated and admitted. The generators (run,
create deployment ..., expose) handle the flag themselves: with -o they
print the object as the client makes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from k8slite.apply import Applier
from k8slite.kubectl import write_output
from k8slite.kubectl.command import Command, UsageError, unknown_flag
from k8slite.server.dryrun import DryRun

VERBS = {"scale", "label", "annotate", "delete", "apply", "create", "patch", "set", "taint", "cordon", "uncordon",
         "drain"}
GENERATORS = {"run", "expose"}  # and `create <kind>`: they handle the flag themselves
SILENT = {"patch", "taint"}  # they print what they did without saying it was a dry run (kubectl 1.32)
NOTES = {"client": " (dry run)", "server": " (server dry run)"}


def mode(cmd: Command) -> str:
    """The --dry-run of a command: "none", "client" or "server"; UsageError for anything else."""
    value = str(cmd.flags.get("dry_run", "none"))
    if value not in ("none", "client", "server"):
        raise UsageError(f'Invalid dry-run value ({value}). Must be "none", "server", or "client".')
    return value


def applies(cmd: Command) -> bool:
    """Whether this command is a write that the dry run wraps (not a generator, which handles it). A command
    without the flag in kubectl refuses it, as cobra does."""
    if "dry_run" not in cmd.flags:
        return False
    if cmd.verb == "rollout" and cmd.args[:1] == ["undo"]:
        mode(cmd)  # a value kubectl does not know is refused here; rollout.undo does the dry run itself
        return False
    if cmd.verb not in VERBS | GENERATORS:
        sub = f" {cmd.args[0]}" if cmd.verb == "rollout" and cmd.args else ""
        raise unknown_flag("--dry-run", cmd.verb + sub)
    if cmd.verb in GENERATORS or mode(cmd) == "none":
        return False
    return cmd.verb != "create" or "filename" in cmd.flags


@contextmanager
def dry(cluster: Any) -> Iterator[None]:
    """The cluster's API (and kubectl's client-side apply) as one dry run sees them, for the block."""
    if not hasattr(cluster, "applier"):
        raise UsageError("k8slite's kubectl runs dry runs on its own clusters; use the real kubectl here")
    real_api, real_applier = cluster.api, cluster.applier
    run = DryRun(real_api)
    applier = Applier(run.api)
    applier.last_applied, applier.warned = dict(real_applier.last_applied), real_applier.warned
    cluster.api, cluster.applier = run.api, applier
    try:
        yield
    finally:
        cluster.api, cluster.applier = real_api, real_applier


def run_dry(cluster: Any, cmd: Command, handler: Callable[[Any, Command], str]) -> str:
    """The command on a dry run of the cluster; each line that reports an action says it was a dry run."""
    earlier = write_output.before(cluster, cmd)
    with dry(cluster):
        out = write_output.printed(cluster, cmd, handler(cluster, cmd), earlier)  # -o: as the dry run left them
    if cmd.flags.get("output") or cmd.verb in SILENT:
        return out
    note, lines = NOTES[mode(cmd)], out.splitlines(keepends=True)
    refused = next((i for i, line in enumerate(lines) if line.startswith("error:")), len(lines))
    return "".join(line if i >= refused or not line.strip() or line.startswith(("Error", "Warning:", "See "))
                   else line.rstrip("\n") + note + "\n" for i, line in enumerate(lines))

