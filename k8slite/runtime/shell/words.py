"""Word expansion and redirection, POSIX sh 2.6 and 2.7, as k8slite's shell does them:
parameters (``$X``, ``${X:-default}``, ``$?``), command substitution, arithmetic and
field splitting, then ``>``, ``>>``, ``<``, ``2>&1``; it leaves out tilde expansion,
pathname expansion (globs such as ``*.txt``), IFS other than blanks, and quote
removal subtleties of ``"$@"`` (it is one field here).

Field splitting is why quoting matters: after ``X="a b"``, ``echo $X`` gets two
arguments and ``echo "$X"`` one. ``expand_word`` walks a word's parts, appending
quoted text to the current field and splitting unquoted expansions at blanks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING

from k8slite.runtime.shell.arith import ArithError, evaluate
from k8slite.runtime.shell.commands import Stdio, abspath
from k8slite.runtime.shell.jobs import Jobs
from k8slite.runtime.shell.lexer import Arith, CmdSub, Lit, Param, Part, Word
from k8slite.runtime.shell.parse import Redirect, Script

if TYPE_CHECKING:
    from k8slite.runtime.shell.interp import ProcessContext

Expansion = Generator[float, None, str]
Writer = Callable[[str], None]
BLANKS = re.compile(r"[ \t\n]+")


class ShellExit(Exception):
    """``exit N`` (or a fatal expansion error): unwinds the shell with that status."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def discard(text: str) -> None:
    """Where output sent to /dev/null goes."""


class Expander:
    """The expansion half of the shell; ``Shell`` adds running commands."""

    ctx: ProcessContext
    status: int
    """$?: the exit status of the last pipeline."""
    args: list[str]
    """$1, $2 ...: the positional parameters."""
    name: str
    """$0: the shell's name ("sh", or the name given after ``sh -c SCRIPT``)."""
    substituted: int
    """Exit status of the last command substitution (a bare ``X=$(cmd)`` returns it)."""
    jobs: Jobs

    def capture(self, body: Script, io: Stdio) -> Generator[float, None, tuple[int, str]]:
        raise NotImplementedError  # Shell runs the script in a subshell

    def variable(self, name: str) -> str | None:
        """The value of a parameter, None when it is unset."""
        special = {"?": str(self.status), "$": "1", "#": str(len(self.args)),
                   "@": " ".join(self.args), "*": " ".join(self.args), "0": self.name,
                   "-": "", "!": str(self.jobs.started + 1)}
        if name in special:
            return special[name]
        if name.isdigit():
            return self.args[int(name) - 1] if int(name) <= len(self.args) else None
        if name in self.ctx.env:
            return self.ctx.env[name]
        return {"HOSTNAME": self.ctx.hostname, "PWD": self.ctx.cwd, "HOME": "/root"}.get(name)

    def expand_words(self, words: list[Word], io: Stdio) -> Generator[float, None, list[str]]:
        argv: list[str] = []
        for word in words:
            argv.extend((yield from self.expand_word(word, io)))
        return argv

    def expand_word(self, word: Word, io: Stdio) -> Generator[float, None, list[str]]:
        """A word's fields: unquoted expansions are split at blanks."""
        fields: list[str] = []
        current, started = "", False
        for part in word.parts:
            value = yield from self.expand_part(part, io)
            if isinstance(part, Lit) or part.quoted:
                current, started = current + value, True
                continue
            chunks = BLANKS.split(value)
            current, started = current + chunks[0], started or chunks[0] != ""
            for chunk in chunks[1:]:
                if started:
                    fields.append(current)
                current, started = chunk, chunk != ""
        if started:
            fields.append(current)
        return fields

    def expand_string(self, parts: list[Part], io: Stdio) -> Expansion:
        """The parts expanded and joined, without splitting (assignments, targets)."""
        values = []
        for part in parts:
            values.append((yield from self.expand_part(part, io)))
        return "".join(values)

    def expand_part(self, part: Part, io: Stdio) -> Expansion:
        if isinstance(part, Lit):
            return part.text
        if isinstance(part, Param):
            return (yield from self.parameter(part, io))
        if isinstance(part, CmdSub):
            self.substituted, output = yield from self.capture(part.body, io)
            return output.rstrip("\n")
        return str(self.arithmetic(part, io))

    def arithmetic(self, part: Arith, io: Stdio) -> int:
        try:
            return evaluate(part.expr, self.variable)
        except ArithError as error:
            io.err(f"{error}\n")
            raise ShellExit(2) from None

    def parameter(self, part: Param, io: Stdio) -> Expansion:
        value = self.variable(part.name)
        if part.op == "#":
            return str(len(value or ""))
        is_set = value is not None and (value != "" or ":" not in part.op)
        if part.op in ("-", ":-", "=", ":=") and not is_set:
            default = yield from self.expand_string(part.arg, io)
            if "=" in part.op:
                self.ctx.env[part.name] = default
            return default
        if part.op in ("+", ":+"):
            return (yield from self.expand_string(part.arg, io)) if is_set else ""
        return value or ""

    def redirect(self, redirects: list[Redirect], io: Stdio) -> Generator[float, None, Stdio | None]:
        """The streams after applying redirections left to right; None on failure."""
        stdin, streams = io.stdin, {1: io.out, 2: io.err}
        for r in redirects:
            target = yield from self.expand_string(r.target.parts, io)
            if r.op == "<":
                try:
                    stdin = self.ctx.fs.read(abspath(self.ctx, target))
                except OSError:
                    io.err(f"sh: can't open '{target}': No such file or directory\n")
                    return None
            elif r.op in (">&", "<&") and (target in ("1", "2") or r.op == "<&"):
                streams[r.fd] = streams.get(int(target) if target in ("1", "2") else 1, discard)
            else:
                writer = self.open_for_writing(target, r.op == ">>", io)
                if writer is None:
                    return None
                for fd in (1, 2) if r.op in ("&>", ">&") else (r.fd,):
                    streams[fd] = writer
        return Stdio(stdin, streams[1], streams[2])

    def open_for_writing(self, target: str, append: bool, io: Stdio) -> Writer | None:
        """A function that appends to file ``target`` (created, or emptied unless
        ``append``); None after printing sh's error."""
        path = abspath(self.ctx, target)
        special = {"/dev/null": discard, "/dev/stdout": io.out, "/dev/stderr": io.err,
                   "/proc/1/fd/1": self.ctx.write, "/proc/1/fd/2": self.ctx.write}
        if path in special:
            return special[path]
        fs = self.ctx.fs
        try:
            fs.write(path, "", append=append)
        except IsADirectoryError:
            io.err(f"sh: can't create {target}: Is a directory\n")
            return None
        except OSError as error:  # busybox ash says "nonexistent directory" for ENOENT, else strerror
            io.err(f"sh: can't create {target}: {'nonexistent directory' if error.errno == 2 else error.strerror}\n")
            return None

        def write(text: str) -> None:
            try:
                fs.write(path, text, append=True)
            except OSError as error:  # a full tmpfs says so; a directory that went away loses the text
                if error.errno == 28:
                    io.err(f"sh: write error: {error.strerror}\n")

        return write
