"""Score one household under one ruleset.

Pure: reads nothing but its arguments and the shipped ruleset data, so the phone port can
check itself against forms/conformance/scoring/.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from forms.scoring.ages import Age, member_age
from forms.scoring.decode import FactsError, FactsProblem
from forms.scoring.facts import HouseholdFacts
from forms.scoring.income import IncomeResult, at_most, establish_income
from forms.scoring.indicators import Ctx, Finding
from forms.scoring.result import Assessment, Decision, IndicatorResult, WorkerFlag
from forms.scoring.ruleset import (
    CONFIDENCE_ORDER,
    ClassRule,
    Indicator,
    Ruleset,
    load_ruleset,
    money,
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
    findings = [indicator.run(ctx) for indicator in rules.indicators]
    income = establish_income(facts)
    outcome = _classify(rules, income, findings, facts.area_type)
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
        indicators=tuple(
            _indicator_result(i, f) for i, f in zip(rules.indicators, findings, strict=True)
        ),
        deprivation_count=outcome.known,
        unknown_indicator_count=outcome.unknown,
        household_class=outcome.klass,
        decision=_decision(rules, outcome, income, facts.area_type),
        possible_classes=tuple(outcome.possible),
        missing_facts=tuple(dict.fromkeys(outcome.missing)),
        low_income_workers=_worker_flags(rules, ctx, income, outcome),
        confidence=outcome.confidence,
        rules_used=tuple(outcome.used),
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


@dataclass(slots=True)
class _Outcome:
    """Accumulates the classification walk over the ruleset's rules."""

    known: int
    unknown: int
    unknown_missing: tuple[str, ...]
    possible: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    used: list[str] = field(default_factory=list)
    confidences: list[str] = field(default_factory=list)
    deciding: ClassRule | None = None
    klass: str = UNDETERMINED
    confidence: str = "confirmed"


def _classify(
    rules: Ruleset, income: IncomeResult, findings: Sequence[Finding], area: str | None
) -> _Outcome:
    """Walk the rules in order; the class is decided when only one class remains possible."""
    out = _Outcome(
        known=sum(1 for f in findings if f.deprived is True),
        unknown=sum(1 for f in findings if f.deprived is None),
        unknown_missing=tuple(p for f in findings if f.deprived is None for p in f.missing),
    )
    for rule in rules.rules:
        holds = _rule_holds(rule, rules, income, area, out, findings)
        if holds is not False:
            _add_possible(out, rule.klass)
        if holds is True:
            out.deciding = rule
            break
    else:
        _note_rule(out, rules.default_rule)
        _add_possible(out, rules.default_rule.klass)
        out.deciding = rules.default_rule
    if len(out.possible) == 1:
        out.klass = out.possible[0]
        out.missing = []
    out.confidence = min(out.confidences, key=_RANK.__getitem__, default="confirmed")
    return out


def _add_possible(out: _Outcome, klass: str) -> None:
    if klass not in out.possible:
        out.possible.append(klass)


def _note_rule(out: _Outcome, rule: ClassRule) -> None:
    out.used.append(f"class:{rule.id}")
    out.confidences.append(rule.confidence)


def _rule_holds(
    rule: ClassRule,
    rules: Ruleset,
    income: IncomeResult,
    area: str | None,
    out: _Outcome,
    findings: Sequence[Finding],
) -> bool | None:
    """Return whether the rule holds (three-valued), recording the rules and facts it used."""
    _note_rule(out, rule)
    result: Test = (True, ())
    if rule.income_at_most is not None:
        line = rules.lines[rule.income_at_most]
        out.used.append(f"line:{line.name}")
        out.confidences.append(line.confidence)
        result = at_most(income, rules, line.name, area)
    if rule.deprivations_at_least is not None and result[0] is not False:
        _note_indicators(out, rules.indicators, findings)
        result = _and(result, _deprivations_at_least(out, rule.deprivations_at_least))
    if result[0] is None:
        out.missing.extend(result[1])
    return result[0]


def _note_indicators(
    out: _Outcome, indicators: Sequence[Indicator], findings: Sequence[Finding]
) -> None:
    if "cutoff" in out.used:
        return
    out.used.append("cutoff")
    for indicator in indicators:
        out.used.append(f"indicator:{indicator.code}")
        out.confidences.append(indicator.confidence)


def _deprivations_at_least(out: _Outcome, needed: int) -> Test:
    if out.known >= needed:
        return True, ()
    if out.known + out.unknown < needed:
        return False, ()
    return None, out.unknown_missing


def _and(a: Test, b: Test) -> Test:
    if a[0] is False or b[0] is False:
        return False, ()
    if a[0] is None or b[0] is None:
        return None, (a[1] if a[0] is None else ()) + (b[1] if b[0] is None else ())
    return True, ()


# --- texts -------------------------------------------------------------------------------


def _indicator_result(indicator: Indicator, finding: Finding) -> IndicatorResult:
    if finding.deprived is None:
        paths = ", ".join(finding.missing)
        vi, en = f"Chưa xác định, thiếu dữ kiện: {paths}", f"Unknown, missing facts: {paths}"
    elif finding.deprived:
        who = ", ".join(finding.subjects)
        vi, en = f"{indicator.deprived_vi}: {who}", f"{indicator.deprived_en}: {who}"
    else:
        checked = ", ".join(finding.evidence)
        vi, en = (
            f"{indicator.not_deprived_vi} ({checked})",
            f"{indicator.not_deprived_en} ({checked})",
        )
    return IndicatorResult(
        code=indicator.code,
        dimension=indicator.dimension,
        name_vi=indicator.name_vi,
        name_en=indicator.name_en,
        deprived=finding.deprived,
        reason_vi=vi,
        reason_en=en,
        evidence=finding.evidence,
        missing=finding.missing,
        source=indicator.source,
        confidence=indicator.confidence,
    )


def _decision(rules: Ruleset, out: _Outcome, income: IncomeResult, area: str | None) -> Decision:
    if out.klass == UNDETERMINED:
        classes, paths = ", ".join(out.possible), ", ".join(dict.fromkeys(out.missing))
        return Decision(
            "undetermined",
            f"Chưa xác định được: có thể là {classes}; cần thêm dữ kiện: {paths}",
            f"Undetermined: could be {classes}; facts needed: {paths}",
        )
    rule = out.deciding or rules.default_rule
    label_vi, label_en = rule.labels[area or ""]
    seen_vi, seen_en = _observed(income, out)
    return Decision(rule.id, f"{label_vi} ({seen_vi})", f"{label_en} ({seen_en})")


def _observed(income: IncomeResult, out: _Outcome) -> tuple[str, str]:
    d = f"{out.known}"
    if income.method == "declared" and income.per_person is not None:
        vi_income = f"thu nhập bình quân {money(income.per_person, 'vi')} đồng/người/tháng"
        en_income = f"income {money(income.per_person, 'en')} VND per person per month"
    elif income.method == "proxy":
        score = _score_text(income)
        vi_income, en_income = f"điểm A {score}", f"A score {score}"
    else:
        vi_income, en_income = "chưa có thu nhập", "income unknown"
    return f"{vi_income}; {d} chỉ số thiếu hụt", f"{en_income}; {d} deprivations"


def _score_text(income: IncomeResult) -> str:
    if income.proxy_score_low == income.proxy_score_high:
        return f"{income.proxy_score_low}"
    return f"{income.proxy_score_low}–{income.proxy_score_high}"


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
    flags = []
    for index, member in enumerate(ctx.facts.members):
        age_test = rules.working_age.test(ctx.year, member, ctx.ages[index], f"members[{index}]")
        value, missing = _and(household, age_test)
        flags.append(WorkerFlag(index, value, missing if value is None else ()))
    return tuple(flags)


def _class_outside(out: _Outcome, excluded: frozenset[str]) -> Test:
    inside = [klass in excluded for klass in out.possible]
    if all(inside):
        return False, ()
    if not any(inside):
        return True, ()
    return None, tuple(dict.fromkeys(out.missing))
