"""The parser of Go's text/template (text/template/parse: lex.go, parse.go, node.go), for kubectl's
`-o go-template` (gotemplate.py runs what it makes).

A template is text and actions in `{{ }}`; the lexer cuts an action into items (fields `.a.b`,
variables `$x`, strings, numbers, keywords, `|`, `(`, `:=` ...) and `{{-`/`-}}` trim the
space beside them; the parser makes nodes of them: text, actions (pipelines of commands),
`if`/`range`/`with` with their `else`, `break` and `continue`. Its errors are Go's, with the
line (`template: output:1: unexpected EOF`, `function "foo" not defined`). Each node keeps its
byte position, as Go's do, for the execution errors. Left out: `define`, `template`, `block`,
complex numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from k8slite.errors import go_quote
from k8slite.kubectl.gofmt import Int


class TemplateError(Exception):
    """text/template's error, as kubectl quotes it (`template: output:1: unexpected EOF`)."""


KEYWORDS = {"if", "else", "end", "range", "with", "break", "continue", "define", "template", "block"}
FUNCTIONS = {"and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt",
             "le", "gt", "ge", "html", "js", "urlquery", "exists", "base64decode"}


# ------------------------------------------------------------------ lexing (lex.go)
@dataclass
class Item:
    typ: str  # text, left, right, space, field, variable, identifier, keyword, string, raw, number,
    #           charconst, bool, nil, dot, pipe, lparen, rparen, declare, assign, char (`,` ...), eof
    val: str
    pos: int
    line: int

    def __str__(self) -> str:  # item.String(), in "unexpected ..." messages
        if self.typ == "eof":
            return "EOF"
        if self.typ == "keyword":
            return f"<{self.val}>"
        return go_quote(self.val[:10]) + "..." if len(self.val) > 10 else go_quote(self.val)


def lex(text: str) -> list[Item]:
    """The template's items, ending in an `error` item where Go's lexer stops (the parser reports it
    when it gets there, so an earlier item it does not expect is reported instead)."""
    items: list[Item] = []
    try:
        lex_all(text, items)
    except LexError as error:
        items += [Item("error", str(error), error.pos, line_of(text, error.pos)), Item("eof", "", error.pos, 0)]
    return items


class LexError(Exception):
    def __init__(self, pos: int, message: str) -> None:
        super().__init__(message)
        self.pos = pos


def lex_all(text: str, items: list[Item]) -> None:
    pos = 0
    while True:
        start = text.find("{{", pos)
        if start < 0:
            if pos < len(text):
                items.append(Item("text", text[pos:], pos, line_of(text, pos)))
            items.append(Item("eof", "", len(text), line_of(text, len(text))))
            return
        inner = start + 2
        trim_left = text[inner:inner + 1] == "-" and text[inner + 1:inner + 2] in (" ", "\t", "\r", "\n")
        chunk = text[pos:start].rstrip(" \t\r\n") if trim_left else text[pos:start]
        if chunk:
            items.append(Item("text", chunk, pos, line_of(text, pos)))
        inner += 2 if trim_left else 0
        pos = lex_action(text, inner, items, start)


def line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def right_delim(text: str, pos: int) -> tuple[int, bool] | None:
    """At `}}` or ` -}}`: (where the text goes on, whether to trim the space after it)."""
    if text.startswith("}}", pos):
        return pos + 2, False
    if text[pos:pos + 1] in (" ", "\t", "\r", "\n") and text.startswith("-}}", pos + 1):
        return pos + 4, True
    return None


def skip_trimmed(text: str, pos: int, trim: bool) -> int:
    while trim and pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def lex_action(text: str, pos: int, items: list[Item], start: int) -> int:
    """The items of one action, from just inside `{{`; where the text after it starts."""
    if text.startswith("/*", pos):  # a comment: nothing but it in the action
        end = text.find("*/", pos + 2)
        if end < 0:
            raise LexError(pos, "unclosed comment")
        closing = right_delim(text, end + 2)
        if closing is None:
            raise LexError(end, "comment ends before closing delimiter")
        return skip_trimmed(text, closing[0], closing[1])
    items.append(Item("left", "{{", start, line_of(text, start)))
    depth = 0
    while True:
        closing = right_delim(text, pos)
        if closing is not None:
            if depth:
                raise LexError(pos, "unclosed left paren")
            items.append(Item("right", "}}", pos, line_of(text, pos)))
            return skip_trimmed(text, closing[0], closing[1])
        if pos >= len(text):
            raise LexError(pos, "unclosed action")
        pos, depth = lex_token(text, pos, items, depth)


NUMBER = re.compile(r"[+-]?(0[xX][0-9a-fA-F_]+|0[oObB][0-7_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)")
WORD = re.compile(r"[A-Za-z0-9_]*")
TERMINATORS = set(" \t\r\n.,|:)(")


def lex_token(text: str, pos: int, items: list[Item], depth: int) -> tuple[int, int]:
    char, line = text[pos], line_of(text, pos)

    def add(typ: str, end: int) -> int:
        items.append(Item(typ, text[pos:end], pos, line))
        return end

    if char in " \t\r\n":
        end = pos
        while end < len(text) and text[end] in " \t\r\n" and right_delim(text, end) is None:
            end += 1
        return add("space", max(end, pos + 1)), depth
    if char == "=":
        return add("assign", pos + 1), depth
    if char == ":":
        if text[pos + 1:pos + 2] != "=":
            raise LexError(pos, "expected :=")
        return add("declare", pos + 2), depth
    if char == "|":
        return add("pipe", pos + 1), depth
    if char == "(":
        return add("lparen", pos + 1), depth + 1
    if char == ")":
        if depth == 0:
            raise LexError(pos, "unexpected right paren")
        return add("rparen", pos + 1), depth - 1
    if char in "\"`'":
        return add(*quoted(text, pos)), depth
    if char == "$" or char.isalpha() or char == "_":
        end = WORD.match(text, pos + 1).end()  # type: ignore[union-attr]  # matches the empty string
        word = text[pos:end]
        typ = ("variable" if char == "$" else "keyword" if word in KEYWORDS else
               "bool" if word in ("true", "false") else "nil" if word == "nil" else "identifier")
        return add(typ, terminated(text, end)), depth
    if char == "." and not text[pos + 1:pos + 2].isdigit():
        end = WORD.match(text, pos + 1).end()  # type: ignore[union-attr]
        return add("field" if end > pos + 1 else "dot", terminated(text, end)), depth
    if char.isdigit() or char in "+-.":
        end = NUMBER.match(text, pos).end()  # type: ignore[union-attr]
        if end == pos or (end < len(text) and (text[end].isalnum() or text[end] == "_")):
            word_end = WORD.match(text, end).end()  # type: ignore[union-attr]
            raise LexError(pos, f"bad number syntax: {go_quote(text[pos:word_end])}")
        return add("number", end), depth
    if " " <= char <= "~":  # any other printable ASCII: a character the parser may take (`,`) or refuse
        return add("char", pos + 1), depth
    raise LexError(pos, f"bad character {go_rune(char)}")


def terminated(text: str, end: int) -> int:
    """A word must end at a space, punctuation or the closing delimiter (lex.go's atTerminator)."""
    if end >= len(text) or text[end] in TERMINATORS or right_delim(text, end) is not None:
        return end
    raise LexError(end, f"bad character {go_rune(text[end])}")


def quoted(text: str, pos: int) -> tuple[str, int]:
    """A "string", `raw string` or 'c' constant: its item type and end."""
    quote = text[pos]
    end = pos + 1
    while end < len(text) and text[end] != quote:
        if text[end] == "\\" and quote != "`":
            end += 1
        elif text[end] == "\n" and quote != "`":
            break
        end += 1
    if end >= len(text) or text[end] != quote:
        raise LexError(pos, {"`": "unterminated raw quoted string", "'": "unterminated character constant"}
                   .get(quote, "unterminated quoted string"))
    return {"\"": "string", "`": "raw", "'": "charconst"}[quote], end + 1


def go_rune(char: str) -> str:
    """fmt's %#U: U+007D '}'."""
    return f"U+{ord(char):04X} '{char}'" if char.isprintable() else f"U+{ord(char):04X}"


# ------------------------------------------------------------------ parsing (parse.go, node.go)
@dataclass
class Node:
    pos: int


@dataclass
class Text(Node):
    text: str


@dataclass
class Const(Node):  # a number, string, bool or nil, as written
    value: Any
    source: str


@dataclass
class Dot(Node):
    pass


@dataclass
class Identifier(Node):  # a function's name
    name: str


@dataclass
class Field(Node):  # .a.b
    names: list[str]


@dataclass
class Variable(Node):  # $x.a.b
    names: list[str]


@dataclass
class Chain(Node):  # (pipeline).a.b
    node: Node
    names: list[str]


@dataclass
class Command(Node):
    args: list[Node]


@dataclass
class Pipe(Node):
    decl: list[str] = field(default_factory=list)
    assign: bool = False
    cmds: list[Command] = field(default_factory=list)


@dataclass
class Action(Node):
    pipe: Pipe


@dataclass
class Branch(Node):  # if, range, with
    keyword: str
    pipe: Pipe
    body: list[Node]
    otherwise: list[Node] | None


@dataclass
class Jump(Node):  # break, continue
    keyword: str


def show(node: Node) -> str:
    """A node as Go's String() writes it back, for `executing "output" at <...>`."""
    if isinstance(node, Const):
        return node.source
    if isinstance(node, Dot):
        return "."
    if isinstance(node, Identifier):
        return node.name
    if isinstance(node, Field):
        return "".join("." + n for n in node.names)
    if isinstance(node, Variable):
        return node.names[0] + "".join("." + n for n in node.names[1:])
    if isinstance(node, Chain):
        inner = show(node.node)
        return (f"({inner})" if isinstance(node.node, Pipe) else inner) + "".join("." + n for n in node.names)
    if isinstance(node, Command):
        return " ".join(f"({show(a)})" if isinstance(a, Pipe) else show(a) for a in node.args)
    if isinstance(node, Pipe):
        decl = (", ".join(node.decl) + (" = " if node.assign else " := ")) if node.decl else ""
        return decl + " | ".join(show(c) for c in node.cmds)
    if isinstance(node, Action):
        return "{{" + show(node.pipe) + "}}"
    if isinstance(node, Branch):
        return "{{" + node.keyword + " " + show(node.pipe) + "}}"
    return ""


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items = lex(text)
        self.i = 0
        self.vars = ["$"]
        self.range_depth = 0

    # tokens
    def next(self) -> Item:
        item = self.items[self.i]
        if item.typ == "error":
            raise TemplateError(f"template: output:{item.line}: {item.val}")
        self.i += 1
        return item

    def peek(self) -> Item:
        return self.items[self.i]

    def next_non_space(self) -> Item:
        item = self.next()
        while item.typ == "space":
            item = self.next()
        return item

    def peek_non_space(self) -> Item:
        item = self.next_non_space()
        self.i -= 1
        return item

    def error(self, message: str) -> TemplateError:
        line = self.items[max(self.i - 1, 0)].line
        return TemplateError(f"template: output:{line}: {message}")

    def unexpected(self, item: Item, context: str) -> TemplateError:
        return self.error(f"unexpected {item} in {context}")

    # structure
    def parse(self) -> list[Node]:
        return self.item_list(top=True)[0]

    def item_list(self, top: bool = False) -> tuple[list[Node], str]:
        """Nodes up to {{end}} or {{else}} (which is returned: "end", "else", "else if" ...)."""
        nodes: list[Node] = []
        while True:
            item = self.next()
            if item.typ == "eof":
                if top:
                    return nodes, ""
                raise self.error("unexpected EOF")
            if item.typ == "text":
                nodes.append(Text(item.pos, item.val))
                continue
            keyword = self.peek_non_space()
            if keyword.typ == "keyword" and keyword.val in ("end", "else"):
                self.next_non_space()
                if top:
                    raise self.error(f"unexpected {{{{{keyword.val}}}}}")
                return nodes, self.control_end(keyword.val)
            nodes.append(self.action(item))

    def control_end(self, keyword: str) -> str:
        """After {{end}} or {{else}}: "end", "else", or "else if"/"else with" (to chain)."""
        token = self.next_non_space()
        if keyword == "else" and token.typ == "keyword" and token.val in ("if", "with"):
            return "else " + token.val
        if token.typ != "right":
            raise self.error(f"unexpected {token} in {keyword}")
        return keyword

    def action(self, left: Item) -> Node:
        token = self.next_non_space()
        if token.typ == "keyword":
            if token.val in ("if", "range", "with"):
                return self.branch(token.val, token.pos)
            if token.val in ("break", "continue"):
                if not self.range_depth:
                    raise self.error(f"{{{{{token.val}}}}} outside {{{{range}}}}")
                closing = self.next_non_space()
                if closing.typ != "right":
                    raise self.unexpected(closing, token.val)
                return Jump(token.pos, token.val)
            raise self.error(f"unexpected {token} in command")  # define, template, block: left out
        self.i -= 1
        return Action(left.pos, self.pipeline("command", "right"))

    def branch(self, keyword: str, pos: int) -> Branch:
        marked = len(self.vars)
        pipe = self.pipeline(keyword, "right")
        self.range_depth += keyword == "range"
        body, ending = self.item_list()
        self.range_depth -= keyword == "range"
        otherwise: list[Node] | None = None
        if ending.startswith("else "):  # {{else if ...}}: a branch of its own inside the else
            otherwise = [self.branch(ending[5:], self.items[self.i - 1].pos)]
        elif ending == "else":
            otherwise, ending = self.item_list()
            if ending != "end":
                raise self.error("expected end; found {{else}}")
        del self.vars[marked:]
        return Branch(pos, keyword, pipe, body, otherwise)

    def pipeline(self, context: str, end: str) -> Pipe:
        pipe = Pipe(self.peek_non_space().pos)
        self.declarations(pipe, context)
        while True:
            token = self.next_non_space()
            if token.typ == end:
                if not pipe.cmds:
                    raise self.error(f"missing value for {context}")
                for k, cmd in enumerate(pipe.cmds[1:], 2):
                    if isinstance(cmd.args[0], Const | Dot):
                        raise self.error(f"non executable command in pipeline stage {k}")
                return pipe
            if token.typ in ("bool", "charconst", "dot", "field", "identifier", "number", "nil", "raw", "string",
                             "variable", "lparen"):
                self.i -= 1
                pipe.cmds.append(self.command())
            else:
                raise self.unexpected(token, context)

    def declarations(self, pipe: Pipe, context: str) -> None:
        while self.peek_non_space().typ == "variable":
            start = self.i
            variable = self.next_non_space()
            after = self.peek_non_space()
            if after.typ in ("assign", "declare"):
                self.next_non_space()
                pipe.assign = after.typ == "assign"
                if pipe.assign and variable.val not in self.vars:
                    raise self.error(f"undefined variable {go_quote(variable.val)}")
                pipe.decl.append(variable.val)
                self.vars.append(variable.val)
                return
            comma = after.typ == "char" and after.val == ","
            if comma and context == "range" and not pipe.decl:
                self.next_non_space()
                pipe.decl.append(variable.val)
                self.vars.append(variable.val)
                continue
            if comma:
                raise self.error(f"too many declarations in {context}")
            self.i = start
            return

    def command(self) -> Command:
        cmd = Command(self.peek_non_space().pos, [])
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            token = self.next()
            if token.typ == "space":
                continue
            if token.typ in ("right", "rparen"):
                self.i -= 1
            elif token.typ != "pipe":
                raise self.unexpected(token, "operand")
            break
        if not cmd.args:
            raise self.error("empty command")
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None or self.peek().typ != "field":
            return node
        pos, names = self.peek().pos, []
        while self.peek().typ == "field":
            names.append(self.next().val[1:])
        if isinstance(node, Field):
            return Field(pos, node.names + names)
        if isinstance(node, Variable):
            return Variable(pos, node.names + names)
        if isinstance(node, Const):
            raise self.error(f"unexpected . after term {go_quote(node.source)}")
        return Chain(pos, node, names)

    def term(self) -> Node | None:
        token = self.next_non_space()
        typ, val, pos = token.typ, token.val, token.pos
        if typ == "identifier":
            if val not in FUNCTIONS:
                raise self.error(f"function {go_quote(val)} not defined")
            return Identifier(pos, val)
        if typ == "dot":
            return Dot(pos)
        if typ == "nil":
            return Const(pos, None, "nil")
        if typ == "variable":
            if val not in self.vars:
                raise self.error(f"undefined variable {go_quote(val)}")
            return Variable(pos, [val])
        if typ == "field":
            return Field(pos, [val[1:]])
        if typ == "bool":
            return Const(pos, val == "true", val)
        if typ in ("number", "charconst"):
            return Const(pos, self.number(val), val)
        if typ == "lparen":
            return self.pipeline("parenthesized pipeline", "rparen")
        if typ in ("string", "raw"):
            return Const(pos, val[1:-1] if typ == "raw" else unquote(val), val)
        self.i -= 1
        return None

    def number(self, text: str) -> int | float:
        if text.startswith("'"):
            return Int(ord(unquote('"' + text[1:-1] + '"')))
        plain = text.replace("_", "")
        try:
            return Int(int(plain, 0))
        except ValueError:
            pass
        try:
            return float(plain)
        except ValueError:
            raise self.error(f"illegal number syntax: {go_quote(text)}") from None


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "\\": "\\", '"': '"',
           "'": "'"}


def unquote(source: str) -> str:
    """strconv.Unquote of a "double-quoted" string."""
    def escape(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "xuU":
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        return ESCAPES[code]
    return re.sub(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)", escape, source[1:-1])
