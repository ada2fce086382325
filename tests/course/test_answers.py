"""Every exercise tells right from wrong, however a learner writes the answer.

For each notebook of the book, with the other answers of tests/course/answers/chNN.py:
- wrong answers fail: the book with a stub (``pass``) in place of every solution, then with each
  plausible wrong answer, raises AssertionError in each such exercise's check cell;
- a right answer written differently passes: the learner's workspace with the RIGHT answers typed
  in passes ``pytest --nbval`` (strict), which is what the README promises a learner;
- an unsolved workspace fails only where the exercises are: run top to bottom, every error is the
  exercise's own NotImplementedError, its check's AssertionError, or the guard of a cell that
  uses the answer (ExerciseNotDone), never a TypeError or NameError further on.
A notebook's rounds run in one kernel each, so the cost is a few runs per notebook, not one per answer;
the rounds' kernels run two at a time (runner.execute_many), as they share nothing, and so do the
workspaces' runs, made together by the first test that asks (session fixtures).
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from answers import Answer, answers_of
from nbformat import NotebookNode

from k8slite.course.workspace import (
    book_notebooks,
    chapter_of,
    default_book,
    find_check,
    find_exercises,
    indented,
    make_workspace,
    replace_solution,
)

BOOK = default_book()
NOTEBOOKS = [p for p in (book_notebooks(BOOK) if BOOK.is_dir() else [])
             if find_exercises(nbformat.read(p, as_version=nbformat.NO_CONVERT))]


def with_answers(nb: NotebookNode, answers: dict[str, Answer]) -> NotebookNode:
    """The book with the given answers in place of those exercises' solutions."""
    changed = nbformat.from_dict(nb)
    for exercise_id, index in find_exercises(nb):
        if exercise_id in answers:
            changed.cells[index].source = replace_solution(changed.cells[index].source, answers[exercise_id])
    return changed


def check_cells(nb: NotebookNode) -> dict[str, int]:
    found = {ex: find_check(nb, ex, after=index) for ex, index in find_exercises(nb)}
    assert None not in found.values(), found
    return {ex: index for ex, index in found.items() if index is not None}


def wrong_rounds(nb: NotebookNode, chapter: str) -> list[dict[str, tuple[str, Answer]]]:
    """Round 0: a stub for every exercise; round k: each exercise's k-th plausible wrong answer."""
    _, wrong = answers_of(chapter)
    ids = [ex for ex, _ in find_exercises(nb)]
    rounds = [{ex: ("a stub answer (pass)", "pass") for ex in ids}]
    for k in range(max((len(wrong.get(ex, [])) for ex in ids), default=0)):
        rounds.append({ex: wrong[ex][k] for ex in ids if len(wrong.get(ex, [])) > k})
    return rounds


def test_every_exercise_has_another_right_answer_and_a_wrong_one() -> None:
    missing = []
    for path in NOTEBOOKS:
        right, wrong = answers_of(chapter_of(path) or "")
        for exercise_id, _ in find_exercises(nbformat.read(path, as_version=nbformat.NO_CONVERT)):
            if exercise_id not in right:
                missing.append(f"{exercise_id}: no RIGHT answer")
            if not wrong.get(exercise_id):
                missing.append(f"{exercise_id}: no WRONG answer")
    assert missing == [], "tests/course/answers/chNN.py lacks: " + "; ".join(missing)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_wrong_answers_fail_their_checks(runner, no_engine: None, path: Path) -> None:
    book = runner.read(path)
    checks = check_cells(book)
    failures = []
    rounds = wrong_rounds(book, chapter_of(path) or "")
    runs = [(with_answers(book, {ex: answer for ex, (_, answer) in round_.items()}), BOOK,
             max(checks[ex] for ex in round_)) for round_ in rounds]
    for round_, ran in zip(rounds, runner.execute_many(runs), strict=True):
        for exercise_id, (why, _) in round_.items():
            error = runner.error_of(ran.cells[checks[exercise_id]])
            if error is None or error[0] != "AssertionError":
                failures.append(f"{exercise_id} with {why}: the check cell gave {error or 'no error (it passed)'}")
    assert failures == []


def type_in(workspace: NotebookNode, answers: dict[str, Answer]) -> NotebookNode:
    """The learner's workspace with ``answers`` typed where the NotImplementedError lines are."""
    typed = nbformat.from_dict(workspace)
    for exercise_id, index in find_exercises(typed):
        raise_line = f'raise NotImplementedError("exercise {exercise_id}")'
        cell = typed.cells[index]
        codes = answers[exercise_id] if isinstance(answers[exercise_id], list) else [answers[exercise_id]]
        lines = cell.source.split("\n")
        for code in codes:
            at = next(i for i, line in enumerate(lines) if line.strip() == raise_line)
            lines[at: at + 1] = indented(code, lines[at][: len(lines[at]) - len(lines[at].lstrip())])
        cell.source = "\n".join(lines)
    return typed


def learners_copy(path: Path, tmp_path: Path) -> Path:
    """The learner's workspace copy of one book notebook, made as `make lab` makes it (conftest included)."""
    book = tmp_path / "book"
    book.mkdir()
    (book / path.name).write_bytes(path.read_bytes())
    (book / "conftest.py").write_bytes((BOOK / "conftest.py").read_bytes())
    make_workspace(book, tmp_path / "work")
    return tmp_path / "work" / path.name


def missing_right_answers(path: Path, workspace: NotebookNode) -> list[str]:
    right, _ = answers_of(chapter_of(path) or "")
    return [ex for ex, _ in find_exercises(workspace) if ex not in right]


def nbval_with_right_answers(path: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``pytest --nbval`` on the learner's copy of ``path`` with the RIGHT answers typed in."""
    right, _ = answers_of(chapter_of(path) or "")
    learner = learners_copy(path, tmp_path)
    nbformat.write(type_in(nbformat.read(learner, as_version=nbformat.NO_CONVERT), right), learner)
    command = [sys.executable, "-m", "pytest", "--nbval", "-q", "-rs", "-p", "no:cacheprovider", learner.name]
    return subprocess.run(command, check=False, capture_output=True, text=True, cwd=learner.parent, timeout=900)


@pytest.fixture(scope="session")
def right_answer_runs(runner, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """``nbval_with_right_answers`` of a notebook. The first test to ask starts those of every notebook
    this session's tests need (and that has its RIGHT answers), two at a time: each is its own process
    (those that touch the host first, each alone, as runner.execute_many)."""
    done: dict[Path, subprocess.CompletedProcess[str]] = {}

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        if path not in done:
            wanted = [p for p in runner.runs_to_make(request, "test_other_right_answers_pass_nbval_in_the_workspace",
                                                     path, done)
                      if p == path or not missing_right_answers(p, runner.read(p))]
            def nbval(p: Path) -> subprocess.CompletedProcess[str]:
                return nbval_with_right_answers(p, tmp_path_factory.mktemp(p.stem))

            alone = [p for p in wanted if runner.touches_host(runner.read(p))]  # as runner.execute_many
            done.update({p: nbval(p) for p in alone})
            rest = [p for p in wanted if p not in alone]
            with ThreadPoolExecutor(max_workers=runner.at_once) as pool:
                done.update(zip(rest, pool.map(nbval, rest), strict=True))
        return done[path]

    return run


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_other_right_answers_pass_nbval_in_the_workspace(right_answer_runs, tmp_path: Path, path: Path) -> None:
    learner = learners_copy(path, tmp_path)
    missing = missing_right_answers(path, nbformat.read(learner, as_version=nbformat.NO_CONVERT))
    if missing:
        pytest.fail(f"no RIGHT answer for {missing} in tests/course/answers/ch{chapter_of(path)}.py")
    done = right_answer_runs(path)
    assert done.returncode == 0, done.stdout[-6000:]


ALLOWED = {"NotImplementedError", "AssertionError", "ExerciseNotDone"}


@pytest.fixture(scope="session")
def unsolved_runs(runner, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """``(workspace, the workspace run top to bottom)`` of a notebook, each run in a fresh kernel in its
    own copy's folder. The first test to ask runs those of every notebook this session's tests need,
    two kernels at a time, in its environment (no_engine)."""
    runs: dict[Path, tuple[NotebookNode, NotebookNode]] = {}

    def run(path: Path) -> tuple[NotebookNode, NotebookNode]:
        if path not in runs:
            wanted = runner.runs_to_make(request, "test_an_unsolved_workspace_fails_only_in_its_exercises", path, runs)
            learners = [learners_copy(p, tmp_path_factory.mktemp(p.stem)) for p in wanted]
            workspaces = [runner.read(learner) for learner in learners]
            ran = runner.execute_many([(workspace, learner.parent, len(workspace.cells) - 1)
                                       for workspace, learner in zip(workspaces, learners, strict=True)])
            runs.update(zip(wanted, zip(workspaces, ran, strict=True), strict=True))
        return runs[path]

    return run


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_an_unsolved_workspace_fails_only_in_its_exercises(runner, unsolved_runs, no_engine: None, path: Path) -> None:
    workspace, ran = unsolved_runs(path)
    exercise_cells = {index for _, index in find_exercises(workspace)} | set(check_cells(workspace).values())
    wrong = []
    for index, cell in enumerate(ran.cells):
        error = runner.error_of(cell) if cell.cell_type == "code" else None
        if error is None:
            continue
        if error[0] not in ALLOWED or (error[0] != "ExerciseNotDone" and index not in exercise_cells):
            wrong.append(f"cell {index}: {error[0]}: {error[1][:200]}")
    assert wrong == [], "an unsolved exercise must fail in its own cells, and later cells say which exercise they need"
    for exercise_id, index in find_exercises(workspace):
        errors = [runner.error_of(ran.cells[i]) for i in (index, check_cells(workspace)[exercise_id])]
        assert any(e is not None for e in errors), f"unsolved {exercise_id} raised nothing"
