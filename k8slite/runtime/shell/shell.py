"""The shell that runs a parsed script, as busybox's ash evaluates its syntax tree:
lists, && and ||, pipelines, if, while/until, for, groups and simple commands, and
the traps of traps.py between them; it leaves out functions, ``case`` and real processes.

Every ``run_*`` method is a generator that passes the sleeps of the programs it
runs up to the caller (``yield from``) and returns an exit status, so a whole script
is one ``Program``. ``exit``, ``break`` and ``continue`` are exceptions that unwind
to the (sub)shell or loop they leave. A subshell (``( ... )``, ``$( ... )``, each
stage of a pipeline, a background job) is a copy of the shell: its variables and
working directory are its own, its files are not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from k8slite.runtime.shell import commands
from k8slite.runtime.shell.builtins import BUILTINS, RUNNING_BUILTINS, LoopControl
from k8slite.runtime.shell.commands import Command, Program, Stdio, abspath
from k8slite.runtime.shell.jobs import Jobs
from k8slite.runtime.shell.lexer import ShellSyntaxError
from k8slite.runtime.shell.parse import (
    AndOr,
    For,
    Group,
    If,
    Loop,
    Node,
    Pipeline,
    Redirected,
    Script,
    parse,
)
from k8slite.runtime.shell.parse import (
    Command as SimpleCommand,
)
from k8slite.runtime.shell.programs import BIN_DIRS, PROGRAMS, SHELLS, SHIPPED, program_name
from k8slite.runtime.shell.traps import Signals, exit_trap, run_pending
from k8slite.runtime.shell.words import Expander, ShellExit

if TYPE_CHECKING:
    from k8slite.runtime.shell.interp import ProcessContext

SPIN_LIMIT = 100_000
"""Loop turns without a single sleep after which a loop counts as spinning forever."""


class OutOfMemory(Exception):
    """The process went over its memory limit: the kernel's OOM killer ends it (137, OOMKilled)."""


class Shell(Expander):
    """One shell process: its variables, working directory and last exit status."""

    def __init__(self, ctx: ProcessContext, jobs: Jobs | None = None,
                 args: list[str] | None = None) -> None:
        self.ctx, self.jobs, self.args = ctx, jobs or Jobs(), list(args or [])
        self.name = "sh"
        self.status = self.substituted = 0
        self.errexit = False  # set -e
        self.testing = 0  # > 0 while running a condition, where set -e does not apply
        self.loops = 0  # how many loops enclose the running command
        self.signals = Signals()  # its traps (traps.py)

    def subshell(self) -> Shell:
        copy = Shell(replace(self.ctx, env=dict(self.ctx.env)), self.jobs, self.args)
        copy.status, copy.errexit, copy.name = self.status, self.errexit, self.name
        copy.signals = self.signals.inherited()
        return copy

    def run(self, node: Node, io: Stdio) -> Program:
        runners: dict[type, Callable[[Any, Stdio], Program]] = {
            Script: self.run_list, AndOr: self.run_and_or, Pipeline: self.run_pipeline,
            SimpleCommand: self.run_simple, If: self.run_if, Loop: self.run_loop,
            For: self.run_for, Group: self.run_group, Redirected: self.run_redirected,
        }
        status = yield from runners[type(node)](node, io)
        yield from run_pending(self, io)  # signals are handled between commands, never during one
        return status

    def run_isolated(self, node: Node, io: Stdio) -> Program:
        """Run ``node`` as a whole (sub)shell: ``exit`` ends here, after the EXIT trap."""
        try:
            status = yield from self.run(node, io)
        except ShellExit as exit_:
            status = exit_.code
        except LoopControl:
            status = self.status
        return (yield from exit_trap(self, status, io))

    def capture(self, body: Script, io: Stdio) -> Generator[float, None, tuple[int, str]]:
        output: list[str] = []
        status = yield from self.subshell().run_isolated(body, Stdio("", output.append, io.err))
        return status, "".join(output)

    def run_list(self, script: Script, io: Stdio) -> Program:
        status = 0
        for item in script.items:
            if item.background:
                self.jobs.step(self.subshell().run_isolated(item.body, io))
                status = 0
            else:
                status = yield from self.run(item.body, io)
            self.status = status
            simple = not item.body.rest and not item.body.first.negate
            if status and self.errexit and not self.testing and simple:
                raise ShellExit(status)
        return status

    def run_and_or(self, node: AndOr, io: Stdio) -> Program:
        status = yield from self.run(node.first, io)
        for op, pipeline in node.rest:
            self.status = status
            if (status == 0) == (op == "&&"):
                status = yield from self.run(pipeline, io)
        return status

    def run_pipeline(self, node: Pipeline, io: Stdio) -> Program:
        """Stages run one after another, each reading all the previous one wrote."""
        if len(node.commands) == 1:
            status = yield from self.run(node.commands[0], io)
        else:
            data = io.stdin
            for i, command in enumerate(node.commands):
                output: list[str] = []
                last = i == len(node.commands) - 1
                stage = Stdio(data, io.out if last else output.append, io.err)
                status = yield from self.subshell().run_isolated(command, stage)
                data = "".join(output)
        return int(not status) if node.negate else status

    def run_simple(self, command: SimpleCommand, io: Stdio) -> Program:
        self.substituted = 0
        argv = yield from self.expand_words(command.words, io)
        assigns = {}
        for name, word in command.assigns:
            assigns[name] = self.charge((yield from self.expand_string(word.parts, io)))
        redirected = yield from self.redirect(command.redirects, io)
        if redirected is None:
            return 1
        if not argv:
            self.ctx.env.update(assigns)  # charged above
            return self.substituted
        return (yield from self.call(argv, redirected, assigns))

    def charge(self, value: str) -> str:
        """Memory is the cgroup's to give: a value past the container's limit is the OOM killer's cue."""
        if len(value) > self.ctx.memory_limit:
            raise OutOfMemory(f"a value of {len(value)} bytes is over the memory limit of {self.ctx.memory_limit}")
        return value

    def condition(self, script: Script, io: Stdio) -> Program:
        self.testing += 1
        try:
            return (yield from self.run(script, io))
        finally:
            self.testing -= 1

    def run_if(self, node: If, io: Stdio) -> Program:
        for cond, body in node.branches:
            if (yield from self.condition(cond, io)) == 0:
                return (yield from self.run(body, io))
        return (yield from self.run(node.orelse, io)) if node.orelse else 0

    def loop_body(self, body: Script, io: Stdio) -> Generator[float, None, int | None]:
        """Run one turn of a loop; None means ``break``."""
        self.loops += 1
        try:
            return (yield from self.run(body, io))
        except LoopControl as control:
            if control.count > 1:
                raise LoopControl(control.kind, control.count - 1) from None
            return None if control.kind == "break" else self.status
        finally:
            self.loops -= 1

    def spinning(self, idle: int, io: Stdio) -> Generator[float, None, None]:
        """A loop that never sleeps would hang the simulation: it blocks forever."""
        if idle >= SPIN_LIMIT:
            io.err(f"k8slite: a loop ran {SPIN_LIMIT} times without sleeping; "
                   "it counts as running forever\n")
            yield math.inf

    def run_loop(self, node: Loop, io: Stdio) -> Program:
        status, idle = 0, 0
        while True:
            ticks = self.jobs.ticks
            if ((yield from self.condition(node.cond, io)) == 0) == node.until:
                return status
            turn = yield from self.loop_body(node.body, io)
            if turn is None:
                return status
            status = turn
            idle = 0 if self.jobs.ticks != ticks else idle + 1
            yield from self.spinning(idle, io)

    def run_for(self, node: For, io: Stdio) -> Program:
        words = self.args if node.words is None else (yield from self.expand_words(node.words, io))
        status = 0
        for value in words:
            self.ctx.env[node.var] = self.charge(value)
            turn = yield from self.loop_body(node.body, io)
            if turn is None:
                break
            status = turn
        return status

    def run_group(self, node: Group, io: Stdio) -> Program:
        if node.subshell:
            return (yield from self.subshell().run_isolated(node.body, io))
        return (yield from self.run(node.body, io))

    def run_redirected(self, node: Redirected, io: Stdio) -> Program:
        redirected = yield from self.redirect(node.redirects, io)
        if redirected is None:
            return 1
        return (yield from self.run(node.node, redirected))

    def call(self, argv: list[str], io: Stdio, assigns: dict[str, str] | None = None,
             exec_form: bool = False) -> Program:
        """Run a builtin or a program; ``assigns`` (``X=1 cmd``) go to its environment."""
        name = program_name(argv[0])
        if name in BUILTINS or name in RUNNING_BUILTINS:
            self.ctx.env.update(assigns or {})  # as for sh's special builtins
            if name in BUILTINS:
                return BUILTINS[name](self, argv, io)
            return (yield from RUNNING_BUILTINS[name](self, argv, io))
        ctx = replace(self.ctx, env={**self.ctx.env, **assigns}) if assigns else self.ctx
        program = self.find(argv[0], exec_form)
        if program is None:
            io.err(f"sh: {argv[0]}: not found\n")
            return 127
        return (yield from self.jobs.counted(program(argv, ctx, io)))

    def find(self, arg0: str, exec_form: bool) -> Command | None:
        name = program_name(arg0)
        if name in SHELLS:
            return self.shell_program
        if name in PROGRAMS and (name not in SHIPPED or any(self.ctx.fs.exists(d + name) for d in BIN_DIRS)):
            return PROGRAMS[name]
        if name in SHIPPED and exec_form:  # a program k8slite knows this image lacks: runc cannot start it
            return commands.not_in_image
        path = abspath(self.ctx, arg0)
        if "/" in arg0 and self.ctx.fs.exists(path) and not self.ctx.fs.is_dir(path):
            return lambda argv, ctx, io: self.shell_program(["sh", path, *argv[1:]], ctx, io)
        return commands.simulated if exec_form else None

    def shell_program(self, argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
        """``sh``, ``bash`` ...: a new shell process (sharing this container's jobs)."""
        shell = Shell(replace(ctx, env=dict(ctx.env)), self.jobs)
        return (yield from shell.main(argv[1:], io))

    def main(self, args: list[str], io: Stdio) -> Program:
        """sh's command line: ``[-e] -c SCRIPT [NAME ARGS...]``, ``FILE [ARGS...]``, or
        a script on stdin; a bare ``sh`` with nothing on stdin exits 0 at once."""
        args, command = list(args), False
        while args and args[0][:1] in ("-", "+") and args[0] != "-":
            flags = args.pop(0)
            if flags in ("--", "-o", "+o"):
                if flags != "--" and args:
                    args.pop(0)  # -o pipefail and friends are accepted and ignored
                continue
            command = command or "c" in flags
            if "e" in flags:
                self.errexit = flags[0] == "-"
        source = self.script_source(args, command, io)
        if source is None:
            return 127
        if args:
            self.name, self.args = args[0], args[1:]
        try:
            tree = parse(source)
        except ShellSyntaxError as error:
            io.err(f"{error}\n")
            return 2
        return (yield from self.run_isolated(tree, io))

    def script_source(self, args: list[str], command: bool, io: Stdio) -> str | None:
        """The text to run; None (after sh's message) when a script file is missing."""
        if command:
            if not args:
                io.err("sh: -c requires an argument\n")
                return None
            return args.pop(0)
        if not args:
            return io.stdin
        try:
            return self.ctx.fs.read(abspath(self.ctx, args[0]))
        except OSError:
            io.err(f"sh: can't open '{args[0]}': No such file or directory\n")
            return None

    def run_exec(self, argv: list[str], io: Stdio) -> Program:
        """A container's process from its exec-form command line."""
        if not argv:
            return 0
        try:
            if program_name(argv[0]) in SHELLS:  # the shell is PID 1 itself: signals to the container are its own
                return (yield from self.main(argv[1:], io))
            return (yield from self.call(argv, io, exec_form=True))
        except ShellExit as exit_:
            return exit_.code
        except LoopControl:
            return 0
