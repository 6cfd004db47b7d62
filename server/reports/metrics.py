"""The counters one household adds to its village's figures: a pure function, no database.

A unit's figures are sums of these counters over the villages below it, so every figure
is exactly "how many households (or members) have this property", and the household list
behind a figure is the set of households whose counters include its key.

Keys are colon-separated: `st:rural:poor` (official status by area), `cl:urban:POOR` (the
engine's latest class by area), `em:st:poor` (ethnic minority), `eth:tay:st:poor` (the
head's ethnic group), `ind:<code>:deprived`, `cause:<code>`, `y:2024:st:poor` (official
status history) and `y:2024:tr:escaped_poverty` (transitions into that year).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from forms.scoring.transitions import UNCHANGED, derive_transition

NO_CLASS: Final = "none"
NO_AREA: Final = "none"
GROUP_FLAGS: Final = ("em", "mer", "sp", "nlc")
"""Breakout groups: ethnic minority, meritorious service, social protection, no labour."""

STANDARD_PERIODS: Final = ((2016, 2021), (2022, 2026), (2027, 2030))
"""Review years of each national standard (forms/scoring/standards/vn-*.json): re-poverty
(tái nghèo) counts only an escape within the same standard period."""

STATUS_CLASS: Final = {
    "poor": "POOR",
    "near_poor": "NEAR_POOR",
    "middle": "MIDDLE",
    "not_poor": "NOT_POOR",
}
"""Official status codes as the transition rules name the classes; not_reviewed is None."""


@dataclass(frozen=True)
class HouseholdFacts:
    """What the figures need of one household, read in bulk by the selectors."""

    area: str
    status: str
    klass: str = NO_CLASS
    groups: frozenset[str] = frozenset()
    head_ethnicity: str = ""
    causes: tuple[str, ...] = ()
    indicators: tuple[tuple[str, str], ...] = ()
    history: Mapping[int, str] = field(default_factory=dict)
    incomes: Mapping[int, int] = field(default_factory=dict)
    member_ethnicities: tuple[str, ...] = ()


def period_of(year: int) -> tuple[int, int] | None:
    return next((p for p in STANDARD_PERIODS if p[0] <= year <= p[1]), None)


def transition_categories(history: Mapping[int, str], year: int) -> tuple[str, ...]:
    """Report categories of the change from the end of `year - 1` to the end of `year`.

    None if the household has no official status for `year`. A household with no status
    the year before counts as new to the lists (previous None).
    """
    current = STATUS_CLASS.get(history.get(year, ""))
    if current is None:
        return ()
    previous = STATUS_CLASS.get(history.get(year - 1, ""))
    period = period_of(year)
    earlier = [
        STATUS_CLASS.get(history.get(y, ""))
        for y in sorted(history)
        if y < year - 1 and period is not None and period[0] <= y
    ]
    return tuple(c for c in derive_transition(previous, current, earlier=earlier) if c != UNCHANGED)


def household_keys(facts: HouseholdFacts) -> list[str]:
    """Every counter key this household adds 1 to (a key may repeat for members)."""
    keys = _status_keys(facts)
    keys += [f"ind:{code}:{status}" for code, status in facts.indicators]
    if facts.status == "poor":
        keys += [f"cause:{code}" for code in facts.causes]
    keys += _history_keys(facts)
    keys += ["mem", f"mem:{facts.area}"] * len(facts.member_ethnicities)
    keys += [f"pop:{e}" for e in facts.member_ethnicities]
    return keys


def _status_keys(facts: HouseholdFacts) -> list[str]:
    area, status, klass = facts.area, facts.status, facts.klass
    keys = ["hh", f"st:{status}", f"cl:{klass}"]
    keys += [f"hh:{area}", f"st:{area}:{status}", f"cl:{area}:{klass}"]
    for group in sorted(facts.groups):
        keys += [f"{group}:hh", f"{group}:st:{status}", f"{group}:cl:{klass}"]
    if facts.head_ethnicity:
        eth = facts.head_ethnicity
        keys += [f"eth:{eth}:hh", f"eth:{eth}:st:{status}", f"eth:{eth}:cl:{klass}"]
    return keys


def _history_keys(facts: HouseholdFacts) -> list[str]:
    return list(_history_pattern_keys(tuple(sorted(facts.history.items())), "em" in facts.groups))


@lru_cache(maxsize=8192)
def _history_pattern_keys(history: tuple[tuple[int, str], ...], em: bool) -> tuple[str, ...]:
    """Keys of one history pattern; cached, as a province holds few distinct patterns."""
    as_map = dict(history)
    keys: list[str] = []
    for year, status in history:
        keys.append(f"y:{year}:st:{status}")
        keys += [f"y:{year}:em:st:{status}"] if em else []
        for category in transition_categories(as_map, year):
            keys.append(f"y:{year}:tr:{category}")
            keys += [f"y:{year}:em:tr:{category}"] if em else []
    return tuple(keys)


def household_sums(facts: HouseholdFacts) -> list[tuple[str, int]]:
    """Income per person of the years the household was officially poor, for the ×k targets.

    `y:<year>:inc:sum` adds the income of that year's assessment, `y:<year>:inc:n` counts it.
    """
    sums = []
    em = "em" in facts.groups
    for year, status in facts.history.items():
        income = facts.incomes.get(year)
        if status != "poor" or income is None:
            continue
        for g in ("", "em:") if em else ("",):
            sums += [(f"y:{year}:{g}inc:sum", income), (f"y:{year}:{g}inc:n", 1)]
    return sums


def count_keys(households: Iterable[HouseholdFacts]) -> dict[str, int]:
    """Sum every household's counters: 1 per key, plus the income sums."""
    totals: dict[str, int] = {}
    for facts in households:
        for key in household_keys(facts):
            totals[key] = totals.get(key, 0) + 1
        for key, value in household_sums(facts):
            totals[key] = totals.get(key, 0) + value
    return totals
