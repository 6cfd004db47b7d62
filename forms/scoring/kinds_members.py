"""Indicator kinds that test each member: deprived when any member's test holds.

Each builder returns a quick value function (booleans only, no allocation per member) and an
explaining function built on the three-valued helpers of ``logic``; both read the same facts
and must agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from forms.scoring.ages import Age
from forms.scoring.facts import Member
from forms.scoring.logic import (
    EMPTY,
    FALSE,
    TRUE,
    Compiled,
    Ctx,
    Detail,
    Test,
    age_test,
    and_,
    fact,
    label,
    not_,
    or_,
    unique,
)

MemberQuick = Callable[[Ctx, Member, Age], bool | None]
MemberTest = Callable[[Ctx, int, Member, Age], Test]


def _any_member(quick: MemberQuick) -> Callable[[Ctx], bool | None]:
    """Lift a member test to the household: True if any member, None if unknown."""

    def run(ctx: Ctx) -> bool | None:
        result: bool | None = False
        # Invariant: ctx.ages has one entry per member, so zip() loses nothing.
        for member, age in zip(ctx.facts.members, ctx.ages):  # noqa: B905
            value = quick(ctx, member, age)
            if value:
                return True
            if value is None:
                result = None
        return result

    return run


def _explain(test: MemberTest) -> Callable[[Ctx], Detail]:
    """Name the members that are deprived, or the facts that are missing, or those checked."""

    def run(ctx: Ctx) -> Detail:
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
            labels = tuple(label(ctx.facts, i) for i in hits)
            return Detail(True, unique(evidence), EMPTY, labels, tuple(hits))
        if missing:
            return Detail(None, EMPTY, unique(missing), EMPTY)
        return Detail(False, unique(cleared) or ("members",), EMPTY, EMPTY)

    return run


def _compiled(quick: MemberQuick, test: MemberTest) -> Compiled:
    return Compiled(_any_member(quick), _explain(test))


def _path(index: int, field: str) -> str:
    return f"members[{index}].{field}"


def _all3(*values: bool | None) -> bool | None:
    """Three-valued AND of values already computed."""
    if False in values:
        return False
    return None if None in values else True


# --- H2 ----------------------------------------------------------------------------------


def member_without_insurance(params: Mapping[str, Any]) -> Compiled:
    """H2: a member at or above ``min_age`` has no health insurance now."""
    min_age = int(params["min_age"])

    def quick(ctx: Ctx, m: Member, age: Age) -> bool | None:
        insured = m.health_insurance
        if insured is True:
            return False
        return _all3(age.between(min_age, 1000), None if insured is None else True)

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        if m.health_insurance is True:
            return False, (_path(i, "health_insurance"),)
        return and_(
            age_test(age, min_age, 1000),
            lambda: fact(m.health_insurance, _path(i, "health_insurance"), TRUE),
        )

    return _compiled(quick, test)


# --- E1, E2 ------------------------------------------------------------------------------


def _out_of_school(m: Member) -> bool | None:
    return None if m.in_school is None else not m.in_school


def _lacks_value(m: Member, completed: frozenset[str]) -> bool | None:
    q = m.highest_qualification
    return None if q is None else q not in completed


def adult_education_cohort(params: Mapping[str, Any]) -> Compiled:
    """E1 (2016): aged ``min_age``+, born ``born_from`` or later, lacks a level, not in school."""
    min_age, born_from = int(params["min_age"]), int(params["born_from"])
    completed = frozenset(params["completed"])

    def quick(ctx: Ctx, m: Member, age: Age) -> bool | None:
        born = None if m.birth_year is None else m.birth_year >= born_from
        return _all3(
            _out_of_school(m), _lacks_value(m, completed), born, age.between(min_age, 1000)
        )

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        cohort = _born_from(m, i, born_from)
        return and_(
            and_(age_test(age, min_age, 1000), lambda: cohort),
            lambda: and_(_not_in_school(m, i), lambda: _lacks(m, i, completed)),
        )

    return _compiled(quick, test)


def _born_from(m: Member, index: int, year: int) -> Test:
    if m.birth_year is None:
        return None, (_path(index, "birth_year"),)
    basis = "birth_date" if m.birth_date is not None else "birth_year"
    return m.birth_year >= year, (_path(index, basis),)


def _not_in_school(m: Member, index: int) -> Test:
    return fact(m.in_school, _path(index, "in_school"), TRUE)


def _lacks(m: Member, index: int, completed: frozenset[str]) -> Test:
    return fact(m.highest_qualification, _path(index, "highest_qualification"), completed)


def adult_education_bands(params: Mapping[str, Any]) -> Compiled:
    """E1 (2022+): a member in an age band, not studying, lacks the band's qualification."""
    bands = [
        (int(b["min_age"]), int(b["max_age"]), frozenset(b["completed"])) for b in params["bands"]
    ]

    youngest, oldest = min(b[0] for b in bands), max(b[1] for b in bands)

    def quick(ctx: Ctx, m: Member, age: Age) -> bool | None:
        out = _out_of_school(m)
        if out is False or age.hi < youngest or age.lo >= oldest:
            return False
        result: bool | None = False
        for low, high, completed in bands:
            value = _all3(age.between(low, high), out, _lacks_value(m, completed))
            if value:
                return True
            if value is None:
                result = None
        return result

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        return or_([_band(age, m, i, band) for band in bands])

    return _compiled(quick, test)


def _band(age: Age, m: Member, index: int, band: tuple[int, int, frozenset[str]]) -> Test:
    low, high, completed = band
    return and_(
        age_test(age, low, high),
        lambda: and_(_not_in_school(m, index), lambda: _lacks(m, index, completed)),
    )


def child_out_of_school(params: Mapping[str, Any]) -> Compiled:
    """E2 (2016): a child of school age is not in school."""
    low, high = int(params["min_age"]), int(params["max_age"])

    def quick(ctx: Ctx, m: Member, age: Age) -> bool | None:
        return _all3(_out_of_school(m), age.between(low, high))

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        return and_(age_test(age, low, high), lambda: _not_in_school(m, i))

    return _compiled(quick, test)


def child_school_level(params: Mapping[str, Any]) -> Compiled:
    """E2 (2022+): a child is not attending the school level that fits their age."""
    low, high = int(params["min_age"]), int(params["max_age"])
    levels = [
        (int(b["min_age"]), int(b["max_age"]), frozenset(b["levels"]))
        for b in params["levels_by_age"]
    ]

    def fits(m: Member, age: Age) -> bool | None:
        result: bool | None = False
        for lo, hi, ok in levels:
            level_ok = None if m.school_level is None else m.school_level in ok
            value = _all3(age.between(lo, hi), m.in_school, level_ok)
            if value:
                return True
            if value is None:
                result = None
        return result

    def quick(ctx: Ctx, m: Member, age: Age) -> bool | None:
        in_range = age.between(low, high)
        if in_range is False:
            return False
        fit = fits(m, age)
        return _all3(in_range, None if fit is None else not fit)

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        return and_(age_test(age, low, high), lambda: not_(_fits_test(m, i, age, levels)))

    return _compiled(quick, test)


def _fits_test(
    m: Member, index: int, age: Age, levels: Sequence[tuple[int, int, frozenset[str]]]
) -> Test:
    attending = not_(_not_in_school(m, index))
    return or_([_level_band(m, index, age, attending, band) for band in levels])


def _level_band(
    m: Member, index: int, age: Age, attending: Test, band: tuple[int, int, frozenset[str]]
) -> Test:
    low, high, ok = band
    return and_(age_test(age, low, high), lambda: and_(attending, lambda: _level_in(m, index, ok)))


def _level_in(m: Member, index: int, levels: frozenset[str]) -> Test:
    if m.school_level is None:
        return None, (_path(index, "school_level"),)
    return m.school_level in levels, (_path(index, "school_level"),)


# --- H1 ----------------------------------------------------------------------------------


def child_malnutrition(params: Mapping[str, Any]) -> Compiled:
    """H1 (2022+): a child under ``max_age`` is stunted or underweight."""
    high = int(params["max_age"])
    healthy = frozenset(params["not_deprived_values"])

    def quick(ctx: Ctx, m: Member, age: Age) -> bool | None:
        status = m.nutrition
        if status is not None and status in healthy:
            return False
        return _all3(age.between(0, high), None if status is None else True)

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        return and_(
            age_test(age, 0, high), lambda: fact(m.nutrition, _path(i, "nutrition"), healthy)
        )

    return _compiled(quick, test)


# --- J1, J2 ------------------------------------------------------------------------------


def employment(params: Mapping[str, Any]) -> Compiled:
    """J1: a working-age member is unemployed, or a wage worker without a labour contract."""
    del params  # the working-age bounds are ruleset data, read through Ctx

    def quick(ctx: Ctx, m: Member, age: Age) -> bool | None:
        job = _job_value(m)
        if job is False:
            return False
        return _all3(job, _working_age(ctx).quick(ctx.year, m, age))

    def test(ctx: Ctx, i: int, m: Member, age: Age) -> Test:
        return and_(_working_age(ctx).test(ctx.year, m, age), lambda: _job_test(m, i))

    return _compiled(quick, test)


def _working_age(ctx: Ctx) -> Any:
    if ctx.working_age is None:  # invariant: the ruleset loader rejects this combination
        raise RuntimeError("employment indicator without working_age")
    return ctx.working_age


def _job_value(m: Member) -> bool | None:
    status = m.employment_status
    if status is None:
        return None
    if status != "employed":
        return status == "unemployed"
    if m.employment_type is None:
        return None
    if m.employment_type != "wage":
        return False
    return None if m.labour_contract is None else not m.labour_contract


def _job_test(m: Member, i: int) -> Test:
    status = m.employment_status
    if status is None or status != "employed":
        return _job_value(m), (_path(i, "employment_status"),)
    if m.employment_type != "wage":
        return _job_value(m), (_path(i, "employment_type"),)
    return fact(m.labour_contract, _path(i, "labour_contract"), TRUE)


def dependants(params: Mapping[str, Any]) -> Compiled:
    """J2: dependants (children, the elderly, disabled or unable to work) exceed a share of members."""
    child_max, elderly_min = int(params["child_max_age"]), int(params["elderly_min_age"])
    share = int(params["max_share_percent"])

    def is_dependant(m: Member, age: Age) -> bool | None:
        if m.disabled or m.unable_to_work:
            return True
        young, old = age.between(0, child_max), age.between(elderly_min, 1000)
        if young or old:
            return True
        return None if None in (young, old, m.disabled, m.unable_to_work) else False

    def quick(ctx: Ctx) -> bool | None:
        values = [is_dependant(m, a) for m, a in zip(ctx.facts.members, ctx.ages, strict=True)]
        return _share_value(values.count(True), values.count(None), len(values), share)

    def explain(ctx: Ctx) -> Detail:
        tests = [
            _dependant_test(m, i, ctx.ages[i], child_max, elderly_min)
            for i, m in enumerate(ctx.facts.members)
        ]
        return _share_detail(ctx, tests, share)

    return Compiled(quick, explain)


def _share_value(yes: int, unknown: int, total: int, share: int) -> bool | None:
    if yes * 100 > share * total:
        return True
    if (yes + unknown) * 100 <= share * total:
        return False
    return None


def _dependant_test(m: Member, i: int, age: Age, child_max: int, elderly_min: int) -> Test:
    return or_(
        [
            age_test(age, 0, child_max),
            age_test(age, elderly_min, 1000),
            fact(m.disabled, _path(i, "disabled"), FALSE),
            fact(m.unable_to_work, _path(i, "unable_to_work"), FALSE),
        ]
    )


def _share_detail(ctx: Ctx, tests: Sequence[Test], share: int) -> Detail:
    yes = [i for i, t in enumerate(tests) if t[0] is True]
    unknown = [i for i, t in enumerate(tests) if t[0] is None]
    value = _share_value(len(yes), len(unknown), len(tests), share)
    if value is None:
        return Detail(None, EMPTY, unique([p for i in unknown for p in tests[i][1]]), EMPTY)
    evidence = unique([p for t in tests if t[0] is not None for p in t[1]]) or ("members",)
    labels = tuple(label(ctx.facts, i) for i in yes)
    return Detail(value, evidence, EMPTY, labels, tuple(yes) if value else ())
