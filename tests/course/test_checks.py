"""Tests for the exercise registry, k8slite.course.checks, and the check() notebooks call."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from k8slite.course import check, checks, exercise


@pytest.fixture(autouse=True)
def clean_registry() -> Iterator[None]:
    """Each test registers its own checks; none leak into the next test."""
    saved = dict(checks.REGISTRY)
    yield
    checks.REGISTRY.clear()
    checks.REGISTRY.update(saved)
    for name in [m for m in sys.modules if m.startswith("k8slite.course.checks.ch9")]:
        del sys.modules[name]


def register_double_check() -> None:
    @exercise("97.1")
    def check_97_1(double, scenarios: int = 3) -> str:
        for x in range(scenarios):
            assert double(x) == 2 * x, f"double({x}) should be {2 * x}, not {double(x)!r}"
        return f"{scenarios} scenarios."


def test_check_prints_one_line_and_returns_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    register_double_check()

    returned = [check("97.1", lambda x: x + x), check("97.1", lambda x: 2 * x, scenarios=20)]  # type: ignore[func-returns-value]

    assert returned == [None, None]
    assert capsys.readouterr().out == "Exercise 97.1 passed: 3 scenarios.\nExercise 97.1 passed: 20 scenarios.\n"


def test_a_wrong_answer_raises_the_checks_hint(capsys: pytest.CaptureFixture[str]) -> None:
    register_double_check()

    with pytest.raises(AssertionError, match=r"^double\(1\) should be 2, not 1"):
        check("97.1", lambda x: x)
    assert capsys.readouterr().out == ""


def test_ids_are_spelled_one_way() -> None:
    register_double_check()

    assert checks.normalize("97.1") == checks.normalize(" 97.01 ") == "97.1"
    assert checks.normalize("3.2") == "03.2"
    assert checks.chapter_module("3.2") == "k8slite.course.checks.ch03"
    assert checks.lookup("97.1") is checks.REGISTRY["97.1"]


@pytest.mark.parametrize("bad_id", ["97", "97.x", "", "exercise 97.1"])
def test_a_malformed_id_is_a_key_error(bad_id: str) -> None:
    with pytest.raises(KeyError, match="is not an exercise id"):
        check(bad_id, None)


def test_an_unknown_id_names_where_it_looked() -> None:
    with pytest.raises(KeyError, match=r"no check for exercise 97\.9: k8slite\.course\.checks\.ch97 does not"):
        check("97.9", None)


@pytest.fixture
def chapter_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder searched for chapter modules, as if its files sat in k8slite/course/checks/."""
    monkeypatch.setattr(checks, "__path__", [*checks.__path__, str(tmp_path)])
    return tmp_path


def test_a_chapter_module_is_imported_on_first_use(chapter_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (chapter_folder / "ch96.py").write_text(
        "from k8slite.course.checks import exercise\n\n"
        "@exercise('96.1')\n"
        "def check_96_1(answer):\n"
        "    assert answer == 42, 'the answer is a number'\n"
        "    return '1 scenario.'\n"
    )
    assert "96.1" not in checks.REGISTRY

    check("96.1", 42)

    assert capsys.readouterr().out == "Exercise 96.1 passed: 1 scenario.\n"
    assert "k8slite.course.checks.ch96" in sys.modules


def test_a_chapter_with_a_missing_import_is_not_hidden(chapter_folder: Path) -> None:
    (chapter_folder / "ch95.py").write_text("import no_such_module_for_k8slite_tests\n")

    with pytest.raises(ModuleNotFoundError, match="no_such_module_for_k8slite_tests"):
        check("95.1", None)


def test_registering_again_from_the_same_module_replaces_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    register_double_check()

    @exercise("97.1")
    def check_97_1(double) -> str:
        return "replaced."

    check("97.1", None)
    assert capsys.readouterr().out == "Exercise 97.1 passed: replaced.\n"


def test_another_module_cannot_claim_a_registered_id() -> None:
    register_double_check()

    def impostor(answer: object) -> str:
        return "ok"

    impostor.__module__ = "k8slite.course.checks.ch97_copy"
    with pytest.raises(ValueError, match="exercise 97.1 already has a check in"):
        exercise("97.1")(impostor)


def test_a_check_must_return_its_line() -> None:
    @exercise("97.2")
    def check_97_2(answer: object) -> str:
        return None  # type: ignore[return-value]

    with pytest.raises(TypeError, match="returned None, not a line of text"):
        check("97.2", 1)
