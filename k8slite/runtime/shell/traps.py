"""Signals and ``trap``, as busybox's ash keeps them (shell/ash.c, trapcmd and dotrap);
it leaves out every signal but the SIGTERM a container is stopped with (others can be
trapped and listed, but nothing sends them) and ``kill`` between processes.

A container's PID 1 gets no default signal handling from the kernel: without a trap,
SIGTERM does nothing to it, and stopping it waits out the grace period for SIGKILL
(137). ``trap 'echo bye; exit 3' TERM`` gives the shell a handler. ash runs it only
between commands: a signal that arrives while ``sleep 3600`` runs in the foreground
waits for the sleep to end (the grace period's SIGKILL usually comes first), while
``wait`` returns at once with 128 + the signal's number (143). That is why scripts
run ``sleep 3600 & wait``. A trap that does not ``exit`` lets the script go on.
``trap ACTION EXIT`` runs when the shell exits (but never on SIGKILL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from k8slite.runtime.shell.commands import Program, Stdio
from k8slite.runtime.shell.lexer import ShellSyntaxError
from k8slite.runtime.shell.parse import parse
from k8slite.runtime.shell.words import ShellExit

if TYPE_CHECKING:
    from k8slite.runtime.shell.shell import Shell

SIGTERM = 15
EXIT = 0
"""The pseudo-signal 0: the shell exiting."""
NAMES = ["EXIT", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
         "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
         "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"]
"""Linux's signal names by number, as busybox's get_signame spells them (no SIG prefix)."""


@dataclass(slots=True)
class Signals:
    """One shell's traps and the signals sent to it that it has not handled yet."""

    traps: dict[int, str] = field(default_factory=dict)
    """Signal number -> the command text to run; "" means the signal is ignored."""
    pending: list[int] = field(default_factory=list)
    """Caught signals waiting for the foreground command to end."""
    waiting: bool = False
    """True while the shell is in ``wait``, the one place a caught signal interrupts at once."""

    def catches(self, signo: int) -> bool:
        return bool(self.traps.get(signo))

    def deliver(self, signo: int) -> bool:
        """A signal arrives; True when the shell must be woken now (it is in ``wait``)."""
        if not self.catches(signo):
            return False  # PID 1 with no handler: the signal does nothing
        self.pending.append(signo)
        return self.waiting

    def inherited(self) -> Signals:
        """A subshell's: ignored signals stay ignored, other traps are reset (POSIX)."""
        return Signals({signo: "" for signo, action in self.traps.items() if action == ""})


def signal_number(name: str) -> int | None:
    """"TERM", "SIGTERM", "term", "15" -> 15; "EXIT" and "0" -> 0; None for anything else."""
    if name.isdigit():
        return int(name) if int(name) < len(NAMES) else None
    upper = name.upper()
    upper = upper[3:] if upper.startswith("SIG") else upper
    return NAMES.index(upper) if upper in NAMES else None


def single_quote(text: str) -> str:
    """'it'"'"'s', as ash quotes a trap's action when it lists it."""
    return "'" + text.replace("'", "'\"'\"'") + "'"


def trap(sh: Shell, argv: list[str], io: Stdio) -> int:
    """``trap ACTION SIGNAL...``, ``trap '' SIGNAL`` (ignore), ``trap - SIGNAL`` or
    ``trap SIGNAL...`` (reset), and ``trap`` alone, which lists them."""
    args = argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if args[:1] and args[0].startswith("-") and args[0] != "-":
        io.err(f"sh: trap: illegal option {args[0]}\n")
        return 2
    if not args:
        io.out("".join(f"trap -- {single_quote(action)} {NAMES[signo]}\n"
                       for signo, action in sorted(sh.signals.traps.items())))
        return 0
    action = args.pop(0) if len(args) > 1 and not args[0].isdigit() else "-"
    status = 0
    for name in args:
        signo = signal_number(name)
        if signo is None:
            io.err(f"sh: trap: {name}: invalid signal specification\n")
            status = 1
        elif action == "-":
            sh.signals.traps.pop(signo, None)
        else:
            sh.signals.traps[signo] = action
    return status


def run_action(sh: Shell, action: str, io: Stdio) -> Program:
    """A trap's command text, run in the shell it was set in; ``$?`` is kept as it was."""
    status = sh.status
    try:
        tree = parse(action)
    except ShellSyntaxError as error:
        io.err(f"{error}\n")
        return status
    yield from sh.run(tree, io)
    sh.status = status
    return status


def run_pending(sh: Shell, io: Stdio) -> Program:
    """After a command (ash's dotrap): the traps of the signals that arrived meanwhile."""
    while sh.signals.pending:
        action = sh.signals.traps.get(sh.signals.pending.pop(0), "")
        if action:
            yield from run_action(sh, action, io)
    return 0


def exit_trap(sh: Shell, status: int, io: Stdio) -> Program:
    """The shell exits with ``status``: its EXIT trap runs first, and may ``exit`` with another."""
    action = sh.signals.traps.pop(EXIT, "")
    if not action:
        return status
    sh.status = status
    try:
        yield from run_action(sh, action, io)
    except ShellExit as exit_:
        return exit_.code
    return status
