"""Serialise an assessment to a JSON-ready dict with a stable key order.

The server stores this dict and the CLI prints it; keys are emitted in a fixed order (not
sorted) so that stored assessments diff cleanly across engine versions.
"""

from __future__ import annotations

from typing import Any

from forms.scoring.income import IncomeResult
from forms.scoring.result import Assessment, IndicatorResult, WorkerFlag


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """Return the assessment as plain JSON types (str, int, bool, None, list, dict)."""
    a = assessment
    return {
        "household_id": a.household_id,
        "review_year": a.review_year,
        "reference_date": a.reference_date.isoformat(),
        "ruleset": {
            "id": a.ruleset_id,
            "version": a.ruleset_version,
            "status": a.ruleset_status,
            "covers_review_year": a.ruleset_covers_year,
        },
        "engine_version": a.engine_version,
        "class": a.household_class,
        "decision": {
            "rule": a.decision.rule_id,
            "text_vi": a.decision.text_vi,
            "text_en": a.decision.text_en,
        },
        "possible_classes": list(a.possible_classes),
        "missing_facts": list(a.missing_facts),
        "income": _income(a.income),
        "deprivation_count": a.deprivation_count,
        "unknown_indicator_count": a.unknown_indicator_count,
        "deprivation_score": a.deprivation_score,
        "deprived": list(a.deprived_codes),
        "indicators": [_indicator(i) for i in a.indicators],
        "low_income_workers": None
        if a.low_income_workers is None
        else [_flag(f) for f in a.low_income_workers],
        "confidence": a.confidence,
        "rules_used": list(a.rules_used),
    }


def _income(income: IncomeResult) -> dict[str, Any]:
    return {
        "method": income.method,
        "per_person": income.per_person,
        "total_12m": income.total_12m,
        "rounding": "ROUND_HALF_UP to whole VND" if income.method == "declared" else None,
        "proxy_table": income.proxy_table,
        "proxy_score_low": income.proxy_score_low,
        "proxy_score_high": income.proxy_score_high,
        "illustrative": income.illustrative,
        "missing": list(income.missing),
    }


def _indicator(i: IndicatorResult) -> dict[str, Any]:
    status = "unknown" if i.deprived is None else ("deprived" if i.deprived else "not_deprived")
    return {
        "code": i.code,
        "dimension": i.dimension,
        "name_vi": i.name_vi,
        "name_en": i.name_en,
        "status": status,
        "deprived": i.deprived,
        "reason_vi": i.reason_vi,
        "reason_en": i.reason_en,
        "evidence": list(i.evidence),
        "missing": list(i.missing),
        "members": list(i.members),
        "source": i.source,
        "confidence": i.confidence,
    }


def _flag(f: WorkerFlag) -> dict[str, Any]:
    return {
        "member": f.member,
        "low_income_worker": f.low_income_worker,
        "missing": list(f.missing),
    }
