"""The learner's workspace, made from the book; mirrors nbgrader's solution markers, simplified.

The book (``notebooks/*.ipynb``) holds every answer. A learner works on a copy in
which each answer is cut out, so the rules below are all an author must follow:

1. An exercise's solution cell is a code cell whose FIRST line is the header
   ``# Exercise 03.1: <short title>``. The id is the chapter (two digits, the
   notebook's number) and the exercise number within it.
2. The cell holds one or more blocks, each between a line ``### BEGIN SOLUTION``
   and a line ``### END SOLUTION``. The markers may be indented (inside a
   function body, say); code before and after a block stays in the workspace.
3. The names the check needs are defined BEFORE the BEGIN marker (``answer =
   None``, or the ``def plan(pods):`` line whose body is the block), so that the
   cell is valid Python with the block cut out.
4. A later code cell calls ``check("03.1", <args>)``; the book stores its output,
   one line ``Exercise 03.1 passed: ...``. The check (``checks/ch03.py``) must
   reject a stub answer (the block replaced by ``pass``) with AssertionError,
   not TypeError: tests/course/test_exercises.py runs exactly that.
5. Markers appear nowhere else: not in markdown, not in cells without a header.

In the workspace each block, markers included, becomes one line
``raise NotImplementedError("exercise 03.1")`` at the BEGIN marker's indentation.
The book's outputs stay, except where they would give the answer away or depend on
how the learner writes it: the exercise cell, its check cell and every later cell
that uses the answer (a name the exercise cell binds, or a name bound from one of
those, found by reading the cells' code) start empty, carry nbval's
``nbval-ignore-output`` tag, and each such later cell starts with
``needs("03.1")``, which stops it with a clear message until the check has passed
(rather than a TypeError three cells on). ``pytest --nbval`` on a workspace notebook
then compares every other output with the book's, fails on any error, and so
passes exactly when the learner's answers are right, however they are written.
Unlike nbgrader there are no cell metadata, no grades and no hidden tests in the
notebook: the hidden scenarios live in ``k8slite.course.checks``.
"""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode

NEED_DOCKER = ("01_containers.ipynb", "13_real_containers.ipynb")  # store outputs recorded on a Docker host

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
HEADER = re.compile(r"#\s*Exercise\s+(\d{2}\.\d+)\s*:\s*(\S.*)")


def default_book() -> Path:
    """The book: ``notebooks/`` at the top of the repository holding this package."""
    return Path(__file__).resolve().parents[2] / "notebooks"


def parse_header(source: str) -> tuple[str, str] | None:
    """``(id, title)`` from a cell whose first line is an exercise header, else None."""
    first_line = source.split("\n", 1)[0].strip()
    match = HEADER.fullmatch(first_line)
    return (match.group(1), match.group(2).strip()) if match else None


def find_exercises(nb: NotebookNode) -> list[tuple[str, int]]:
    """Every exercise in the notebook as ``(id, index of its solution cell)``."""
    found = []
    for index, cell in enumerate(nb.cells):
        header = parse_header(cell.source) if cell.cell_type == "code" else None
        if header:
            found.append((header[0], index))
    return found


def find_check(nb: NotebookNode, exercise_id: str, after: int = 0) -> int | None:
    """Index of the first code cell after ``after`` that calls ``check(exercise_id, ...)``."""
    call = re.compile(r"""\bcheck\(\s*["']""" + re.escape(exercise_id) + r"""["']""")
    for index in range(after + 1, len(nb.cells)):
        cell = nb.cells[index]
        if cell.cell_type == "code" and call.search(cell.source):
            return index
    return None


def marker_problems(source: str) -> list[str]:
    """What is wrong with the markers in one cell's source (empty when fine)."""
    problems, open_line = [], None
    for number, line in enumerate(source.split("\n"), start=1):
        marker = line.strip()
        if marker == BEGIN and open_line is not None:
            problems.append(f"line {number}: {BEGIN} inside the block opened on line {open_line}")
        elif marker == BEGIN:
            open_line = number
        elif marker == END and open_line is None:
            problems.append(f"line {number}: {END} without {BEGIN}")
        elif marker == END:
            open_line = None
    if open_line is not None:
        problems.append(f"line {open_line}: {BEGIN} without {END}")
    return problems


def replace_solution(source: str, replacement: str | list[str]) -> str:
    """Each solution block in ``source`` replaced by ``replacement``, indented like its BEGIN marker.

    A list gives one replacement per block, in order; a replacement of several lines is indented
    line by line (tests put other answers in a notebook this way).
    """
    problems = marker_problems(source)
    if problems:
        raise ValueError("malformed solution markers: " + "; ".join(problems))
    blocks = sum(1 for line in source.split("\n") if line.strip() == BEGIN)
    replacements = replacement if isinstance(replacement, list) else [replacement] * blocks
    if len(replacements) != blocks:
        raise ValueError(f"{len(replacements)} replacements for {blocks} solution blocks")
    kept: list[str] = []
    inside = False
    for line in source.split("\n"):
        if line.strip() == BEGIN:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            kept.extend(indented(replacements[0], indent))
            replacements = replacements[1:]
        elif line.strip() == END:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def indented(code: str, indent: str) -> list[str]:
    """The lines of ``code`` (a block written without indentation) indented by ``indent``; blank lines stay empty."""
    return [indent + line if line.strip() else "" for line in code.strip("\n").split("\n")]


def has_markers(source: str) -> bool:
    """True if any line of ``source`` is a BEGIN or END marker."""
    return any(line.strip() in (BEGIN, END) for line in source.split("\n"))


def strip_solutions(nb: NotebookNode) -> NotebookNode:
    """A copy of the book's notebook with every solution block cut out, and the outputs that
    show or depend on an answer hidden (see the module's docstring).

    Raises ValueError rather than hand a learner a notebook that leaks a solution
    or no longer parses: markers in a cell without a header, or unbalanced markers.
    """
    problems = [p for index in range(len(nb.cells)) for p in marker_rules(nb, index)]
    if problems:
        raise ValueError("cannot make a workspace: " + "; ".join(problems))
    stripped = copy.deepcopy(nb)
    exercises = find_exercises(stripped)
    for exercise_id, index in exercises:
        cell = stripped.cells[index]
        cell.source = replace_solution(cell.source, f'raise NotImplementedError("exercise {exercise_id}")')
    exercise_cells = {index for _, index in exercises}
    for exercise_id, index in exercises:
        check_index = find_check(stripped, exercise_id, after=index)
        for later in uses_of_answer(stripped, index, bound_names(nb.cells[index].source)):
            if later not in exercise_cells and later != check_index:
                stripped.cells[later].source = needs_line(exercise_id) + stripped.cells[later].source
            hide_output(stripped.cells[later])
        hide_output(stripped.cells[index])
        if check_index is not None:
            hide_output(stripped.cells[check_index])
    return stripped


def needs_line(exercise_id: str) -> str:
    comment = f"# this cell uses your answer to exercise {exercise_id}"
    return f'from k8slite.course import needs  {comment}\nneeds("{exercise_id}")\n'


def hide_output(cell: NotebookNode) -> None:
    """No stored output for the learner to see, and none for nbval to compare: it still fails on errors."""
    cell.outputs = []
    cell.execution_count = None
    tags = cell.metadata.setdefault("tags", [])
    if "nbval-ignore-output" not in tags:
        tags.append("nbval-ignore-output")


def parsed(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:  # IPython syntax (!cmd, %magic)
        return None


def bound_names(source: str) -> set[str]:
    """The names a cell binds at its top level (assignments, defs, classes, loop targets), imports aside:
    an imported module is nobody's answer."""
    tree = parsed(source)
    names: set[str] = set()
    for node in tree.body if tree else []:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif not isinstance(node, (ast.Import, ast.ImportFrom)):
            stores = (sub for sub in ast.walk(node) if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store))
            names.update(sub.id for sub in stores)
    return names


def free_names(source: str) -> set[str]:
    """The names a cell reads and does not bind itself (a cell we cannot parse: every word in it)."""
    tree = parsed(source)
    if tree is None:
        return set(re.findall(r"[A-Za-z_]\w*", source))
    loads: set[str] = set()
    stores: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stores.add(node.name)
        elif isinstance(node, ast.arg):
            stores.add(node.arg)
    return loads - stores


def uses_of_answer(nb: NotebookNode, exercise_index: int, answer: set[str]) -> list[int]:
    """Indexes of the code cells after an exercise that read its answer (the names in ``answer``),
    directly or through a name bound from it; a name bound again without the answer is clean again."""
    tainted = set(answer)
    found = []
    for index in range(exercise_index + 1, len(nb.cells)):
        cell = nb.cells[index]
        if cell.cell_type != "code":
            continue
        binds = bound_names(cell.source)
        if free_names(cell.source) & tainted:
            found.append(index)
            tainted |= binds
        else:
            tainted -= binds
    return found


def marker_rules(nb: NotebookNode, index: int) -> list[str]:
    """Broken rules 1, 2 and 5 in one cell, each problem naming the cell."""
    cell = nb.cells[index]
    header = parse_header(cell.source) if cell.cell_type == "code" else None
    if header is None:
        if has_markers(cell.source):
            return [f"cell {index}: solution markers without an '# Exercise NN.N: title' first line"]
        return []
    where = f"cell {index} (exercise {header[0]})"
    problems = [f"{where}: {problem}" for problem in marker_problems(cell.source)]
    if not any(line.strip() == BEGIN for line in cell.source.split("\n")):
        problems.append(f"{where}: no {BEGIN} block")
    return problems


def notebook_problems(nb: NotebookNode, chapter: str | None = None) -> list[str]:
    """Every broken format rule in a notebook; ``chapter`` ("03") checks the ids' prefix."""
    problems = [p for index in range(len(nb.cells)) for p in marker_rules(nb, index)]
    exercises = find_exercises(nb)
    ids = [exercise_id for exercise_id, _ in exercises]
    for exercise_id, index in exercises:
        if find_check(nb, exercise_id, after=index) is None:
            problems.append(f"exercise {exercise_id}: no later cell calls check({exercise_id!r}, ...)")
        if chapter is not None and exercise_id.split(".")[0] != chapter:
            problems.append(f"exercise {exercise_id}: not in this notebook's chapter {chapter}")
    for exercise_id in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"exercise {exercise_id}: appears {ids.count(exercise_id)} times")
    return problems


def chapter_of(path: Path) -> str | None:
    """The chapter a notebook's name starts with ("03-pods.ipynb" -> "03"), if any."""
    match = re.match(r"(\d{2})\D", path.name)
    return match.group(1) if match else None


def book_notebooks(book: Path) -> list[Path]:
    """The book's notebooks in reading order; FileNotFoundError if there is no book."""
    if not book.is_dir():
        raise FileNotFoundError(f"no book at {book}: expected a folder of .ipynb notebooks")
    return sorted(book.glob("*.ipynb"))


def make_workspace(book: Path, dest: Path) -> list[str]:
    """Write the learner's copy of every book notebook into ``dest``; return what was done.

    A notebook already in ``dest`` is the learner's work: it is never overwritten.
    """
    dest.mkdir(parents=True, exist_ok=True)
    report = []
    for path in book_notebooks(book):
        target = dest / path.name
        if target.exists():
            report.append(f"kept {path.name} (already there; delete it to get a fresh copy)")
            continue
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        nbformat.write(strip_solutions(nb), target)
        report.append(f"wrote {path.name}")
    conftest = book / "conftest.py"  # `pytest --nbval` settings (no progress bars in compared outputs)
    if conftest.exists() and not (dest / conftest.name).exists():
        (dest / conftest.name).write_text(conftest.read_text())
        report.append(f"wrote {conftest.name}")
    return report
