"""Go's sort.Sort and the natural string order kubectl's --sort-by uses (sorter.go's isLess).

kubectl sorts a table with Go's sort.Sort, which is not stable: rows whose keys are equal (events
of the same second, pods started together) come out in the order its algorithm leaves them, not in
the order the server listed them. To print the same table, k8slite sorts the same way: Go's
pattern-defeating quicksort (sort/zsortinterface.go: insertion sort up to 12 items, median-of-three
or Tukey's ninther pivots, a partial insertion sort for nearly sorted input, a xorshift to break
patterns, heapsort as the fallback). Strings compare as sortorder.NaturalLess compares them: runs of
digits by their value (`web-9` before `web-10`), digits before other characters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
Less = Callable[[Any, Any], bool]
INCREASING, DECREASING, UNKNOWN = "increasing", "decreasing", "unknown"
XORSHIFT = (13, 17, 5)  # sort.go's xorshift (checked against the real kubectl 1.32 and Go 1.19)


def go_sort(data: list[T], less: Callable[[T, T], bool]) -> None:
    """Sort data in place exactly as Go's sort.Sort would, given the same Less."""
    if len(data) > 1:
        Sorter(data, less).pdqsort(0, len(data), len(data).bit_length())


class Sorter:
    def __init__(self, data: list[Any], less: Less) -> None:
        self.data, self.less_items = data, less

    def less(self, i: int, j: int) -> bool:
        return self.less_items(self.data[i], self.data[j])

    def swap(self, i: int, j: int) -> None:
        self.data[i], self.data[j] = self.data[j], self.data[i]

    def insertion_sort(self, a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and self.less(j, j - 1):
                self.swap(j, j - 1)
                j -= 1

    def sift_down(self, lo: int, hi: int, first: int) -> None:
        root = lo
        while True:
            child = 2 * root + 1
            if child >= hi:
                return
            if child + 1 < hi and self.less(first + child, first + child + 1):
                child += 1
            if not self.less(first + root, first + child):
                return
            self.swap(first + root, first + child)
            root = child

    def heap_sort(self, a: int, b: int) -> None:
        hi = b - a
        for i in range((hi - 1) // 2, -1, -1):
            self.sift_down(i, hi, a)
        for i in range(hi - 1, -1, -1):
            self.swap(a, a + i)
            self.sift_down(0, i, a)

    def pdqsort(self, a: int, b: int, limit: int) -> None:
        was_balanced, was_partitioned = True, True
        while True:
            length = b - a
            if length <= 12:
                self.insertion_sort(a, b)
                return
            if limit == 0:
                self.heap_sort(a, b)
                return
            if not was_balanced:
                self.break_patterns(a, b)
                limit -= 1
            pivot, hint = self.choose_pivot(a, b)
            if hint == DECREASING:
                self.reverse_range(a, b)
                pivot, hint = (b - 1) - (pivot - a), INCREASING
            if was_balanced and was_partitioned and hint == INCREASING and self.partial_insertion_sort(a, b):
                return
            if a > 0 and not self.less(a - 1, pivot):  # many equal elements: put those equal to the pivot first
                a = self.partition_equal(a, b, pivot)
                continue
            mid, was_partitioned = self.partition(a, b, pivot)
            left, right = mid - a, b - mid
            if left < right:
                was_balanced = left >= length // 8
                self.pdqsort(a, mid, limit)
                a = mid + 1
            else:
                was_balanced = right >= length // 8
                self.pdqsort(mid + 1, b, limit)
                b = mid

    def partition(self, a: int, b: int, pivot: int) -> tuple[int, bool]:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while i <= j and self.less(i, a):
            i += 1
        while i <= j and not self.less(j, a):
            j -= 1
        if i > j:
            self.swap(j, a)
            return j, True
        self.swap(i, j)
        i, j = i + 1, j - 1
        while True:
            while i <= j and self.less(i, a):
                i += 1
            while i <= j and not self.less(j, a):
                j -= 1
            if i > j:
                break
            self.swap(i, j)
            i, j = i + 1, j - 1
        self.swap(j, a)
        return j, False

    def partition_equal(self, a: int, b: int, pivot: int) -> int:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while True:
            while i <= j and not self.less(a, i):
                i += 1
            while i <= j and self.less(a, j):
                j -= 1
            if i > j:
                return i
            self.swap(i, j)
            i, j = i + 1, j - 1

    def partial_insertion_sort(self, a: int, b: int) -> bool:
        i = a + 1
        for _ in range(5):  # at most five adjacent out-of-order pairs are shifted
            while i < b and not self.less(i, i - 1):
                i += 1
            if i == b:
                return True
            if b - a < 50:  # short slices are not shifted
                return False
            self.swap(i, i - 1)
            if i - a >= 2:  # the smaller one to the left
                for j in range(i - 1, 0, -1):
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
            if b - i >= 2:  # the greater one to the right
                for j in range(i + 1, b):
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
        return False

    def break_patterns(self, a: int, b: int) -> None:
        length = b - a
        if length < 8:
            return
        state, modulus = length, 1 << length.bit_length()
        for idx in range(a + (length // 4) * 2 - 1, a + (length // 4) * 2 + 2):
            left, right, last = XORSHIFT  # xorshift, seeded with the length
            state ^= (state << left) & 0xFFFFFFFFFFFFFFFF
            state ^= state >> right
            state ^= (state << last) & 0xFFFFFFFFFFFFFFFF
            other = state & (modulus - 1)
            if other >= length:
                other -= length
            self.swap(idx, a + other)

    def choose_pivot(self, a: int, b: int) -> tuple[int, str]:
        length, swaps = b - a, [0]
        i, j, k = a + length // 4, a + length // 4 * 2, a + length // 4 * 3
        if length >= 8:
            if length >= 50:  # Tukey's ninther
                i, j, k = (self.median(x - 1, x, x + 1, swaps) for x in (i, j, k))
            j = self.median(i, j, k, swaps)
        return j, {0: INCREASING, 12: DECREASING}.get(swaps[0], UNKNOWN)

    def order2(self, a: int, b: int, swaps: list[int]) -> tuple[int, int]:
        if self.less(b, a):
            swaps[0] += 1
            return b, a
        return a, b

    def median(self, a: int, b: int, c: int, swaps: list[int]) -> int:
        a, b = self.order2(a, b, swaps)
        b, c = self.order2(b, c, swaps)
        a, b = self.order2(a, b, swaps)
        return b

    def reverse_range(self, a: int, b: int) -> None:
        i, j = a, b - 1
        while i < j:
            self.swap(i, j)
            i, j = i + 1, j - 1


def natural_less(a: str, b: str) -> bool:
    """sortorder.NaturalLess: digit runs compare by value, then by their leading zeros; digits sort first."""
    i = j = 0
    while i < len(a) and j < len(b):
        da, db = is_digit(a[i]), is_digit(b[j])
        if da != db:
            return da
        if not da:
            if a[i] != b[j]:
                return a[i] < b[j]
            i, j = i + 1, j + 1
            continue
        while i < len(a) and a[i] == "0":
            i += 1
        while j < len(b) and b[j] == "0":
            j += 1
        si, sj = i, j  # where each number starts after its zeros
        while i < len(a) and is_digit(a[i]):
            i += 1
        while j < len(b) and is_digit(b[j]):
            j += 1
        if i - si != j - sj:
            return i - si < j - sj
        if a[si:i] != b[sj:j]:
            return a[si:i] < b[sj:j]
        if si != sj:  # the same number: the one with fewer zeros first
            return si < sj
    return len(a) < len(b)


def is_digit(char: str) -> bool:
    return "0" <= char <= "9"
