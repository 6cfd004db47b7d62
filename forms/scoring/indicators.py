"""Indicator kinds: one small builder per kind, registered in ``KINDS``.

A ruleset names each indicator's kind and parameters (data); the builder turns the
parameters into a closure ``Ctx -> Finding`` once, when the ruleset is loaded, so scoring a
household does no parameter parsing.

Every test is three-valued: True, False, or None when a needed fact is unknown. A test
result travels as ``(value, paths)``: for True and False the paths are the facts the value
rests on (present in the input); for None they are the facts that are missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Final

from forms.scoring.ages import Age
from forms.scoring.facts import HouseholdFacts, Member

Test = tuple[bool | None, tuple[str, ...]]
MemberTest = Callable[["Ctx", int, Member, Age], Test]
IndicatorFn = Callable[["Ctx"], "Finding"]
Builder = Callable[[Mapping[str, Any]], IndicatorFn]

_EMPTY: Final[tuple[str, ...]] = ()


@dataclass(frozen=True, slots=True)
class WorkingAge:
    """Working age: from ``min_years`` up to, not including, the retirement age of the year."""

    min_years: int
    # sex -> review year -> retirement age in completed months (Labour Code 2019 schedule).
    retirement_months: Mapping[str, Mapping[int, int]]

    def test(self, year: int, member: Member, age: Age, prefix: str) -> Test:
        """Return whether the member is of working age in ``year``."""
        lower = age.between(self.min_years, 1000)
        if lower is False:
            return False, (age.evidence,)
        upper = self._upper(year, member, age, prefix)
        if lower is None:
            missing = (age.missing,) + (upper[1] if upper[0] is None else _EMPTY)
            return (None, missing) if upper[0] is not False else upper
        return upper

    def _upper(self, year: int, member: Member, age: Age, prefix: str) -> Test:
        if member.sex is None:
            limits = [_clamped(table, year) for table in self.retirement_months.values()]
            value = age.months_below(min(limits))
            if value is None or value != age.months_below(max(limits)):
                return None, (f"{prefix}.sex",)
            return value, (age.evidence,)
        value = age.months_below(_clamped(self.retirement_months[member.sex], year))
        if value is None:
            return None, (age.missing,)
        return value, (age.evidence, f"{prefix}.sex")


def _clamped(table: Mapping[int, int], year: int) -> int:
    """Return the table's value for ``year``, using the first or last year outside its range."""
    return table[min(max(year, min(table)), max(table))]


@dataclass(slots=True)
class Ctx:
    """Everything an indicator reads for one household; built once per assessment."""

    facts: HouseholdFacts
    ages: Sequence[Age]
    # Year whose retirement age applies: the reference date's year.
    year: int
    working_age: WorkingAge | None


@dataclass(frozen=True, slots=True)
class Finding:
    """Outcome of one indicator before its texts are attached."""

    deprived: bool | None
    evidence: tuple[str, ...]
    missing: tuple[str, ...]
    # Who or what caused the outcome, e.g. "members[2] (Lan)"; same in both languages.
    subjects: tuple[str, ...]


def _and(a: Test, b: Callable[[], Test]) -> Test:
    """Three-valued AND; ``b`` is evaluated only when ``a`` is not False."""
    if a[0] is False:
        return a
    second = b()
    if second[0] is False:
        return second
    if a[0] is None or second[0] is None:
        return None, (a[1] if a[0] is None else _EMPTY) + (
            second[1] if second[0] is None else _EMPTY
        )
    return True, a[1] + second[1]


def _or(tests: Sequence[Test]) -> Test:
    """Three-valued OR over already evaluated tests."""
    missing: tuple[str, ...] = _EMPTY
    evidence: tuple[str, ...] = _EMPTY
    for value, paths in tests:
        if value is True:
            return True, paths
        if value is None:
            missing += paths
        else:
            evidence += paths
    return (None, missing) if missing else (False, evidence)


def _not(test: Test) -> Test:
    return (None if test[0] is None else not test[0]), test[1]


def _fact(value: object, path: str, accepted: frozenset[Any]) -> Test:
    """Return whether a known ``value`` is outside ``accepted`` (i.e. deprived)."""
    if value is None:
        return None, (path,)
    return value not in accepted, (path,)


def _label(facts: HouseholdFacts, index: int) -> str:
    name = facts.members[index].name
    return f"members[{index}] ({name})" if name else f"members[{index}]"


def scan_members(ctx: Ctx, test: MemberTest) -> Finding:
    """Deprived if any member passes ``test``; unknown if none does and some are unknown."""
    hits: list[int] = []
    evidence: list[str] = []
    missing: list[str] = []
    cleared: list[str] = []
    for index, member in enumerate(ctx.facts.members):
        value, paths = test(ctx, index, member, ctx.ages[index])
        if value is True:
            hits.append(index)
            evidence.extend(paths)
        elif value is None:
            missing.extend(paths)
        else:
            cleared.extend(paths)
    if hits:
        subjects = tuple(_label(ctx.facts, i) for i in hits)
        return Finding(True, _unique(evidence), _EMPTY, subjects)
    if missing:
        return Finding(None, _EMPTY, _unique(missing), _EMPTY)
    return Finding(False, _unique(cleared) or ("members",), _EMPTY, _EMPTY)


def _unique(paths: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in paths if p))


def _prefix(index: int) -> str:
    return f"members[{index}]"


# --- member kinds -------------------------------------------------------------------------


def member_without_insurance(params: Mapping[str, Any]) -> IndicatorFn:
    """H2: a member at or above ``min_age`` has no health insurance now."""
    min_age = int(params["min_age"])

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        if m.health_insurance is True:
            return False, (f"members[{i}].health_insurance",)
        old = age.between(min_age, 1000)
        old_test: Test = (old, (age.evidence,) if old is not None else (age.missing,))
        return _and(
            old_test, lambda: _fact(m.health_insurance, f"members[{i}].health_insurance", _TRUE)
        )

    return lambda ctx: scan_members(ctx, test)


_TRUE: Final = frozenset({True})
_FALSE: Final = frozenset({False})


def _age_test(age: Age, low: int, high: int) -> Test:
    value = age.between(low, high)
    return value, ((age.missing,) if value is None else (age.evidence,))


def _not_in_school(m: Member, prefix: str) -> Test:
    return _fact(m.in_school, f"{prefix}.in_school", _TRUE)


def _lacks(m: Member, prefix: str, completed: frozenset[str]) -> Test:
    return _fact(m.highest_qualification, f"{prefix}.highest_qualification", completed)


def adult_education_cohort(params: Mapping[str, Any]) -> IndicatorFn:
    """E1 (2016): a member aged ``min_age``+, born ``born_from`` or later, lacks a level and is not in school."""
    min_age, born_from = int(params["min_age"]), int(params["born_from"])
    completed = frozenset(params["completed"])

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        p = _prefix(i)
        cohort = _born_from(m, p, born_from)
        return _and(
            _and(_age_test(age, min_age, 1000), lambda: cohort),
            lambda: _and(_not_in_school(m, p), lambda: _lacks(m, p, completed)),
        )

    return lambda ctx: scan_members(ctx, test)


def _born_from(m: Member, prefix: str, year: int) -> Test:
    if m.birth_year is None:
        return None, (f"{prefix}.birth_year",)
    path = f"{prefix}.birth_date" if m.birth_date is not None else f"{prefix}.birth_year"
    return m.birth_year >= year, (path,)


def adult_education_bands(params: Mapping[str, Any]) -> IndicatorFn:
    """E1 (2022+): a member in an age band, not studying, lacks the band's qualification."""
    bands = [
        (int(b["min_age"]), int(b["max_age"]), frozenset(b["completed"])) for b in params["bands"]
    ]

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        p = _prefix(i)
        return _or(
            [
                _and(
                    _age_test(age, lo, hi),
                    lambda c=completed: _and(_not_in_school(m, p), lambda: _lacks(m, p, c)),
                )  # type: ignore[misc]
                for lo, hi, completed in bands
            ]
        )

    return lambda ctx: scan_members(ctx, test)


def child_out_of_school(params: Mapping[str, Any]) -> IndicatorFn:
    """E2 (2016): a child of school age is not in school."""
    low, high = int(params["min_age"]), int(params["max_age"])

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        return _and(_age_test(age, low, high), lambda: _not_in_school(m, _prefix(i)))

    return lambda ctx: scan_members(ctx, test)


def child_school_level(params: Mapping[str, Any]) -> IndicatorFn:
    """E2 (2022+): a child is not attending the school level that fits their age."""
    low, high = int(params["min_age"]), int(params["max_age"])
    levels = [
        (int(b["min_age"]), int(b["max_age"]), frozenset(b["levels"]))
        for b in params["levels_by_age"]
    ]

    def fits(age: Age, m: Member, p: str) -> Test:
        attending = _not(_not_in_school(m, p))
        return _or(
            [
                _and(
                    _age_test(age, lo, hi),
                    lambda ok=ok: _and(attending, lambda: _level_in(m, p, ok)),
                )  # type: ignore[misc]
                for lo, hi, ok in levels
            ]
        )

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        p = _prefix(i)
        return _and(_age_test(age, low, high), lambda: _not(fits(age, m, p)))

    return lambda ctx: scan_members(ctx, test)


def _level_in(m: Member, prefix: str, levels: frozenset[str]) -> Test:
    if m.school_level is None:
        return None, (f"{prefix}.school_level",)
    return m.school_level in levels, (f"{prefix}.school_level",)


def child_malnutrition(params: Mapping[str, Any]) -> IndicatorFn:
    """H1 (2022+): a child under ``max_age`` is stunted or underweight."""
    high = int(params["max_age"])
    healthy = frozenset(params["not_deprived_values"])

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        return _and(
            _age_test(age, 0, high), lambda: _fact(m.nutrition, f"members[{i}].nutrition", healthy)
        )

    return lambda ctx: scan_members(ctx, test)


def employment(params: Mapping[str, Any]) -> IndicatorFn:
    """J1: a working-age member is unemployed, or a wage worker without a labour contract."""
    del params  # the working-age bounds are ruleset data, read through Ctx

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        p = _prefix(i)
        working_age = ctx.working_age
        if working_age is None:  # invariant: the ruleset loader rejects this combination
            raise RuntimeError("employment indicator without working_age")
        return _and(working_age.test(ctx.year, m, age, p), lambda: _job_deprived(m, p))

    return lambda ctx: scan_members(ctx, test)


def _job_deprived(m: Member, p: str) -> Test:
    status = m.employment_status
    if status is None:
        return None, (f"{p}.employment_status",)
    if status != "employed":
        return status == "unemployed", (f"{p}.employment_status",)
    if m.employment_type is None:
        return None, (f"{p}.employment_type",)
    if m.employment_type != "wage":
        return False, (f"{p}.employment_type",)
    return _fact(m.labour_contract, f"{p}.labour_contract", _TRUE)


def dependants(params: Mapping[str, Any]) -> IndicatorFn:
    """J2: dependants (children, the elderly, disabled or unable to work) exceed a share of members."""
    child_max, elderly_min = int(params["child_max_age"]), int(params["elderly_min_age"])
    share = int(params["max_share_percent"])

    def is_dependant(i: int, m: Member, age: Age) -> Test:
        p = _prefix(i)
        return _or(
            [
                _age_test(age, 0, child_max),
                _age_test(age, elderly_min, 1000),
                _fact(m.disabled, f"{p}.disabled", _FALSE),
                _fact(m.unable_to_work, f"{p}.unable_to_work", _FALSE),
            ]
        )

    def run(ctx: Ctx) -> Finding:
        tests = [is_dependant(i, m, ctx.ages[i]) for i, m in enumerate(ctx.facts.members)]
        return _share_finding(ctx, tests, share)

    return run


def _share_finding(ctx: Ctx, tests: Sequence[Test], share: int) -> Finding:
    total = len(tests)
    yes = [i for i, t in enumerate(tests) if t[0] is True]
    unknown = [i for i, t in enumerate(tests) if t[0] is None]
    evidence = _unique([p for t in tests if t[0] is not None for p in t[1]])
    subjects = tuple(_label(ctx.facts, i) for i in yes)
    if len(yes) * 100 > share * total:
        return Finding(True, evidence, _EMPTY, subjects)
    if (len(yes) + len(unknown)) * 100 <= share * total:
        return Finding(False, evidence or ("members",), _EMPTY, subjects)
    return Finding(None, _EMPTY, _unique([p for i in unknown for p in tests[i][1]]), _EMPTY)


# --- household kinds ----------------------------------------------------------------------


def fact_not_in(params: Mapping[str, Any]) -> IndicatorFn:
    """Deprived when one household fact is known and outside the accepted values."""
    path = str(params["fact"])
    get = attrgetter(path)
    accepted = frozenset(params["accepted"])

    def run(ctx: Ctx) -> Finding:
        fact = get(ctx.facts)
        value, paths = _fact(fact, path, accepted)
        return _household_finding(value, paths, _shown(path, fact))

    return run


def _household_finding(value: bool | None, paths: tuple[str, ...], shown: str = "") -> Finding:
    if value is None:
        return Finding(None, _EMPTY, paths, _EMPTY)
    return Finding(value, paths, _EMPTY, ((shown or ", ".join(paths)),) if value else _EMPTY)


def _shown(path: str, value: object) -> str:
    """Render a fact for a reason, language-neutral: ``path = value``."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, frozenset):
        text = "[" + ", ".join(sorted(value)) + "]"
    else:
        text = str(value)
    return f"{path} = {text}"


def household_uses(params: Mapping[str, Any]) -> IndicatorFn:
    """Deprived when the household uses none (``any``) or not all (``all``) of the listed services."""
    paths = tuple(str(p) for p in params["facts"])
    getters = [attrgetter(p) for p in paths]
    need_all = params["require"] == "all"

    def run(ctx: Ctx) -> Finding:
        # Each test is "this service is not used" (True = a gap).
        gaps = [
            _fact(get(ctx.facts), path, _TRUE) for get, path in zip(getters, paths, strict=True)
        ]
        value, used = _or(gaps) if need_all else _all(gaps)
        shown = "; ".join(_shown(p, attrgetter(p)(ctx.facts)) for p in used)
        return _household_finding(value, used, shown)

    return run


def _all(tests: Sequence[Test]) -> Test:
    """Three-valued AND over already evaluated tests."""
    return _not(_or([_not(t) for t in tests]))


def information_devices(params: Mapping[str, Any]) -> IndicatorFn:
    """I2: owns none of the listed devices (and, if named, cannot hear the loudspeakers)."""
    devices = frozenset(params["devices"])
    unless = params.get("unless_fact")

    def run(ctx: Ctx) -> Finding:
        owned = ctx.facts.information.devices
        lacks: Test = (
            (None, ("information.devices",))
            if owned is None
            else (not owned & devices, ("information.devices",))
        )
        if unless is None:
            return _household_finding(*lacks)
        return _household_finding(
            *_and(lacks, lambda: _fact(attrgetter(unless)(ctx.facts), unless, _TRUE))
        )

    return run


def housing_durability(params: Mapping[str, Any]) -> IndicatorFn:
    """S1: at least ``min_non_durable`` of walls, columns and roof are of non-durable material."""
    durable = {part: frozenset(codes) for part, codes in params["durable"].items()}
    needed = int(params["min_non_durable"])

    def run(ctx: Ctx) -> Finding:
        d = ctx.facts.dwelling
        tests = [
            _fact(getattr(d, f"{part}_material"), f"dwelling.{part}_material", ok)
            for part, ok in durable.items()
        ]
        return _count_finding(tests, needed)

    return run


def _count_finding(tests: Sequence[Test], needed: int) -> Finding:
    known = [p for v, paths in tests if v is True for p in paths]
    unknown = [p for v, paths in tests if v is None for p in paths]
    if len(known) >= needed:
        return Finding(True, tuple(known), _EMPTY, tuple(known))
    if len(known) + len(unknown) < needed:
        return Finding(
            False, tuple(p for v, ps in tests if v is not None for p in ps), _EMPTY, tuple(known)
        )
    return Finding(None, _EMPTY, tuple(unknown), _EMPTY)


def living_area(params: Mapping[str, Any]) -> IndicatorFn:
    """S2: living area per person below ``min_m2_per_person`` (compared exactly, no division)."""
    per_person = int(params["min_m2_per_person"])

    def run(ctx: Ctx) -> Finding:
        area = ctx.facts.dwelling.area_m2
        if area is None:
            return Finding(None, _EMPTY, ("dwelling.area_m2",), _EMPTY)
        members = len(ctx.facts.members)
        deprived = area < per_person * members
        shown = f"dwelling.area_m2 = {area} < {per_person} × {members}"
        return _household_finding(deprived, ("dwelling.area_m2", "members"), shown)

    return run


KINDS: Final[dict[str, Builder]] = {
    "member_without_insurance": member_without_insurance,
    "adult_education_cohort": adult_education_cohort,
    "adult_education_bands": adult_education_bands,
    "child_out_of_school": child_out_of_school,
    "child_school_level": child_school_level,
    "child_malnutrition": child_malnutrition,
    "employment": employment,
    "dependants": dependants,
    "fact_not_in": fact_not_in,
    "household_uses": household_uses,
    "information_devices": information_devices,
    "housing_durability": housing_durability,
    "living_area": living_area,
}
"""Indicator kind -> builder. A new kind needs a builder here, a SPEC.md entry and golden cases."""
