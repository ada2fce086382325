"""Go's sort.Sort, as kubectl sorts a table with --sort-by (kubectl/gosort.py).

tests/golden/go_sort_permutations.json holds keys (one digit each) and the permutation Go's
sort.Sort (Go 1.19's sort package, whose xorshift the real kubectl 1.32's order matches) left
them in: equal keys in its order, not in the order given.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8slite.kubectl.gosort import go_sort, natural_less

CASES = json.loads((Path(__file__).parent / "golden" / "go_sort_permutations.json").read_text())


@pytest.mark.parametrize(("keys", "order"), CASES, ids=[str(len(k)) for k, _ in CASES])
def test_equal_keys_end_up_where_go_leaves_them(keys: str, order: list[int]) -> None:
    items = list(enumerate(keys))
    go_sort(items, lambda a, b: a[1] < b[1])
    assert [i for i, _ in items] == order
    assert [k for _, k in items] == sorted(keys)


@pytest.mark.parametrize(("a", "b", "less"), [
    ("web-9", "web-10", True), ("web-10", "web-9", False), ("a1", "a01", True), ("a01", "a1", False),
    ("1x", "x", True), ("x", "1x", False), ("abc", "abd", True), ("ab", "abc", True), ("e1", "e1", False),
    ("2025-01-01T00:00:05Z", "2025-01-01T00:00:10Z", True)])
def test_natural_order(a: str, b: str, less: bool) -> None:
    assert natural_less(a, b) is less
