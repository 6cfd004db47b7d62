"""Target progress from a yearly series of official figures: pure arithmetic, no database.

A target never feeds back into a household's class: this module reads figures only.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

RATE_MEASURES: Final = frozenset({"rate_below", "rate_cut", "near_poor_below"})
TWO_PLACES: Final = Decimal("0.01")


@dataclass(frozen=True)
class YearPoint:
    """One year's official figures of the target's group."""

    year: int
    households: int
    poor: int
    near_poor: int
    income_sum: int = 0
    income_count: int = 0

    @property
    def poor_rate(self) -> Decimal | None:
        return _pct(self.poor, self.households)

    @property
    def near_poor_rate(self) -> Decimal | None:
        return _pct(self.near_poor, self.households)

    @property
    def mean_income(self) -> Decimal | None:
        if not self.income_count:
            return None
        return (Decimal(self.income_sum) / self.income_count).quantize(TWO_PLACES, ROUND_HALF_UP)


@dataclass(frozen=True)
class Progress:
    """Where a target stands: the measured series, what was required, and the outlook."""

    series: tuple[tuple[int, Decimal], ...]
    required: tuple[tuple[int, Decimal], ...]
    latest_year: int | None
    latest: Decimal | None
    goal: Decimal | None
    projected: Decimal | None
    achieved: bool
    on_track: bool | None


def _pct(count: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(100 * count) / total).quantize(TWO_PLACES, ROUND_HALF_UP)


def _value(measure: str, point: YearPoint, base: YearPoint | None) -> Decimal | None:
    if measure in ("rate_below", "rate_cut"):
        return point.poor_rate
    if measure == "near_poor_below":
        return point.near_poor_rate
    if measure in ("count_cut", "none_left"):
        return Decimal(point.poor)
    base_income = base.mean_income if base else None
    if point.mean_income is None or not base_income:
        return None
    return (point.mean_income / base_income).quantize(TWO_PLACES, ROUND_HALF_UP)


def project(series: list[tuple[int, Decimal]], year: int) -> Decimal | None:
    """Least-squares line through the series, read at `year`; flat through a single point."""
    if not series:
        return None
    n = len(series)
    mean_x = Decimal(sum(x for x, _ in series)) / n
    mean_y = sum((y for _, y in series), Decimal(0)) / n
    var = sum((Decimal(x) - mean_x) ** 2 for x, _ in series)
    slope = (
        sum((Decimal(x) - mean_x) * (y - mean_y) for x, y in series) / var if var else Decimal(0)
    )
    return (mean_y + slope * (Decimal(year) - mean_x)).quantize(TWO_PLACES, ROUND_HALF_UP)


def _required(
    measure: str, value: Decimal, base_value: Decimal | None, base_year: int, year: int
) -> Decimal | None:
    """The most the measured value may be in `year` (the least, for income)."""
    if measure in ("rate_below", "near_poor_below"):
        return value
    if measure == "none_left":
        return Decimal(0)
    if measure == "income_multiple":
        return value
    if base_value is None:
        return None
    floor = base_value - value * (year - base_year)
    return max(floor, Decimal(0))


def progress(
    *, measure: str, value: Decimal, base_year: int, target_year: int,
    points: Mapping[int, YearPoint],
) -> Progress:  # fmt: skip
    """Measured values from the base year on, the yearly requirement, projection and flag.

    Lower is better for every measure but the income multiple. A rate, count or
    multiple is "on track" when the line through the years so far meets the target
    year's requirement; once the target year has a figure, that figure decides.
    """
    base = points.get(base_year)
    years = sorted(y for y in points if base_year <= y <= target_year)
    series = [(y, v) for y in years if (v := _value(measure, points[y], base)) is not None]
    base_value = dict(series).get(base_year)
    required = [
        (y, r)
        for y in range(base_year + 1, target_year + 1)
        if (r := _required(measure, value, base_value, base_year, y)) is not None
    ]
    goal = dict(required).get(target_year)
    latest_year, latest = series[-1] if series else (None, None)
    higher_is_better = measure == "income_multiple"
    projected = project(series, target_year)
    if projected is not None and not higher_is_better:
        projected = max(projected, Decimal(0))  # a count or a rate does not go below zero

    def meets(v: Decimal | None) -> bool:
        if v is None or goal is None:
            return False
        if higher_is_better:
            return v >= goal
        return v < goal if measure in ("rate_below", "near_poor_below") else v <= goal

    achieved = latest_year == target_year and meets(latest)
    if goal is None or latest is None:
        on_track = None
    elif latest_year == target_year:
        on_track = achieved
    else:
        on_track = meets(projected) and _keeps_pace(measure, dict(required), latest_year, latest)
    return Progress(
        series=tuple(series),
        required=tuple(required),
        latest_year=latest_year,
        latest=latest,
        goal=goal,
        projected=projected,
        achieved=achieved,
        on_track=on_track,
    )


def _keeps_pace(
    measure: str, required: Mapping[int, Decimal], year: int | None, latest: Decimal
) -> bool:
    """A yearly cut is behind as soon as one year's figure misses that year's requirement."""
    if measure not in ("rate_cut", "count_cut") or year is None or year not in required:
        return True
    return latest <= required[year]
