"""The assessment: what the engine concluded about one household, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from forms.scoring.income import IncomeResult
from forms.scoring.logic import Ctx, Finding
from forms.scoring.ruleset import Indicator, money


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
    # 0-based indices of the members who make the household deprived; empty otherwise.
    members: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """The classification rule that decided the class, in words.

    The texts are rendered when read: the rule's label plus the observed income and
    deprivation count (nothing is appended for an undetermined class).
    """

    rule_id: str
    label_vi: str
    label_en: str
    income: IncomeResult | None
    deprivations: int

    @property
    def text_vi(self) -> str:
        if self.income is None:
            return self.label_vi
        return f"{self.label_vi} ({_income_vi(self.income)}; {self.deprivations} chỉ số thiếu hụt)"

    @property
    def text_en(self) -> str:
        if self.income is None:
            return self.label_en
        return f"{self.label_en} ({_income_en(self.income)}; {self.deprivations} deprivations)"


def _income_vi(income: IncomeResult) -> str:
    if income.method == "declared" and income.per_person is not None:
        return f"thu nhập bình quân {money(income.per_person, 'vi')} đồng/người/tháng"
    if income.method == "proxy":
        return f"điểm A {_score_text(income)}"
    return "chưa có thu nhập"


def _income_en(income: IncomeResult) -> str:
    if income.method == "declared" and income.per_person is not None:
        return f"income {money(income.per_person, 'en')} VND per person per month"
    if income.method == "proxy":
        return f"A score {_score_text(income)}"
    return "income unknown"


def _score_text(income: IncomeResult) -> str:
    if income.proxy_score_low == income.proxy_score_high:
        return f"{income.proxy_score_low}"
    return f"{income.proxy_score_low}–{income.proxy_score_high}"


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
    # Indicator values in ruleset order (True deprived, None unknown); the reasons are
    # rendered from ``ctx`` on first access to ``indicators``.
    values: tuple[bool | None, ...] = ()
    ctx: Ctx | None = field(repr=False, compare=False, default=None)
    specs: tuple[Indicator, ...] = field(repr=False, compare=False, default=())
    _cache: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        """Every indicator's outcome with its reasons, rendered once and cached."""
        cached: tuple[IndicatorResult, ...] | None = self._cache.get("indicators")
        if cached is None:
            cached = tuple(
                indicator_result(s, f) for s, f in zip(self.specs, self._findings(), strict=True)
            )
            self._cache["indicators"] = cached
        return cached

    def _findings(self) -> list[Finding]:
        if self.ctx is None:
            raise RuntimeError("an assessment built without its context cannot explain itself")
        ctx = self.ctx
        return [
            Finding(v, s.run.explain, ctx) for s, v in zip(self.specs, self.values, strict=True)
        ]

    @property
    def deprivation_score(self) -> int:
        """TT 07/2021 B score: 10 points per known deprivation."""
        return 10 * self.deprivation_count

    @property
    def deprived_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s, v in zip(self.specs, self.values, strict=True) if v is True)


def indicator_result(indicator: Indicator, finding: Finding) -> IndicatorResult:
    """Render one indicator's outcome with reasons naming the members or facts involved."""
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
        evidence=finding.evidence if finding.deprived is not None else (),
        missing=finding.missing,
        source=indicator.source,
        confidence=indicator.confidence,
        members=finding.members if finding.deprived else (),
    )
