"""The assessment: what the engine concluded about one household, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from forms.scoring.income import IncomeResult


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """One indicator's outcome with a reason in Vietnamese and English."""

    code: str
    dimension: str
    name_vi: str
    name_en: str
    # True = deprived, False = not deprived, None = unknown because facts are missing.
    deprived: bool | None
    reason_vi: str
    reason_en: str
    # Fact paths the outcome rests on; all present in the input.
    evidence: tuple[str, ...]
    # Fact paths that would decide an unknown outcome.
    missing: tuple[str, ...]
    source: str
    confidence: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The classification rule that decided the class, in words."""

    rule_id: str
    text_vi: str
    text_en: str


@dataclass(frozen=True, slots=True)
class WorkerFlag:
    """Low-income-worker flag (NĐ 30/2025) for one member; None when it cannot be decided."""

    member: int
    low_income_worker: bool | None
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Assessment:
    """The engine's output for one household under one ruleset."""

    household_id: str | None
    review_year: int
    reference_date: date
    ruleset_id: str
    ruleset_version: int
    ruleset_status: str
    # False when an explicitly chosen ruleset does not cover the review year (re-scoring).
    ruleset_covers_year: bool
    engine_version: str
    income: IncomeResult
    indicators: tuple[IndicatorResult, ...]
    # Indicators known to be deprived; unknown ones are counted separately.
    deprivation_count: int
    unknown_indicator_count: int
    household_class: str
    decision: Decision
    # Classes still possible; one element unless the class is UNDETERMINED.
    possible_classes: tuple[str, ...]
    missing_facts: tuple[str, ...]
    low_income_workers: tuple[WorkerFlag, ...] | None
    # Lowest confidence among the income lines, class rules and indicators the class relied on.
    confidence: str
    rules_used: tuple[str, ...]

    @property
    def deprivation_score(self) -> int:
        """TT 07/2021 B score: 10 points per known deprivation."""
        return 10 * self.deprivation_count

    @property
    def deprived_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators if i.deprived is True)
