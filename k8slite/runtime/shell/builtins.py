"""The special builtins of POSIX sh (exit, break, continue, cd, export, set, shift,
eval, exec, ".", wait, trap ...): commands a shell runs itself because they change
the shell (``trap`` is in traps.py); it leaves out ``read``,
``alias``, ``getopts`` and most of ``set``'s options (only -e is honoured).

Each builtin takes the shell, its argv and its streams. Those in ``BUILTINS`` return
an exit status at once; those in ``RUNNING_BUILTINS`` run other commands and are
generators, like programs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from k8slite.runtime.filesystem import normpath
from k8slite.runtime.shell.commands import Program, Stdio, abspath
from k8slite.runtime.shell.lexer import ShellSyntaxError
from k8slite.runtime.shell.parse import NAME, parse
from k8slite.runtime.shell.traps import trap
from k8slite.runtime.shell.words import ShellExit

if TYPE_CHECKING:
    from k8slite.runtime.shell.shell import Shell


class LoopControl(Exception):
    """``break N`` / ``continue N``: unwinds to the N-th enclosing loop."""

    def __init__(self, kind: str, count: int) -> None:
        super().__init__(kind, count)
        self.kind, self.count = kind, count


def number(text: str, io: Stdio, builtin: str) -> int:
    if not text.isdigit():
        io.err(f"sh: {builtin}: Illegal number: {text}\n")
        raise ShellExit(2)
    return int(text)


def exit_(sh: Shell, argv: list[str], io: Stdio) -> int:
    code = number(argv[1], io, "exit") if len(argv) > 1 else sh.status
    raise ShellExit(code & 255)


def loop_control(sh: Shell, argv: list[str], io: Stdio) -> int:
    count = number(argv[1], io, argv[0]) if len(argv) > 1 else 1
    if sh.loops == 0 or count == 0:
        return 0  # outside a loop, sh ignores break and continue
    raise LoopControl(argv[0], min(count, sh.loops))


def cd(sh: Shell, argv: list[str], io: Stdio) -> int:
    target = argv[1] if len(argv) > 1 else sh.variable("HOME") or "/"
    path = abspath(sh.ctx, target)
    if not sh.ctx.fs.is_dir(path):
        io.err(f"sh: cd: can't cd to {target}: No such file or directory\n")
        return 2
    sh.ctx.cwd = normpath(path)
    return 0


def export(sh: Shell, argv: list[str], io: Stdio) -> int:
    """``export X=1``, ``export X`` (every variable is exported already), ``export -p``."""
    names = [arg for arg in argv[1:] if not arg.startswith("-")]
    if not names:
        io.out("".join(f"export {k}='{v}'\n" for k, v in sh.ctx.env.items()))
    for arg in names:
        name, equals, value = arg.partition("=")
        if not NAME.fullmatch(name):
            io.err(f"sh: {argv[0]}: {arg}: bad variable name\n")
            return 1
        if equals:
            sh.ctx.env[name] = value
    return 0


def unset(sh: Shell, argv: list[str], io: Stdio) -> int:
    for name in argv[1:]:
        if not name.startswith("-"):
            sh.ctx.env.pop(name, None)
    return 0


def set_(sh: Shell, argv: list[str], io: Stdio) -> int:
    """``set -e`` / ``set +e``, ``set -- ARGS``; other options are accepted and ignored."""
    args = argv[1:]
    while args and args[0][:1] in ("-", "+"):
        flags = args.pop(0)
        if flags in ("--", "-"):
            sh.args = args
            return 0
        if flags in ("-o", "+o") and args:
            args.pop(0)
        elif "e" in flags:
            sh.errexit = flags[0] == "-"
    if args:
        sh.args = args
    return 0


def shift(sh: Shell, argv: list[str], io: Stdio) -> int:
    count = number(argv[1], io, "shift") if len(argv) > 1 else 1
    if count > len(sh.args):
        io.err("sh: shift: can't shift that many\n")
        return 1
    sh.args = sh.args[count:]
    return 0


def accept(sh: Shell, argv: list[str], io: Stdio) -> int:
    """umask, ulimit: accepted and ignored (k8slite has no file modes or limits)."""
    return 0


def wait(sh: Shell, argv: list[str], io: Stdio) -> Program:
    """Sleep until every background job has finished (a server never does); a caught
    signal ends the wait at once with 128 + its number, as in ash."""
    sh.signals.waiting = True
    try:
        while sh.jobs.queue or sh.jobs.blocked:
            sh.jobs.ticks += 1
            yield sh.jobs.queue[0][0] - sh.jobs.now if sh.jobs.queue else math.inf
            if sh.signals.pending:
                return 128 + sh.signals.pending[0]
    finally:
        sh.signals.waiting = False
    return 0


def exec_(sh: Shell, argv: list[str], io: Stdio) -> Program:
    """``exec CMD``: the shell becomes CMD, so the script ends with CMD's status."""
    if len(argv) == 1:
        return 0
    sh.signals.traps.clear()  # the new program has none of the shell's handlers, nor its EXIT trap
    raise ShellExit((yield from sh.call(argv[1:], io)))


def run_text(sh: Shell, text: str, io: Stdio) -> Program:
    try:
        tree = parse(text)
    except ShellSyntaxError as error:
        io.err(f"{error}\n")
        return 2
    return (yield from sh.run(tree, io))


def eval_(sh: Shell, argv: list[str], io: Stdio) -> Program:
    return (yield from run_text(sh, " ".join(argv[1:]), io))


def source(sh: Shell, argv: list[str], io: Stdio) -> Program:
    """``. FILE``: run FILE's commands in this shell."""
    if len(argv) < 2:
        return 0
    try:
        text = sh.ctx.fs.read(abspath(sh.ctx, argv[1]))
    except OSError:
        io.err(f"sh: {argv[0]}: can't open '{argv[1]}': No such file or directory\n")
        return 2
    return (yield from run_text(sh, text, io))


BUILTINS: dict[str, Callable[[Shell, list[str], Stdio], int]] = {
    "exit": exit_, "break": loop_control, "continue": loop_control, "cd": cd,
    "export": export, "readonly": export, "local": export, "unset": unset,
    "set": set_, "shift": shift, "trap": trap, "umask": accept, "ulimit": accept,
}
RUNNING_BUILTINS: dict[str, Callable[[Shell, list[str], Stdio], Program]] = {
    "wait": wait, "exec": exec_, "eval": eval_, ".": source, "source": source,
}
