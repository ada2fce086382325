"""The course's command line: ``python -m k8slite.course workspace DIR``, ``... list`` and ``... glossary``.

``workspace`` writes the learner's copy of every book notebook into DIR and never
overwrites one already there; ``list`` prints the exercises the book holds;
``glossary`` prints every term of the course in English and Chinese, with its chapter.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat

from k8slite.course.glossary import format_glossary
from k8slite.course.workspace import (
    book_notebooks,
    default_book,
    find_exercises,
    make_workspace,
    parse_header,
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m k8slite.course", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    workspace = commands.add_parser("workspace", help="write the learner's notebooks into DIR")
    workspace.add_argument("dir", type=Path, metavar="DIR")
    listing = commands.add_parser("list", help="print the exercises in the book")
    for command in (workspace, listing):
        command.add_argument("--book", type=Path, default=default_book(), help="folder of the book's notebooks")
    commands.add_parser("glossary", help="print the glossary: English, Chinese (中文), chapter, definition")
    return parser.parse_args(argv)


def list_exercises(book: Path) -> list[str]:
    """One line per exercise: notebook, id and title."""
    lines = []
    for path in book_notebooks(book):
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        for exercise_id, index in find_exercises(nb):
            header = parse_header(nb.cells[index].source)
            title = header[1] if header else ""
            lines.append(f"{exercise_id}  {path.name}  {title}")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "glossary":
        print(format_glossary())
        return 0
    try:
        lines = make_workspace(args.book, args.dir) if args.command == "workspace" else list_exercises(args.book)
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `... glossary | head` stopped reading: end quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python exits
        sys.exit(1)
