"""Decode household facts from JSON-ready dicts, strictly.

Strict means: no coercion ("12a" is not a number, 1 is not true), no unknown keys, and every
problem of one household reported at once with its field path, so a reviewer can fix a
record in one pass.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final, NamedTuple, TypeVar

from forms.scoring.facts import (
    AREA_TYPES,
    DEVICES,
    EMPLOYMENT_STATUSES,
    EMPLOYMENT_TYPES,
    FACTS_VERSION,
    INCOME_KINDS,
    LATRINE_TYPES,
    MATERIALS,
    NUTRITION_STATUSES,
    QUALIFICATIONS,
    SCHOOL_LEVELS,
    SEXES,
    WASTE_TREATMENTS,
    WATER_SOURCES,
    DeclaredIncome,
    Dwelling,
    Health,
    HouseholdFacts,
    IncomeSource,
    Information,
    Member,
    ProxyIncome,
    Sanitation,
)

T = TypeVar("T")

_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR_MIN: Final = 1880
_YEAR_MAX: Final = 2200


class FactsProblem(NamedTuple):
    """One problem in the input: (field path, code, message_vi, message_en)."""

    path: str
    code: str
    message_vi: str
    message_en: str


class FactsError(ValueError):
    """Raised when household facts cannot be decoded; ``problems`` lists every problem."""

    def __init__(self, problems: list[FactsProblem]) -> None:
        self.problems = problems
        first = problems[0] if problems else None
        summary = f"{first.path}: {first.message_en}" if first else "invalid facts"
        super().__init__(f"{len(problems)} problem(s) in household facts; first: {summary}")

    def as_tuples(self) -> list[tuple[str, str, str, str]]:
        """Return the problems as plain (path, code, message_vi, message_en) tuples."""
        return [(p.path, p.code, p.message_vi, p.message_en) for p in self.problems]


class _Reader:
    """Collects problems while reading fields; never raises until ``finish``."""

    def __init__(self) -> None:
        self.problems: list[FactsProblem] = []

    def fail(self, path: str, code: str, vi: str, en: str) -> None:
        self.problems.append(FactsProblem(path, code, vi, en))

    def obj(self, value: object, path: str, allowed: frozenset[str]) -> Mapping[str, Any] | None:
        """Return ``value`` as a mapping, reporting a wrong type and any unknown keys."""
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.fail(path, "type", "phải là một đối tượng JSON", "must be a JSON object")
            return None
        for key in sorted(set(value) - allowed):
            self.fail(
                _join(path, str(key)), "unknown_field", "trường không được hỗ trợ", "unknown field"
            )
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: str) -> bool | None:
        value = data.get(key)
        if value is None or isinstance(value, bool):
            return value
        self.fail(_join(path, key), "type", "phải là true hoặc false", "must be true or false")
        return None

    def integer(
        self, data: Mapping[str, Any], key: str, path: str, low: int, high: int
    ) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        # bool is a subclass of int; true/false are never numbers here.
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(_join(path, key), "type", "phải là số nguyên", "must be an integer")
            return None
        if not low <= value <= high:
            self.fail(
                _join(path, key),
                "range",
                f"phải trong khoảng {low}–{high}",
                f"must be within {low}–{high}",
            )
            return None
        return value

    def code(
        self, data: Mapping[str, Any], key: str, path: str, codes: frozenset[str]
    ) -> str | None:
        return self.code_value(data.get(key), _join(path, key), codes)

    def code_value(self, value: object, path: str, codes: frozenset[str]) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(path, "type", "phải là một mã chuỗi", "must be a string code")
            return None
        if value not in codes:
            self.fail(
                path, "unknown_code", f"mã không hợp lệ: {value!r}", f"unknown code: {value!r}"
            )
            return None
        return value

    def text(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        value = data.get(key)
        if value is None or isinstance(value, str):
            return value
        self.fail(_join(path, key), "type", "phải là chuỗi", "must be a string")
        return None

    def day(self, data: Mapping[str, Any], key: str, path: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str) and _DATE_RE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(
            _join(path, key), "date", "phải là ngày dạng YYYY-MM-DD", "must be a date YYYY-MM-DD"
        )
        return None

    def area(self, data: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return None
        number = _exact_number(value)
        if number is None:
            self.fail(_join(path, key), "type", "phải là một số", "must be a number")
            return None
        if number < 0:
            self.fail(_join(path, key), "negative", "không được âm", "must not be negative")
            return None
        return number


def _exact_number(value: object) -> Decimal | None:
    """Return a JSON number as an exact Decimal; floats go through their shortest repr."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value) if Decimal(value).is_finite() else None
    if isinstance(value, float) and math.isfinite(value):
        return Decimal(repr(value))
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


_TOP_KEYS: Final = frozenset(
    {
        "facts_version",
        "household_id",
        "review_year",
        "area_type",
        "province_code",
        "reference_date",
        "members",
        "dwelling",
        "sanitation",
        "information",
        "health",
        "income",
    }
)
_MEMBER_KEYS: Final = frozenset(
    {
        "name",
        "sex",
        "birth_date",
        "birth_year",
        "in_school",
        "school_level",
        "highest_qualification",
        "health_insurance",
        "employment_status",
        "employment_type",
        "labour_contract",
        "disabled",
        "unable_to_work",
        "social_allowance",
        "nutrition",
    }
)
_DWELLING_KEYS: Final = frozenset({"wall_material", "column_material", "roof_material", "area_m2"})
_SANITATION_KEYS: Final = frozenset({"water_source", "latrine", "waste_treatment"})
_INFORMATION_KEYS: Final = frozenset(
    {"internet_use", "phone_subscription", "devices", "loudspeaker_reach", "digital_services_use"}
)


def facts_from_dict(data: object) -> HouseholdFacts:
    """Decode one household's facts, or raise FactsError listing every problem."""
    reader = _Reader()
    top = reader.obj(data, "", _TOP_KEYS)
    if top is None:
        if data is None:
            reader.fail("", "type", "phải là một đối tượng JSON", "must be a JSON object")
        raise FactsError(reader.problems)
    facts = _household(reader, top)
    if reader.problems or facts is None:
        raise FactsError(reader.problems)
    return facts


def _household(r: _Reader, top: Mapping[str, Any]) -> HouseholdFacts | None:
    version = top.get("facts_version")
    if version is None:
        r.fail("facts_version", "required", "thiếu phiên bản dữ liệu", "facts_version is required")
    elif isinstance(version, bool) or version != FACTS_VERSION:
        r.fail(
            "facts_version",
            "version",
            f"chỉ hỗ trợ phiên bản {FACTS_VERSION}",
            f"only version {FACTS_VERSION} is supported",
        )
    year = r.integer(top, "review_year", "", 2000, 2100)
    if top.get("review_year") is None:
        r.fail("review_year", "required", "thiếu năm rà soát", "review_year is required")
    members = _members(r, top.get("members"))
    facts = HouseholdFacts(
        review_year=year or 0,
        members=members,
        area_type=r.code(top, "area_type", "", AREA_TYPES),
        province_code=r.integer(top, "province_code", "", 1, 999),
        household_id=r.text(top, "household_id", ""),
        reference_date=r.day(top, "reference_date", ""),
        dwelling=_group(r, top, "dwelling", _DWELLING_KEYS, _dwelling, Dwelling()),
        sanitation=_group(r, top, "sanitation", _SANITATION_KEYS, _sanitation, Sanitation()),
        information=_group(r, top, "information", _INFORMATION_KEYS, _information, Information()),
        health=_group(r, top, "health", frozenset({"ill_without_care_12m"}), _health, Health()),
        income=_income(r, top.get("income")),
    )
    return None if r.problems else facts


def _group(
    r: _Reader,
    top: Mapping[str, Any],
    key: str,
    allowed: frozenset[str],
    build: Callable[[_Reader, Mapping[str, Any]], T],
    empty: T,
) -> T:
    data = r.obj(top.get(key), key, allowed)
    return empty if data is None else build(r, data)


def _members(r: _Reader, value: object) -> tuple[Member, ...]:
    if value is None:
        r.fail("members", "required", "thiếu danh sách thành viên", "members is required")
        return ()
    if not isinstance(value, list):
        r.fail("members", "type", "phải là một mảng", "must be an array")
        return ()
    if not value:
        r.fail(
            "members",
            "empty",
            "hộ phải có ít nhất 1 thành viên",
            "a household has at least 1 member",
        )
    members = []
    for index, item in enumerate(value):
        path = f"members[{index}]"
        data = r.obj(item, path, _MEMBER_KEYS)
        if data is None:
            if item is None:
                r.fail(path, "type", "phải là một đối tượng JSON", "must be a JSON object")
            continue
        members.append(_member(r, data, path))
    return tuple(members)


def _member(r: _Reader, d: Mapping[str, Any], p: str) -> Member:
    birth_date = r.day(d, "birth_date", p)
    birth_year = r.integer(d, "birth_year", p, _YEAR_MIN, _YEAR_MAX)
    if birth_date is not None and birth_year is not None and birth_date.year != birth_year:
        r.fail(
            f"{p}.birth_year",
            "mismatch",
            "năm sinh khác với ngày sinh",
            "birth_year differs from birth_date",
        )
    return Member(
        name=r.text(d, "name", p),
        sex=r.code(d, "sex", p, SEXES),
        birth_date=birth_date,
        birth_year=birth_date.year if birth_date is not None else birth_year,
        in_school=r.boolean(d, "in_school", p),
        school_level=r.code(d, "school_level", p, SCHOOL_LEVELS),
        highest_qualification=r.code(d, "highest_qualification", p, QUALIFICATIONS),
        health_insurance=r.boolean(d, "health_insurance", p),
        employment_status=r.code(d, "employment_status", p, EMPLOYMENT_STATUSES),
        employment_type=r.code(d, "employment_type", p, EMPLOYMENT_TYPES),
        labour_contract=r.boolean(d, "labour_contract", p),
        disabled=r.boolean(d, "disabled", p),
        unable_to_work=r.boolean(d, "unable_to_work", p),
        social_allowance=r.boolean(d, "social_allowance", p),
        nutrition=r.code(d, "nutrition", p, NUTRITION_STATUSES),
    )


def _dwelling(r: _Reader, d: Mapping[str, Any]) -> Dwelling:
    p = "dwelling"
    return Dwelling(
        wall_material=r.code(d, "wall_material", p, MATERIALS),
        column_material=r.code(d, "column_material", p, MATERIALS),
        roof_material=r.code(d, "roof_material", p, MATERIALS),
        area_m2=r.area(d, "area_m2", p),
    )


def _sanitation(r: _Reader, d: Mapping[str, Any]) -> Sanitation:
    p = "sanitation"
    return Sanitation(
        water_source=r.code(d, "water_source", p, WATER_SOURCES),
        latrine=r.code(d, "latrine", p, LATRINE_TYPES),
        waste_treatment=r.code(d, "waste_treatment", p, WASTE_TREATMENTS),
    )


def _information(r: _Reader, d: Mapping[str, Any]) -> Information:
    p = "information"
    return Information(
        internet_use=r.boolean(d, "internet_use", p),
        phone_subscription=r.boolean(d, "phone_subscription", p),
        devices=_devices(r, d.get("devices")),
        loudspeaker_reach=r.boolean(d, "loudspeaker_reach", p),
        digital_services_use=r.boolean(d, "digital_services_use", p),
    )


def _devices(r: _Reader, value: object) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        r.fail("information.devices", "type", "phải là một mảng", "must be an array")
        return None
    before = len(r.problems)
    for index, item in enumerate(value):
        if item is None:
            r.fail(
                f"information.devices[{index}]", "type", "không được là null", "must not be null"
            )
        else:
            r.code_value(item, f"information.devices[{index}]", DEVICES)
    if len(r.problems) > before:
        return None
    return frozenset(value)


def _health(r: _Reader, d: Mapping[str, Any]) -> Health:
    return Health(ill_without_care_12m=r.boolean(d, "ill_without_care_12m", "health"))


def _income(r: _Reader, value: object) -> DeclaredIncome | ProxyIncome | None:
    data = r.obj(value, "income", frozenset({"method", "sources", "table", "items"}))
    if data is None:
        return None
    method = r.code(data, "method", "income", frozenset({"declared", "proxy"}))
    if method is None:
        if data.get("method") is None:
            r.fail(
                "income.method",
                "required",
                "thiếu phương pháp thu nhập",
                "income.method is required",
            )
        return None
    if method == "declared":
        return _declared(r, data)
    return _proxy(r, data)


def _declared(r: _Reader, data: Mapping[str, Any]) -> DeclaredIncome | None:
    for key in ("table", "items"):
        if key in data:
            r.fail(
                f"income.{key}",
                "unknown_field",
                "không dùng cho thu nhập kê khai",
                "not used by declared income",
            )
    value = data.get("sources")
    if not isinstance(value, list):
        r.fail("income.sources", "type", "phải là một mảng", "must be an array")
        return None
    sources = []
    for index, item in enumerate(value):
        path = f"income.sources[{index}]"
        src = r.obj(item, path, frozenset({"kind", "amount_12m"}))
        if src is None:
            if item is None:
                r.fail(path, "type", "phải là một đối tượng JSON", "must be a JSON object")
            continue
        kind = r.code(src, "kind", path, INCOME_KINDS)
        amount = _amount(r, src, path)
        if kind is None and src.get("kind") is None:
            r.fail(f"{path}.kind", "required", "thiếu loại nguồn thu", "kind is required")
        if kind is not None and amount is not None:
            sources.append(IncomeSource(kind, amount))
    return DeclaredIncome(tuple(sources))


def _amount(r: _Reader, src: Mapping[str, Any], path: str) -> int | None:
    value = src.get("amount_12m")
    if value is None:
        r.fail(f"{path}.amount_12m", "required", "thiếu số tiền", "amount_12m is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        r.fail(
            f"{path}.amount_12m",
            "type",
            "phải là số nguyên VND",
            "must be an integer number of VND",
        )
        return None
    if value < 0:
        r.fail(f"{path}.amount_12m", "negative", "không được âm", "must not be negative")
        return None
    return value


def _proxy(r: _Reader, data: Mapping[str, Any]) -> ProxyIncome | None:
    if "sources" in data:
        r.fail(
            "income.sources",
            "unknown_field",
            "không dùng cho phương pháp chấm điểm",
            "not used by the proxy method",
        )
    table = r.text(data, "table", "income")
    if table is None:
        r.fail("income.table", "required", "thiếu bảng điểm", "income.table is required")
    items = data.get("items")
    if not isinstance(items, Mapping):
        r.fail("income.items", "type", "phải là một đối tượng JSON", "must be a JSON object")
        return None
    pairs = [(str(k), v) for k, v in sorted(items.items()) if _proxy_item_ok(r, str(k), v)]
    return ProxyIncome(table or "", tuple(pairs))


def _proxy_item_ok(r: _Reader, key: str, value: object) -> bool:
    if value is None:
        return False  # an explicit null is an unknown item, same as an absent one
    if isinstance(value, bool | str):
        return True
    if isinstance(value, int) and value >= 0:
        return True
    r.fail(
        f"income.items.{key}",
        "type",
        "phải là true/false, số nguyên ≥ 0 hoặc mã",
        "must be true/false, an integer ≥ 0 or a code",
    )
    return False
