"""The book as stored: every notebook executed without errors, every picture stored as a picture.

A matplotlib Figure returned as a cell's value shows in JupyterLab, but a
headless run with the Agg backend stores only its text (`<Figure size ...>`),
so the static book and nbval's stored outputs would have no image; the
package's pictures are `NotebookFigure`s, which render themselves.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TEXT_ONLY_FIGURE = re.compile(r"<(matplotlib\.figure\.)?Figure size \d+x\d+ with \d+ Axes>")


def outputs(path: Path) -> list[tuple[int, dict]]:
    nb = nbformat.read(path, as_version=4)
    return [(i, o) for i, c in enumerate(nb.cells) if c.cell_type == "code" for o in c.get("outputs", [])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_code_cell_ran_without_error_and_no_picture_is_stored_as_text_only(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    unrun = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()
             and c.get("execution_count") is None]
    assert not unrun, f"{path.name}: cells {unrun} were never executed; run the notebook and store its outputs"
    for i, output in outputs(path):
        assert output.get("output_type") != "error", \
            f"{path.name} cell {i} stored an error: {output.get('ename')}: {output.get('evalue')}"
        data = output.get("data", {})
        text = data.get("text/plain", "")
        assert not (TEXT_ONLY_FIGURE.search(text) and "image/png" not in data), \
            f"{path.name} cell {i}: a Figure stored as text only; return a NotebookFigure (k8slite.viz.figure)"


def test_the_book_has_its_chapters() -> None:
    assert len(NOTEBOOKS) >= 13
