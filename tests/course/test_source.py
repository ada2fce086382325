"""k8slite.course.excerpt: the few lines of the package a notebook prints."""

from __future__ import annotations

import pytest

from k8slite.course import excerpt
from k8slite.course.source import source_lines


def sample(x):
    """A docstring."""
    if x:
        return 1
    return 2


def test_bounds_are_line_numbers_from_1_or_texts(capsys: pytest.CaptureFixture[str]) -> None:
    assert source_lines(sample, 1, 1) == "def sample(x):"
    assert source_lines(sample, "if x", "return 1") == "if x:\n    return 1"  # dedented
    assert source_lines(sample, -1) == "return 2"
    excerpt(sample, 2, 2)
    assert capsys.readouterr().out == '"""A docstring."""\n'


def test_a_bound_that_is_not_there_says_so() -> None:
    with pytest.raises(ValueError, match="no line containing 'while'"):
        source_lines(sample, "while")
    with pytest.raises(ValueError, match="outside the source's 5 lines"):
        source_lines(sample, 9)
