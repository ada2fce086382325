"""Go's text/tabwriter, which lines up kubectl's columns (kubectl uses it for `get` tables and for `describe`).

A cell is text ended by a tab; the last cell of a line is not part of a
column. A column block is a run of consecutive lines that all have a cell in
that column; its width is the widest cell plus padding, and at least
minwidth. That is why `describe` keys line up only with their neighbours:
a line without a tab ends the block. kubectl's tables use minwidth 6 and
padding 3 (printers.GetNewTabWriter); `kubectl describe` uses 0 and 2.
Left out: tabwriter's flags (AlignRight, Debug, DiscardEmptyColumns ...),
escaped text and HTML filtering, none of which kubectl uses.
"""

from __future__ import annotations


def tabwrite(lines: list[list[str]], minwidth: int = 6, padding: int = 3) -> str:
    """Each line is its cells (the text between tabs); the text, columns padded, one newline per line."""
    out = [""] * len(lines)

    def block(top: int, bottom: int, column: int) -> None:
        # Go's format(): find each run of lines that have a cell in `column`, size it, recurse to the right.
        line = top
        while line < bottom:
            if column >= len(lines[line]) - 1:
                line += 1
                continue
            start = line
            while line < bottom and column < len(lines[line]) - 1:
                line += 1
            width = max(minwidth, *(len(lines[i][column]) + padding for i in range(start, line)))
            for i in range(start, line):
                out[i] += lines[i][column].ljust(width)
            block(start, line, column + 1)

    block(0, len(lines), 0)
    return "".join(o + cells[-1] + "\n" for o, cells in zip(out, lines))
