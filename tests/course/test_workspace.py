"""Tests for k8slite.course.workspace: cutting solutions out of the book, and the command line."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import k8slite.course
from k8slite.course.workspace import (
    find_check,
    find_exercises,
    make_workspace,
    notebook_problems,
    replace_solution,
    strip_solutions,
)

REPO = Path(__file__).resolve().parents[2]

SOLUTION_IN_FUNCTION = """# Exercise 03.1: pick a node
import random

def pick(nodes):
    nodes = sorted(nodes)
    ### BEGIN SOLUTION
    return nodes[0]
    ### END SOLUTION

print("defined")"""

SOLUTION_AT_TOP = """# Exercise 03.2: count the pods
answer = None
### BEGIN SOLUTION
answer = 3
### END SOLUTION"""


def make_book_notebook() -> NotebookNode:
    """Prose, a setup cell with output, two exercises with their checks, and a plain cell."""
    return new_notebook(
        cells=[
            new_markdown_cell("# Pods\n\nA pod is a group of containers."),
            new_code_cell("x = 1\nprint(x)", outputs=[new_output("stream", name="stdout", text="1\n")]),
            new_code_cell(SOLUTION_IN_FUNCTION, outputs=[new_output("stream", name="stdout", text="defined\n")]),
            new_code_cell(
                'check("03.1", pick)',
                outputs=[new_output("stream", name="stdout", text="Exercise 03.1 passed: 20 scenarios.\n")],
            ),
            new_code_cell(SOLUTION_AT_TOP),
            new_code_cell('check("03.2", answer)'),
            new_code_cell("y = 2"),
        ]
    )


def test_the_block_becomes_a_raise_at_the_markers_indentation() -> None:
    stripped = strip_solutions(make_book_notebook())

    assert stripped.cells[2].source == (
        "# Exercise 03.1: pick a node\n"
        "import random\n\n"
        "def pick(nodes):\n"
        "    nodes = sorted(nodes)\n"
        '    raise NotImplementedError("exercise 03.1")\n\n'
        'print("defined")'
    )
    assert stripped.cells[4].source == (
        '# Exercise 03.2: count the pods\nanswer = None\nraise NotImplementedError("exercise 03.2")'
    )
    assert not any("SOLUTION" in cell.source or "nodes[0]" in cell.source for cell in stripped.cells)


def test_every_block_in_a_cell_is_cut_out() -> None:
    source = (
        "# Exercise 05.1: two methods\nclass P:\n"
        "    def a(self):\n        ### BEGIN SOLUTION\n        return 1\n        ### END SOLUTION\n"
        "    def b(self):\n        ### BEGIN SOLUTION\n        return 2\n        ### END SOLUTION\n"
    )

    assert replace_solution(source, "pass") == (
        "# Exercise 05.1: two methods\nclass P:\n    def a(self):\n        pass\n    def b(self):\n        pass\n"
    )


def test_other_cells_keep_their_outputs_and_the_book_is_not_changed() -> None:
    book = make_book_notebook()
    before = copy.deepcopy(book)

    stripped = strip_solutions(book)

    assert book == before
    for index in (0, 1, 6):
        assert stripped.cells[index] == book.cells[index]


def test_exercise_and_check_cells_start_empty_and_nbval_only_sees_their_errors() -> None:
    stripped = strip_solutions(make_book_notebook())

    for index in (2, 3, 4, 5):
        assert stripped.cells[index].outputs == [] and stripped.cells[index].execution_count is None
        assert stripped.cells[index].metadata["tags"] == ["nbval-ignore-output"]
    assert stripped.cells[3].source == 'check("03.1", pick)'  # a check cell needs no guard


def test_a_later_cell_that_uses_an_answer_is_guarded_and_empty() -> None:
    book = make_book_notebook()
    book.cells[6:6] = [
        new_code_cell("best = pick(['a', 'b'])", outputs=[new_output("stream", name="stdout", text="a\n")]),
        new_code_cell("print(best.upper())", outputs=[new_output("stream", name="stdout", text="A\n")]),
        new_code_cell("best = 'z'\nprint(best)", outputs=[new_output("stream", name="stdout", text="z\n")]),
        new_code_cell("print(best)", outputs=[new_output("stream", name="stdout", text="z\n")]),
    ]

    stripped = strip_solutions(book)

    guard = 'from k8slite.course import needs  # this cell uses your answer to exercise 03.1\nneeds("03.1")\n'
    assert stripped.cells[6].source == guard + "best = pick(['a', 'b'])"
    assert stripped.cells[7].source == guard + "print(best.upper())"  # through a name bound from the answer
    assert stripped.cells[6].outputs == stripped.cells[7].outputs == []
    assert stripped.cells[8] == book.cells[8] and stripped.cells[9] == book.cells[9]  # bound anew: clean again


def test_needs_stops_a_cell_until_the_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    from k8slite.course import ExerciseNotDone, check, checks, needs

    @checks.exercise("95.7")
    def check_95_7(answer) -> str:
        assert answer == 42, "the answer is 42"
        return "1 scenario."

    checks.PASSED.discard("95.7")
    try:
        with pytest.raises(ExerciseNotDone, match="exercise 95.7, which has not passed its check yet"):
            needs("95.7")
        check("95.7", 42)
        needs("95.7")
        with pytest.raises(AssertionError):
            check("95.7", 41)
        with pytest.raises(ExerciseNotDone):
            needs("95.7")  # a failing new answer undoes the pass
    finally:
        checks.REGISTRY.pop("95.7", None)
        checks.PASSED.discard("95.7")


def test_find_exercises_and_their_checks() -> None:
    nb = make_book_notebook()
    nb.cells.append(new_code_cell('check("03.10", f)'))

    assert find_exercises(nb) == [("03.1", 2), ("03.2", 4)]
    assert find_check(nb, "03.1", after=2) == 3
    assert find_check(nb, "03.2", after=4) == 5
    assert find_check(nb, "03.2", after=5) is None  # only later cells count
    assert find_check(nb, "03.10") == 7  # "03.1" is not a prefix match


def test_a_well_formed_notebook_has_no_problems() -> None:
    assert notebook_problems(make_book_notebook(), chapter="03") == []


def set_source(index: int, source: str) -> Callable[[NotebookNode], None]:
    return lambda nb: setattr(nb.cells[index], "source", source)


def insert(index: int, cell: NotebookNode) -> Callable[[NotebookNode], None]:
    return lambda nb: nb.cells.insert(index, cell)


UNCLOSED = SOLUTION_AT_TOP.replace("### END SOLUTION", "")
BARE_MARKERS = "### BEGIN SOLUTION\nz = 1\n### END SOLUTION"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda nb: nb.cells.pop(3), "exercise 03.1: no later cell calls check('03.1', ...)"),
        (insert(6, new_code_cell(BARE_MARKERS)), "cell 6: solution markers without"),
        (insert(0, new_markdown_cell(BARE_MARKERS)), "cell 0: solution markers without"),
        (set_source(4, UNCLOSED), "line 3: ### BEGIN SOLUTION without ### END SOLUTION"),
        (set_source(4, "# Exercise 03.2: nothing to cut\nanswer = 3"), "no ### BEGIN SOLUTION block"),
        (set_source(4, SOLUTION_AT_TOP.replace("03.2", "03.1")), "exercise 03.1: appears 2 times"),
        (set_source(4, SOLUTION_AT_TOP.replace("03.2", "04.2")), "exercise 04.2: not in this notebook's chapter 03"),
    ],
)
def test_broken_rules_are_reported(change: Callable[[NotebookNode], None], problem: str) -> None:
    nb = make_book_notebook()
    change(nb)

    problems = notebook_problems(nb, chapter="03")

    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    "source",
    [
        "x = 1\n### BEGIN SOLUTION\nx = 2\n### END SOLUTION",  # a solution without a header would leak
        "# Exercise 03.3: open\n### BEGIN SOLUTION\nx = 2",
        "# Exercise 03.3: nested\n### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
    ],
)
def test_no_workspace_from_malformed_markers(source: str) -> None:
    nb = make_book_notebook()
    nb.cells.append(new_code_cell(source))

    with pytest.raises(ValueError, match="cannot make a workspace"):
        strip_solutions(nb)


def write_book(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        nbformat.write(make_book_notebook(), folder / name)
    return folder


def test_make_workspace_writes_new_notebooks_and_keeps_edited_ones(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", ["03-pods.ipynb", "04-nodes.ipynb"])
    dest = tmp_path / "work" / "mine"

    assert make_workspace(book, dest) == ["wrote 03-pods.ipynb", "wrote 04-nodes.ipynb"]
    book_copy = nbformat.read(book / "03-pods.ipynb", as_version=4)
    assert nbformat.read(dest / "03-pods.ipynb", as_version=4) == strip_solutions(book_copy)

    edited = (dest / "03-pods.ipynb").read_bytes().replace(b"NotImplementedError", b"print")
    (dest / "03-pods.ipynb").write_bytes(edited)
    (dest / "04-nodes.ipynb").unlink()
    write_book(book, ["05-api.ipynb"])

    assert make_workspace(book, dest) == [
        "kept 03-pods.ipynb (already there; delete it to get a fresh copy)",
        "wrote 04-nodes.ipynb",
        "wrote 05-api.ipynb",
    ]
    assert (dest / "03-pods.ipynb").read_bytes() == edited


def test_make_workspace_without_a_book(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no book at"):
        make_workspace(tmp_path / "nowhere", tmp_path / "work")


def course_command(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "k8slite.course", *args]
    return subprocess.run(command, check=False, capture_output=True, text=True, env=env, cwd=REPO, timeout=120)


def test_command_line_workspace(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", ["03-pods.ipynb"])
    dest = tmp_path / "work"

    first = course_command("workspace", str(dest), "--book", str(book))
    again = course_command("workspace", str(dest), "--book", str(book))

    assert (first.returncode, first.stdout, first.stderr) == (0, "wrote 03-pods.ipynb\n", "")
    kept = "kept 03-pods.ipynb (already there; delete it to get a fresh copy)\n"
    assert (again.returncode, again.stdout) == (0, kept)
    assert "BEGIN SOLUTION" not in (dest / "03-pods.ipynb").read_text()


def test_command_line_list_and_a_missing_book(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", ["03-pods.ipynb"])

    listing = course_command("list", "--book", str(book))
    missing = course_command("workspace", str(tmp_path / "work"), "--book", str(tmp_path / "nowhere"))

    assert listing.stdout == "03.1  03-pods.ipynb  pick a node\n03.2  03-pods.ipynb  count the pods\n"
    assert missing.returncode == 1
    assert "no book at" in missing.stderr


def test_manifest_finds_course_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "web.yaml").write_text("kind: Pod\n")
    monkeypatch.setattr(k8slite.course, "manifests_folder", lambda: tmp_path)

    assert k8slite.course.manifest("web.yaml") == str(tmp_path / "web.yaml")
    with pytest.raises(FileNotFoundError, match=f"no course manifest 'db.yaml' in {tmp_path}"):
        k8slite.course.manifest("db.yaml")


def test_manifests_folder_is_the_repositorys() -> None:
    assert k8slite.course.manifests_folder() == REPO / "manifests"


def test_make_workspace_copies_the_books_pytest_settings_once(tmp_path: Path) -> None:
    book = write_book(tmp_path / "book", ["03-pods.ipynb"])
    (book / "conftest.py").write_text('import os\nos.environ["K8SLITE_PROGRESS"] = "0"\n')
    dest = tmp_path / "work"

    assert make_workspace(book, dest) == ["wrote 03-pods.ipynb", "wrote conftest.py"]
    assert "K8SLITE_PROGRESS" in (dest / "conftest.py").read_text()
    (dest / "conftest.py").write_text("# mine\n")
    assert make_workspace(book, dest)[-1].startswith("kept 03-pods.ipynb")
    assert (dest / "conftest.py").read_text() == "# mine\n"


def test_the_books_conftest_keeps_progress_bars_out_of_compared_outputs() -> None:
    text = (Path(__file__).parents[2] / "notebooks" / "conftest.py").read_text()
    assert 'os.environ["K8SLITE_PROGRESS"] = "0"' in text
