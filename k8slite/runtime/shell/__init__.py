"""The simulated shell of k8slite's fake container runtime: the bits of POSIX sh and
busybox that its containers' commands need, run as generators on a virtual clock;
it leaves out real processes, signals other than SIGTERM to PID 1, and everything
listed in each module.

Reading order: lexer.py and parse.py (text -> syntax tree), words.py (expansion),
shell.py and builtins.py (running the tree), jobs.py (``&``), traps.py (``trap`` and
SIGTERM), programs.py (the table), the programs
(commands.py, fileutils.py, system.py, network.py), and interp.py, the entry points
the fake runtime calls.
"""

from k8slite.runtime.shell.commands import Program, Stdio
from k8slite.runtime.shell.interp import (
    Handler,
    OutOfMemory,
    ProcessContext,
    exec_sync,
    run_argv,
    run_script,
)
from k8slite.runtime.shell.lexer import ShellSyntaxError
from k8slite.runtime.shell.parse import parse

__all__ = [
    "Handler", "OutOfMemory", "ProcessContext", "Program", "ShellSyntaxError", "Stdio",
    "exec_sync", "parse", "run_argv", "run_script",
]
