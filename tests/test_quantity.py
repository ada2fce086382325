"""Quantities parse exactly, with Kubernetes' suffixes."""

from fractions import Fraction

import pytest

from k8slite.api.quantity import bytes_of, millicores, parse_quantity


@pytest.mark.parametrize("text, value", [
    ("500m", Fraction(1, 2)), ("1", 1), ("0.1", Fraction(1, 10)), ("2k", 2000),
    ("8Gi", 8 * 2**30), ("128Mi", 128 * 2**20), ("1e3", 1000), ("1.5Gi", 3 * 2**29), (2, 2),
])
def test_parse(text, value):
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1Gb", "--1", "1.2.3", "Gi"])
def test_malformed(text):
    with pytest.raises(ValueError, match="quantities must match the regular expression"):
        parse_quantity(text)


def test_cpu_and_memory_units():
    assert millicores("0.1") == 100 and millicores("250m") == 250 and millicores(2) == 2000
    assert millicores("0.0001") == 1  # rounded up, as Kubernetes does
    assert bytes_of("1Ki") == 1024 and bytes_of("1k") == 1000
