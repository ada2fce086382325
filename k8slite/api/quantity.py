"""Resource quantities: "500m", "8Gi", "1.5", "2e3", parsed exactly.

Mirrors k8s.io/apimachinery/pkg/api/resource.Quantity. A quantity is a
number with an optional suffix: decimal SI (m, k, M, G, T, P, E), binary SI
(Ki, Mi, Gi, Ti, Pi, Ei) or an exponent (e3). k8slite keeps the value as an
exact Fraction, so "0.1" CPU is exactly 100 millicores and no rounding
creeps into scheduling arithmetic. Simplified: no canonical re-formatting.
"""

from __future__ import annotations

import functools
import re
from fractions import Fraction

SUFFIXES = {
    "": Fraction(1), "m": Fraction(1, 1000), "k": Fraction(10**3), "M": Fraction(10**6),
    "G": Fraction(10**9), "T": Fraction(10**12), "P": Fraction(10**15), "E": Fraction(10**18),
    "Ki": Fraction(2**10), "Mi": Fraction(2**20), "Gi": Fraction(2**30),
    "Ti": Fraction(2**40), "Pi": Fraction(2**50), "Ei": Fraction(2**60),
}
PATTERN = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


@functools.lru_cache(maxsize=4096, typed=True)  # the same few strings come back on every pod
def parse_quantity(value: str | int | float) -> Fraction:
    """The exact value of a quantity; ValueError with Kubernetes' message if malformed."""
    if isinstance(value, bool):
        raise ValueError(MESSAGE)
    if isinstance(value, (int, float)):
        return Fraction(str(value))
    match = PATTERN.match(value.strip())
    if not match:
        raise ValueError(MESSAGE)
    number, suffix = match.groups()
    try:
        base = Fraction(number)
    except ValueError:
        raise ValueError(MESSAGE) from None
    if suffix in SUFFIXES:
        return base * SUFFIXES[suffix]
    if suffix[:1] in ("e", "E") and re.fullmatch(r"[eE][-+]?[0-9]+", suffix):
        return base * Fraction(10) ** int(suffix[1:])
    raise ValueError(MESSAGE)


def millicores(value: str | int | float) -> int:
    """CPU as whole millicores, rounded up as Kubernetes does ("0.0001" -> 1m)."""
    exact = parse_quantity(value) * 1000
    return -(-exact.numerator // exact.denominator)


def bytes_of(value: str | int | float) -> int:
    """Memory or storage as whole bytes, rounded up."""
    exact = parse_quantity(value)
    return -(-exact.numerator // exact.denominator)


def format_cpu(milli: int) -> str:
    return f"{milli // 1000}" if milli % 1000 == 0 else f"{milli}m"


def format_bytes(amount: int) -> str:
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = int(SUFFIXES[suffix])
        if amount and amount % unit == 0:
            return f"{amount // unit}{suffix}"
    return str(amount)
