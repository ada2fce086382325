"""The small programs of busybox (sleep, echo, printf, test, date, uname ...) as k8slite's
fake runtime runs them, plus the "simulated process" that stands in for any program
k8slite does not know; it leaves out most options and every real system call.

A program is a generator function ``program(argv, ctx, io)``: it reads the container
through ``ctx`` (its files, environment and hostname), reads ``io.stdin`` and writes
with ``io.out``/``io.err``, yields the seconds it sleeps, and returns its exit code.
Most programs never sleep; ``@instant`` turns a plain function returning an exit code
into such a generator. File and text programs live in fileutils.py, network programs
and servers in network.py. Messages copy busybox's wording, since busybox is the
image the course runs.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from k8slite.runtime.filesystem import normpath
from k8slite.runtime.shell.arith import apply

if TYPE_CHECKING:
    from k8slite.runtime.shell.interp import ProcessContext

Program = Generator[float, None, int]


@dataclass(slots=True)
class Stdio:
    """The three standard streams of a process: stdin as text, stdout and stderr as
    functions that take text (a container's both go to its log)."""

    stdin: str
    out: Callable[[str], None]
    err: Callable[[str], None]


Command = Callable[[list[str], "ProcessContext", Stdio], Program]
Instant = Callable[[list[str], "ProcessContext", Stdio], int]


def instant(function: Instant) -> Command:
    """Make a program that never sleeps out of a function returning its exit code."""

    @functools.wraps(function)
    def program(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
        return function(argv, ctx, io)
        yield 0.0  # unreachable: its presence makes this function a generator

    return program


def abspath(ctx: ProcessContext, path: str) -> str:
    """``path`` resolved against the process's working directory."""
    return normpath(path if path.startswith("/") else f"{ctx.cwd}/{path}")


def options(args: list[str]) -> tuple[set[str], list[str]]:
    """Split "-rf a b" style arguments into ({"r", "f"}, ["a", "b"])."""
    flags: set[str] = set()
    rest = list(args)
    while rest and rest[0].startswith("-") and len(rest[0]) > 1:
        arg = rest.pop(0)
        if arg == "--":
            break
        flags.update(arg[1:])
    return flags, rest


def simulated(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    """Stand-in for a program k8slite cannot run (perl, python, stress ...)."""
    io.out(f'k8slite: simulated "{" ".join(argv)}": the fake runtime does not run '
           "this program; it ran for 1s and exited 0\n")
    yield 1.0
    return 0


@instant
def not_in_image(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """An exec-form command the image does not have (curl in busybox): the OCI runtime's refusal."""
    io.err("OCI runtime exec failed: exec failed: unable to start container process: "
           f'exec: "{argv[0]}": executable file not found in $PATH: unknown\n')
    return 126


@instant
def true(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    return 0


@instant
def false(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    return 1


ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "r": "\r", "a": "\a", "b": "\b", "0": "", "e": "\x1b"}


def unescape(text: str) -> tuple[str, bool]:
    """Backslash escapes as echo -e and printf read them; True when \\c stopped output."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            if text[i + 1] == "c":
                return "".join(out), True
            out.append(ESCAPES.get(text[i + 1], "\\" + text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out), False


@instant
def echo(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    args, newline, escapes = argv[1:], True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        flags = args.pop(0)
        newline = newline and "n" not in flags
        escapes = "e" in flags if "e" in flags or "E" in flags else escapes
    text = " ".join(args)
    if escapes:
        text, stopped = unescape(text)
        newline = newline and not stopped
    io.out(text + ("\n" if newline else ""))
    return 0


PRINTF_SPEC = re.compile(r"%([-+ 0#]*\d*(?:\.\d+)?)([sdicxXfo%])")


def printf_value(conversion: str, arg: str) -> str | int | float:
    if conversion in "dixXo":
        try:
            return int(arg or "0")
        except ValueError:
            return 0
    return float(arg or "0") if conversion == "f" else arg


def format_once(fmt: str, args: list[str]) -> tuple[str, int]:
    """Apply ``fmt`` once; returns the text and how many arguments it used."""
    used = 0

    def convert(match: re.Match[str]) -> str:
        nonlocal used
        flags, conversion = match.groups()
        if conversion == "%":
            return "%"
        arg = args[used] if used < len(args) else ""
        used += 1
        if conversion == "c":
            return ("%" + flags + "s") % arg[:1]
        return ("%" + flags + conversion) % printf_value(conversion, arg)

    return PRINTF_SPEC.sub(convert, fmt), used


@instant
def printf(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """printf FORMAT ARGS...: the format repeats while arguments remain, as in sh."""
    if len(argv) < 2:
        io.err("printf: usage: printf FORMAT [ARGUMENT...]\n")
        return 1
    fmt, args = unescape(argv[1])[0], argv[2:]
    text, used = format_once(fmt, args)
    out = [text]
    while used and args[used:]:
        args = args[used:]
        text, used = format_once(fmt, args)
        out.append(text)
    io.out("".join(out))
    return 0


def parse_seconds(text: str) -> float:
    """"10" -> 10.0, "1.5" -> 1.5, "2m" -> 120.0, "infinity" -> inf."""
    if text in ("inf", "infinity"):
        return math.inf
    scale = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(text[-1:], 0)
    value = float(text[:-1] if scale else text)
    if value < 0 or math.isnan(value):
        raise ValueError(text)
    return value * (scale or 1)


def sleep(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    if len(argv) < 2:
        io.err("sleep: missing operand\n")
        return 1
    try:
        seconds = sum(parse_seconds(arg) for arg in argv[1:])
    except ValueError:
        io.err(f"sleep: invalid number '{argv[1]}'\n")
        return 1
    if seconds > 0:
        yield seconds
    return 0


class TestError(Exception):
    """A malformed test expression (exit status 2)."""


def integer(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise TestError(f"sh: invalid number '{text}'") from None


def unary_test(op: str, arg: str, ctx: ProcessContext) -> bool:
    path = abspath(ctx, arg) if arg else ""
    checks: dict[str, Callable[[], bool]] = {
        "-z": lambda: arg == "", "-n": lambda: arg != "",
        "-e": lambda: bool(path) and ctx.fs.exists(path),
        "-f": lambda: bool(path) and ctx.fs.exists(path) and not ctx.fs.is_dir(path),
        "-d": lambda: bool(path) and ctx.fs.is_dir(path),
        "-s": lambda: bool(path) and not ctx.fs.is_dir(path) and ctx.fs.exists(path)
        and ctx.fs.read(path) != "",
        "-L": lambda: False, "-h": lambda: False, "-t": lambda: False,
    }
    for same in "rwx":
        checks[f"-{same}"] = checks["-e"]
    if op not in checks:
        raise TestError(f"sh: {op}: unknown operand")
    return checks[op]()


def binary_test(a: str, op: str, b: str) -> bool:
    if op in ("=", "==", "!="):
        return (a == b) != (op == "!=")
    if op in ("<", ">"):
        return a < b if op == "<" else a > b
    names = {"-eq": "==", "-ne": "!=", "-lt": "<", "-le": "<=", "-gt": ">", "-ge": ">="}
    if op not in names:
        raise TestError(f"sh: {op}: unknown operand")
    return bool(apply(names[op], integer(a), integer(b)))


BINARY_TESTS = {"=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge"}


def evaluate_test(args: list[str], ctx: ProcessContext) -> bool:
    """The truth of a ``test`` expression, e.g. ["-f", "/tmp/x"] or ["1", "-lt", "3"]."""
    if len(args) == 3 and args[1] in BINARY_TESTS:
        return binary_test(args[0], args[1], args[2])
    if args and args[0] == "!":
        return not evaluate_test(args[1:], ctx)
    for joiner in ("-o", "-a"):
        if joiner in args[1:-1]:
            i = args.index(joiner, 1)
            left, right = evaluate_test(args[:i], ctx), evaluate_test(args[i + 1:], ctx)
            return left or right if joiner == "-o" else left and right
    if len(args) > 3:
        raise TestError("sh: test: too many arguments")
    if len(args) == 2:
        return unary_test(args[0], args[1], ctx)
    return bool(args) and args[0] != ""


@instant
def test(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    args = argv[1:]
    if argv[0] == "[":
        if not args or args[-1] != "]":
            io.err("sh: [: missing ]\n")
            return 2
        args = args[:-1]
    try:
        return 0 if evaluate_test(args, ctx) else 1
    except TestError as error:
        io.err(f"{error}\n")
        return 2
