"""Strict (eagerly evaluated) functions of the expression language (EXPRESSIONS.md §6).

Every function here returns null when any argument is null, unless its entry says otherwise.
The lazy forms (`if`, `coalesce`, `count`, `sum`) live in the evaluator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Final

from forms.expressions.errors import ExpressionError
from forms.expressions.values import (
    Scalar,
    check_integer,
    is_number,
    round_half_up,
    type_name,
)

_DATE_RE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Signature:
    """Arity of a function: inclusive bounds on the argument count."""

    min_args: int
    max_args: int


LAZY_FUNCTIONS: Final[dict[str, Signature]] = {
    "if": Signature(3, 3),
    "coalesce": Signature(2, 8),
    "count": Signature(1, 2),
    "sum": Signature(2, 2),
}


def parse_date(text: str) -> date:
    """Parse a strict `YYYY-MM-DD` calendar date, refusing anything else."""
    if not _DATE_RE.fullmatch(text):
        raise ExpressionError("invalid_date", f"{text!r} is not a YYYY-MM-DD date")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ExpressionError("invalid_date", f"{text!r} is not a calendar date") from None


def _type_error(function: str, value: object) -> ExpressionError:
    return ExpressionError("type_error", f"{function}() does not accept a {type_name(value)}")


def _selected(value: Scalar, code: Scalar) -> Scalar:
    if not isinstance(code, str):
        raise _type_error("selected", code)
    if isinstance(value, str):
        return value == code
    if isinstance(value, tuple):
        return code in value
    raise _type_error("selected", value)


def _count_selected(value: Scalar) -> Scalar:
    if isinstance(value, str):
        return 1
    if isinstance(value, tuple):
        return len(value)
    raise _type_error("count_selected", value)


def _dates(function: str, first: Scalar, second: Scalar) -> tuple[date, date]:
    for value in (first, second):
        if not isinstance(value, date):
            raise _type_error(function, value)
    assert isinstance(first, date)  # noqa: S101 - checked above
    assert isinstance(second, date)  # noqa: S101 - checked above
    return first, second


def _age(birth: Scalar, at: Scalar) -> Scalar:
    """Completed years; a 29 February birthday is reached on 1 March in common years."""
    born, when = _dates("age", birth, at)
    before_birthday = (when.month, when.day) < (born.month, born.day)
    return when.year - born.year - (1 if before_birthday else 0)


def _age_months(birth: Scalar, at: Scalar) -> Scalar:
    """Completed months; a month is complete once the day of month is reached."""
    born, when = _dates("age_months", birth, at)
    months = (when.year - born.year) * 12 + when.month - born.month
    return months - (1 if when.day < born.day else 0)


def _date(text: Scalar) -> Scalar:
    if not isinstance(text, str):
        raise _type_error("date", text)
    return parse_date(text)


def _year(value: Scalar) -> Scalar:
    if not isinstance(value, date):
        raise _type_error("year", value)
    return value.year


def _number(function: str, value: Scalar) -> int | Decimal:
    if not is_number(value):
        raise _type_error(function, value)
    assert isinstance(value, int | Decimal)  # noqa: S101 - is_number checked it
    return value


def _round(value: Scalar, places: Scalar) -> Scalar:
    number = _number("round", value)
    if type(places) is not int or not 0 <= places <= 6:
        raise ExpressionError("type_error", "round() needs an integer 0..6 of places")
    return number if type(number) is int else round_half_up(Decimal(number), places)


def _int(value: Scalar) -> Scalar:
    number = _number("int", value)
    if type(number) is int:
        return number
    return check_integer(int(Decimal(number).to_integral_value(rounding=ROUND_DOWN)))


def _min(left: Scalar, right: Scalar) -> Scalar:
    first, second = _number("min", left), _number("min", right)
    return second if second < first else first


def _max(left: Scalar, right: Scalar) -> Scalar:
    first, second = _number("max", left), _number("max", right)
    return second if second > first else first


def _length(value: Scalar) -> Scalar:
    """Length in Unicode code points (not UTF-16 units), without normalisation."""
    if not isinstance(value, str):
        raise _type_error("length", value)
    return len(value)


StrictFunction = Callable[..., Scalar]

STRICT_FUNCTIONS: Final[dict[str, tuple[Signature, StrictFunction]]] = {
    "selected": (Signature(2, 2), _selected),
    "count_selected": (Signature(1, 1), _count_selected),
    "age": (Signature(2, 2), _age),
    "age_months": (Signature(2, 2), _age_months),
    "date": (Signature(1, 1), _date),
    "year": (Signature(1, 1), _year),
    "round": (Signature(2, 2), _round),
    "int": (Signature(1, 1), _int),
    "min": (Signature(2, 2), _min),
    "max": (Signature(2, 2), _max),
    "length": (Signature(1, 1), _length),
}

NULL_AWARE_FUNCTIONS: Final[dict[str, Signature]] = {
    "answered": Signature(1, 1),
    "reference_date": Signature(0, 0),
}
"""Functions that never return null because of a null argument (handled in the evaluator)."""


def signature_of(name: str) -> Signature | None:
    """Return the arity of any function, or None when the name is unknown."""
    if name in STRICT_FUNCTIONS:
        return STRICT_FUNCTIONS[name][0]
    return LAZY_FUNCTIONS.get(name) or NULL_AWARE_FUNCTIONS.get(name)
