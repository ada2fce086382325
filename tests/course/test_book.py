"""`make book`: one static HTML page per notebook, in reading order, with the stored pictures."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import nbformat
import pytest

from k8slite.course.book import chapter_title, link_chapters, render_book

REPO = Path(__file__).resolve().parents[2]
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n-a-stored-picture-").decode()


def chapter(title: str, *cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nSee [the pods](03_pods.ipynb#Pods)."), *cells]
    return nb


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    never_run = nbformat.v4.new_code_cell("1 / 0")  # stored output only: rendering must not execute it
    never_run.outputs = [nbformat.v4.new_output("stream", name="stdout", text="stored output\n")]
    picture = nbformat.v4.new_code_cell("c.draw()")
    picture.outputs = [nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    nbformat.write(chapter("03 · Pods", never_run), folder / "03_pods.ipynb")
    nbformat.write(chapter("00 · Welcome", picture), folder / "00_welcome.ipynb")
    return folder


def test_one_page_per_notebook_plus_an_index_in_reading_order(book: Path, tmp_path: Path) -> None:
    pages = render_book(book, tmp_path / "html")

    assert [p.name for p in pages] == ["00_welcome.html", "03_pods.html", "index.html"]
    assert sorted(p.name for p in (tmp_path / "html").iterdir()) == ["00_welcome.html", "03_pods.html", "index.html"]
    index = (tmp_path / "html" / "index.html").read_text()
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', index)
    assert links == [("00_welcome.html", "00 · Welcome"), ("03_pods.html", "03 · Pods")]


def test_pages_carry_the_stored_outputs_and_link_to_each_other(book: Path, tmp_path: Path) -> None:
    render_book(book, tmp_path / "html")
    welcome = (tmp_path / "html" / "00_welcome.html").read_text()
    pods = (tmp_path / "html" / "03_pods.html").read_text()

    assert f"data:image/png;base64,{PNG}" in welcome
    assert "stored output" in pods and "ZeroDivisionError" not in pods
    assert 'href="03_pods.html#Pods"' in welcome and "03_pods.ipynb" not in welcome


def test_chapter_titles_and_links() -> None:
    nb = nbformat.v4.new_notebook()
    assert chapter_title(nb, "09_jobs") == "09_jobs"
    nb.cells = [nbformat.v4.new_markdown_cell("Intro\n# 09 · Jobs\n## more")]
    assert chapter_title(nb, "09_jobs") == "09 · Jobs"
    assert link_chapters('<a href="09_jobs.ipynb">') == '<a href="09_jobs.html">'
    assert link_chapters('<a href="https://x/y.ipynb">') == '<a href="https://x/y.ipynb">'


def test_make_book_renders_the_book_folder() -> None:
    recipe = re.search(r"^book:.*\n((?:\t.*\n)+)", (REPO / "Makefile").read_text(), re.MULTILINE)
    assert recipe is not None, "Makefile has no book target"
    assert "-m k8slite.course.book book" in recipe.group(1)
