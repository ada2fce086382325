"""kubectl's JSONPath: `-o jsonpath=...`, `-o custom-columns=...` and `--sort-by`.

Mirrors k8s.io/client-go/util/jsonpath as kubectl uses it: a template is text
with `{...}` expressions; `.field`, `['field']`, `[0]`, `[-1]`, `[1:3]`,
`[*]`, `.*`, `..field` (at any depth), unions `[0,2]`, filters
`[?(@.status.phase=="Running")]` (==, !=, <, <=, >, >=, or just a path),
`{range .items[*]}...{end}` and string literals such as `{"\\n"}`. A field
that is not there prints nothing (kubectl's --allow-missing-template-keys).
Several results of one expression are separated by a space; maps and lists
print as compact JSON, other values as Go prints them.

custom-columns takes `HEADER:path` pairs and prints a table, a cell's
values joined by commas, maps and lists the way Go's `%v` shows them
(`map[ip:10.244.1.2]`), and `<none>` where nothing is found.
`-o jsonpath-as-json` prints each part's results (text too) as a JSON array. Left out:
regular-expression filters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from k8slite.api.serialize import go_json
from k8slite.kubectl.gofmt import go_print
from k8slite.kubectl.gosort import go_sort, natural_less

MISSING = object()


class JSONPathError(ValueError):
    """A template kubectl cannot parse; the message is kubectl's `error: ...` line."""


# ------------------------------------------------------------------ parsing
def split_template(template: str) -> list[tuple[str, str]]:
    """[("text", "..."), ("expr", ".metadata.name"), ...]: literal text and the insides of braces."""
    parts, i = [], 0
    while i < len(template):
        start = template.find("{", i)
        if start < 0:
            parts.append(("text", template[i:]))
            break
        if start > i:
            parts.append(("text", template[i:start]))
        end = closing_brace(template, start)
        parts.append(("expr", template[start + 1:end].strip()))
        i = end + 1
    return parts


def closing_brace(template: str, start: int) -> int:
    quote = ""
    for j in range(start + 1, len(template)):
        ch = template[j]
        if quote:
            quote = "" if ch == quote and template[j - 1] != "\\" else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "}":
            return j
    raise JSONPathError(f"unclosed action in template {template!r}")


def path_steps(path: str) -> list[tuple[str, Any]]:
    """`.items[*].metadata.name` -> [("field", "items"), ("all", None), ("field", "metadata"), ...]."""
    steps: list[tuple[str, Any]] = []
    i = 1 if path[:1] in "$@" else 0
    while i < len(path):
        if path.startswith("..", i):
            name, i = read_name(path, i + 2)
            steps.append(("deep", name))
        elif path[i] == ".":
            name, i = read_name(path, i + 1)
            steps.append(("all", None) if name == "*" else ("field", name))
        elif path[i] == "[":
            end = matching_bracket(path, i)
            steps.append(bracket_step(path[i + 1:end].strip()))
            i = end + 1
        else:
            raise JSONPathError(f"unrecognized character in action: {path[i]!r} in {path!r}")
    return steps


def read_name(path: str, i: int) -> tuple[str, int]:
    """A field name up to the next unescaped `.` or `[` (`kubernetes\\.io/change-cause` keeps its dot)."""
    name = []
    while i < len(path) and path[i] not in ".[":
        if path[i] == "\\" and i + 1 < len(path):
            i += 1
        name.append(path[i])
        i += 1
    return "".join(name), i


def matching_bracket(path: str, i: int) -> int:
    depth, quote = 0, ""
    for j in range(i, len(path)):
        ch = path[j]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return j
    raise JSONPathError(f"unterminated array in {path!r}")


def bracket_step(inside: str) -> tuple[str, Any]:
    if inside == "*":
        return ("all", None)
    if inside.startswith("?(") and inside.endswith(")"):
        return ("filter", parse_condition(inside[2:-1].strip()))
    if ":" in inside and not inside.startswith(("'", '"')):
        bounds = [int(b) if b.strip() else None for b in inside.split(":")]
        return ("slice", tuple(bounds + [None] * (3 - len(bounds))))
    items = [s.strip() for s in inside.split(",")]
    if all(re.fullmatch(r"-?\d+", s) for s in items):
        return ("index", [int(s) for s in items])
    return ("keys", [s.strip("'\"") for s in items])


def parse_condition(text: str) -> tuple[list[tuple[str, Any]], str, Any]:
    """`@.status.phase=="Running"` -> (steps, "==", "Running"); a bare `@.x` tests that x is there."""
    match = re.fullmatch(r"(@[^=!<>]*?)\s*(==|!=|<=|>=|<|>)\s*(.+)", text)
    if not match:
        return path_steps(text), "exists", None
    left, op, right = match.groups()
    right = right.strip()
    value: Any
    if right[:1] in "\"'":
        value = right[1:-1]
    elif right.startswith("@"):
        value = ("path", path_steps(right))
    else:
        value = float(right) if re.fullmatch(r"-?\d+(\.\d+)?", right) else right
    return path_steps(left.strip()), op, value


# ------------------------------------------------------------------ evaluating
def evaluate(steps: list[tuple[str, Any]], root: Any) -> list[Any]:
    values = [root]
    for kind, arg in steps:
        values = [found for value in values for found in apply_step(kind, arg, value)]
    return values


def apply_step(kind: str, arg: Any, value: Any) -> Iterator[Any]:
    if kind == "field" and isinstance(value, dict) and arg in value:
        yield value[arg]
    elif kind == "keys" and isinstance(value, dict):
        yield from (value[k] for k in arg if k in value)
    elif kind == "all":
        yield from ([value[k] for k in sorted(value)] if isinstance(value, dict)
                    else value if isinstance(value, list) else [])
    elif kind == "index" and isinstance(value, list):
        yield from (value[i] for i in arg if -len(value) <= i < len(value))
    elif kind == "slice" and isinstance(value, list):
        yield from value[slice(*arg)]
    elif kind == "deep":
        yield from descendants(value, arg)
    elif kind == "filter" and isinstance(value, list):
        yield from (item for item in value if holds(arg, item))


def descendants(value: Any, name: str) -> Iterator[Any]:
    if isinstance(value, dict):
        if name in value:
            yield value[name]
        for key in sorted(value):
            yield from descendants(value[key], name)
    elif isinstance(value, list):
        for item in value:
            yield from descendants(item, name)


def holds(condition: tuple[list[tuple[str, Any]], str, Any], item: Any) -> bool:
    steps, op, wanted = condition
    found = evaluate(steps, item)
    if op == "exists":
        return bool(found)
    if isinstance(wanted, tuple):
        wanted = (evaluate(wanted[1], item) or [MISSING])[0]
    if not found:
        return op == "!="
    left = found[0]
    if isinstance(wanted, float) and isinstance(left, int | float) and not isinstance(left, bool):
        left = float(left)
    elif not isinstance(left, type(wanted)):
        left, wanted = str(left), str(wanted)
    try:
        return {"==": left == wanted, "!=": left != wanted, "<": left < wanted, "<=": left <= wanted,
                ">": left > wanted, ">=": left >= wanted}[op]
    except TypeError:
        return False


# ------------------------------------------------------------------ printing
def go_text(value: Any) -> str:
    """How client-go's jsonpath prints one result: JSON for maps and lists, Go's fmt for the rest."""
    if isinstance(value, dict | list):
        return go_json(value)
    return go_print(value)


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}


def literal(expr: str) -> str | None:
    """A quoted string action, `{"\\n"}`, with its escapes; None if expr is not one."""
    if len(expr) >= 2 and expr[0] == expr[-1] and expr[0] in "\"'":
        return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), expr[1:-1])
    return None


def render(template: str, data: Any, as_json: bool = False) -> str:
    """The text `-o jsonpath=TEMPLATE` prints for data (an object, or a List of them); as_json
    (-o jsonpath-as-json): each expression's results as an indented JSON array instead."""
    out: list[str] = []
    render_parts(split_template(template), data, out, as_json)
    return "".join(out)


def render_parts(parts: list[tuple[str, str]], data: Any, out: list[str], as_json: bool = False) -> None:
    i = 0
    while i < len(parts):
        kind, text = parts[i]
        if kind == "text":
            out.append(go_json([text], indent=4) + "\n" if as_json else text)
        elif text.startswith("range "):
            end = matching_end(parts, i)
            for item in evaluate(path_steps(text[6:].strip()), data):
                render_parts(parts[i + 1:end], item, out, as_json)
            i = end
        elif text == "end":
            raise JSONPathError("not in range, nothing to end")
        elif (quoted := literal(text)) is not None:
            out.append(go_json([quoted], indent=4) + "\n" if as_json else quoted)
        elif as_json:
            out.append(go_json(evaluate(path_steps(text), data), indent=4) + "\n")
        else:
            out.append(" ".join(go_text(v) for v in evaluate(path_steps(text), data)))
        i += 1


def matching_end(parts: list[tuple[str, str]], start: int) -> int:
    depth = 0
    for j in range(start, len(parts)):
        kind, text = parts[j]
        if kind == "expr" and text.startswith("range "):
            depth += 1
        elif kind == "expr" and text == "end":
            depth -= 1
            if depth == 0:
                return j
    raise JSONPathError("unclosed range")


def as_expression(path: str) -> str:
    """kubectl's massage: `.metadata.name` or `metadata.name` -> `.metadata.name` (braces stripped)."""
    path = path.strip()
    if path.startswith("{") and path.endswith("}"):
        path = path[1:-1]
    return path if path.startswith((".", "[", "$", "@")) else "." + path


def values_at(path: str, data: Any) -> list[Any]:
    return evaluate(path_steps(as_expression(path)), data)


def custom_columns(spec: str, objects: list[dict[str, Any]], headers: bool = True) -> list[list[str]]:
    """The rows of `-o custom-columns=NAME:.metadata.name,...` (header first)."""
    columns = []
    for column in spec.split(","):
        name, sep, path = column.partition(":")
        if not sep or not name:
            raise JSONPathError("custom-columns format specified, but no custom columns given" if not spec else
                                f"unexpected custom-columns spec: {column}, expected <header>:<json-path-expr>")
        columns.append((name, path))
    rows = [[name for name, _ in columns]] if headers else []
    for obj in objects:
        rows.append([",".join(go_print(v) for v in values_at(path, obj)) or "<none>" for _, path in columns])
    return rows


def sort_by(path: str, objects: list[Any]) -> list[Any]:
    """--sort-by: the objects in kubectl's order (sorter.go): its Less over the path's first value, by
    Go's sort.Sort (not stable) from the order the server lists them in (as given)."""
    keyed = [(values_at(path, o.to_dict()), o) for o in objects]
    go_sort(keyed, lambda x, y: value_less(x[0], y[0]))
    return [o for _, o in keyed]


def value_less(i: list[Any], j: list[Any]) -> bool:
    """kubectl's Less: an object without the field first; strings in natural order, numbers by value."""
    if not i:
        return True
    if not j:
        return False
    a, b = i[0], j[0]
    if isinstance(a, bool) and isinstance(b, bool):
        return not a and b
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool | str):
        return bool(a < b)
    return natural_less(a if isinstance(a, str) else go_print(a), b if isinstance(b, str) else go_print(b))
