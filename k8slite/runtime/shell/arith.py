"""Shell arithmetic, the ``$((...))`` of POSIX sh (2.6.4), on integers: + - * / %,
comparisons, ! && || and parentheses; it leaves out assignments (``i += 1``, ``i++``),
bit operations, the ternary operator and bases other than 10.

Precedence climbing over a token list: each level of ``LEVELS`` binds tighter than
the one before it. A name (``i`` or ``$i``) reads the variable, empty or unset is 0.
Division truncates toward zero, as in C.
"""

from __future__ import annotations

import re
from collections.abc import Callable

TOKEN = re.compile(r"\s*(\d+|\$?\{?[A-Za-z_][A-Za-z0-9_]*\}?|<=|>=|==|!=|&&|\|\||[-+*/%()<>!])")
LEVELS: tuple[tuple[str, ...], ...] = (
    ("||",), ("&&",), ("==", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "/", "%"),
)


class ArithError(Exception):
    """A bad expression; the message reads like sh's."""


def tokenize(expr: str) -> list[str]:
    tokens, pos = [], 0
    while expr[pos:].strip():
        match = TOKEN.match(expr, pos)
        if not match:
            raise ArithError(f"sh: arithmetic syntax error: {expr.strip()!r}")
        tokens.append(match.group(1))
        pos = match.end()
    return tokens


def apply(op: str, a: int, b: int) -> int:
    if op in ("/", "%") and b == 0:
        raise ArithError("sh: divide by zero")
    if op == "/":
        return abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
    if op == "%":
        return a - apply("/", a, b) * b
    results = {
        "+": a + b, "-": a - b, "*": a * b, "<": a < b, "<=": a <= b, ">": a > b,
        ">=": a >= b, "==": a == b, "!=": a != b, "&&": bool(a and b), "||": bool(a or b),
    }
    return int(results[op])


class Evaluator:
    def __init__(self, tokens: list[str], lookup: Callable[[str], str | None]) -> None:
        self.tokens = tokens
        self.lookup = lookup

    def take(self) -> str:
        if not self.tokens:
            raise ArithError("sh: arithmetic syntax error")
        return self.tokens.pop(0)

    def level(self, i: int) -> int:
        if i == len(LEVELS):
            return self.unary()
        value = self.level(i + 1)
        while self.tokens and self.tokens[0] in LEVELS[i]:
            op = self.take()
            value = apply(op, value, self.level(i + 1))
        return value

    def unary(self) -> int:
        tok = self.take()
        if tok in ("-", "+", "!"):
            value = self.unary()
            return {"-": -value, "+": value, "!": int(not value)}[tok]
        if tok == "(":
            value = self.level(0)
            if self.take() != ")":
                raise ArithError("sh: arithmetic syntax error: missing ')'")
            return value
        if tok.isdigit():
            return int(tok)
        return self.variable(tok.strip("${}"))

    def variable(self, name: str) -> int:
        text = (self.lookup(name) or "0").strip()
        try:
            return int(text)
        except ValueError:
            raise ArithError(f"sh: arithmetic syntax error: {name}={text!r} is not a number") from None


def evaluate(expr: str, lookup: Callable[[str], str | None]) -> int:
    """The value of ``expr``; variables are read with ``lookup(name)``."""
    evaluator = Evaluator(tokenize(expr), lookup)
    value = evaluator.level(0)
    if evaluator.tokens:
        raise ArithError(f"sh: arithmetic syntax error: {expr.strip()!r}")
    return value
