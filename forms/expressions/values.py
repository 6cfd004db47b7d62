"""Runtime values of the expression language and the number rules (EXPRESSIONS.md §4-5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from forms.expressions.errors import ExpressionError

MAX_INTEGER: Final = 2**53 - 1
"""Largest integer magnitude; matches JavaScript's Number.MAX_SAFE_INTEGER."""
DIVISION_PLACES: Final = 6
"""Fractional digits kept by `/`, rounded half away from zero."""
MAX_DECIMAL_DIGITS: Final = 34
"""Significant digits a decimal result may have before it is an overflow."""


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A GPS fix in WGS84 degrees; accuracy in metres."""

    latitude: Decimal
    longitude: Decimal
    accuracy: Decimal


Scalar = None | bool | int | Decimal | str | date | GeoPoint | tuple[str, ...]
Item = Mapping[str, Scalar]
Value = Scalar | tuple[Item, ...]

TYPE_NAMES: Final[dict[type, str]] = {
    type(None): "null",
    bool: "boolean",
    int: "integer",
    Decimal: "decimal",
    str: "string",
    date: "date",
    GeoPoint: "geopoint",
    tuple: "list",
}


def type_name(value: object) -> str:
    """Name a value's type the way EXPRESSIONS.md does, for error messages."""
    return TYPE_NAMES.get(type(value), type(value).__name__)


def is_number(value: object) -> bool:
    """True for integers and decimals; booleans are not numbers."""
    return type(value) is int or isinstance(value, Decimal)


def check_integer(value: int) -> int:
    """Refuse integers a JavaScript Number cannot hold exactly."""
    if abs(value) > MAX_INTEGER:
        raise ExpressionError("overflow", f"integer {value} exceeds ±{MAX_INTEGER}")
    return value


def check_decimal(value: Decimal) -> Decimal:
    """Refuse decimals with more significant digits than an exact port must carry."""
    # Count without normalize(): it would round to the ambient 28-digit context first.
    significant = "".join(map(str, value.as_tuple().digits)).strip("0")
    if len(significant) > MAX_DECIMAL_DIGITS:
        raise ExpressionError("overflow", f"decimal result has over {MAX_DECIMAL_DIGITS} digits")
    return value


def divide(left: int | Decimal, right: int | Decimal) -> Decimal:
    """Divide exactly, then round to DIVISION_PLACES half away from zero.

    Works on scaled integers so no intermediate rounding can differ from a port.
    """
    if right == 0:
        raise ExpressionError("division_by_zero", "division by zero")
    numerator, denominator = _as_fraction(Decimal(left)), _as_fraction(Decimal(right))
    top = numerator[0] * denominator[1] * 10**DIVISION_PLACES
    bottom = numerator[1] * denominator[0]
    negative = (top < 0) != (bottom < 0)
    quotient, remainder = divmod(abs(top), abs(bottom))
    if 2 * remainder >= abs(bottom):
        quotient += 1
    scaled = Decimal(-quotient if negative else quotient).scaleb(-DIVISION_PLACES)
    return check_decimal(scaled)


def _as_fraction(value: Decimal) -> tuple[int, int]:
    """Return (numerator, denominator) with a power-of-ten denominator."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # noqa: S101 - finite decimals only reach here
    magnitude = int("".join(map(str, digits)) or "0")
    numerator = -magnitude if sign else magnitude
    if exponent >= 0:
        return numerator * 10**exponent, 1
    return numerator, 10**-exponent


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round to `places` fractional digits, ties away from zero."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
