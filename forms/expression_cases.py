"""Run the language-neutral expression cases in forms/conformance/expressions/*.json.

A case file declares the questions its cases may reference (`fields`) and a list of
`cases`. Each case gives an expression, optional answers in the wire format, an optional
repeat item (`scope` + `item`), an optional `reference_date`, and either the `expected`
value or the `error` code (with the `phase`, "load" or "evaluate", in which it must occur).

Expected values are typed: {"type": "integer", "value": 3}, {"type": "decimal",
"value": "3.5"} (compared by value), {"type": "boolean", ...}, {"type": "string", ...},
{"type": "date", "value": "2026-10-01"}, {"type": "list", "value": ["a"]}, {"type": "null"}.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from forms.answers import decode
from forms.expressions import (
    Env,
    ExpressionError,
    FieldInfo,
    Item,
    Scalar,
    Scope,
    Value,
    compile_expression,
    evaluate,
)
from forms.model import Choice, ChoiceList, Question, Text

CASES_DIR: Final = Path(__file__).resolve().parent / "conformance" / "expressions"
_LABEL: Final = Text("-", "-")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an implementation produced: a typed value, or an error code and its phase."""

    value: Any = None
    type: str | None = None
    error: str | None = None
    phase: str | None = None


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.json"))


def _question(field_id: str, spec: Any) -> Question:
    """A minimal Question for decoding answers of a declared field."""
    kind, choices = (spec, None) if isinstance(spec, str) else (spec["type"], spec.get("choices"))
    choice_list = None
    if choices is not None:
        choice_list = ChoiceList(field_id, tuple(Choice(c, _LABEL, c) for c in choices))
    return Question(id=field_id, type=kind, path=field_id, choice_list=choice_list)


def _info(field_id: str, spec: Any) -> FieldInfo:
    if isinstance(spec, dict) and spec["type"] == "repeat":
        members = {k: _info(k, v) for k, v in spec["fields"].items()}
        return FieldInfo("repeat", members=members)
    question = _question(field_id, spec)
    choices = question.choice_list.values() if question.choice_list else None
    return FieldInfo(question.type, choices)


def _scope(fields: Mapping[str, Any], repeat: str | None) -> Scope:
    infos = {k: _info(k, v) for k, v in fields.items()}
    member_ids = frozenset(m for info in infos.values() for m in (info.members or {}))
    return Scope(fields=infos, repeat=repeat, member_ids=member_ids)


def _decode_level(fields: Mapping[str, Any], raw: Mapping[str, Any]) -> dict[str, Value]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        spec = fields[key]
        if value is None:
            values[key] = None
        elif isinstance(spec, dict) and spec["type"] == "repeat":
            values[key] = tuple(_decode_level(spec["fields"], item) for item in value)
        else:
            values[key] = decode(_question(key, spec), value)
    return values


def run_case(fields: Mapping[str, Any], case: Mapping[str, Any]) -> Outcome:
    """Compile and evaluate one case, returning what happened."""
    repeat = case.get("scope")
    try:
        expression = compile_expression(case["expression"], _scope(fields, repeat))
    except ExpressionError as error:
        return Outcome(error=error.code, phase="load")
    values = _decode_level(fields, case.get("answers", {}))
    item = _current_item(values, repeat, case.get("item"))
    reference = case.get("reference_date")
    env = Env(values, item, date.fromisoformat(reference) if reference else None)
    try:
        result = evaluate(expression.node, env)
    except ExpressionError as error:
        return Outcome(error=error.code, phase="evaluate")
    return Outcome(value=result, type=type_of(result))


def _current_item(
    values: Mapping[str, Value], repeat: str | None, index: int | None
) -> Item | None:
    if repeat is None:
        return None
    items = values.get(repeat) or ()
    return items[index or 0]  # type: ignore[return-value, index]  # a repeat: a tuple of items


def type_of(value: Scalar) -> str:
    """Name a result's type as case files do."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, Decimal):
        return "decimal"
    if isinstance(value, date):
        return "date"
    if isinstance(value, tuple):
        return "list"
    return "string"


def matches(outcome: Outcome, case: Mapping[str, Any]) -> bool:
    """True when the outcome is what the case expects."""
    if "error" in case:
        phase: str | None = case.get("phase", outcome.phase)
        return outcome.error == case["error"] and outcome.phase == phase
    expected = case["expected"]
    if outcome.error is not None or outcome.type != expected["type"]:
        return False
    return _same_value(outcome.value, expected)


def _same_value(value: Scalar, expected: Mapping[str, Any]) -> bool:
    kind = expected["type"]
    if kind == "null":
        return value is None
    if kind == "decimal":
        return value == Decimal(expected["value"])
    if kind == "date":
        return value == date.fromisoformat(expected["value"])
    if kind == "list":
        return value == tuple(expected["value"])
    return bool(value == expected["value"] and type(value) is type(expected["value"]))
