"""The POSIX sh grammar that k8slite's fake runtime understands: words and quoting,
expansions, pipelines, && and ||, redirections, if/while/until/for, { } and ( );
it leaves out case, functions, here-documents, globbing and aliases.

The lexer (lexer.py) turns text into tokens: operators (";", "&&", "|", ">", "2>" ...), newlines,
and words. A word keeps its pieces apart (``Lit``, ``Param``, ``CmdSub``, ``Arith``)
together with whether they were quoted, because quoting decides later whether an
expansion is split into several arguments. The parser is recursive descent over the
grammar in the POSIX standard (Shell Command Language, 2.10), one method per rule,
and builds the small tree of dataclasses below. Reserved words such as ``do`` and
``fi`` are ordinary words that the parser recognises where a command may start.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from k8slite.runtime.shell.lexer import Lexer, Lit, Part, ShellSyntaxError, Token, Word, fail


@dataclass(slots=True)
class Redirect:
    fd: int  # 0 stdin, 1 stdout, 2 stderr; op "&>" means both 1 and 2
    op: str  # ">", ">>", "<", ">&", "<&", "&>"
    target: Word


@dataclass(slots=True)
class Command:
    assigns: list[tuple[str, Word]]
    words: list[Word]
    redirects: list[Redirect]


@dataclass(slots=True)
class Pipeline:
    commands: list[Node]
    negate: bool = False


@dataclass(slots=True)
class AndOr:
    first: Pipeline
    rest: list[tuple[str, Pipeline]]  # ("&&" | "||", pipeline)


@dataclass(slots=True)
class Item:
    body: AndOr
    background: bool = False


@dataclass(slots=True)
class Script:
    items: list[Item]


@dataclass(slots=True)
class If:
    branches: list[tuple[Script, Script]]  # (condition, body) for if and each elif
    orelse: Script | None


@dataclass(slots=True)
class Loop:
    cond: Script
    body: Script
    until: bool = False


@dataclass(slots=True)
class For:
    var: str
    words: list[Word] | None  # None: no "in" list, loop over "$@"
    body: Script


@dataclass(slots=True)
class Group:
    body: Script
    subshell: bool  # ( ... ) runs in a copy of the shell, { ...; } in the shell itself


@dataclass(slots=True)
class Redirected:
    node: Node
    redirects: list[Redirect]


Node = Command | Pipeline | AndOr | Script | If | Loop | For | Group | Redirected

REDIRECTS = (">", ">>", "<", ">&", "<&", "&>", ">|")
RESERVED = {"then", "do", "done", "fi", "else", "elif", "}", "esac", "in"}
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Parser:
    """Recursive descent over the token stream, one method per grammar rule."""

    def __init__(self, text: str) -> None:
        self.lexer = Lexer(text)
        self.tok = self.lexer.token()

    def advance(self) -> Token:
        tok, self.tok = self.tok, self.lexer.token()
        return tok

    def is_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.op in ops

    def keyword(self) -> str | None:
        return self.tok.word.plain() if self.tok.word is not None else None

    def unexpected(self, expecting: str = "") -> ShellSyntaxError:
        tok = self.tok
        if tok.kind == "eof":
            suffix = f' (expecting "{expecting}")' if expecting else ""
            return fail(f"unexpected end of file{suffix}")
        text = tok.op if tok.kind == "op" else "newline" if tok.kind == "newline" else self.keyword()
        return fail(f'unexpected "{text if text is not None else "word"}"')

    def expect(self, keyword: str) -> None:
        if self.keyword() != keyword:
            raise self.unexpected(keyword)
        self.advance()

    def skip_newlines(self) -> None:
        while self.tok.kind == "newline":
            self.advance()

    def script(self, stops: frozenset[str] = frozenset(), required: bool = True) -> Script:
        items: list[Item] = []
        self.skip_newlines()
        while not (self.tok.kind == "eof" or self.is_op(")") or self.keyword() in stops):
            body = self.and_or()
            background = self.is_op("&")
            if self.is_op(";", "&") or self.tok.kind == "newline":
                self.advance()
            items.append(Item(body, background))
            self.skip_newlines()
        if required and not items:
            raise self.unexpected(next(iter(stops), ""))
        return Script(items)

    def and_or(self) -> AndOr:
        first, rest = self.pipeline(), []
        while self.is_op("&&", "||"):
            op = self.advance().op
            self.skip_newlines()
            rest.append((op, self.pipeline()))
        return AndOr(first, rest)

    def pipeline(self) -> Pipeline:
        negate = self.keyword() == "!"
        if negate:
            self.advance()
        commands = [self.command()]
        while self.is_op("|"):
            self.advance()
            self.skip_newlines()
            commands.append(self.command())
        return Pipeline(commands, negate)

    def command(self) -> Node:
        compounds: dict[str, Callable[[], Node]] = {
            "if": self.if_, "while": self.loop, "until": self.loop, "for": self.for_, "{": self.brace,
        }
        compound = compounds.get(self.keyword() or "")
        if compound is None and not self.is_op("("):
            if self.keyword() in RESERVED or self.tok.kind != "word" and not self.is_op(*REDIRECTS):
                raise self.unexpected()
            return self.simple()
        node = compound() if compound else self.subshell()
        redirects = self.redirects()
        return Redirected(node, redirects) if redirects else node

    def simple(self) -> Command:
        cmd = Command([], [], [])
        while True:
            if self.is_op(*REDIRECTS):
                cmd.redirects.append(self.redirect())
            elif self.tok.word is not None:
                word = self.advance().word
                assert word is not None
                assign = None if cmd.words else split_assignment(word)
                if assign:
                    cmd.assigns.append(assign)
                else:
                    cmd.words.append(word)
            else:
                return cmd

    def redirect(self) -> Redirect:
        tok = self.advance()
        op = ">" if tok.op == ">|" else tok.op
        default = 0 if op in ("<", "<&") else 1
        if self.tok.word is None:
            raise self.unexpected()
        target = self.advance().word
        assert target is not None
        return Redirect(default if tok.fd is None else tok.fd, op, target)

    def redirects(self) -> list[Redirect]:
        found = []
        while self.is_op(*REDIRECTS):
            found.append(self.redirect())
        return found

    def if_(self) -> If:
        branches, orelse = [], None
        keyword = "if"
        while keyword in ("if", "elif"):
            self.advance()
            cond = self.script(frozenset({"then"}))
            self.expect("then")
            branches.append((cond, self.script(frozenset({"elif", "else", "fi"}))))
            keyword = self.keyword() or ""
        if keyword == "else":
            self.advance()
            orelse = self.script(frozenset({"fi"}))
        self.expect("fi")
        return If(branches, orelse)

    def loop(self) -> Loop:
        until = self.keyword() == "until"
        self.advance()
        cond = self.script(frozenset({"do"}))
        return Loop(cond, self.do_done(), until)

    def do_done(self) -> Script:
        self.expect("do")
        body = self.script(frozenset({"done"}))
        self.expect("done")
        return body

    def for_(self) -> For:
        self.advance()
        name = self.keyword()
        if name is None or not NAME.fullmatch(name):
            raise self.unexpected()
        self.advance()
        self.skip_newlines()
        words: list[Word] | None = None
        if self.keyword() == "in":
            self.advance()
            words = []
            while self.tok.word is not None:
                words.append(self.advance().word or Word([]))
        if self.is_op(";"):
            self.advance()
        self.skip_newlines()
        return For(name, words, self.do_done())

    def brace(self) -> Group:
        self.advance()
        body = self.script(frozenset({"}"}))
        self.expect("}")
        return Group(body, subshell=False)

    def subshell(self) -> Group:
        self.advance()
        body = self.script()
        if not self.is_op(")"):
            raise self.unexpected(")")
        self.advance()
        return Group(body, subshell=True)


def split_assignment(word: Word) -> tuple[str, Word] | None:
    """``X=1`` -> ("X", word "1"); None when the word is not an assignment."""
    first = word.parts[0] if word.parts else None
    if not isinstance(first, Lit) or first.quoted:
        return None
    match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)=", first.text)
    if not match:
        return None
    rest: list[Part] = [Lit(first.text[match.end():])] if match.end() < len(first.text) else []
    return match.group(1), Word(rest + word.parts[1:])


@lru_cache(maxsize=512)
def parse(text: str) -> Script:
    """Parse a whole script; raises ShellSyntaxError.

    Trees are never changed once parsed, so a script that a thousand containers
    run (a Deployment's command) is parsed once."""
    parser = Parser(text)
    script = parser.script(required=False)
    if parser.tok.kind != "eof":
        raise parser.unexpected()
    return script


__all__ = ["ShellSyntaxError", "parse"]
