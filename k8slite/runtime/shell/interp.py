"""The shell (POSIX sh, as busybox's ash runs it) and the process model of k8slite's
fake runtime; it leaves out signals other than SIGTERM to PID 1 (traps.py), functions,
``case``, ``read``, globbing, tilde expansion, here-documents, real concurrency and the
difference between shell and environment variables (every variable here is exported).

A running process is a generator (``Program``). It yields the number of seconds it
wants to sleep; whoever drives it (the fake runtime, on its virtual clock) advances
time by that much and resumes it with ``next()``. It yields ``math.inf`` when it is
blocked forever, as a server is, and it returns its exit code. So ``sleep 30`` is a
program that yields 30.0 once, and nothing in k8slite ever waits on a wall clock.

How commands are found. A shell script names builtins (cd, exit, export, set ...),
the programs of commands.py, fileutils.py, system.py and network.py, or a script
file; any other name fails as in sh: ``sh: perl: not found``, exit 127. A container's
own command (exec form, ``run_argv``) is different: an unknown program there is a
*simulated process* that logs one line saying so, runs for 1 s and exits 0, so a pod
running an image k8slite cannot imitate still goes through its life cycle.

Simplifications. A pipeline runs its stages one after the other, each reading the
whole output of the one before. ``cmd &`` starts a background job that runs on the
same virtual clock: it runs until it first sleeps, then wakes whenever the script's
own sleeps pass its wake time; it stops with the script. A loop that turns 100 000
times without sleeping counts as running forever (it yields ``math.inf``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from k8slite.runtime.filesystem import FileSystem
from k8slite.runtime.processes import ProcessEntry
from k8slite.runtime.shell.commands import Program, Stdio
from k8slite.runtime.shell.jobs import Process, supervise
from k8slite.runtime.shell.lexer import ShellSyntaxError
from k8slite.runtime.shell.parse import parse
from k8slite.runtime.shell.shell import OutOfMemory, Shell
from k8slite.runtime.shell.traps import Signals
from k8slite.runtime.users import ROOT, ProcessUser

Handler = Callable[[str], "tuple[int, str]"]
DEFAULT_MEMORY_LIMIT = 256 * 1024 * 1024


@dataclass(slots=True)
class ProcessContext:
    """What a process sees of its container."""

    fs: FileSystem
    env: dict[str, str]
    """The environment; ``$VAR`` and ``${VAR}`` expand from it."""
    hostname: str
    """What ``hostname`` prints: the pod's name."""
    write: Callable[[str], None]
    """The container's stdout and stderr (its log), given whole lines with their "\\n"."""
    http_get: Callable[[str, int, str], tuple[int, str]] | None = None
    """(host, port, path) -> (status, body); raises ConnectionError when nothing
    listens. None: no network."""
    listen: Callable[[int, Handler], None] | None = None
    """Called by servers to serve a port of the pod with a handler (path -> (status, body))."""
    cwd: str = "/"
    resolve: Callable[[str], list[str] | None] | None = None
    """The pod's DNS resolver: a name -> its IPv4 addresses, or None when it does not resolve (NXDOMAIN)."""
    ping: Callable[[str], int | None] | None = None
    """ICMP echo: the TTL of the reply from an IP, or None when nothing answers (a ClusterIP never does)."""
    clock: Callable[[], float] | None = None
    """Seconds since 1970 on the cluster's clock, for ``date``."""
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    """Bytes a shell variable may hold before the process is OOM-killed (OutOfMemory is raised
    out of the program: the runtime, like the kernel, ends it with 137 and reason OOMKilled)."""
    user: ProcessUser = ROOT
    """The uid, gid and groups it runs as (``id`` prints them; files have no owners here)."""
    processes: Callable[[list[str]], list[ProcessEntry]] | None = None
    """What ``ps`` (argv given) lists: the processes of the container's PID namespace, the ``ps`` last."""




def log_streams(ctx: ProcessContext, stdin: str = "") -> Stdio:
    """stdin as given (none for a container's own process); stdout and stderr both go to
    the container's log (empty writes dropped)."""

    def write(text: str) -> None:
        if text:
            ctx.write(text)

    return Stdio(stdin, write, write)


def run_argv(argv: list[str], ctx: ProcessContext, signals: Signals | None = None, stdin: str = "") -> Process:
    """The process a container runs for ``argv`` (exec form: no shell unless argv[0]
    is one). Never raises: sh's own errors become its output and exit status.
    ``signals``: where the runtime sends PID 1 its signals (a shell's traps land there);
    ``stdin``: the whole of its standard input (``kubectl exec -i``), read by cat, sh ..."""
    shell = Shell(replace(ctx, env=dict(ctx.env)))
    if signals is not None:
        shell.signals = signals
    return supervise(shell.run_exec(argv, log_streams(ctx, stdin)), shell.jobs)


def run_script(script: str, ctx: ProcessContext) -> Process:
    """``sh -c script``; bad syntax raises ShellSyntaxError now, before it runs."""
    tree = parse(script)
    shell = Shell(replace(ctx, env=dict(ctx.env)))
    return supervise(shell.run_isolated(tree, log_streams(ctx)), shell.jobs)


def exec_sync(argv: list[str], ctx: ProcessContext, max_seconds: float = 60.0, stdin: str = "") -> int:
    """Run ``argv`` to its end (``kubectl exec``, exec probes), ``stdin`` its standard input:
    its sleeps pass at once, but one that would sleep more than ``max_seconds`` in all is killed (137)."""
    process = run_argv(argv, ctx, stdin=stdin)
    elapsed = 0.0
    while True:
        try:
            elapsed += next(process)
        except StopIteration as stop:
            return int(stop.value)
        if elapsed > max_seconds:
            process.close()
            return 137


__all__ = [
    "Handler", "OutOfMemory", "ProcessContext", "Program", "ShellSyntaxError", "exec_sync",
    "run_argv", "run_script",
]
