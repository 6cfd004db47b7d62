"""Three-valued tests and the per-household context shared by the indicator kinds.

Every test is three-valued: True, False, or None when a needed fact is unknown. A test with
its explanation travels as ``(value, paths)``: for True and False the paths are the facts the
value rests on (present in the input); for None they are the facts that are missing.

Each indicator is evaluated twice over: a quick pass that only computes the value (what the
classification needs, and what the benchmark measures) and, on demand, an explaining pass
that names members and fact paths for the reasons. Tests assert that both agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from forms.scoring.ages import Age
from forms.scoring.facts import HouseholdFacts, Member

Test = tuple[bool | None, tuple[str, ...]]
EMPTY: Final[tuple[str, ...]] = ()
TRUE: Final = frozenset({True})
FALSE: Final = frozenset({False})


@dataclass(frozen=True, slots=True)
class WorkingAge:
    """Working age: from ``min_years`` up to, not including, the retirement age of the year."""

    min_years: int
    # sex -> year -> retirement age in completed months (Labour Code 2019 schedule).
    retirement_months: Mapping[str, Mapping[int, int]]
    # year -> (limits by sex, lowest limit, highest limit); filled on first use per year.
    _by_year: dict[int, tuple[dict[str, int], int, int]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def limits(self, year: int) -> tuple[dict[str, int], int, int]:
        """Return the retirement ages in months for ``year``; outside the table, its nearest year."""
        cached = self._by_year.get(year)
        if cached is None:
            by_sex = {
                sex: table[min(max(year, min(table)), max(table))]
                for sex, table in self.retirement_months.items()
            }
            cached = (by_sex, min(by_sex.values()), max(by_sex.values()))
            self._by_year[year] = cached
        return cached

    def limit(self, sex: str, year: int) -> int:
        return self.limits(year)[0][sex]

    def quick(self, year: int, member: Member, age: Age) -> bool | None:
        """Return whether the member is of working age in ``year`` (value only)."""
        if age.hi < self.min_years:
            return False
        upper = self._upper_value(year, member.sex, age)
        if upper is False:
            return False
        return None if upper is None or age.lo < self.min_years else True

    def _upper_value(self, year: int, sex: str | None, age: Age) -> bool | None:
        by_sex, lowest, highest = self.limits(year)
        if sex is not None:
            return age.months_below(by_sex[sex])
        value = age.months_below(lowest)
        return value if value is not None and value == age.months_below(highest) else None

    def test(self, year: int, member: Member, age: Age) -> Test:
        """Return whether the member is of working age, with the facts it rests on."""
        value = self.quick(year, member, age)
        sex_path = f"members[{age.member}].sex"
        if value is None:
            return None, self._missing(year, member, age, sex_path)
        lower = age.between(self.min_years, 1000)
        if member.sex is not None and lower:
            return value, (age.evidence, sex_path)
        return value, (age.evidence,)

    def _missing(self, year: int, member: Member, age: Age, sex_path: str) -> tuple[str, ...]:
        sexes = self.retirement_months if member.sex is None else (member.sex,)
        ambiguous = any(age.months_below(self.limit(s, year)) is None for s in sexes)
        missing = [age.missing] if ambiguous or age.between(self.min_years, 1000) is None else []
        if member.sex is None and self._upper_value(year, None, age) is None:
            missing.append(sex_path)
        return tuple(missing)


@dataclass(slots=True)
class Ctx:
    """Everything an indicator reads for one household; built once per assessment."""

    facts: HouseholdFacts
    ages: Sequence[Age]
    # Year whose retirement age applies: the reference date's year.
    year: int
    working_age: WorkingAge | None


class Detail(NamedTuple):
    """The explained outcome of one indicator (a tuple: one is built per indicator)."""

    deprived: bool | None
    evidence: tuple[str, ...]
    missing: tuple[str, ...]
    # Who or what caused the outcome, e.g. "members[2] (Lan)"; same in both languages.
    subjects: tuple[str, ...]
    # 0-based indices of the members who make the household deprived (empty otherwise), so
    # that a reader-facing text can name them without parsing ``subjects``.
    members: tuple[int, ...] = ()


Explain = Callable[[Ctx], Detail]
Quick = Callable[[Ctx], bool | None]


class Finding:
    """An indicator's value now, and its explanation when first asked for."""

    __slots__ = ("_ctx", "_detail", "_explain", "deprived")

    def __init__(self, deprived: bool | None, explain: Explain, ctx: Ctx) -> None:
        self.deprived = deprived
        self._explain = explain
        self._ctx = ctx
        self._detail: Detail | None = None

    def detail(self) -> Detail:
        if self._detail is None:
            self._detail = self._explain(self._ctx)
        return self._detail

    @property
    def evidence(self) -> tuple[str, ...]:
        return self.detail().evidence

    @property
    def missing(self) -> tuple[str, ...]:
        return self.detail().missing

    @property
    def subjects(self) -> tuple[str, ...]:
        return self.detail().subjects

    @property
    def members(self) -> tuple[int, ...]:
        return self.detail().members


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled indicator: its quick value function and its explaining function."""

    quick: Quick
    explain: Explain

    def __call__(self, ctx: Ctx) -> Finding:
        return Finding(self.quick(ctx), self.explain, ctx)


Builder = Callable[[Mapping[str, Any]], Compiled]


def and_(a: Test, b: Callable[[], Test]) -> Test:
    """Three-valued AND; ``b`` is evaluated only when ``a`` is not False."""
    if a[0] is False:
        return a
    second = b()
    if second[0] is False:
        return second
    if a[0] is None or second[0] is None:
        return None, (a[1] if a[0] is None else EMPTY) + (second[1] if second[0] is None else EMPTY)
    return True, a[1] + second[1]


def or_(tests: Sequence[Test]) -> Test:
    """Three-valued OR over evaluated tests."""
    missing: tuple[str, ...] = EMPTY
    evidence: tuple[str, ...] = EMPTY
    for value, paths in tests:
        if value is True:
            return True, paths
        if value is None:
            missing += paths
        else:
            evidence += paths
    return (None, missing) if missing else (False, evidence)


def not_(test: Test) -> Test:
    return (None if test[0] is None else not test[0]), test[1]


def all_(tests: Sequence[Test]) -> Test:
    """Three-valued AND over evaluated tests."""
    return not_(or_([not_(t) for t in tests]))


def fact(value: object, path: str, accepted: frozenset[Any]) -> Test:
    """Return whether a known ``value`` is outside ``accepted``."""
    if value is None:
        return None, (path,)
    return value not in accepted, (path,)


def age_test(age: Age, low: int, high: int) -> Test:
    value = age.between(low, high)
    return value, ((age.missing,) if value is None else (age.evidence,))


def unique(paths: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in paths if p))


def label(facts: HouseholdFacts, index: int) -> str:
    name = facts.members[index].name
    return f"members[{index}] ({name})" if name else f"members[{index}]"


def shown(path: str, value: object) -> str:
    """Render a fact for a reason, language-neutral: ``path = value``."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, frozenset):
        text = "[" + ", ".join(sorted(value)) + "]"
    else:
        text = str(value)
    return f"{path} = {text}"
