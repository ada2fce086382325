"""The tokens of POSIX sh (Shell Command Language, 2.3 "Token Recognition"): operators,
newlines and words with their quoting and expansions; it leaves out here-documents,
aliases, globbing patterns and ``$'...'``.

A word such as ``"$HOME"/x'y'`` is kept as pieces: ``Param("HOME", quoted=True)``,
``Lit("/x")``, ``Lit("y", quoted=True)``. The interpreter needs the pieces: an
unquoted ``$VAR`` is split on blanks into several arguments, a quoted one is not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from k8slite.runtime.shell.parse import Script


class ShellSyntaxError(Exception):
    """Bad shell syntax; the message reads like sh's (``sh: syntax error: ...``)."""


def fail(what: str) -> ShellSyntaxError:
    return ShellSyntaxError(f"sh: syntax error: {what}")


@dataclass(slots=True)
class Lit:
    text: str
    quoted: bool = False


@dataclass(slots=True)
class Param:
    """``$name`` or ``${name<op><arg>}``; op is "", "#", ":-", "-", ":=", ":+" or "+"."""

    name: str
    quoted: bool = False
    op: str = ""
    arg: list[Part] = field(default_factory=list)


@dataclass(slots=True)
class CmdSub:
    """``$(...)`` or backquotes: the output of a script, trailing newlines removed."""

    body: Script
    quoted: bool = False


@dataclass(slots=True)
class Arith:
    """``$((...))``: the expression's text, evaluated by arith.evaluate."""

    expr: str
    quoted: bool = False


Part = Lit | Param | CmdSub | Arith


@dataclass(slots=True)
class Word:
    parts: list[Part]

    def plain(self) -> str | None:
        """The text of a word with no quotes or expansions (keywords are such words)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Lit) and not self.parts[0].quoted:
            return self.parts[0].text
        return None


@dataclass(slots=True)
class Token:
    kind: str  # "word", "op", "newline" or "eof"
    op: str = ""
    word: Word | None = None
    fd: int | None = None  # the "2" of "2>"


OPERATORS = ("&&", "||", ";;", ">>", ">&", "<&", "&>", ">|", "<<",
             ";", "&", "|", "(", ")", "<", ">")
METACHARS = " \t\n;&|()<>"
SPECIAL_PARAMS = "?$#!@*-0123456789"
PARAM_OPS = (":-", ":=", ":+", "-", "=", "+")


def is_name_char(c: str, first: bool = False) -> bool:
    return c == "_" or c.isascii() and (c.isalpha() or (c.isdigit() and not first))


class Lexer:
    """Reads tokens from the text, one ``token()`` call at a time."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self, offset: int = 0) -> str:
        i = self.pos + offset
        return self.text[i] if i < len(self.text) else ""

    def skip_blanks(self) -> None:
        while True:
            if self.peek() in (" ", "\t"):
                self.pos += 1
            elif self.peek() == "\\" and self.peek(1) == "\n":
                self.pos += 2
            elif self.peek() == "#":  # a comment runs to the end of the line
                while self.peek() not in ("", "\n"):
                    self.pos += 1
            else:
                return

    def token(self) -> Token:
        self.skip_blanks()
        c = self.peek()
        if c == "":
            return Token("eof")
        if c == "\n":
            self.pos += 1
            return Token("newline")
        digits = len(self.text[self.pos:]) - len(self.text[self.pos:].lstrip("0123456789"))
        fd = None
        if digits and self.peek(digits) in ("<", ">"):
            fd, self.pos = int(self.text[self.pos:self.pos + digits]), self.pos + digits
        for op in OPERATORS:
            if self.text.startswith(op, self.pos):
                if op == "<<":
                    raise ShellSyntaxError("sh: here-documents (<<) are not supported by k8slite")
                self.pos += len(op)
                return Token("op", op, fd=fd)
        return Token("word", word=self.word())

    def word(self) -> Word:
        parts: list[Part] = []
        while self.peek() and self.peek() not in METACHARS:
            c = self.peek()
            if c == "'":
                end = self.text.find("'", self.pos + 1)
                if end < 0:
                    raise fail("unterminated quoted string")
                add_literal(parts, self.text[self.pos + 1:end], quoted=True)
                self.pos = end + 1
            elif c == '"':
                self.pos += 1
                parts.extend(self.double_quoted())
            else:
                self.one_part(parts, quoted=False)
        return Word(parts)

    def one_part(self, parts: list[Part], quoted: bool) -> None:
        """Read a backslash escape, an expansion or one literal character."""
        c = self.peek()
        if c == "\\":
            escaped = self.peek(1)
            self.pos += 2
            if escaped != "\n" and (not quoted or escaped in '$`"\\'):
                add_literal(parts, escaped, quoted=True)
            elif escaped != "\n":
                add_literal(parts, "\\" + escaped, quoted=True)
        elif c == "$":
            parts.append(self.dollar(quoted))
        elif c == "`":
            end = self.text.find("`", self.pos + 1)
            if end < 0:
                raise fail("unterminated quoted string")
            parts.append(CmdSub(parse_nested(self.text[self.pos + 1:end]), quoted))
            self.pos = end + 1
        else:
            add_literal(parts, c, quoted)
            self.pos += 1

    def double_quoted(self) -> list[Part]:
        parts: list[Part] = [Lit("", quoted=True)]  # "" is still one (empty) argument
        while self.peek() != '"':
            if self.peek() == "":
                raise fail("unterminated quoted string")
            self.one_part(parts, quoted=True)
        self.pos += 1
        return parts

    def rest_as_quoted(self) -> list[Part]:
        """The remaining text read as if inside double quotes (for ``${X:-a b}``)."""
        parts: list[Part] = []
        while self.peek():
            self.one_part(parts, quoted=True)
        return parts

    def dollar(self, quoted: bool) -> Part:
        """``$((expr))``, ``$(cmd)``, ``${...}``, ``$name``, ``$?`` or a plain "$"."""
        if self.text.startswith("$((", self.pos):
            end = self.matching(self.pos + 3)
            if self.peek(end - self.pos + 1) != ")":
                raise fail("unterminated $((")
            expr, self.pos = self.text[self.pos + 3:end], end + 2
            return Arith(expr, quoted)
        if self.peek(1) == "(":
            end = self.matching(self.pos + 2)
            body, self.pos = self.text[self.pos + 2:end], end + 1
            return CmdSub(parse_nested(body), quoted)
        if self.peek(1) == "{":
            end = self.text.find("}", self.pos)
            if end < 0:
                raise fail("unterminated ${")
            inner, self.pos = self.text[self.pos + 2:end], end + 1
            return braced_param(inner, quoted)
        self.pos += 1
        if self.peek() and self.peek() in SPECIAL_PARAMS:
            self.pos += 1
            return Param(self.text[self.pos - 1], quoted)
        start = self.pos
        while self.peek() and is_name_char(self.peek(), first=self.pos == start):
            self.pos += 1
        if self.pos == start:
            return Lit("$", quoted)
        return Param(self.text[start:self.pos], quoted)

    def matching(self, i: int) -> int:
        """Index of the ")" closing the "(" just before ``i``, skipping quotes."""
        depth = 1
        while i < len(self.text):
            c = self.text[i]
            if c == "\\":
                i += 1
            elif c in "'\"":
                end = self.text.find(c, i + 1)
                i = end if end >= 0 else len(self.text)
            elif c in "()":
                depth += 1 if c == "(" else -1
                if depth == 0:
                    return i
            i += 1
        raise fail('unterminated "$("')


def add_literal(parts: list[Part], text: str, quoted: bool) -> None:
    """Append text, merging it into the previous literal of the same quoting."""
    last = parts[-1] if parts else None
    if isinstance(last, Lit) and last.quoted == quoted:
        last.text += text
    else:
        parts.append(Lit(text, quoted))


def braced_param(inner: str, quoted: bool) -> Param:
    """The inside of ``${...}``: ``NAME``, ``#NAME`` or ``NAME<op>word``."""
    if inner.startswith("#") and len(inner) > 1:
        return Param(inner[1:], quoted, op="#")
    end = 0
    while end < len(inner) and is_name_char(inner[end], first=end == 0):
        end += 1
    end = end or (1 if inner[:1] and inner[0] in SPECIAL_PARAMS else 0)
    name, rest = inner[:end], inner[end:]
    if not name:
        raise fail("bad substitution")
    if not rest:
        return Param(name, quoted)
    op = next((o for o in PARAM_OPS if rest.startswith(o)), None)
    if op is None:
        raise ShellSyntaxError(f"sh: ${{{inner}}}: bad substitution")
    arg = Lexer(rest[len(op):]).rest_as_quoted()
    return Param(name, quoted, op, arg)


def parse_nested(text: str) -> Script:
    # imported here because the parser imports this module for its tokens
    from k8slite.runtime.shell.parse import parse

    return parse(text)
