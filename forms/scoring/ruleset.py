"""Rulesets: the poverty standards as data, loaded from ``standards/*.json``.

A national ruleset is complete on its own. A provincial ruleset names the national ruleset it
``extends`` and only the entries it changes; it is merged onto its base before compiling.
Indicator parameters are compiled into closures once per ruleset (``indicators.KINDS``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

from forms.scoring.indicators import KINDS, Compiled, WorkingAge
from forms.scoring.logic import Quick

CONFIDENCE_ORDER: Final = ("provisional", "secondary", "unverified_annex", "confirmed")
"""Confidence levels from lowest to highest (SPEC.md §4.2)."""

CLASSES: Final = ("POOR", "NEAR_POOR", "MIDDLE", "NOT_POOR")


class RulesetError(LookupError):
    """Raised for an unknown ruleset id, a year no ruleset covers, or malformed ruleset data."""


@dataclass(frozen=True, slots=True)
class Line:
    """An income line in VND per person per month, per area type."""

    name: str
    rural: int
    urban: int
    name_vi: str
    name_en: str
    source: str
    confidence: str

    def for_area(self, area_type: str) -> int:
        return self.urban if area_type == "urban" else self.rural


@dataclass(frozen=True, slots=True)
class ClassRule:
    """One classification rule; rules are tried in order and the first that holds decides."""

    id: str
    klass: str
    income_at_most: str | None
    deprivations_at_least: int | None
    # Area type ("rural", "urban", or "" when unknown) -> (label_vi, label_en), lines filled in.
    labels: Mapping[str, tuple[str, str]]
    source: str
    confidence: str


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator: its texts, provenance, and compiled test."""

    code: str
    kind: str
    dimension: str
    name_vi: str
    name_en: str
    deprived_vi: str
    deprived_en: str
    not_deprived_vi: str
    not_deprived_en: str
    source: str
    confidence: str
    run: Compiled


@dataclass(frozen=True, slots=True)
class LowIncomeWorkerRule:
    """NĐ 30/2025: working-age members of a household outside ``excluded_classes`` under ``line``."""

    line: str
    excluded_classes: frozenset[str]
    from_year: int
    source: str
    confidence: str


@dataclass(frozen=True, slots=True, eq=False)
class Ruleset:
    """A compiled ruleset, immutable and shared between assessments.

    Compared and hashed by identity: load_ruleset returns one instance per id.
    """

    id: str
    version: int
    title_vi: str
    title_en: str
    status: str
    legal_basis: tuple[str, ...]
    review_years: frozenset[int]
    province_code: int | None
    extends: str | None
    reference_month: int
    reference_day: int
    lines: Mapping[str, Line]
    # Lines named by the classification rules, lowest first (same order in both area types).
    class_lines: tuple[str, ...]
    cutoff: int
    cutoff_source: str
    cutoff_confidence: str
    rules: tuple[ClassRule, ...]
    default_rule: ClassRule
    indicators: tuple[Indicator, ...]
    # The indicators' quick value functions, in order: the hot path of scoring.
    quicks: tuple[Quick, ...]
    working_age: WorkingAge | None
    low_income_worker: LowIncomeWorkerRule | None


def _raw(ruleset_id: str) -> dict[str, Any]:
    path = resources.files("forms.scoring").joinpath("standards", f"{ruleset_id}.json")
    if not path.is_file():
        raise RulesetError(f"unknown ruleset: {ruleset_id!r}")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if data.get("id") != ruleset_id:
        raise RulesetError(f"{ruleset_id}.json declares id {data.get('id')!r}")
    return data


def merged_data(ruleset_id: str) -> dict[str, Any]:
    """Return the ruleset's data with any ``extends`` chain merged in (base first)."""
    data = _raw(ruleset_id)
    base_id = data.get("extends")
    if base_id is None:
        return data
    return _merge(merged_data(base_id), data)


def _merge(base: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``patch`` onto ``base``; indicators merge by code, other lists are replaced."""
    out = dict(base)
    for key, value in patch.items():
        if key == "indicators":
            out[key] = _merge_indicators(base.get(key, []), value)
        elif isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            out[key] = _merge(base[key], value)
        else:
            out[key] = value
    return out


def _merge_indicators(
    base: list[dict[str, Any]], patch: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    by_code = {item["code"]: item for item in base}
    for item in patch:
        by_code[item["code"]] = _merge(by_code.get(item["code"], {}), item)
    return list(by_code.values())


@cache
def load_ruleset(ruleset_id: str) -> Ruleset:
    """Load, merge and compile a ruleset by id; cached, so each id compiles once."""
    data = merged_data(ruleset_id)
    try:
        return _compile(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise RulesetError(f"malformed ruleset {ruleset_id!r}: {exc!r}") from exc


def _compile(d: Mapping[str, Any]) -> Ruleset:
    lines = {name: _line(name, spec) for name, spec in d["income_lines"].items()}
    cutoff = int(d["deprivation_cutoff"]["value"])
    values = _label_values(lines, cutoff)
    working_age = _working_age(d["working_age"]) if d.get("working_age") else None
    indicators = tuple(_indicator(spec) for spec in d["indicators"])
    if working_age is None and any(i.kind == "employment" for i in indicators):
        raise ValueError("an employment indicator needs working_age")
    rules = tuple(_rule(spec, cutoff, values) for spec in d["classification"])
    for rule in rules:
        if rule.income_at_most is not None and rule.income_at_most not in lines:
            raise ValueError(f"rule {rule.id} names unknown line {rule.income_at_most}")
    return Ruleset(
        id=d["id"],
        version=int(d["version"]),
        title_vi=d["title_vi"],
        title_en=d["title_en"],
        status=d["status"],
        legal_basis=tuple(d["legal_basis"]),
        review_years=frozenset(range(int(d["review_years"][0]), int(d["review_years"][1]) + 1)),
        province_code=d.get("province_code"),
        extends=d.get("extends"),
        reference_month=int(d["reference_date"]["month"]),
        reference_day=int(d["reference_date"]["day"]),
        lines=lines,
        class_lines=_ordered_lines(lines, rules),
        cutoff=cutoff,
        cutoff_source=d["deprivation_cutoff"]["source"],
        cutoff_confidence=_confidence(d["deprivation_cutoff"]["confidence"]),
        rules=rules,
        default_rule=_rule(d["default_class"], cutoff, values),
        indicators=indicators,
        quicks=tuple(i.run.quick for i in indicators),
        working_age=working_age,
        low_income_worker=_low_income(d.get("low_income_worker")),
    )


def _ordered_lines(lines: Mapping[str, Line], rules: tuple[ClassRule, ...]) -> tuple[str, ...]:
    """Order the rule lines by amount; the engine relies on one order for both area types."""
    names = list(dict.fromkeys(r.income_at_most for r in rules if r.income_at_most is not None))
    by_rural = sorted(names, key=lambda n: lines[n].rural)
    if by_rural != sorted(names, key=lambda n: lines[n].urban):
        raise ValueError("income lines are ordered differently for rural and urban areas")
    return tuple(by_rural)


def money(amount: int, lang: str) -> str:
    """Format whole VND with the language's thousands separator."""
    text = f"{amount:,}"
    return text.replace(",", ".") if lang == "vi" else text


def _label_values(lines: Mapping[str, Line], cutoff: int) -> dict[tuple[str, str], dict[str, str]]:
    """Return placeholder values per (area type, language) for rule labels."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for area in ("rural", "urban", ""):
        for lang in ("vi", "en"):
            values = {name: _line_text(line, area, lang) for name, line in lines.items()}
            values["cutoff"] = str(cutoff)
            out[area, lang] = values
    return out


def _line_text(line: Line, area: str, lang: str) -> str:
    if area:
        return money(line.for_area(area), lang)
    return f"{money(line.rural, lang)}/{money(line.urban, lang)}"


def _line(name: str, spec: Mapping[str, Any]) -> Line:
    return Line(
        name=name,
        rural=_vnd(spec["rural"]),
        urban=_vnd(spec["urban"]),
        name_vi=spec["name_vi"],
        name_en=spec["name_en"],
        source=spec["source"],
        confidence=_confidence(spec["confidence"]),
    )


def _vnd(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"income line must be a non-negative integer, got {value!r}")
    return value


def _confidence(value: str) -> str:
    if value not in CONFIDENCE_ORDER:
        raise ValueError(f"unknown confidence {value!r}")
    return value


def _rule(
    spec: Mapping[str, Any], cutoff: int, values: Mapping[tuple[str, str], Mapping[str, str]]
) -> ClassRule:
    if spec["class"] not in CLASSES:
        raise ValueError(f"unknown class {spec['class']!r}")
    at_least = spec.get("deprivations_at_least")
    return ClassRule(
        id=spec["id"],
        klass=spec["class"],
        income_at_most=spec.get("income_at_most"),
        deprivations_at_least=cutoff if at_least == "cutoff" else at_least,
        labels={
            area: (
                spec["label_vi"].format_map(values[area, "vi"]),
                spec["label_en"].format_map(values[area, "en"]),
            )
            for area in ("rural", "urban", "")
        },
        source=spec["source"],
        confidence=_confidence(spec["confidence"]),
    )


def _indicator(spec: Mapping[str, Any]) -> Indicator:
    builder = KINDS[spec["kind"]]
    return Indicator(
        code=spec["code"],
        kind=spec["kind"],
        dimension=spec["dimension"],
        name_vi=spec["name_vi"],
        name_en=spec["name_en"],
        deprived_vi=spec["deprived_vi"],
        deprived_en=spec["deprived_en"],
        not_deprived_vi=spec["not_deprived_vi"],
        not_deprived_en=spec["not_deprived_en"],
        source=spec["source"],
        confidence=_confidence(spec["confidence"]),
        run=builder(spec.get("params", {})),
    )


def _working_age(spec: Mapping[str, Any]) -> WorkingAge:
    table = {
        sex: {int(year): int(months) for year, months in by_year.items()}
        for sex, by_year in spec["retirement_months"].items()
    }
    return WorkingAge(min_years=int(spec["min_age"]), retirement_months=table)


def _low_income(spec: Mapping[str, Any] | None) -> LowIncomeWorkerRule | None:
    if spec is None:
        return None
    return LowIncomeWorkerRule(
        line=spec["line"],
        excluded_classes=frozenset(spec["excluded_classes"]),
        from_year=int(spec["from_year"]),
        source=spec["source"],
        confidence=_confidence(spec["confidence"]),
    )


def list_rulesets() -> list[str]:
    """Return the ids of every shipped ruleset, sorted."""
    return list(_ruleset_ids())


@cache
def _ruleset_ids() -> tuple[str, ...]:
    folder = resources.files("forms.scoring").joinpath("standards")
    return tuple(
        sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))
    )


@cache
def ruleset_for_year(year: int, province_code: int | None = None) -> Ruleset:
    """Return the ruleset for a review year; a province's local one only when it is asked for.

    Passing ``province_code`` is the explicit request for that province's local standard; when
    the province has none for the year, the national ruleset is returned.
    """
    candidates = [load_ruleset(rid) for rid in _ruleset_ids()]
    covering = [r for r in candidates if year in r.review_years]
    if province_code is not None:
        local = [r for r in covering if r.province_code == province_code]
        if local:
            return local[0]
    national = [r for r in covering if r.province_code is None]
    if not national:
        raise RulesetError(f"no ruleset covers review year {year}")
    return national[0]
