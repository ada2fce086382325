"""``python -m k8slite.course.book DIR``: the book as static HTML, for reading without Jupyter.

Mirrors `jupyter nbconvert --to html` run on every notebook of the book, plus
an ``index.html`` listing the chapters in reading order. The stored outputs
are used as they are (no notebook is executed), so the pictures are the
book's own, embedded in each page as PNG data. Links between chapters
(``03_pods.ipynb``) are rewritten to the HTML pages. Widgets such as
``c.dashboard()`` need a kernel: a static page shows their last stored state
at best.
"""

from __future__ import annotations

import argparse
import html
import re
from pathlib import Path

import nbformat

from k8slite.course.workspace import book_notebooks, default_book

CHAPTER_LINK = re.compile(r'href="(\d\d_[\w-]+)\.ipynb(#[^"]*)?"')
INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 46em; margin: 3em auto; padding: 0 1em; line-height: 1.5; }}
li {{ margin: 0.3em 0; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>The course's notebooks rendered with their stored outputs. To run them, change them and
check the exercises, open the course in JupyterLab (<code>make lab</code>).</p>
<ol>
{items}
</ol>
</body>
</html>
"""


def chapter_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first markdown heading of the notebook (`# 03 · Pods: ...`), else `fallback`."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def link_chapters(page: str) -> str:
    """`href="03_pods.ipynb"` -> `href="03_pods.html"`, so the pages link to each other."""
    return CHAPTER_LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', page)


def render_book(book: Path, dest: Path, title: str = "k8slite: Kubernetes by building it") -> list[Path]:
    """Write one HTML page per notebook of `book` into `dest`, then index.html; return the pages written."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    dest.mkdir(parents=True, exist_ok=True)
    written, items = [], []
    for path in book_notebooks(book):
        nb = nbformat.read(path, as_version=4)
        name = chapter_title(nb, path.stem)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
        page = dest / f"{path.stem}.html"
        page.write_text(link_chapters(body), encoding="utf-8")
        written.append(page)
        items.append(f'<li><a href="{page.name}">{html.escape(name)}</a></li>')
    index = dest / "index.html"
    index.write_text(INDEX.format(title=html.escape(title), items="\n".join(items)), encoding="utf-8")
    return [*written, index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m k8slite.course.book", description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, metavar="DIR", help="where to write the HTML pages")
    parser.add_argument("--book", type=Path, default=default_book(), help="folder of the book's notebooks")
    args = parser.parse_args(argv)
    pages = render_book(args.book, args.dir)
    print(f"wrote {len(pages) - 1} chapters and {pages[-1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
