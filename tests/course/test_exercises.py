"""The book's exercises keep their promise: the solution passes its check, a stub fails it.

For every exercise in notebooks/*.ipynb the book as written passes the check (here); stubs,
wrong answers, other right answers and the unsolved workspace are run per notebook by
test_answers.py. A synthetic notebook runs the harness below, and nbval, so these tests are
seen to fail as well as pass.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from k8slite.course.workspace import (
    book_notebooks,
    chapter_of,
    default_book,
    find_check,
    find_exercises,
    make_workspace,
    notebook_problems,
    replace_solution,
    strip_solutions,
)

BOOK = default_book()
NOTEBOOKS = book_notebooks(BOOK) if BOOK.is_dir() else []


def exercises_in(path: Path) -> list[tuple[str, int]]:
    try:
        return find_exercises(nbformat.read(path, as_version=nbformat.NO_CONVERT))
    except (OSError, ValueError):  # an unreadable notebook is reported by the format test
        return []


EXERCISES = [
    pytest.param(path, ex_id, id=f"{path.stem}:{ex_id}") for path in NOTEBOOKS for ex_id, _ in exercises_in(path)
]


def test_book_exercises_follow_the_format() -> None:
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        problems += [f"{path.name}: {p}" for p in notebook_problems(nb, chapter=chapter_of(path))]
        for exercise_id, _ in find_exercises(nb):
            if seen.setdefault(exercise_id, path.name) != path.name:
                problems.append(f"{path.name}: exercise {exercise_id} is also in {seen[exercise_id]}")
    assert problems == []


def with_stub(nb: NotebookNode, exercise_id: str) -> NotebookNode:
    """The notebook with one solution replaced by ``pass``: what a learner who did nothing runs."""
    stub = nbformat.from_dict(nb)
    index = dict(find_exercises(nb))[exercise_id]
    stub.cells[index].source = replace_solution(stub.cells[index].source, "pass")
    return stub


def assert_stub_fails_check(runner, nb: NotebookNode, cwd: Path, exercise_id: str) -> None:
    solution = dict(find_exercises(nb))[exercise_id]
    check_cell = find_check(nb, exercise_id, after=solution)
    assert check_cell is not None, f"no check cell for {exercise_id}"
    ran = runner.execute(with_stub(nb, exercise_id), cwd, check_cell)
    error = runner.error_of(ran.cells[check_cell])
    assert error is not None and error[0] == "AssertionError", (
        f"with a stub answer, check({exercise_id!r}) must raise AssertionError; "
        f"it raised {error}, first error: {runner.first_error(ran)}"
    )


def assert_solution_passes_check(runner, ran: NotebookNode, nb: NotebookNode, exercise_id: str) -> None:
    check_cell = find_check(nb, exercise_id, after=dict(find_exercises(nb))[exercise_id])
    assert check_cell is not None, f"no check cell for {exercise_id}"
    for index in range(check_cell + 1):
        assert runner.error_of(ran.cells[index]) is None, runner.first_error(ran)
    assert f"Exercise {exercise_id} passed" in runner.stdout_of(ran.cells[check_cell])


def assert_workspace_stops_at_first_exercise(runner, nb: NotebookNode, cwd: Path) -> None:
    """The first error is the first exercise's NotImplementedError: in its cell, or in its
    check cell when the block is a function body that only runs when checked."""
    exercise_id, solution = find_exercises(nb)[0]
    check_cell = find_check(nb, exercise_id, after=solution)
    assert check_cell is not None, f"no check cell for {exercise_id}"
    ran = runner.execute(strip_solutions(nb), cwd, check_cell)
    expected = f"cell {{}} raised NotImplementedError: exercise {exercise_id}"
    assert runner.first_error(ran) in {expected.format(solution), expected.format(check_cell)}


def last_check(nb: NotebookNode) -> int:
    return max(find_check(nb, ex_id, after=i) or i for ex_id, i in find_exercises(nb))


@pytest.fixture(scope="session")
def solved_book(runner, request: pytest.FixtureRequest):
    """Each book notebook run once up to its last check cell, shared by the (b) tests.

    The first test to ask runs every notebook this session's (b) tests need, two kernels at a time
    (runner.execute_many: each notebook in a fresh kernel of its own, as one at a time).
    """
    runs: dict[Path, NotebookNode] = {}

    def run(path: Path) -> NotebookNode:
        if path not in runs:
            wanted = runner.runs_to_make(request, "test_the_books_solution_passes_the_check", path, runs)
            books = [runner.read(p) for p in wanted]
            ran = runner.execute_many([(nb, BOOK, last_check(nb)) for nb in books])
            runs.update(zip(wanted, ran, strict=True))
        return runs[path]

    return run


@pytest.mark.parametrize(("path", "exercise_id"), EXERCISES)
def test_the_books_solution_passes_the_check(runner, solved_book, path: Path, exercise_id: str) -> None:
    assert_solution_passes_check(runner, solved_book(path), runner.read(path), exercise_id)


# The same harness on a small synthetic book whose check is defined in the notebook itself
# (the kernel is another process, so a check registered here would not be seen there).

REGISTER_CHECK = '''from k8slite.course import check
from k8slite.course.checks import exercise

@exercise("98.1")
def check_98_1(double) -> str:
    import random
    rng = random.Random(0)
    for _ in range(5):
        x = rng.randint(-100, 100)
        assert double(x) == 2 * x, f"double({x}) should be {2 * x}, not {double(x)!r}"
    return "5 scenarios."'''

SOLUTION = """# Exercise 98.1: double a number
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION"""


def synthetic_book() -> NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell("# Doubling"),
            new_code_cell(REGISTER_CHECK),
            new_code_cell(SOLUTION),
            new_code_cell('check("98.1", double)'),
            new_code_cell("print(double(21))"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def test_the_harness_on_a_synthetic_book(runner, tmp_path: Path) -> None:
    nb = synthetic_book()

    assert_stub_fails_check(runner, nb, tmp_path, "98.1")
    assert_solution_passes_check(runner, runner.execute(nb, tmp_path, 3), nb, "98.1")
    assert_workspace_stops_at_first_exercise(runner, nb, tmp_path)


def test_the_harness_fails_a_lax_check_and_a_wrong_solution(runner, tmp_path: Path) -> None:
    lax = synthetic_book()
    lax.cells[1].source = lax.cells[1].source.replace("assert double(x)", "assert True or double(x)")
    wrong = synthetic_book()
    wrong.cells[2].source = wrong.cells[2].source.replace("return 2 * x", "return x")

    with pytest.raises(AssertionError, match="must raise AssertionError"):
        assert_stub_fails_check(runner, lax, tmp_path, "98.1")
    with pytest.raises(AssertionError, match="double"):
        assert_solution_passes_check(runner, runner.execute(wrong, tmp_path, 3), wrong, "98.1")


def nbval(path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "--nbval", "-q", "-p", "no:cacheprovider", path.name]
    return subprocess.run(command, check=False, capture_output=True, text=True, cwd=path.parent, timeout=300)


def test_nbval_passes_a_workspace_exactly_when_the_answer_is_right(runner, tmp_path: Path) -> None:
    book = tmp_path / "book"
    book.mkdir()
    executed = runner.execute(synthetic_book(), book, 4)
    nbformat.write(executed, book / "98-doubling.ipynb")
    make_workspace(book, tmp_path / "work")
    learner = tmp_path / "work" / "98-doubling.ipynb"
    unsolved = learner.read_text()

    assert nbval(book / "98-doubling.ipynb").returncode == 0
    untouched = nbval(learner)
    assert untouched.returncode != 0 and "NotImplementedError" in untouched.stdout
    learner.write_text(unsolved.replace('raise NotImplementedError(\\"exercise 98.1\\")', "return x + x"))
    assert nbval(learner).returncode == 0, "a right answer written differently passes"
    learner.write_text(unsolved.replace('raise NotImplementedError(\\"exercise 98.1\\")', "return x * x"))
    wrong = nbval(learner)
    assert wrong.returncode != 0 and "should be" in wrong.stdout
