"""Other answers to the book's exercises, one module per chapter (``ch03.py``), read by
tests/course/test_answers.py.

Each module defines two dicts keyed by exercise id:

- ``RIGHT["03.1"]``: a correct answer written differently from the book's solution (another
  form the check accepts, e.g. a URL without its trailing slash). With it in place of the
  solution, the check passes AND ``pytest --nbval`` passes on the learner's workspace.
- ``WRONG["03.1"]``: a list of ``(why, answer)``: plausible mistakes a learner makes; with each
  in place of the solution the check cell must raise AssertionError.

An answer is the code that replaces the lines between ``### BEGIN SOLUTION`` and
``### END SOLUTION``, written without the block's indentation (the harness indents it to the
BEGIN marker's); for an exercise cell with several blocks (06.2) it is a list, one per block.
"""

from __future__ import annotations

import importlib

Answer = str | list[str]


def answers_of(chapter: str) -> tuple[dict[str, Answer], dict[str, list[tuple[str, Answer]]]]:
    """``(RIGHT, WRONG)`` of a chapter ("03"); empty dicts for a chapter without a module."""
    try:
        module = importlib.import_module(f"{__name__}.ch{chapter}")
    except ModuleNotFoundError:
        return {}, {}
    return getattr(module, "RIGHT", {}), getattr(module, "WRONG", {})
