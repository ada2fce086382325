"""Short excerpts of the package, printed in the notebooks: the book shows the code it runs.

Every chapter prints a few lines of the module it teaches (``excerpt(Kubelet.sync_pod, "def",
"return")``), so that the text and the code can never disagree: the excerpt is read from the
installed package when the cell runs, and nbval compares it with the stored output.
"""

from __future__ import annotations

import inspect
import textwrap
from typing import Any

Bound = int | str | None


def line_index(lines: list[str], bound: Bound, default: int, start: int = 0) -> int:
    """The 0-based index of a bound: a 1-based line number (negative counts from the end),
    or the first line at or after ``start`` that contains a text."""
    if bound is None:
        return default
    if isinstance(bound, str):
        for index in range(start, len(lines)):
            if bound in lines[index]:
                return index
        raise ValueError(f"no line containing {bound!r} in the excerpted source")
    if bound == 0 or abs(bound) > len(lines):
        raise ValueError(f"line {bound} is outside the source's {len(lines)} lines (counted from 1)")
    return bound - 1 if bound > 0 else len(lines) + bound


def source_lines(obj: Any, first: Bound = None, last: Bound = None) -> str:
    """Lines ``first``..``last`` (both included) of an object's source, dedented."""
    lines = inspect.getsource(obj).splitlines()
    start = line_index(lines, first, 0)
    stop = line_index(lines, last, len(lines) - 1, start)
    return textwrap.dedent("\n".join(lines[start : stop + 1]))


def excerpt(obj: Any, first: Bound = None, last: Bound = None) -> None:
    """Print the source of a function or class, or lines ``first``..``last`` of it.

    A bound is a line number counted from 1 (-1 is the last line) or a text: the first line
    that contains it (for ``last``, the first such line at or after ``first``).
    """
    print(source_lines(obj, first, last))
