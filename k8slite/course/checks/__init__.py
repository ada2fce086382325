"""The registry of exercise checks: the hidden tests an nbgrader notebook would carry, kept in the package.

A check is a function that takes the learner's answer, runs hidden randomized
(but seeded, so deterministic) scenarios against it, and returns one line saying
what it tried ("20 scenarios"). A wrong answer raises AssertionError with a hint
a learner can act on. Checks live in one module per chapter, ``ch03.py`` for the
exercises of notebook 03, and register themselves::

    from k8slite.course.checks import exercise

    @exercise("03.1")
    def check_03_1(answer: list[str]) -> str:
        ...
        return "20 scenarios."

The notebook then calls ``check("03.1", answer)``, which imports ``ch03`` on
first use and prints ``Exercise 03.1 passed: 20 scenarios.``
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any, TypeVar

CheckFunction = Callable[..., str]
F = TypeVar("F", bound=CheckFunction)

REGISTRY: dict[str, CheckFunction] = {}
PASSED: set[str] = set()  # the exercises whose check passed in this kernel (see needs)
ID = re.compile(r"(\d+)\.(\d+)")


def normalize(exercise_id: str) -> str:
    """The canonical spelling of an id ("3.1" -> "03.1"); KeyError if it is not one."""
    match = ID.fullmatch(str(exercise_id).strip())
    if match is None:
        raise KeyError(f"{exercise_id!r} is not an exercise id; ids look like '03.1'")
    return f"{int(match.group(1)):02d}.{int(match.group(2))}"


def chapter_module(exercise_id: str) -> str:
    """The module that holds an exercise's check ("03.1" -> "k8slite.course.checks.ch03")."""
    return f"{__name__}.ch{normalize(exercise_id).split('.')[0]}"


def exercise(exercise_id: str) -> Callable[[F], F]:
    """Register the decorated function as the check for ``exercise_id``.

    Registering again from the same module replaces the check (re-running a
    notebook cell does that); a second module claiming the id is a mistake.
    """
    canonical = normalize(exercise_id)

    def register(function: F) -> F:
        previous = REGISTRY.get(canonical)
        if previous is not None and previous.__module__ != function.__module__:
            raise ValueError(
                f"exercise {canonical} already has a check in {previous.__module__}; "
                f"{function.__module__} cannot register another"
            )
        REGISTRY[canonical] = function
        return function

    return register


def lookup(exercise_id: str) -> CheckFunction:
    """The check for an exercise, importing its chapter's module on first use."""
    canonical = normalize(exercise_id)
    if canonical not in REGISTRY:
        module = chapter_module(canonical)
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise  # the chapter exists but something it imports is missing
    if canonical not in REGISTRY:
        raise KeyError(f"no check for exercise {canonical}: {chapter_module(canonical)} does not register one")
    return REGISTRY[canonical]


def check(exercise_id: str, *args: Any, **kwargs: Any) -> None:
    """Run the hidden scenarios of one exercise on the learner's answer and print the verdict.

    A wrong answer raises the check's AssertionError unchanged, so the notebook
    cell fails and shows the hint.
    """
    canonical = normalize(exercise_id)
    PASSED.discard(canonical)  # a new answer that fails undoes an earlier pass
    detail = lookup(canonical)(*args, **kwargs)
    if not isinstance(detail, str):
        raise TypeError(f"the check for exercise {canonical} returned {detail!r}, not a line of text")
    PASSED.add(canonical)
    print(f"Exercise {canonical} passed: {detail}")


class ExerciseNotDone(AssertionError):
    """A cell that uses an exercise's answer ran before that exercise's check passed."""


def needs(exercise_id: str) -> None:
    """Stop a cell that uses an exercise's answer until the answer has passed its check.

    The learner's workspace starts each such cell with ``needs("13.2")``, so an unsolved
    exercise fails once, in its own cells, instead of as a TypeError three cells later.
    """
    canonical = normalize(exercise_id)
    if canonical not in PASSED:
        raise ExerciseNotDone(
            f"this cell uses your answer to exercise {canonical}, which has not passed its check yet: "
            f"write the answer, run the check cell after it, then run this cell again"
        )
