"""The answers wire format: strict decoding of one JSON answer per question type.

A submission is a JSON object keyed by question id (groups add no nesting). A repeat is a
JSON array of such objects. Absent keys and JSON null both mean "unanswered". The wire type
of each question type is fixed here and in EXPRESSIONS.md §9; nothing is guessed or coerced
("12a", 3.0 and true are not integers).

Decimals and coordinates may also travel as decimal strings ("40.5", "-0.25"): the sync
protocol forbids JSON floats in payloads because float text differs between languages,
so a phone sends exact decimal text. Only plain decimal notation is accepted: no
exponent, no spaces, no thousands separators.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from forms.expressions import GeoPoint, Scalar
from forms.expressions.values import MAX_DECIMAL_DIGITS, MAX_INTEGER
from forms.loader import HARD_MAX_TEXT
from forms.model import Question

DATE_RE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CONTROL_RE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""C0 controls and DEL, except tab, line feed and carriage return."""
DECIMAL_TEXT_RE: Final = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,12})?")
PHOTO_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,127}\.(?:jpe?g|png|webp)", re.I)
MAX_DECIMAL_ANSWER: Final = Decimal(10) ** 15
"""Largest decimal answer magnitude; keeps every product well inside 34 digits."""
EARLIEST_DATE: Final = date(1900, 1, 1)
LATEST_DATE: Final = date(2100, 12, 31)


@dataclass(frozen=True, slots=True)
class Box:
    """A latitude/longitude bounding box in WGS84 degrees, bounds inclusive."""

    min_latitude: Decimal
    max_latitude: Decimal
    min_longitude: Decimal
    max_longitude: Decimal


VIETNAM_BOX: Final = Box(Decimal("7.5"), Decimal("23.5"), Decimal("102.0"), Decimal("117.5"))
"""Mainland Viet Nam, Phú Quốc, Côn Đảo and the Hoàng Sa and Trường Sa archipelagos."""
MAX_ACCURACY_M: Final = Decimal(10000)


class AnswerRefused(Exception):  # noqa: N818 - a refusal, not a crash
    """One answer cannot be accepted; carries the stable code and both messages."""

    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(en)
        self.code, self.vi, self.en = code, vi, en


def _wrong_type(vi: str, en: str) -> AnswerRefused:
    return AnswerRefused("type", vi, en)


def decode(question: Question, raw: object) -> Scalar:
    """Return the typed value of a non-null answer, or raise AnswerRefused."""
    value = _DECODERS[question.type](question, raw)
    _check_bounds(question, value)
    return value


def _text(question: Question, raw: object) -> Scalar:
    if not isinstance(raw, str):
        raise _wrong_type("Phải là một chuỗi ký tự.", "Must be a JSON string.")
    if not raw.strip():
        raise AnswerRefused(
            "blank",
            "Không được để trống; nếu không có thì bỏ qua câu hỏi.",
            "Must not be blank; send null or omit the question instead.",
        )
    if CONTROL_RE.search(raw):
        raise _wrong_type("Chứa ký tự điều khiển không hợp lệ.", "Contains a control character.")
    limit = question.max_length or HARD_MAX_TEXT
    if len(raw) > limit:
        raise AnswerRefused("length", f"Dài quá {limit} ký tự.", f"Longer than {limit} characters.")
    return raw


def _integer(question: Question, raw: object) -> Scalar:
    if type(raw) is not int:
        raise _wrong_type("Phải là số nguyên (kiểu số JSON).", "Must be a JSON integer.")
    if abs(raw) > MAX_INTEGER:
        raise AnswerRefused("range", "Số quá lớn.", "The number is too large.")
    return raw


def _decimal_text(raw: object) -> object:
    """Turn an exact decimal string into a Decimal; leave anything else for the type check."""
    if isinstance(raw, str) and DECIMAL_TEXT_RE.fullmatch(raw):
        return Decimal(raw)
    return raw


def _decimal(question: Question, raw: object) -> Scalar:
    raw = _decimal_text(raw)
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise _wrong_type("Phải là một số (kiểu số JSON).", "Must be a JSON number.")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise _wrong_type("Phải là một số hữu hạn.", "Must be a finite number.")
    value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    if abs(value) > MAX_DECIMAL_ANSWER or len(value.as_tuple().digits) > MAX_DECIMAL_DIGITS:
        raise AnswerRefused("range", "Số không hợp lệ.", "The number is out of range.")
    return value


def _select_one(question: Question, raw: object) -> Scalar:
    if not isinstance(raw, str):
        raise _wrong_type("Phải là mã của một lựa chọn.", "Must be one choice code (string).")
    _check_choice(question, raw)
    return raw


def _check_choice(question: Question, code: str) -> None:
    assert question.choice_list is not None  # noqa: S101 - the loader guarantees it
    if code not in question.choice_list.values():
        raise AnswerRefused(
            "choice", f"“{code}” không phải là lựa chọn hợp lệ.", f"“{code}” is not a valid choice."
        )


def _select_multiple(question: Question, raw: object) -> Scalar:
    if not isinstance(raw, list) or not all(isinstance(code, str) for code in raw):
        raise _wrong_type("Phải là danh sách mã lựa chọn.", "Must be a JSON array of choice codes.")
    if not raw:
        raise AnswerRefused(
            "blank",
            "Phải chọn ít nhất một lựa chọn; nếu không có thì bỏ qua câu hỏi.",
            "Select at least one choice; send null or omit the question instead.",
        )
    if len(set(raw)) != len(raw):
        raise _wrong_type("Một lựa chọn bị lặp lại.", "A choice is listed twice.")
    for code in raw:
        _check_choice(question, code)
    return tuple(raw)


def _date(question: Question, raw: object) -> Scalar:
    message = ("Phải là ngày dạng YYYY-MM-DD.", "Must be a date as YYYY-MM-DD.")
    if not isinstance(raw, str) or not DATE_RE.fullmatch(raw):
        raise _wrong_type(*message)
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise _wrong_type("Ngày không có trên lịch.", "Not a calendar date.") from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise AnswerRefused("range", "Ngày ngoài khoảng 1900–2100.", "Date outside 1900–2100.")
    return value


def _geopoint(question: Question, raw: object) -> Scalar:
    keys = {"latitude", "longitude", "accuracy"}
    if not isinstance(raw, dict) or set(raw) != keys:
        raise _wrong_type(
            "Phải có đúng các trường latitude, longitude, accuracy.",
            "Must be an object with exactly latitude, longitude and accuracy.",
        )
    numbers = {key: _coordinate(raw[key]) for key in sorted(keys)}
    point = GeoPoint(numbers["latitude"], numbers["longitude"], numbers["accuracy"])
    _check_in_vietnam(point)
    return point


def _coordinate(raw: object) -> Decimal:
    raw = _decimal_text(raw)
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise _wrong_type("Toạ độ phải là số.", "Coordinates must be JSON numbers.")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise _wrong_type("Toạ độ phải là số hữu hạn.", "Coordinates must be finite.")
    return Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)


def _check_in_vietnam(point: GeoPoint) -> None:
    box = VIETNAM_BOX
    inside = (
        box.min_latitude <= point.latitude <= box.max_latitude
        and box.min_longitude <= point.longitude <= box.max_longitude
    )
    if not inside:
        raise AnswerRefused(
            "range", "Toạ độ nằm ngoài lãnh thổ Việt Nam.", "The point lies outside Viet Nam."
        )
    if not Decimal(0) <= point.accuracy <= MAX_ACCURACY_M:
        raise AnswerRefused(
            "range", "Độ chính xác phải từ 0 đến 10.000 m.", "Accuracy must be 0 to 10,000 m."
        )


def _photo(question: Question, raw: object) -> Scalar:
    if not isinstance(raw, str) or not PHOTO_RE.fullmatch(raw):
        raise _wrong_type(
            "Phải là tên tệp ảnh đính kèm (.jpg, .png, .webp).",
            "Must be the file name of an attached image (.jpg, .png, .webp).",
        )
    return raw


_DECODERS: Final[dict[str, Callable[[Question, object], Scalar]]] = {
    "text": _text,
    "integer": _integer,
    "decimal": _decimal,
    "select_one": _select_one,
    "select_multiple": _select_multiple,
    "date": _date,
    "geopoint": _geopoint,
    "photo": _photo,
}


def _check_bounds(question: Question, value: Scalar) -> None:
    """Apply a question's inclusive min/max to a decoded number."""
    if not isinstance(value, int | Decimal) or isinstance(value, bool):
        return
    low, high = question.minimum, question.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise AnswerRefused("range", *_range_messages(low, high))


def _range_messages(low: int | Decimal | None, high: int | Decimal | None) -> tuple[str, str]:
    if high is None:
        return (
            f"Giá trị phải từ {_show(low, '.')} trở lên.",
            f"The value must be at least {_show(low, ',')}.",
        )
    if low is None:
        return (
            f"Giá trị phải từ {_show(high, '.')} trở xuống.",
            f"The value must be at most {_show(high, ',')}.",
        )
    return (
        f"Giá trị phải từ {_show(low, '.')} đến {_show(high, '.')}.",
        f"The value must be between {_show(low, ',')} and {_show(high, ',')}.",
    )


def _show(bound: int | Decimal | None, thousands: str) -> str:
    """Format a bound with Vietnamese (".") or English (",") digit grouping."""
    if bound is None:
        return "…"
    if type(bound) is int:
        return f"{bound:,}".replace(",", thousands)
    return str(bound)
