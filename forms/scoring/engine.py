"""Score one household under one ruleset.

Pure: reads nothing but its arguments and the shipped ruleset data, so the phone port can
check itself against forms/conformance/scoring/.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import Final, NamedTuple

from forms.scoring.ages import Age, member_age
from forms.scoring.decode import FactsError, FactsProblem
from forms.scoring.facts import HouseholdFacts
from forms.scoring.income import IncomeResult, at_most, establish_income
from forms.scoring.indicators import Ctx
from forms.scoring.result import Assessment, Decision, WorkerFlag
from forms.scoring.ruleset import (
    CONFIDENCE_ORDER,
    ClassRule,
    Ruleset,
    load_ruleset,
    ruleset_for_year,
)

ENGINE_VERSION: Final = "1.0.0"
"""Bump on any change that can alter an assessment; stored with every assessment."""

UNDETERMINED: Final = "UNDETERMINED"
_RANK: Final = {name: rank for rank, name in enumerate(CONFIDENCE_ORDER)}

Test = tuple[bool | None, tuple[str, ...]]


def score(facts: HouseholdFacts, *, ruleset: str | Ruleset | None = None) -> Assessment:
    """Classify a household; the national ruleset of its review year unless one is given.

    A provincial standard is never applied implicitly: pass its id (or the result of
    ``ruleset_for_year(year, province_code)``) to use it.
    """
    rules = _resolve(facts, ruleset)
    ref = facts.reference_date or date(
        facts.review_year, rules.reference_month, rules.reference_day
    )
    ctx = Ctx(facts, _ages(facts, ref), ref.year, rules.working_age)
    values = tuple([quick(ctx) for quick in rules.quicks])
    income = establish_income(facts)
    outcome = _classify(rules, income, values, ctx)
    return Assessment(
        household_id=facts.household_id,
        review_year=facts.review_year,
        reference_date=ref,
        ruleset_id=rules.id,
        ruleset_version=rules.version,
        ruleset_status=rules.status,
        ruleset_covers_year=facts.review_year in rules.review_years,
        engine_version=ENGINE_VERSION,
        income=income,
        deprivation_count=outcome.known,
        unknown_indicator_count=outcome.unknown,
        household_class=outcome.klass,
        decision=_decision(outcome, income, facts.area_type),
        possible_classes=tuple(outcome.possible),
        missing_facts=outcome.missing,
        low_income_workers=_worker_flags(rules, ctx, income, outcome),
        confidence=outcome.confidence,
        rules_used=_expand_used(rules, outcome.used),
        values=values,
        ctx=ctx,
        specs=rules.indicators,
    )


def _resolve(facts: HouseholdFacts, ruleset: str | Ruleset | None) -> Ruleset:
    if isinstance(ruleset, str):
        chosen = load_ruleset(ruleset)
    else:
        chosen = ruleset or ruleset_for_year(facts.review_year)
    if chosen.province_code is not None and facts.province_code not in (None, chosen.province_code):
        raise FactsError(
            [
                FactsProblem(
                    "province_code",
                    "ruleset_province",
                    f"chuẩn {chosen.id} chỉ áp dụng cho tỉnh mã {chosen.province_code}",
                    f"ruleset {chosen.id} applies only to province {chosen.province_code}",
                )
            ]
        )
    return chosen


def _ages(facts: HouseholdFacts, ref: date) -> list[Age]:
    try:
        return [member_age(m, i, ref) for i, m in enumerate(facts.members)]
    except ValueError as exc:
        path = str(exc)
        raise FactsError(
            [
                FactsProblem(
                    path,
                    "born_after_reference",
                    "sinh sau ngày tham chiếu",
                    "born after the reference date",
                )
            ]
        ) from None


class _Outcome(NamedTuple):
    """Result of the classification over every scenario the unknown facts leave open."""

    klass: str
    possible: tuple[str, ...]
    missing: tuple[str, ...]
    deciding: ClassRule
    known: int
    unknown: int
    confidence: str
    used: tuple[str, ...]


class _Fired(NamedTuple):
    """Which rule decided one scenario, and what its walk consulted."""

    rule: ClassRule
    used: tuple[str, ...]


def _classify(
    rules: Ruleset, income: IncomeResult, values: Sequence[bool | None], ctx: Ctx
) -> _Outcome:
    """Classify under every scenario consistent with the facts; decided when all agree.

    A scenario fixes the income's position among the rule lines and the deprivation count
    within [known, known + unknown]. Rules are walked in order per scenario, so the
    correlation between rules (e.g. "near-poor" is only reached when "poor" failed) is kept.
    """
    known, unknown = values.count(True), values.count(None)
    area = ctx.facts.area_type
    tests = [at_most(income, rules, name, area) for name in rules.class_lines]
    walk = _walk(rules, tuple(value for value, _ in tests), known, unknown)
    missing: list[str] = []
    if walk.income_matters:
        missing.extend(p for value, paths in tests if value is None for p in paths)
    if walk.deprivations_matter:
        for indicator, value in zip(rules.indicators, values, strict=True):
            if value is None:
                missing.extend(indicator.run.explain(ctx).missing)
    return _Outcome(
        klass=walk.possible[0] if len(walk.possible) == 1 else UNDETERMINED,
        possible=walk.possible,
        missing=tuple(dict.fromkeys(missing)),
        deciding=walk.deciding,
        known=known,
        unknown=unknown,
        confidence=walk.confidence,
        used=walk.used,
    )


class _Walk(NamedTuple):
    """Classification over all scenarios, independent of which facts were missing."""

    possible: tuple[str, ...]
    deciding: ClassRule
    used: tuple[str, ...]
    confidence: str
    income_matters: bool
    deprivations_matter: bool


@cache
def _walk(rules: Ruleset, line_values: tuple[bool | None, ...], known: int, unknown: int) -> _Walk:
    """Walk every scenario; cached, since households share few distinct combinations."""
    positions = _income_positions(line_values)
    grid = {
        (p, d): _fire(rules, p, d) for p in positions for d in range(known, known + unknown + 1)
    }
    possible = tuple(k for k in _CLASS_ORDER if any(f.rule.klass == k for f in grid.values()))
    undecided = len(possible) > 1
    used = tuple(dict.fromkeys(u for f in grid.values() for u in f.used))
    return _Walk(
        possible=possible,
        deciding=min((f.rule for f in grid.values()), key=_rule_rank(rules)),
        used=used,
        confidence=_lowest_confidence(rules, used),
        income_matters=undecided and _varies(grid, by_income=True),
        deprivations_matter=undecided and _varies(grid, by_income=False),
    )


_CLASS_ORDER: Final = ("POOR", "NEAR_POOR", "MIDDLE", "NOT_POOR")


def _income_positions(values: Sequence[bool | None]) -> list[int]:
    """Return income positions consistent with the line tests; p means ≤ line j iff j ≥ p."""
    return [
        p
        for p in range(len(values) + 1)
        if all(value is None or value == (j >= p) for j, value in enumerate(values))
    ]


@cache
def _fire(rules: Ruleset, position: int, d: int) -> _Fired:
    """Walk the rules for one scenario and return the first that holds (cached: pure)."""
    used: list[str] = []
    for rule in rules.rules:
        used.append(f"class:{rule.id}")
        if rule.income_at_most is not None:
            used.append(f"line:{rule.income_at_most}")
            if rules.class_lines.index(rule.income_at_most) < position:
                continue
        if rule.deprivations_at_least is not None:
            used.append("cutoff")
            if d < rule.deprivations_at_least:
                continue
        return _Fired(rule, tuple(used))
    used.append(f"class:{rules.default_rule.id}")
    return _Fired(rules.default_rule, tuple(used))


def _varies(grid: Mapping[tuple[int, int], _Fired], *, by_income: bool) -> bool:
    """Return whether the class changes along one axis (income position or deprivations)."""
    seen: dict[int, str] = {}
    for (p, d), fired in grid.items():
        key = d if by_income else p
        if seen.setdefault(key, fired.rule.klass) != fired.rule.klass:
            return True
    return False


def _rule_rank(rules: Ruleset) -> Callable[[ClassRule], int]:
    order = {rule.id: index for index, rule in enumerate((*rules.rules, rules.default_rule))}
    return lambda rule: order[rule.id]


@cache
def _lowest_confidence(rules: Ruleset, used: tuple[str, ...]) -> str:
    """Return the lowest confidence among the rules, lines and indicators a decision used.

    Cached: a ruleset has only a handful of distinct walks.
    """
    rule_by_id = {rule.id: rule for rule in (*rules.rules, rules.default_rule)}
    levels: list[str] = []
    for item in used:
        kind, _, name = item.partition(":")
        if kind == "class":
            levels.append(rule_by_id[name].confidence)
        elif kind == "line":
            levels.append(rules.lines[name].confidence)
        else:
            levels.append(rules.cutoff_confidence)
            levels.extend(indicator.confidence for indicator in rules.indicators)
    return min(levels, key=_RANK.__getitem__, default="confirmed")


def _and(a: Test, b: Test) -> Test:
    """Three-valued AND of evaluated tests, keeping the missing facts of unknown parts."""
    if a[0] is False or b[0] is False:
        return False, ()
    if a[0] is None or b[0] is None:
        return None, (a[1] if a[0] is None else ()) + (b[1] if b[0] is None else ())
    return True, ()


# --- texts -------------------------------------------------------------------------------


def _decision(out: _Outcome, income: IncomeResult, area: str | None) -> Decision:
    if out.klass == UNDETERMINED:
        classes, paths = ", ".join(out.possible), ", ".join(out.missing)
        return Decision(
            "undetermined",
            f"Chưa xác định được: có thể là {classes}; cần thêm dữ kiện: {paths}",
            f"Undetermined: could be {classes}; facts needed: {paths}",
            None,
            out.known,
        )
    label_vi, label_en = out.deciding.labels[area or ""]
    return Decision(out.deciding.id, label_vi, label_en, income, out.known)


# --- low-income workers ------------------------------------------------------------------


def _worker_flags(
    rules: Ruleset, ctx: Ctx, income: IncomeResult, out: _Outcome
) -> tuple[WorkerFlag, ...] | None:
    """Flag working-age members of a non-poor, non-near-poor household under the NĐ 30/2025 line."""
    rule = rules.low_income_worker
    if rule is None or ctx.year < rule.from_year or rules.working_age is None:
        return None
    household = _and(
        _class_outside(out, rule.excluded_classes),
        at_most(income, rules, rule.line, ctx.facts.area_type),
    )
    members = ctx.facts.members
    if household[0] is False:
        return tuple(WorkerFlag(index, False, ()) for index in range(len(members)))
    flags = []
    for index, member in enumerate(members):
        age_test = rules.working_age.test(ctx.year, member, ctx.ages[index])
        value, missing = _and(household, age_test)
        flags.append(WorkerFlag(index, value, missing if value is None else ()))
    return tuple(flags)


def _class_outside(out: _Outcome, excluded: frozenset[str]) -> Test:
    inside = [klass in excluded for klass in out.possible]
    if all(inside):
        return False, ()
    if not any(inside):
        return True, ()
    return None, out.missing


@cache
def _expand_used(rules: Ruleset, used: tuple[str, ...]) -> tuple[str, ...]:
    """List the rules used, with the indicators spelled out when the cut-off was consulted."""
    out = list(used)
    if "cutoff" in used:
        out.extend(f"indicator:{indicator.code}" for indicator in rules.indicators)
    return tuple(out)
