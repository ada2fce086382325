"""Every "chapter NN" and "section N" in the book points at something that exists.

A chapter is a notebook ``NN_*.ipynb``; one not written yet may be named only as
"chapter NN (planned)". A section is a numbered heading (``## 7 · Probes``) of the notebook
the sentence is in, or of the chapter it names ("chapter 04's section 6", "section 6 of chapter 04").
The README's references are held to the same rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from k8slite.course.workspace import book_notebooks, chapter_of, default_book

BOOK = default_book()
NOTEBOOKS = book_notebooks(BOOK) if BOOK.is_dir() else []
CHAPTERS = re.compile(r"\b[Cc]hapters?\s+(\d{1,2})((?:\s*(?:,|and|or|to|-|–|→)\s*\d{1,2})*)(\s*\(planned\))?")
SECTION = re.compile(r"\b[Ss]ections?\s+(\d{1,2})\b")
OF_CHAPTER = re.compile(r"(?:[Cc]hapter\s+(\d{1,2})['’]s\s+$)")
AFTER_CHAPTER = re.compile(r"^\s+(?:of|in)\s+(?:[Cc]hapter\s+)(\d{1,2})\b")


def texts(path: Path) -> list[str]:
    """The prose and code of a notebook, a cell each."""
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    return [cell.source for cell in nb.cells]


def numbered_sections(path: Path) -> set[int]:
    found = set()
    for text in texts(path):
        for line in text.split("\n"):
            match = re.match(r"#+\s*(\d{1,2})\s*[·.:)]", line)
            if match:
                found.add(int(match.group(1)))
    return found


def problems_in(text: str, here: str | None, where: str, chapters: dict[str, Path]) -> list[str]:
    problems = []
    for match in CHAPTERS.finditer(text):
        numbers = [match.group(1), *re.findall(r"\d{1,2}", match.group(2) or "")]
        for number in numbers:
            if f"{int(number):02d}" not in chapters and not match.group(3):
                problems.append(f"{where}: {match.group(0)!r} names no notebook (say 'chapter {number} (planned)')")
    for match in SECTION.finditer(text):
        before, after = text[: match.start()], text[match.end():]
        named = OF_CHAPTER.search(before[-20:]) or AFTER_CHAPTER.match(after)
        target = f"{int(named.group(1)):02d}" if named else here
        if target not in chapters:
            problems.append(f"{where}: {match.group(0)!r} is in no chapter")
        elif int(match.group(1)) not in numbered_sections(chapters[target]):
            problems.append(f"{where}: {match.group(0)!r}: chapter {target} has no heading numbered "
                            f"{match.group(1)} (number its headings '## {match.group(1)} · ...' or name the section)")
    return problems


@pytest.mark.skipif(not NOTEBOOKS, reason="no book beside this package")
def test_every_chapter_and_section_reference_points_at_something() -> None:
    chapters = {chapter_of(path): path for path in NOTEBOOKS if chapter_of(path)}
    problems = []
    for path in NOTEBOOKS:
        for index, text in enumerate(texts(path)):
            problems += problems_in(text, chapter_of(path), f"{path.name} cell {index}", chapters)
    readme = BOOK.parent / "README.md"
    problems += problems_in(readme.read_text(), None, "README.md", chapters)
    assert problems == []


def test_the_rule_catches_what_it_should() -> None:
    chapters = {"04": BOOK / "04_nodes_and_kubelet.ipynb", "07": BOOK / "07_self_healing.ipynb"}
    assert problems_in("see chapter 07 and chapter 04", None, "x", chapters) == []
    assert problems_in("chapter 02 (planned) shows images", None, "x", chapters) == []
    assert len(problems_in("chapter 02 looks inside images", None, "x", chapters)) == 1
    assert len(problems_in("chapters 04 and 09", None, "x", chapters)) == 1
    assert problems_in("as section 6 showed", "04", "x", chapters) == []  # 04's "## 6 · CrashLoopBackOff"
    assert problems_in("chapter 04's section 6", "07", "x", chapters) == []
    assert len(problems_in("section 42", "04", "x", chapters)) == 1
