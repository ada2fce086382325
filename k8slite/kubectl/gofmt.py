"""Go's fmt for the values kubectl hands its printers (maps of strings, lists, strings, booleans,
int64 and float64 numbers, nulls): `%v` as fmt.Print writes them (`map[app:web]`, `[a b]`,
`<nil>`, `1.5e+06`), fmt.Sprint's spacing, and fmt.Sprintf's verbs with Go's complaints about
a wrong argument (`%!d(string=web)`, `%!s(MISSING)`, `%!(EXTRA int=1)`).

Used by -o jsonpath, custom-columns and go-template (jsonpath.py, gotemplate.py). Left out:
%#v, %T of nested types, %p, and the flags '#' and ' ' for strings.
"""

from __future__ import annotations

import decimal
import re
from typing import Any

from k8slite.errors import go_quote


class Missing:
    """Go's invalid reflect.Value: what a key that is not there evaluates to."""

    def __repr__(self) -> str:
        return "<no value>"


MISSING = Missing()


class Int(int):
    """An integer constant written in the template: Go's `int`, where the object's numbers are `int64`."""


GO_TYPES = ((bool, "bool"), (Int, "int"), (int, "int64"), (float, "float64"), (str, "string"),
            (dict, "map[string]interface {}"), (list, "[]interface {}"))  # most specific first


def go_type(value: Any) -> str:
    """The Go type of a value, as fmt and text/template name it."""
    return next((name for typ, name in GO_TYPES if isinstance(value, typ)), "interface {}")


def go_float(value: float, verb: str = "v", precision: int = -1) -> str:
    """Go's %v (shortest %g: `1.5e+06`, `1000`), %e, %f and %g of a float64."""
    if value != value or value in (float("inf"), float("-inf")):
        return {"nan": "NaN", "inf": "+Inf", "-inf": "-Inf"}[str(value)]
    if verb in ("e", "f"):
        return f"{value:.{6 if precision < 0 else precision}{verb}}"
    if precision >= 0:
        return f"{value:.{max(precision, 1)}g}"
    digits = decimal.Decimal(repr(value)).normalize()
    sign, figures, exponent = digits.as_tuple()
    assert isinstance(exponent, int)
    point = len(figures) + exponent - 1  # the decimal exponent of the first digit
    text = "".join(map(str, figures))
    if -4 <= point < 6:
        return ("-" if sign else "") + format(digits, "f")
    mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
    return f"{'-' if sign else ''}{mantissa}e{'-' if point < 0 else '+'}{abs(point):02d}"


def go_print(value: Any) -> str:
    """fmt's %v of a value: map[k:v] with keys sorted, [a b], <nil>, true, 1.5e+06."""
    if value is MISSING:
        return "<no value>"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_print(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_print(v) for v in value) + "]"
    return str(value)


def sprint(args: list[Any]) -> str:
    """fmt.Sprint: a space between two operands when neither is a string."""
    out = ""
    for k, arg in enumerate(args):
        if k and not isinstance(arg, str) and not isinstance(args[k - 1], str):
            out += " "
        out += go_print(arg)
    return out


VERB = re.compile(r"%([-+# 0]*)(\d*)(?:\.(\d*))?(.)?", re.S)


def sprintf(form: str, args: list[Any]) -> str:
    """fmt.Sprintf for the verbs templates use; a wrong argument is printed as fmt does (%!d(string=x))."""
    out, used, pos = [], 0, 0
    for m in VERB.finditer(form):
        out.append(form[pos:m.start()])
        pos = m.end()
        flags, width, precision, verb = m.group(1), m.group(2), m.group(3), m.group(4)
        if verb is None:
            out.append("%!(NOVERB)")
            continue
        if verb == "%":
            out.append("%")
            continue
        if used >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        text = format_one(args[used], verb, flags, -1 if precision is None else int(precision or 0))
        used += 1
        out.append(pad(text, flags, int(width) if width else 0, verb))
    out.append(form[pos:])
    if used < len(args):
        out.append("%!(EXTRA " + ", ".join(f"{go_type(a)}={go_print(a)}" for a in args[used:]) + ")")
    return "".join(out)


def pad(text: str, flags: str, width: int, verb: str) -> str:
    if len(text) >= width:
        return text
    if "-" in flags:
        return text.ljust(width)
    if "0" in flags and verb in "dfegxXob":
        sign = text[0] if text[:1] in "+-" else ""
        return sign + text[len(sign):].rjust(width - len(sign), "0")
    return text.rjust(width)


def format_one(value: Any, verb: str, flags: str, precision: int) -> str:
    """One argument under one verb, as fmt's printArg does."""
    bad = f"%!{verb}({go_type(value)}={go_print(value)})" if value is not None else f"%!{verb}(<nil>)"
    if isinstance(value, dict) and verb != "T":
        return "map[" + " ".join(f"{k}:{format_one(value[k], verb, flags, precision)}" for k in sorted(value)) + "]"
    if isinstance(value, list) and verb != "T":
        return "[" + " ".join(format_one(v, verb, flags, precision) for v in value) + "]"
    if verb == "T":
        return go_type(value) if value is not None else "<nil>"
    if value is None or value is MISSING:
        return "<nil>" if verb == "v" else bad
    if isinstance(value, bool):
        return go_print(value) if verb in "vt" else bad
    if isinstance(value, int):
        sign = "+" if "+" in flags and value >= 0 else " " if " " in flags and value >= 0 else ""
        number = {"v": "d", "d": "d", "x": "x", "X": "X", "o": "o", "b": "b"}.get(verb)
        if number:
            return sign + format(value, number)
        if verb == "c":
            return chr(value)
        if verb == "q":
            return "'" + chr(value) + "'"
        if verb == "U":
            return f"U+{value:04X}"
        return bad
    if isinstance(value, float):
        if verb in "vefg":
            sign = "+" if "+" in flags and value >= 0 else ""
            return sign + go_float(value, "v" if verb in "vg" and precision < 0 else verb, precision)
        return bad
    text = str(value)
    if verb in "vs":
        return text[:precision] if precision >= 0 else text
    if verb == "q":
        return go_quote(text)
    if verb in "xX":
        hexed = text.encode().hex()
        return hexed.upper() if verb == "X" else hexed
    return bad
