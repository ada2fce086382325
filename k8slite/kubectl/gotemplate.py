"""kubectl's `-o go-template` (k8s.io/cli-runtime/pkg/printers/template.go): Go's text/template
run over the object's JSON, as in the Kubernetes Basics tutorial's

    kubectl get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'

Mirrors text/template's exec.go and funcs.go (the parser is gotemplate_parse.py) on the values
kubectl hands it: maps of strings, lists, strings, booleans, integers (JSON's int64) and nulls
(Go's fmt for them is gofmt.py). `.a.b` looks up keys;
a key that is not there prints `<no value>` (kubectl's --allow-missing-template-keys), a
field of a string is an error; `{{range}}` walks a list, or a map's keys in order; `{{if}}`,
`{{with}}`, `{{else}}`, variables (`$x := ...`, `$` the object), pipelines (`.x | printf "%s"`),
`{{- -}}` trimming and comments, and the functions and, or, not, len, index, slice, print,
printf, println, eq, ne, lt, le, gt, ge, html, js, urlquery, with kubectl's `base64decode` and
`exists`. Numbers print as Go prints them (`1.5e+06`); an integer and a float do not compare
(`eq .spec.replicas 2.0`: "incompatible types for comparison"). Errors read as kubectl's:
parse errors name the line, execution errors the line, column and action (kubectl prints what
the template made so far, then the template and the data to debug it). Left out: `define`,
`template`, `block`, `call`, complex numbers, and printf's rarer verbs and flags.
"""

from __future__ import annotations

import base64
import binascii
import html
import urllib.parse
from collections.abc import Callable
from typing import Any

from k8slite.api.serialize import go_json
from k8slite.errors import go_quote
from k8slite.kubectl.command import Refusal
from k8slite.kubectl.gofmt import MISSING, Int, go_print, go_type, sprint, sprintf
from k8slite.kubectl.gotemplate_parse import (
    Action,
    Branch,
    Chain,
    Command,
    Const,
    Dot,
    Field,
    Identifier,
    Jump,
    Node,
    Parser,
    Pipe,
    TemplateError,
    Text,
    Variable,
    show,
)


class Jumped(Exception):
    def __init__(self, keyword: str) -> None:
        self.keyword = keyword


def truth(value: Any) -> bool:
    """isTrue: false, 0, "", empty maps and lists, nil and missing are false."""
    if value is MISSING or value is None:
        return False
    return bool(value)


def dig(value: Any) -> Any:
    """A nil interface{} becomes no value at all (evalPipeline's "dig down one level")."""
    return MISSING if value is None else value


class State:
    """One execution: the output so far, the variables, and the node being evaluated (for errors)."""

    def __init__(self, text: str, data: Any) -> None:
        self.text = text
        self.out: list[str] = []
        self.vars: list[tuple[str, Any, str]] = [("$", data, "map[string]interface {}")]
        self.node: Node = Text(0, "")

    def at(self, node: Node) -> None:
        self.node = node

    def error(self, message: str) -> TemplateError:
        pos = self.node.pos
        line = self.text.count("\n", 0, pos) + 1
        column = pos - (self.text.rfind("\n", 0, pos) + 1)
        return TemplateError(f'template: output:{line}:{column}: executing "output" at <{show(self.node)}>: '
                             f"{message}")

    def variable(self, name: str) -> tuple[Any, str]:
        for known, value, typ in reversed(self.vars):
            if known == name:
                return value, typ
        raise self.error(f"undefined variable: {name}")

    def walk(self, dot: Any, dot_type: str, nodes: list[Node]) -> None:
        for node in nodes:
            if isinstance(node, Text):
                self.out.append(node.text)
            elif isinstance(node, Action):
                self.at(node)
                value = self.pipeline(dot, dot_type, node.pipe)
                if not node.pipe.decl:
                    self.at(node)
                    self.out.append(go_print(value))
            elif isinstance(node, Branch):
                self.branch(dot, dot_type, node)
            elif isinstance(node, Jump):
                raise Jumped(node.keyword)

    def branch(self, dot: Any, dot_type: str, node: Branch) -> None:
        mark = len(self.vars)
        try:
            value = self.pipeline(dot, dot_type, node.pipe)
            if node.keyword == "range":
                self.range(dot, dot_type, node, value)
            elif truth(value):
                self.walk(value if node.keyword == "with" else dot,
                          go_type(value) if node.keyword == "with" else dot_type, node.body)
            elif node.otherwise is not None:
                self.walk(dot, dot_type, node.otherwise)
        finally:
            del self.vars[mark:]

    def range(self, dot: Any, dot_type: str, node: Branch, value: Any) -> None:
        if isinstance(value, list):
            pairs: list[tuple[Any, Any]] = [(Int(i), v) for i, v in enumerate(value)]
        elif isinstance(value, dict):
            pairs = [(k, value[k]) for k in sorted(value)]
        elif value is MISSING:
            pairs = []
        else:
            raise self.error(f"range can't iterate over {go_print(value)}")
        mark = len(self.vars)
        for key, element in pairs:
            if node.pipe.decl:
                self.vars[mark - 1] = (node.pipe.decl[-1], element, "interface {}")
            if len(node.pipe.decl) > 1:
                self.vars[mark - 2] = (node.pipe.decl[0], key, go_type(key))
            try:
                self.walk(element, "interface {}", node.body)
            except Jumped as jump:
                if jump.keyword == "break":
                    break
            finally:
                del self.vars[mark:]
        if not pairs and node.otherwise is not None:
            self.walk(dot, dot_type, node.otherwise)

    def pipeline(self, dot: Any, dot_type: str, pipe: Pipe) -> Any:
        self.at(pipe)
        value: Any = MISSING
        final = False
        for cmd in pipe.cmds:
            value = dig(self.command(dot, dot_type, cmd, value if final else MISSING, final))
            final = True
        for name in pipe.decl:
            if pipe.assign:
                index = max(i for i, (known, _, _) in enumerate(self.vars) if known == name)
                self.vars[index] = (name, value, go_type(value))
            else:
                self.vars.append((name, value, go_type(value)))
        return value

    def command(self, dot: Any, dot_type: str, cmd: Command, final: Any, has_final: bool) -> Any:
        first, args = cmd.args[0], cmd.args[1:]
        if isinstance(first, Field):
            self.at(first)
            return self.chain(dot, dot_type, first.names, args, has_final)
        if isinstance(first, Chain):
            self.at(first)
            value = self.argument(dot, dot_type, first.node)
            return self.chain(value, go_type(value), first.names, args, has_final)
        if isinstance(first, Identifier):
            self.at(first)
            return self.call(dot, dot_type, first.name, cmd, args, final, has_final)
        if isinstance(first, Variable):
            self.at(first)
            value, typ = self.variable(first.names[0])
            if len(first.names) == 1:
                self.not_a_function(args, has_final, first)
                return value
            return self.chain(value, typ, first.names[1:], args, has_final)
        if isinstance(first, Pipe):
            self.not_a_function(args, has_final, first)
            return self.pipeline(dot, dot_type, first)
        self.at(first)
        self.not_a_function(args, has_final, first)
        if isinstance(first, Dot):
            return dot
        assert isinstance(first, Const)
        if first.value is None:
            raise self.error("nil is not a command")
        return first.value

    def not_a_function(self, args: list[Node], has_final: bool, node: Node) -> None:
        if args or has_final:
            raise self.error(f"can't give argument to non-function {show(node)}")

    def chain(self, receiver: Any, typ: str, names: list[str], args: list[Node], has_final: bool) -> Any:
        """evalFieldChain: each name a key of the map before it; the last may not take arguments."""
        for k, name in enumerate(names):
            if receiver is MISSING:
                return MISSING
            if receiver is None:
                raise self.error(f"nil pointer evaluating {typ}.{name}")
            if not isinstance(receiver, dict):
                raise self.error(f"can't evaluate field {name} in type {typ}")
            if k == len(names) - 1 and (args or has_final):
                raise self.error(f"{name} is not a method but has arguments")
            receiver, typ = receiver.get(name, MISSING), "interface {}"
        return receiver

    def argument(self, dot: Any, dot_type: str, node: Node) -> Any:
        """evalArg: an argument's value (a missing one is passed as nil)."""
        self.at(node)
        if isinstance(node, Dot):
            return dot
        if isinstance(node, Const):
            return node.value
        if isinstance(node, Field):
            return self.chain(dot, dot_type, node.names, [], False)
        if isinstance(node, Variable):
            value, typ = self.variable(node.names[0])
            return self.chain(value, typ, node.names[1:], [], False)
        if isinstance(node, Pipe):
            return self.pipeline(dot, dot_type, node)
        if isinstance(node, Identifier):
            return self.call(dot, dot_type, node.name, node, [], MISSING, False)
        assert isinstance(node, Chain)
        value = self.argument(dot, dot_type, node.node)
        return self.chain(value, go_type(value), node.names, [], False)

    def call(self, dot: Any, dot_type: str, name: str, cmd: Node, args: list[Node], final: Any,
             has_final: bool) -> Any:
        if name in ("and", "or"):  # short-circuit: the first false (and) or true (or) argument
            nodes = list(args)
            if not nodes and not has_final:
                raise self.error(f"wrong number of args for {name}: want at least 1 got 0")
            value: Any = MISSING
            for k, node in enumerate(nodes):
                value = self.argument(dot, dot_type, node)
                if truth(value) == (name == "or") or (k == len(nodes) - 1 and not has_final):
                    return value
            return final
        values = [self.argument(dot, dot_type, a) for a in args] + ([final] if has_final else [])
        values = [None if v is MISSING else v for v in values]  # passed to a function: a nil interface{}
        function, arity = BUILTINS[name]
        if arity >= 0 and len(values) != arity:
            raise self.error(f"wrong number of args for {name}: want {arity} got {len(values)}")
        if arity < -1 and len(values) < -arity - 1:
            raise self.error(f"wrong number of args for {name}: want at least {-arity - 1} got {len(values)}")
        try:
            return function(*values)
        except CallError as error:
            self.at(cmd)
            raise self.error(f"error calling {name}: {error}") from None


class CallError(Exception):
    """A function's error (text/template wraps it as `error calling <name>: ...`)."""


BASIC_KINDS = ((bool, "bool"), (int, "int"), (float, "float"), (str, "string"))


def kind(value: Any) -> str:
    """basicKind: the class of a value eq and lt compare within."""
    if value is MISSING or value is None:
        return "invalid"
    return next((name for typ, name in BASIC_KINDS if isinstance(value, typ)), "other")


def eq(first: Any, *others: Any) -> bool:
    if not others:
        raise CallError("missing argument for comparison")
    for other in others:
        if kind(first) != kind(other):
            if kind(first) != "invalid" and kind(other) != "invalid":
                raise CallError("incompatible types for comparison")
        elif kind(first) == "other":
            raise CallError(f"non-comparable type {go_print(other)}: {go_type(other)}")
        elif first == other:
            return True
    return False


def less(first: Any, second: Any) -> bool:
    for value in (first, second):
        if kind(value) in ("invalid", "other", "bool"):
            raise CallError("invalid type for comparison")
    if kind(first) != kind(second):
        raise CallError("incompatible types for comparison")
    return bool(first < second)


def length(item: Any) -> int:
    if item is MISSING or item is None:
        raise CallError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(item, str):
        return Int(len(item.encode()))
    if isinstance(item, dict | list):
        return Int(len(item))
    raise CallError(f"len of type {go_type(item)}")


def index(item: Any, *keys: Any) -> Any:
    for key in keys:
        if item is MISSING or item is None:
            raise CallError("index of untyped nil")
        if isinstance(item, dict):
            if not isinstance(key, str):
                raise CallError(f"value has type {go_type(key)}; should be string")
            item = item.get(key)
        elif isinstance(item, list | str):
            sequence = item.encode() if isinstance(item, str) else item
            if key is None or key is MISSING:
                raise CallError("cannot index slice/array with nil")
            if isinstance(key, bool) or not isinstance(key, int):
                raise CallError(f"cannot index slice/array with type {go_type(key)}")
            if not 0 <= key < len(sequence):
                raise CallError(f"index out of range: {key}")
            item = sequence[key]
        else:
            raise CallError(f"can't index item of type {go_type(item)}")
    return item


def slice_(item: Any, *bounds: Any) -> Any:
    if not isinstance(item, str | list):
        raise CallError(f"can't slice item of type {go_type(item) if item is not MISSING else 'nil'}")
    numbers = [int(b) for b in bounds]
    if len(numbers) > 2 or any(n < 0 or n > len(item) for n in numbers) or numbers != sorted(numbers):
        raise CallError(f"index out of range: {numbers[-1]}")
    return item[slice(*numbers)] if numbers else item


def js_escape(text: str) -> str:
    """template.JSEscapeString."""
    table = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026",
             "=": "\\u003D", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return "".join(table.get(c, c if c.isprintable() else f"\\u{ord(c):04X}") for c in text)


def base64decode(value: Any) -> str:
    """kubectl's base64decode: a Secret's data as text."""
    try:
        return base64.b64decode(str(value), validate=True).decode(errors="replace")
    except (binascii.Error, ValueError) as error:
        raise CallError(f"base64 decode failed: {error}") from None


def exists(item: Any, *indices: Any) -> bool:
    """kubectl's exists: whether index item i1 i2 ... would find something."""
    for key in indices:
        if isinstance(item, dict) and isinstance(key, str) and key in item:
            item = item[key]
        elif isinstance(item, list) and isinstance(key, int) and 0 <= key < len(item):
            item = item[key]
        else:
            return False
    return True


BUILTINS: dict[str, tuple[Callable[..., Any], int]] = {  # arity: n exactly, -1 any, -(n+1) at least n
    "not": (lambda value: not truth(value), 1),
    "len": (length, 1),
    "index": (index, -2),
    "slice": (slice_, -2),
    "print": (lambda *args: sprint(list(args)), -1),
    "println": (lambda *args: " ".join(go_print(a) for a in args) + "\n", -1),
    "printf": (lambda form, *args: sprintf(str(form), list(args)), -2),
    "eq": (eq, -2),
    "ne": (lambda a, b: not eq(a, b), 2),
    "lt": (less, 2),
    "le": (lambda a, b: less(a, b) or eq(a, b), 2),
    "gt": (lambda a, b: not less(a, b) and not eq(a, b), 2),
    "ge": (lambda a, b: not less(a, b), 2),
    "html": (lambda *args: html.escape(sprint(list(args))).replace("&#x27;", "&#39;").replace("&quot;", "&#34;"),
             -1),
    "js": (lambda *args: js_escape(sprint(list(args))), -1),
    "urlquery": (lambda *args: urllib.parse.quote_plus(sprint(list(args))), -1),
    "base64decode": (base64decode, 1),
    "exists": (exists, -2),
}


# ------------------------------------------------------------------ kubectl's printer
def parse(template: str) -> list[Node]:
    """The template's nodes; a TemplateError (kubectl: `error parsing template ...`) if it is wrong."""
    return Parser(template).parse()


def execute(template: str, nodes: list[Node], data: Any) -> tuple[str, TemplateError | None]:
    """What the template prints for data, and the error that stopped it, if one did."""
    state = State(template, data)
    try:
        state.walk(data, "map[string]interface {}", nodes)
    except TemplateError as error:
        return "".join(state.out), error
    return "".join(state.out), None


def render(template: str, data: dict[str, Any]) -> str:
    """kubectl's GoTemplatePrinter: the text, or an error with kubectl's debugging help before it."""
    try:
        nodes = parse(template)
    except TemplateError as wrong:
        raise ValueError(f"error parsing template {template}, {wrong}") from None
    text, error = execute(template, nodes, data)
    if error is None:
        return text
    raise PrintError(f"{text}Error executing template: {error}. Printing more information for debugging the "
                     f"template:\n\ttemplate was:\n\t\t{template}\n\traw data was:\n\t\t{go_json(data)}\n"
                     f"\tobject given to template engine was:\n\t\t{go_print(data)}\n\n"
                     f"error: error executing template {go_quote(template)}: {error}")


class PrintError(Refusal):
    """What kubectl writes when a template fails: its output, the debugging help, the `error:` line."""
