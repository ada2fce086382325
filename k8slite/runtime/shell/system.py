"""The busybox programs that describe the system (hostname, date, env, uname, id, ps, free
...) plus seq and expr, as k8slite's fake runtime runs them; they leave out most
options, and report a fixed, made-up machine so that output is deterministic.
`id`, `whoami` and `ps` say who a process runs as (the securityContext's user, runtime/users.py),
by name where the container's /etc/passwd has one.

The clock is virtual: ``date`` asks the context's ``clock`` (the fake runtime
passes the cluster clock, as seconds since 1970), else reads the environment
variable K8SLITE_NOW, else prints the epoch.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from k8slite.runtime.images import PASSWD
from k8slite.runtime.shell.arith import ArithError, apply
from k8slite.runtime.shell.commands import Stdio, instant, options
from k8slite.runtime.users import names

if TYPE_CHECKING:
    from k8slite.runtime.shell.interp import ProcessContext

KERNEL_RELEASE = "6.1.0-k8slite"
MACHINE = "x86_64"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@instant
def hostname(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    io.out(ctx.hostname + "\n")
    return 0


def now(ctx: ProcessContext) -> float:
    if ctx.clock is not None:
        return ctx.clock()
    try:
        return float(ctx.env.get("K8SLITE_NOW", "0") or 0)
    except ValueError:
        return 0.0


@instant
def date(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    seconds = now(ctx)
    moment = EPOCH + timedelta(seconds=seconds)
    fmt = next((a[1:] for a in argv[1:] if a.startswith("+")), None)
    if fmt is not None:
        io.out(moment.strftime(fmt.replace("%s", str(int(seconds)))) + "\n")
    else:
        io.out(f"{moment:%a %b} {moment.day:2d} {moment:%H:%M:%S} UTC {moment.year}\n")
    return 0


@instant
def env(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    if len(argv) > 1:
        io.err("env: running a command through env is not supported by k8slite\n")
        return 125
    return print_environment(ctx, io)


@instant
def printenv(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    if len(argv) == 1:
        return print_environment(ctx, io)
    missing = [name for name in argv[1:] if name not in ctx.env]
    io.out("".join(f"{ctx.env[name]}\n" for name in argv[1:] if name in ctx.env))
    return 1 if missing else 0


def print_environment(ctx: ProcessContext, io: Stdio) -> int:
    io.out("".join(f"{key}={value}\n" for key, value in ctx.env.items()))
    return 0


@instant
def pwd(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    io.out(ctx.cwd + "\n")
    return 0


def account_names(ctx: ProcessContext) -> tuple[dict[int, str], dict[int, str]]:
    """Users by uid from the container's /etc/passwd (root without one); groups by gid from /etc/group, else
    (k8slite's images have none) each passwd user's primary group under the user's name."""
    def text(path: str) -> str:
        return ctx.fs.read(path) if ctx.fs.exists(path) else ""

    passwd, groups = text("/etc/passwd") or PASSWD, text("/etc/group")
    return names(passwd), names(groups) if groups else names(passwd, field=3)


@instant
def whoami(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    name = account_names(ctx)[0].get(ctx.user.uid)
    if name is None:
        io.err(f"whoami: unknown uid {ctx.user.uid}\n")
        return 1
    io.out(name + "\n")
    return 0


@instant
def id_(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """busybox id: numbers, each with its name in parentheses where the container's files give one."""
    users, groups = account_names(ctx)
    user = ctx.user

    def named(number: int, known: dict[int, str]) -> str:
        return f"{number}({known[number]})" if number in known else str(number)

    io.out(f"uid={named(user.uid, users)} gid={named(user.gid, groups)} "
           f"groups={','.join(named(g, groups) for g in user.groups)}\n")
    return 0


@instant
def ps(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """busybox ps: the processes of the container's PID namespace (runtime/processes.py), each with its user's
    name from the container's /etc/passwd (or the number); options (`aux`, `-ef`) are accepted and ignored."""
    users = account_names(ctx)[0]
    rows = ctx.processes(argv) if ctx.processes is not None else []
    io.out("PID   USER     TIME  COMMAND\n" + "".join(
        f"{p.pid:>5} {users.get(p.user.uid, str(p.user.uid)):<8.8} {'0:00':>5} {p.command}\n" for p in rows))
    return 0


@instant
def uname(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    flags, _ = options(argv[1:])
    fields = {"s": "Linux", "n": ctx.hostname, "r": KERNEL_RELEASE,
              "v": "#1 SMP k8slite", "m": MACHINE, "o": "GNU/Linux"}
    wanted = "snrvmo" if "a" in flags else "".join(f for f in "snrvmo" if f in flags) or "s"
    io.out(" ".join(fields[f] for f in wanted) + "\n")
    return 0


@instant
def nproc(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    io.out(ctx.env.get("K8SLITE_NPROC", "4") + "\n")
    return 0


@instant
def free(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """A made-up 8 GiB machine (the size of a k8slite node), in KiB like busybox."""
    io.out("              total        used        free      shared  buff/cache   available\n"
           "Mem:        8388608      524288     7340032        1024      524288     7864320\n"
           "Swap:             0           0           0\n")
    return 0


@instant
def kill(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """Accepted and ignored: k8slite's processes receive no signals."""
    return 0


@instant
def seq(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    try:
        numbers = [int(arg) for arg in argv[1:]]
    except ValueError:
        io.err(f"seq: invalid number '{argv[-1]}'\n")
        return 1
    if not 1 <= len(numbers) <= 3 or (len(numbers) == 3 and numbers[1] == 0):
        io.err("seq: usage: seq [FIRST [INC]] LAST\n")
        return 1
    first = numbers[0] if len(numbers) > 1 else 1
    step = numbers[1] if len(numbers) == 3 else 1
    last = numbers[-1]
    io.out("".join(f"{n}\n" for n in range(first, last + (1 if step > 0 else -1), step)))
    return 0
@instant
def expr(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    args = argv[1:]
    try:
        if len(args) == 1:
            result = args[0]
        elif len(args) == 3:
            result = expr_binary(*args)
        else:
            raise ArithError("expr: syntax error")
    except ArithError as error:
        io.err(f"{str(error).replace('sh: divide', 'expr: division')}\n")
        return 2
    io.out(result + "\n")
    return 1 if result in ("", "0") else 0


def expr_binary(a: str, op: str, b: str) -> str:
    ops = {"+": "+", "-": "-", "*": "*", "/": "/", "%": "%", "=": "==", "!=": "!=",
           "<": "<", "<=": "<=", ">": ">", ">=": ">="}
    if op not in ops:
        raise ArithError("expr: syntax error")
    if re.fullmatch(r"-?\d+", a) and re.fullmatch(r"-?\d+", b):
        return str(apply(ops[op], int(a), int(b)))
    if op in "+-*/%":
        raise ArithError("expr: non-numeric argument")
    comparisons = {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}
    return str(int(comparisons[op]))
