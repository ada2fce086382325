"""The glossary (k8slite.course.glossary) against the book it describes.

The rule for a term's chapter, "the first chapter that teaches it", made precise: the prose
(markdown cells) of the term's chapter names the term at least twice, and more often than the
prose of every earlier chapter does. A mention is the term's key word, case-insensitive, as a
whole word, with an optional plural "s"/"es", a hyphen and a space alike: by default the English
term without its bracketed qualifier ("namespace (Linux)" -> "namespace"); KEY_WORDS lists the
few terms the prose names otherwise. Chapter 00's tour names many words once or twice; a chapter
that teaches a word uses it more.

The rule rejects nearly every wrong number (test_the_rule_rejects_wrong_chapters), but not all: a
chapter that uses a word a few times ahead of the one that teaches it (chapter 05 says "taint" four
times, chapter 06 teaches taints) passes it too; which of the two is the glossary's is the
editor's call, and it is the teaching one.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import nbformat
import pytest

from k8slite.course.glossary import (
    TERMS,
    Term,
    chapter_notebooks,
    format_glossary,
    html_table,
    lookup,
    markdown_table,
    names_of,
    search,
    width,
)
from k8slite.course.workspace import book_notebooks, chapter_of, default_book

REPO = Path(__file__).resolve().parents[2]
BOOK = default_book()
MIN_MENTIONS = 2
SEED_WORDS = ("容器", "镜像", "仓库", "编排", "节点", "自愈", "滚动更新")

# The word the prose uses where it is not the English term itself.
KEY_WORDS: dict[str, re.Pattern[str]] = {
    # the course speaks of "the orchestrators" it compares, and of "offers"
    "orchestration": re.compile(r"\borchestrators?\b", re.IGNORECASE),
    "resource offer": re.compile(r"\boffers?\b", re.IGNORECASE),
    # "a volume provisioned on demand", "the provisioner"
    "dynamic provisioning": re.compile(r"\bprovision\w*", re.IGNORECASE),
    "liveness probe": re.compile(r"\bliveness\b", re.IGNORECASE),
    "readiness probe": re.compile(r"\breadiness\b", re.IGNORECASE),
    "overlay network": re.compile(r"\boverlays?\b", re.IGNORECASE),
    "owner reference": re.compile(r"\bowner(?:s|Reference|References)?\b", re.IGNORECASE),
    "reconcile loop": re.compile(r"\breconcil\w*", re.IGNORECASE),
    "virtual machine": re.compile(r"\b(?:virtual machines?|VMs?)\b"),
    # the Kubernetes object, capitalized as its kind; "namespace" alone is chapter 01's Linux namespaces
    "Namespace (Kubernetes)": re.compile(r"\bNamespaces?\b"),
    # chapter 05's "requests" are HTTP requests too, but plural resource requests are chapter 06's
    "requests (resources)": re.compile(r"\brequests\b", re.IGNORECASE),
}


def key_word(term: Term) -> re.Pattern[str]:
    if term.english in KEY_WORDS:
        return KEY_WORDS[term.english]
    base = re.sub(r"\s*\(.*?\)", "", term.english).strip()
    body = r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", base))
    return re.compile(r"(?<![\w-])" + body + r"(?:s|es)?(?![\w-])", re.IGNORECASE)


def prose(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


CHAPTERS = {chapter_of(p): prose(p) for p in book_notebooks(BOOK) if chapter_of(p) and chapter_of(p) != "99"}


def mentions(term: Term) -> dict[str, int]:
    pattern = key_word(term)
    return {chapter: len(pattern.findall(text)) for chapter, text in sorted(CHAPTERS.items())}


def teaches(counts: dict[str, int], chapter: str) -> bool:
    """The rule: named at least MIN_MENTIONS times there, and more often than in any earlier chapter."""
    here = counts.get(chapter, 0)
    return here >= MIN_MENTIONS and all(here > n for earlier, n in counts.items() if earlier < chapter)


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.english)
def test_each_term_points_at_the_first_chapter_that_teaches_it(term: Term) -> None:
    assert term.chapter in CHAPTERS, f"{term.english}: no notebook {term.chapter}_*.ipynb in {BOOK}"
    counts = mentions(term)
    assert teaches(counts, term.chapter), (
        f"{term.english!r} is not taught in chapter {term.chapter} by the rule (at least {MIN_MENTIONS} mentions "
        f"there, more than in any earlier chapter); mentions per chapter: {counts}")


def test_the_rule_rejects_wrong_chapters() -> None:
    """Most other chapter numbers fail the rule: earlier ones use the term less, later ones as the first does not."""
    counts = {term.english: mentions(term) for term in TERMS}
    assert not teaches(counts["taint"], "04") and not teaches(counts["taint"], "07")
    assert not teaches(counts["rolling update"], "00") and not teaches(counts["rolling update"], "14")
    assert not teaches(counts["container"], "03") and not teaches(counts["PersistentVolume"], "11")
    pairs = [(t, c) for t in TERMS for c in CHAPTERS if c != t.chapter]
    wrong_accepted = [(t.english, c) for t, c in pairs if teaches(counts[t.english], c)]
    assert len(wrong_accepted) < len(pairs) / 10, wrong_accepted


def test_terms_are_in_chapter_order_and_point_at_existing_chapters() -> None:
    chapters = [t.chapter for t in TERMS]
    assert chapters == sorted(chapters)
    assert all(re.fullmatch(r"\d\d", c) for c in chapters)
    assert set(chapters) <= set(CHAPTERS)
    assert set(chapters) == {f"{n:02d}" for n in range(15)}, "every chapter from 00 to 14 teaches a term"
    assert 80 <= len(TERMS) <= 140


def test_no_english_or_chinese_term_is_there_twice() -> None:
    english = [normalized_term(t.english) for t in TERMS]
    chinese = [t.chinese for t in TERMS]
    assert len(set(english)) == len(english), sorted(e for e in english if english.count(e) > 1)
    assert len(set(chinese)) == len(chinese), sorted(c for c in chinese if chinese.count(c) > 1)
    chinese_names = [n for t in TERMS for n in dict.fromkeys(names_of(t)) if is_cjk(n)]
    assert len(set(chinese_names)) == len(chinese_names), "a Chinese name (or bracketed part) names two terms"


def normalized_term(word: str) -> str:
    return " ".join(word.split()).casefold()


def is_cjk(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH") for ch in text)


def test_every_chinese_term_has_chinese_characters_and_every_definition_one_line() -> None:
    assert [t.english for t in TERMS if not is_cjk(t.chinese)] == []
    assert [t.english for t in TERMS if not t.definition.strip() or "\n" in t.definition] == []
    assert [t.english for t in TERMS if is_cjk(t.english) or is_cjk(t.definition)] == []


def test_the_seed_words_are_there() -> None:
    for word in SEED_WORDS:
        assert any(word in t.chinese for t in TERMS), word
    assert lookup("容器").english == "container"
    assert lookup("镜像").english == "image"
    assert lookup("镜像仓库").english == "registry"
    assert lookup("编排").english == "orchestration"
    assert lookup("节点").english == "node"
    assert lookup("自愈").english == "self-healing"
    assert lookup("滚动更新").english == "rolling update"


def test_lookup_both_ways() -> None:
    assert lookup("污点") == lookup("taint") == lookup("  Taint ")
    assert lookup("污点").chapter == "06"
    assert lookup("容忍度").english == "toleration"
    assert lookup("存活探针").english == "liveness probe"
    assert lookup("持久卷申领").english == "PersistentVolumeClaim"
    assert lookup("pod") is lookup("Pod（容器组）") is lookup("容器组")
    assert lookup("命名空间") is lookup("名字空间") is lookup("Namespace (Kubernetes)")
    assert lookup("namespace (linux)").chinese == "Linux 命名空间"
    assert lookup("requests").english == "requests (resources)"
    for term in TERMS:
        assert lookup(term.english) is term and lookup(term.chinese) is term


def test_lookup_fails_clearly() -> None:
    with pytest.raises(KeyError, match=r"'taints?x' is not in the glossary .*did you mean 'taint'"):
        lookup("taintx")
    with pytest.raises(KeyError, match="not in the glossary"):
        lookup("量子计算")
    with pytest.raises(KeyError, match="not in the glossary"):
        lookup("Kubernetes")  # a qualifier in brackets is no name of its own
    senses = r"'namespace' has 2 senses.*'namespace \(Linux\)' or 'Namespace \(Kubernetes\)'"
    with pytest.raises(KeyError, match=senses):
        lookup("namespace")


def test_width_counts_cjk_twice() -> None:
    assert width("node") == 4
    assert width("节点") == 4
    assert width("Pod（容器组）") == 3 + 2 * 5
    assert width("Linux 命名空间") == 6 + 8


def test_the_table_is_aligned_in_a_terminal() -> None:
    lines = format_glossary().splitlines()
    assert lines[0].split() == ["Ch", "English", "中文", "Definition"]
    assert set(lines[1]) == {"-", " "}
    starts = set()
    for term, line in zip(TERMS, lines[2:]):
        at = line.index(term.definition)
        starts.add(width(line[:at]))
        assert line.startswith(term.chapter + "  " + term.english)
        assert term.chinese in line
    assert len(lines) == len(TERMS) + 2
    assert len(starts) == 1, "the Definition column starts at different terminal columns"
    assert width(lines[0][: lines[0].index("Definition")]) in starts


def test_the_command_line_prints_every_term() -> None:
    done = subprocess.run([sys.executable, "-m", "k8slite.course", "glossary"], capture_output=True, text=True,
                          encoding="utf-8", cwd=REPO, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == format_glossary() + "\n"
    for term in TERMS:
        assert f"{term.chapter}  {term.english}" in done.stdout and term.chinese in done.stdout


def test_search_finds_in_every_column() -> None:
    assert [t.english for t in search("探针")] == ["probe", "liveness probe", "readiness probe"]
    assert [t.english for t in search("TAINT")] == ["taint", "toleration"]
    assert search("") == TERMS
    assert search("no such word") == ()


def test_the_notebook_tables_link_each_chapter_to_its_notebook() -> None:
    notebooks = chapter_notebooks()
    assert notebooks["06"] == "06_scheduler.ipynb" and notebooks["99"] == "99_glossary.ipynb"
    rows = markdown_table().splitlines()
    assert rows[0] == "| Ch | English | 中文 | Definition |" and len(rows) == len(TERMS) + 2
    for term, row in zip(TERMS, rows[2:]):
        link = re.match(r"\| \[(\d\d)\]\(([^)]+)\) \| ", row)
        assert link is not None, row
        assert link.group(1) == term.chapter and (BOOK / link.group(2)).is_file()
    page = html_table(search("污点"))
    assert '<a href="06_scheduler.ipynb">06</a></td><td>taint</td><td>污点</td>' in page
    assert markdown_table(TERMS[:1], notebooks={}).splitlines()[2].startswith("| 00 | cluster | 集群 |")


def test_the_glossary_piped_into_head_ends_quietly() -> None:
    """`python -m k8slite.course glossary | head` ends without a BrokenPipeError traceback when the reader
    has gone (here it is gone before the first write, so the write surely fails)."""
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-m", "k8slite.course", "glossary"], stdout=write,
                              stderr=subprocess.PIPE, text=True, check=False, timeout=60)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, "")
