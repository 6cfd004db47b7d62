"""Income per person: declared sources, or a proxy point score (TT 07/2021 "A score").

Declared income per person is the 12-month total ÷ 12 ÷ members, rounded to whole VND with
ROUND_HALF_UP, computed exactly in integers; every comparison with a line uses that rounded
figure, so the number shown and the decision always agree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, NoReturn

from forms.scoring.decode import FactsError, FactsProblem
from forms.scoring.facts import DeclaredIncome, HouseholdFacts, ProxyIncome
from forms.scoring.ruleset import Ruleset

Test = tuple[bool | None, tuple[str, ...]]
_EMPTY: Final[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True)
class IncomeResult:
    """How income was established and what it came to."""

    method: str | None
    # VND per person per month, ROUND_HALF_UP; declared method only.
    per_person: int | None
    total_12m: int | None
    proxy_table: str | None
    # Proxy A score, or its range [low, high] while proxy items are missing.
    proxy_score_low: int | None
    proxy_score_high: int | None
    illustrative: bool
    missing: tuple[str, ...]


def per_person_monthly(total_12m: int, members: int) -> int:
    """Return total ÷ 12 ÷ members rounded half up to whole VND (exact integer arithmetic).

    Equivalent to Decimal(total) / (12 * members) quantized with ROUND_HALF_UP, for
    non-negative totals: floor(x + 1/2) = floor((2·total + 12·n) / (24·n)).
    """
    return (2 * total_12m + 12 * members) // (24 * members)


@dataclass(frozen=True, slots=True)
class ProxyItem:
    """One proxy item: how an answer turns into points."""

    kind: str
    points: Mapping[Any, int]
    points_each: int
    max_points: int


@dataclass(frozen=True, slots=True)
class ProxyTable:
    """A point table for one province and area type; thresholds are per ruleset and line."""

    id: str
    illustrative: bool
    province_code: int | None
    area_type: str
    base_points: int
    items: Mapping[str, ProxyItem]
    # ruleset id -> line name -> highest A score that counts as "income ≤ line".
    thresholds: Mapping[str, Mapping[str, int]]

    def item_points(self, code: str, value: object) -> int | None:
        """Return the points for one answer, or None when the answer is not valid for the item."""
        item = self.items[code]
        if item.kind == "count":
            if isinstance(value, bool) or not isinstance(value, int):
                return None
            return min(value * item.points_each, item.max_points)
        if item.kind == "bool" and not isinstance(value, bool):
            return None
        if item.kind == "code" and not isinstance(value, str):
            return None
        return item.points.get(value)

    def item_range(self, code: str) -> tuple[int, int]:
        item = self.items[code]
        if item.kind == "count":
            return 0, item.max_points
        return min(item.points.values()), max(item.points.values())


@cache
def load_proxy_table(table_id: str) -> ProxyTable:
    """Load a proxy point table from ``proxy_tables/<id>.json``; raise LookupError if absent."""
    path = resources.files("forms.scoring").joinpath("proxy_tables", f"{table_id}.json")
    if not path.is_file():
        raise LookupError(table_id)
    d = json.loads(path.read_text(encoding="utf-8"))
    return ProxyTable(
        id=d["id"],
        illustrative=bool(d["illustrative"]),
        province_code=d.get("province_code"),
        area_type=d["area_type"],
        base_points=int(d.get("base_points", 0)),
        items={code: _item(spec) for code, spec in d["items"].items()},
        thresholds={
            rid: {k: int(v) for k, v in lines.items()} for rid, lines in d["thresholds"].items()
        },
    )


def _item(spec: Mapping[str, Any]) -> ProxyItem:
    kind = spec["type"]
    if kind == "bool":
        points: dict[Any, int] = {True: int(spec["points_true"]), False: int(spec["points_false"])}
    else:
        points = {str(k): int(v) for k, v in spec.get("points", {}).items()}
    return ProxyItem(kind, points, int(spec.get("points_each", 0)), int(spec.get("max_points", 0)))


def establish_income(facts: HouseholdFacts) -> IncomeResult:
    """Compute income per person (declared) or the proxy score range (proxy)."""
    income = facts.income
    if income is None:
        return IncomeResult(None, None, None, None, None, None, False, ("income",))
    if isinstance(income, DeclaredIncome):
        total = sum(source.amount_12m for source in income.sources)
        per = per_person_monthly(total, len(facts.members))
        return IncomeResult("declared", per, total, None, None, None, False, _EMPTY)
    return _proxy_result(facts, income)


def _proxy_result(facts: HouseholdFacts, income: ProxyIncome) -> IncomeResult:
    table = _table_for(facts, income)
    answers = dict(income.items)
    low = high = table.base_points
    missing: list[str] = []
    for code in table.items:
        if code in answers:
            points = _points_or_fail(table, code, answers[code])
            low, high = low + points, high + points
        else:
            item_low, item_high = table.item_range(code)
            low, high = low + item_low, high + item_high
            missing.append(f"income.items.{code}")
    return IncomeResult(
        "proxy", None, None, table.id, low, high, table.illustrative, tuple(missing)
    )


def _table_for(facts: HouseholdFacts, income: ProxyIncome) -> ProxyTable:
    try:
        table = load_proxy_table(income.table)
    except LookupError:
        _fail("income.table", "unknown_table", "không có bảng điểm này", "unknown proxy table")
    if facts.area_type is not None and facts.area_type != table.area_type:
        _fail(
            "income.table",
            "area_mismatch",
            "bảng điểm không dành cho khu vực này",
            "table is for another area type",
        )
    if table.province_code is not None and facts.province_code not in (None, table.province_code):
        _fail(
            "income.table",
            "province_mismatch",
            "bảng điểm không dành cho tỉnh này",
            "table is for another province",
        )
    for code in dict(income.items):
        if code not in table.items:
            _fail(
                f"income.items.{code}",
                "unknown_item",
                "bảng điểm không có mục này",
                "the table has no such item",
            )
    return table


def _points_or_fail(table: ProxyTable, code: str, value: object) -> int:
    points = table.item_points(code, value)
    if points is None:
        _fail(
            f"income.items.{code}",
            "unknown_code",
            "giá trị không hợp lệ cho mục này",
            "invalid answer for this item",
        )
    return points


def _fail(path: str, code: str, vi: str, en: str) -> NoReturn:
    raise FactsError([FactsProblem(path, code, vi, en)])


def at_most(income: IncomeResult, ruleset: Ruleset, line_name: str, area_type: str | None) -> Test:
    """Return whether income ≤ the named line; None with the missing facts when unknown."""
    if income.method is None:
        return None, income.missing
    if income.method == "declared":
        per_person = income.per_person
        if per_person is None:  # invariant: establish_income sets it for declared income
            raise RuntimeError("declared income without per_person")
        line = ruleset.lines[line_name]
        if area_type is not None:
            return per_person <= line.for_area(area_type), ("income",)
        # Without the area type the answer is still known when both area lines agree.
        if per_person <= min(line.rural, line.urban):
            return True, ("income",)
        if per_person > max(line.rural, line.urban):
            return False, ("income",)
        return None, ("area_type",)
    return _proxy_at_most(income, ruleset, line_name)


def _proxy_at_most(income: IncomeResult, ruleset: Ruleset, line_name: str) -> Test:
    table = load_proxy_table(income.proxy_table or "")
    threshold = table.thresholds.get(ruleset.id, {}).get(line_name)
    if threshold is None:
        # The table cannot speak to this line; only declared income can.
        return None, ("income.sources",)
    low, high = income.proxy_score_low, income.proxy_score_high
    if high is not None and high <= threshold:
        return True, ("income.items",)
    if low is not None and low > threshold:
        return False, ("income.items",)
    return None, income.missing
