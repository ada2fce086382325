"""busybox's file and text programs (cat, touch, rm, mkdir, ls, cp, mv, wc, head, tail,
grep, tee) over k8slite's container filesystem; they leave out permissions, links,
``ls -l`` details and most options.

Programs that read input take file names, or read stdin when given none (or "-").
``tail -f`` follows a file by looking at it once per virtual second, so the lines a
sidecar prints appear on the clock in a repeatable order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k8slite.runtime.shell.commands import Program, Stdio, abspath, instant, options

if TYPE_CHECKING:
    from k8slite.runtime.shell.interp import ProcessContext


def read_input(name: str, ctx: ProcessContext, io: Stdio, program: str) -> str | None:
    """The text of file ``name`` ("-" is stdin); None after printing the error."""
    if name == "-":
        return io.stdin
    try:
        return ctx.fs.read(abspath(ctx, name))
    except FileNotFoundError:
        io.err(f"{program}: can't open '{name}': No such file or directory\n")
    except IsADirectoryError:
        io.err(f"{program}: read error: Is a directory\n")
    return None


def read_inputs(names: list[str], ctx: ProcessContext, io: Stdio, program: str
                ) -> tuple[list[tuple[str, str]], int]:
    """[(name, text)] of the readable inputs and the exit status (1 if any failed)."""
    texts, status = [], 0
    for name in names or ["-"]:
        text = read_input(name, ctx, io, program)
        if text is None:
            status = 1
        else:
            texts.append((name, text))
    return texts, status


@instant
def cat(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    texts, status = read_inputs(argv[1:], ctx, io, "cat")
    if texts:
        io.out("".join(text for _, text in texts))
    return status


@instant
def touch(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    status = 0
    for name in options(argv[1:])[1]:
        path = abspath(ctx, name)
        try:
            if ctx.fs.exists(path):
                ctx.fs.writable(path)  # its times would change
            else:
                ctx.fs.write(path, "")
        except OSError as error:
            io.err(f"touch: {name}: {error.strerror}\n")
            status = 1
    return status


@instant
def rm(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    flags, names = options(argv[1:])
    status = 0
    for name in names:
        try:
            ctx.fs.remove(abspath(ctx, name), recursive=bool(flags & {"r", "R"}))
        except FileNotFoundError:
            if "f" not in flags:
                io.err(f"rm: can't remove '{name}': No such file or directory\n")
                status = 1
        except OSError as error:
            io.err(f"rm: can't remove '{name}': {error.strerror}\n")
            status = 1
    return status


@instant
def mkdir(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    flags, names = options(argv[1:])
    status = 0
    for name in names:
        try:
            ctx.fs.mkdir(abspath(ctx, name), parents="p" in flags)
        except OSError as error:
            io.err(f"mkdir: can't create directory '{name}': {error.strerror}\n")
            status = 1
    return status


@instant
def ls(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """One name per line (``-l`` and friends are accepted and ignored)."""
    flags, names = options(argv[1:])
    status, blocks = 0, []
    for name in names or ["."]:
        path = abspath(ctx, name)
        if not ctx.fs.exists(path):
            io.err(f"ls: {name}: No such file or directory\n")
            status = 1
        elif not ctx.fs.is_dir(path):
            blocks.append(f"{name}\n")
        else:
            entries = [e for e in ctx.fs.listdir(path) if flags & {"a", "A"} or e[0] != "."]
            header = f"{name}:\n" if len(names) > 1 else ""
            blocks.append(header + "".join(f"{e}\n" for e in entries))
    if blocks:
        io.out("\n".join(blocks))
    return status


def copy(ctx: ProcessContext, source: str, target: str) -> None:
    """Copy a file or (recursively) a directory; ``target`` is the new name."""
    if not ctx.fs.is_dir(source):
        ctx.fs.write(target, ctx.fs.read(source))
        return
    ctx.fs.mkdir(target, parents=True)
    for name in ctx.fs.listdir(source):
        copy(ctx, f"{source}/{name}", f"{target}/{name}")


def copy_or_move(argv: list[str], ctx: ProcessContext, io: Stdio, move: bool) -> int:
    flags, names = options(argv[1:])
    program = argv[0]
    if len(names) < 2:
        io.err(f"{program}: missing file operand\n")
        return 1
    target, status = abspath(ctx, names[-1]), 0
    for name in names[:-1]:
        source = abspath(ctx, name)
        if not ctx.fs.exists(source):
            io.err(f"{program}: can't stat '{name}': No such file or directory\n")
            status = 1
            continue
        if ctx.fs.is_dir(source) and not move and not flags & {"r", "R", "a"}:
            io.err(f"{program}: omitting directory '{name}'\n")
            status = 1
            continue
        destination = f"{target}/{source.rpartition('/')[2]}" if ctx.fs.is_dir(target) else target
        try:
            copy(ctx, source, destination)
        except OSError as error:
            io.err(f"{program}: can't create '{names[-1]}': {error.strerror}\n")
            status = 1
            continue
        if move:
            ctx.fs.remove(source, recursive=True)
    return status


@instant
def cp(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    return copy_or_move(argv, ctx, io, move=False)


@instant
def mv(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    return copy_or_move(argv, ctx, io, move=True)


@instant
def wc(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    flags, names = options(argv[1:])
    texts, status = read_inputs(names, ctx, io, "wc")
    wanted = [f for f in "lwc" if f in flags] or ["l", "w", "c"]
    for name, text in texts:
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
        numbers = [str(counts[f]) for f in wanted]
        if len(wanted) > 1:
            numbers = [n.rjust(7) for n in numbers]
        io.out(" ".join(numbers + ([name] if names else [])) + "\n")
    return status


def line_count(args: list[str]) -> tuple[str, list[str]]:
    """head/tail's "-n N", "-nN", "-N" -> ("N", other arguments)."""
    rest, count = list(args), "10"
    while rest and re.fullmatch(r"-(n.*|\d+|[fF])", rest[0]):
        arg = rest.pop(0)
        if arg in ("-f", "-F"):
            rest.insert(0, "--follow")
            break
        count = arg[2:] or (rest.pop(0) if rest else "10") if arg.startswith("-n") else arg[1:]
    return count, rest


@instant
def head(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    count, names = line_count(argv[1:])
    texts, status = read_inputs(names, ctx, io, "head")
    for _, text in texts:
        io.out("".join(text.splitlines(keepends=True)[:int(count)]))
    return status


def tail_lines(text: str, count: str) -> str:
    lines = text.splitlines(keepends=True)
    if count.startswith("+"):
        return "".join(lines[max(int(count) - 1, 0):])
    return "".join(lines[-int(count):]) if int(count) else ""


def tail(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    count, names = line_count(argv[1:])
    follow = "--follow" in names
    names = [n for n in names if n != "--follow"]
    texts, status = read_inputs(names, ctx, io, "tail")
    for _, text in texts:
        io.out(tail_lines(text, count))
    if not follow or not names:
        return status
    seen = {name: len(text) for name, text in texts}
    while True:  # follow: look at the files once per virtual second
        yield 1.0
        for name in names:
            text = read_input(name, ctx, Stdio("", io.out, lambda _: None), "tail") or ""
            if len(text) > seen.get(name, 0):
                io.out(text[seen.get(name, 0):])
            seen[name] = len(text)


@instant
def grep(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """Patterns are Python regular expressions (close to grep -E); -F for plain text."""
    flags, args = options(argv[1:])
    if not args:
        io.err("grep: usage: grep [-qvcinF] PATTERN [FILE]...\n")
        return 2
    pattern = re.escape(args[0]) if "F" in flags else args[0]
    regex = re.compile(pattern, re.IGNORECASE if "i" in flags else 0)
    texts, status = read_inputs(args[1:], ctx, io, "grep")
    found = 0
    for name, text in texts:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
                 if bool(regex.search(line)) != ("v" in flags)]
        found += len(lines)
        prefix = f"{name}:" if len(args) > 2 else ""
        if "c" in flags:
            io.out(f"{prefix}{len(lines)}\n")
        elif "q" not in flags:
            io.out("".join(f"{prefix}{f'{n}:' if 'n' in flags else ''}{line}\n" for n, line in lines))
    return 2 if status and "q" not in flags else 0 if found else 1


@instant
def sort(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """sort [-rnu] [FILE]...: lines in byte order; -n by leading number (ties by the whole line), -r reversed,
    -u one line per key."""
    flags, names = options(argv[1:])
    texts, status = read_inputs(names, ctx, io, "sort")
    lines = [line for _, text in texts for line in text.splitlines()]
    key: Callable[[str], Any] = (lambda line: leading_number(line)) if "n" in flags else (lambda line: line)
    lines.sort(key=lambda line: (key(line), line.encode()), reverse="r" in flags)
    if "u" in flags:
        lines = [line for i, line in enumerate(lines) if i == 0 or key(line) != key(lines[i - 1])]
    io.out("".join(f"{line}\n" for line in lines))
    return 1 if status else 0


def leading_number(line: str) -> float:
    match = re.match(r"\s*(-?\d+(\.\d+)?)", line)
    return float(match.group(1)) if match else 0.0


@instant
def tee(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    flags, names = options(argv[1:])
    status = 0
    for name in names:
        try:
            ctx.fs.write(abspath(ctx, name), io.stdin, append="a" in flags)
        except OSError as error:
            io.err(f"tee: {name}: {error.strerror}\n")
            status = 1
    io.out(io.stdin)
    return status
