"""sh reading its commands from a terminal, one line at a time: busybox ash's interactive mode
(what `kubectl exec -it POD -- sh` starts); it leaves out PS2 continuation lines, history and job control.

An interactive shell prints a prompt (PS1, busybox's `\\w \\$ `: the working
directory, then `#` since containers run as root: `/ # `), reads one line,
runs it and prompts again. All lines run in the same shell, so `cd` and
variables last from one line to the next, unlike separate `kubectl exec`
calls. `exit N` ends it with N; so does the end of input (Ctrl-D on an empty
line), with the status of the last command. A line's sleeps pass at once, as
in exec_sync; one that would sleep more than `max_seconds` in all is killed,
and the shell with it (137). A line that is not whole (`if true; then`) is a
syntax error here, where ash would ask for more with PS2 (`> `).
"""

from __future__ import annotations

from dataclasses import replace

from k8slite.runtime.shell.builtins import LoopControl
from k8slite.runtime.shell.commands import Stdio
from k8slite.runtime.shell.interp import ProcessContext
from k8slite.runtime.shell.lexer import ShellSyntaxError
from k8slite.runtime.shell.parse import parse
from k8slite.runtime.shell.programs import SHELLS, program_name
from k8slite.runtime.shell.shell import Shell
from k8slite.runtime.shell.traps import exit_trap
from k8slite.runtime.shell.words import ShellExit

INTERACTIVE_FLAGS = {"-i", "-l", "--login"}


def is_interactive(argv: list[str]) -> bool:
    """A shell with no script to run (`sh`, `/bin/bash -l`): on a terminal, it reads commands from it."""
    return bool(argv) and program_name(argv[0]) in SHELLS and set(argv[1:]) <= INTERACTIVE_FLAGS


class InteractiveShell:
    """One shell session: `prompt()`, `run_line(text)` -> its output; `exit_code` once it has ended."""

    def __init__(self, ctx: ProcessContext, max_seconds: float = 60.0) -> None:
        self.output: list[str] = []
        self.shell = Shell(replace(ctx, env=dict(ctx.env)))
        self.io = Stdio("", self.output.append, self.output.append)
        self.max_seconds = max_seconds
        self.exit_code: int | None = None

    def prompt(self) -> str:
        return f"{self.shell.ctx.cwd} # "

    def run_line(self, line: str) -> str:
        """Run one line (its "\\n" included or not); what it wrote."""
        try:
            tree = parse(line)
        except ShellSyntaxError as error:
            self.output.append(f"{error}\n")
            self.shell.status = 2
            return self.take()
        program, elapsed = self.shell.run(tree, self.io), 0.0
        try:
            while elapsed <= self.max_seconds:
                elapsed += next(program)
            program.close()
            self.exit_code = 137  # killed: it would have slept past the limit
        except StopIteration as stop:
            self.shell.status = int(stop.value)
        except ShellExit as exit_:
            self.end(exit_.code)
        except LoopControl:  # `break` outside a loop: nothing to leave
            pass
        return self.take()

    def end_of_input(self) -> str:
        """Ctrl-D on an empty line: the shell exits with its last status."""
        self.end(self.shell.status)
        return self.take()

    def end(self, status: int) -> None:
        """Exit with `status`, after the EXIT trap (which runs at once, whatever it sleeps)."""
        trap = exit_trap(self.shell, status, self.io)
        try:
            while True:
                next(trap)
        except StopIteration as stop:
            self.exit_code = int(stop.value)

    def take(self) -> str:
        text, self.output[:] = "".join(self.output), []
        return text
