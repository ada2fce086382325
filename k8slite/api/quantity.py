"""Resource quantities: "500m", "8Gi", "1.5", "1e3", "500u", parsed exactly and written canonically.

Mirrors k8s.io/apimachinery/pkg/api/resource (quantity.go, suffix.go). A
quantity is a signed number with an optional suffix, and the suffix fixes
its *format*: decimal SI (n, u, m, "", k, M, G, T, P, E), binary SI (Ki, Mi,
Gi, Ti, Pi, Ei) or a decimal exponent (e3, E-2). Parsing rounds anything
finer than a nano-unit up ("if you want some resources, you should get some
resources"). Writing a quantity back (Quantity.String, CanonicalizeBytes)
keeps the format but picks the largest suffix that leaves a whole number:
"0.5" -> "500m", "1024Mi" -> "1Gi", "1.5Gi" -> "1536Mi", "1000m" -> "1";
a binary value below 1024, or not whole, is written in decimal SI. The
API server round-trips every quantity this way, and rounds every value of
a ResourceList up to milli-units on top (SetDefaults_ResourceList), so
"0.0001" CPU is stored as "1m".

k8slite keeps values as exact Fractions, so no rounding creeps in; the
scheduler sums plain integers, millicores() and bytes_of() (MilliValue and
Value, rounded up), each string converted once and remembered, as the
scheduler's framework.Resource holds int64s. Simplified: no cap at 2^63-1.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import NamedTuple

DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT = "DecimalSI", "BinarySI", "DecimalExponent"
DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
SUFFIXES = {**{s: Fraction(10) ** e for s, e in DECIMAL.items()}, **{s: Fraction(2**e) for s, e in BINARY.items()}}
SUFFIX_CHARS = "eEinumkKMGTP"
DIGITS = "0123456789"
MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
"""ErrFormatWrong, word for word."""
SUFFIX_MESSAGE = "unable to parse quantity's suffix"
"""ErrSuffix: the shape is right but the suffix is not one Kubernetes knows ("32MMi")."""
NANO = Fraction(1, 10**9)
MILLI = Fraction(1, 1000)
MAX_EXPONENT = 10**4
"""Go allows exponents up to 2^31-1; k8slite stops far earlier, where exact arithmetic gets slow."""


class QuantityError(ValueError):
    """A string that is not a quantity; the message is apimachinery's error."""


class Quantity(NamedTuple):
    value: Fraction
    format: str


def split(text: str) -> tuple[str, str, str, str]:
    """parseQuantityString: (sign, numerator, decimals, suffix), or QuantityError."""
    sign = text[:1] if text[:1] in "+-" else ""
    rest = text[len(sign):]
    num = rest[:len(rest) - len(rest.lstrip(DIGITS))]
    rest = rest[len(num):]
    denom = ""
    if rest.startswith("."):
        denom = rest[1:len(rest) - len(rest[1:].lstrip(DIGITS))]
        rest = rest[1 + len(denom):]
    letters = rest[:len(rest) - len(rest.lstrip(SUFFIX_CHARS))]
    tail = rest[len(letters):]
    tail = tail[1:] if tail[:1] in ("+", "-") and tail else tail
    if tail.strip(DIGITS):  # something after the suffix that is not an exponent
        raise QuantityError(MESSAGE)
    return sign, num.lstrip("0") or "0", denom, rest


def interpret(suffix: str) -> tuple[Fraction, str]:
    """suffixHandler.interpret: what the suffix multiplies by, and the format it gives."""
    if suffix in DECIMAL:
        return SUFFIXES[suffix], DECIMAL_SI
    if suffix in BINARY:
        return SUFFIXES[suffix], BINARY_SI
    exponent = suffix[1:]
    digits = exponent[1:] if exponent[:1] in ("+", "-") else exponent
    if len(suffix) > 1 and suffix[0] in "eE" and digits.isdigit() and int(digits) <= MAX_EXPONENT:
        return Fraction(10) ** int(exponent), DECIMAL_EXPONENT
    raise QuantityError(SUFFIX_MESSAGE)


@functools.lru_cache(maxsize=4096, typed=True)  # the same few strings come back on every pod
def parse(value: str | int | float) -> Quantity:
    """ParseQuantity: the value (rounded up to nano-units) and its format."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise QuantityError(MESSAGE)
    text = str(value).strip()  # a JSON number is parsed from its text; UnmarshalJSON trims spaces
    if not text:
        raise QuantityError(MESSAGE)
    sign, num, denom, suffix = split(text)
    multiplier, fmt = interpret(suffix)
    amount = Fraction(int(num + denom), 10 ** len(denom)) * multiplier
    amount = round_up(amount, NANO)
    if fmt == BINARY_SI and 0 < amount < 1:
        fmt = DECIMAL_SI
    return Quantity(-amount if sign == "-" else amount, fmt)


def round_up(amount: Fraction, step: Fraction) -> Fraction:
    """Round away from zero to a multiple of step (inf.RoundUp, Quantity.RoundUp)."""
    units = amount / step
    whole = -(-abs(units.numerator) // units.denominator)
    return (whole if units >= 0 else -whole) * step


def parse_quantity(value: str | int | float) -> Fraction:
    """The exact value of a quantity; QuantityError (a ValueError) with Kubernetes' message if malformed."""
    return parse(value).value


def canonical(value: str | int | float, milli: bool = False) -> str:
    """What the API server stores for a quantity: Quantity.String() after the round trip.

    `milli` rounds up to milli-units first, as SetDefaults_ResourceList does for
    requests, limits, capacities and quotas ("0.0001" -> "1m")."""
    amount, fmt = parse(value)
    if milli:
        amount = round_up(amount, MILLI)
    return format_quantity(Quantity(amount, fmt))


def format_quantity(quantity: Quantity) -> str:
    """CanonicalizeBytes: the largest suffix of the quantity's format that leaves a whole number."""
    amount, fmt = quantity
    if amount == 0:
        return "0"
    if fmt == BINARY_SI and abs(amount) >= 1024 and amount.denominator == 1:
        number, power = int(amount), 0
        while number % 1024 == 0 and power < 60:
            number, power = number // 1024, power + 10
        return f"{number}{suffix_for(2, power)}"
    mantissa, exponent = decimal_parts(amount)
    if fmt == DECIMAL_EXPONENT or exponent > 18:
        return f"{mantissa}e{exponent}" if exponent else str(mantissa)
    return f"{mantissa}{suffix_for(10, exponent)}"


def decimal_parts(amount: Fraction) -> tuple[int, int]:
    """AsCanonicalBytes: a whole mantissa and the largest exponent, a multiple of 3, that allows one."""
    mantissa, exponent = int(round_up(amount, NANO) * 10**9), -9
    while mantissa % 1000 == 0:
        mantissa, exponent = mantissa // 1000, exponent + 3
    return mantissa, exponent


def suffix_for(base: int, exponent: int) -> str:
    """suffixHandler.constructBytes: `m` for (10, -3), `Mi` for (2, 20)."""
    table = DECIMAL if base == 10 else {"": 0, **BINARY}
    return next(s for s, e in table.items() if e == exponent)


@functools.lru_cache(maxsize=4096, typed=True)  # hot: every pod's requests, every scheduling cycle
def millicores(value: str | int | float) -> int:
    """CPU as whole millicores, rounded up as Kubernetes does ("0.0001" -> 1m)."""
    exact = parse_quantity(value) * 1000
    return -(-exact.numerator // exact.denominator)


@functools.lru_cache(maxsize=4096, typed=True)
def bytes_of(value: str | int | float) -> int:
    """Memory or storage as whole bytes, rounded up."""
    exact = parse_quantity(value)
    return -(-exact.numerator // exact.denominator)


def format_amount(value: Fraction) -> str:
    """An amount as a ResourceQuota's status prints it: the shorter of its decimal form (500m, 2, 1G)
    and, for whole amounts of 1024 or more, its binary form (128Mi); a tie goes to binary."""
    forms = [format_quantity(Quantity(value, DECIMAL_SI))]
    if value.denominator == 1 and value >= 1024:
        forms.append(format_bytes(int(value)))
    return min(forms, key=lambda s: (len(s), not s.endswith("i")))


def format_cpu(milli: int) -> str:
    return f"{milli // 1000}" if milli % 1000 == 0 else f"{milli}m"


def format_bytes(amount: int) -> str:
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = int(SUFFIXES[suffix])
        if amount and amount % unit == 0:
            return f"{amount // unit}{suffix}"
    return str(amount)
