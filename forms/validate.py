"""Validate one submission against the exact form version it was filled with.

`validate` returns every error, never only the first: unknown top-level keys first, then in
document order (an item's unknown keys before its questions). Each error has a
path into the answers (`members[2].birth_date`, items counted from 0), a stable code and a
message in Vietnamese and English.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final, cast

from forms.answers import AnswerRefused, decode
from forms.expressions import (
    Env,
    ExpressionError,
    Item,
    Scalar,
    Value,
    evaluate,
    evaluate_condition,
)
from forms.loader import HARD_MAX_REPEAT
from forms.model import ANSWERED_TYPES, FormDefinition, Question

ERROR_CODES: Final = frozenset(
    {
        "type",  # wrong JSON type or format for the question type
        "blank",  # empty string or empty selection: send null or omit instead
        "length",  # text longer than allowed
        "choice",  # a code that is not in the question's choice list
        "range",  # outside min/max, a built-in hard limit, or too few/many repeat items
        "required",  # a relevant required question left unanswered
        "constraint",  # the question's constraint is false
        "not_relevant",  # an answer to a question that does not apply
        "unknown_field",  # a key that is no question of this form (or of this repeat)
        "read_only",  # a value for a note or a calculation, which clients must not send
        "expression",  # a relevance/constraint/calculation could not be evaluated
    }
)


@dataclass(frozen=True, slots=True)
class ValidationError:
    """One fault in a submission; `code` is stable, messages are for people."""

    path: str
    code: str
    message_vi: str
    message_en: str


def _error(path: str, code: str, vi: str, en: str) -> ValidationError:
    return ValidationError(path, code, vi, en)


@dataclass(slots=True)
class _Run:
    """State of one validation: decoded values, relevance and errors found so far."""

    reference_date: date | None
    values: dict[str, Value] = field(default_factory=dict)
    relevant: dict[str, bool] = field(default_factory=dict)
    errors: list[ValidationError] = field(default_factory=list)
    # Decoding refusals by answer path, reported when pass 2 reaches that path.
    refused: dict[str, AnswerRefused] = field(default_factory=dict)
    # Pass-1 expression faults by answer path, also reported in pass 2 to keep the order.
    deferred: dict[str, ValidationError] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Resolved:
    """The answers after decoding and relevance: what mapping and expressions read."""

    values: Mapping[str, Value]
    relevant: Mapping[str, bool]


def validate(
    form: FormDefinition, answers: object, *, reference_date: date | None = None
) -> list[ValidationError]:
    """Return every error in `answers` for `form`; an empty list means it is acceptable.

    `reference_date` is what `reference_date()` returns in expressions (e.g. "the survey
    date is not in the future"); without it, such conditions are null and do not fail.
    """
    return _run(form, answers, reference_date)[0]


def validate_and_resolve(
    form: FormDefinition, answers: object, *, reference_date: date | None = None
) -> tuple[list[ValidationError], Resolved | None]:
    """Validate once and, when valid, return the resolved values too.

    A server that validates and then maps would otherwise run the whole form twice.
    """
    errors, run = _run(form, answers, reference_date)
    return errors, None if errors else Resolved(run.values, run.relevant)


def resolve(
    form: FormDefinition, answers: object, *, reference_date: date | None = None
) -> Resolved:
    """Decode and apply relevance; raise ValueError if the answers do not validate."""
    errors, run = _run(form, answers, reference_date)
    if errors:
        raise ValueError(f"answers do not validate: {errors[0].path}: {errors[0].code}")
    return Resolved(run.values, run.relevant)


def _run(
    form: FormDefinition, answers: object, reference_date: date | None
) -> tuple[list[ValidationError], _Run]:
    run = _Run(reference_date)
    if not isinstance(answers, dict):
        run.errors.append(
            _error(
                "",
                "type",
                "Câu trả lời phải là một đối tượng JSON.",
                "Answers must be a JSON object.",
            )
        )
        return run.errors, run
    top = [node for section in form.sections for node in _answerable(section)]
    run.errors += _unknown_keys(answers, top, "")
    level = _Level(answers, None, "")
    for section in form.sections:
        _resolve(section, level, run, inherited=True)
    for section in form.sections:
        _check(section, level, run)
    return run.errors, run


# ---- structure --------------------------------------------------------------------------


def _answerable(node: Question) -> Iterator[Question]:
    """Questions whose answers sit at this level: groups flatten, repeats are one key."""
    if node.type == "group":
        for child in node.children:
            yield from _answerable(child)
    else:
        yield node


def _unknown_keys(
    answers: Mapping[str, object], level: Sequence[Question], prefix: str
) -> list[ValidationError]:
    by_id = {node.id: node for node in level}
    errors: list[ValidationError] = []
    for key in answers:
        node = by_id.get(key)
        if node is None:
            errors.append(
                _error(
                    prefix + key,
                    "unknown_field",
                    f"Phiếu này không có câu hỏi “{key}”.",
                    f"This form has no question “{key}”.",
                )
            )
        elif node.type not in ANSWERED_TYPES and answers[key] is not None:
            errors.append(
                _error(
                    prefix + key,
                    "read_only",
                    "Giá trị này do hệ thống tính hoặc chỉ để hiển thị; không được gửi.",
                    "This value is calculated or display-only; do not send it.",
                )
            )
    return errors


# ---- pass 1: decode, relevance and calculations, in document order --------------------------


@dataclass(frozen=True, slots=True)
class _Level:
    """Where a node's answer lives: the raw JSON object, the value store and the path prefix."""

    raw: Mapping[str, object]
    store: dict[str, Scalar] | None  # the current repeat item; None at the top level
    prefix: str


def _env(run: _Run, level: _Level) -> Env:
    return Env(values=run.values, item=level.store, reference_date=run.reference_date)


def _store(run: _Run, level: _Level, key: str, value: Scalar) -> None:
    if level.store is None:
        run.values[key] = value
    else:
        level.store[key] = value


def _resolve(node: Question, level: _Level, run: _Run, inherited: bool) -> None:
    path = level.prefix + node.id
    relevant = inherited and (node.relevant is None or _is_relevant(node, level, path, run))
    run.relevant[path] = relevant
    if node.type == "group":
        for child in node.children:
            _resolve(child, level, run, relevant)
    elif node.type == "repeat":
        run.values[node.id] = _resolve_repeat(node, level, run, relevant)
    elif node.type == "calculate":
        _store(run, level, node.id, _calculate(node, level, run) if relevant else None)
    elif node.type != "note":
        _store(run, level, node.id, _decoded(node, level, run) if relevant else None)


def _is_relevant(node: Question, level: _Level, path: str, run: _Run) -> bool:
    """A null or false condition means not relevant; an evaluation fault is reported."""
    if node.relevant is None:
        return True
    try:
        return evaluate_condition(node.relevant.node, _env(run, level)) is True
    except ExpressionError as fault:
        run.deferred[path] = _expression_error(path, "relevant", fault)
        return False


def _calculate(node: Question, level: _Level, run: _Run) -> Scalar:
    assert node.calculation is not None  # noqa: S101 - the loader requires it
    try:
        return evaluate(node.calculation.node, _env(run, level))
    except ExpressionError as fault:
        path = level.prefix + node.id
        run.deferred[path] = _expression_error(path, "calculation", fault)
        return None


def _expression_error(path: str, key: str, fault: ExpressionError) -> ValidationError:
    return _error(
        path,
        "expression",
        f"Không tính được biểu thức “{key}” của câu hỏi ({fault.code}).",
        f"The question's “{key}” expression could not be evaluated ({fault}).",
    )


def _decoded(node: Question, level: _Level, run: _Run) -> Scalar:
    raw = level.raw.get(node.id)
    if raw is None:
        return None
    try:
        return decode(node, raw)
    except AnswerRefused as refusal:
        run.refused[level.prefix + node.id] = refusal
        return None


def _resolve_repeat(node: Question, level: _Level, run: _Run, relevant: bool) -> Value:
    raw_items = _repeat_items(node, level, run)
    if not relevant:
        return ()
    items: list[Item] = []
    for index, raw_item in enumerate(raw_items):
        store: dict[str, Scalar] = {}
        item_level = _Level(raw_item, store, f"{level.prefix}{node.id}[{index}].")
        for child in node.children:
            _resolve(child, item_level, run, True)
        items.append(store)
    return tuple(items)


def _repeat_items(node: Question, level: _Level, run: _Run) -> list[Mapping[str, object]]:
    """The raw items of a repeat, or none when the value is malformed or over the hard cap."""
    raw = level.raw.get(node.id)
    path = level.prefix + node.id
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        run.refused[path] = AnswerRefused(
            "type", "Phải là danh sách các đối tượng JSON.", "Must be a JSON array of objects."
        )
        return []
    count_refusal = _count_refusal(node, len(raw))
    if count_refusal is not None:
        run.refused[path] = count_refusal
    return raw if len(raw) <= HARD_MAX_REPEAT else []


def _count_refusal(node: Question, count: int) -> AnswerRefused | None:
    high = min(node.max_count or HARD_MAX_REPEAT, HARD_MAX_REPEAT)
    low = node.min_count or 0
    if low <= count <= high:
        return None
    return AnswerRefused(
        "range",
        f"Số mục phải từ {low} đến {high} (đang có {count}).",
        f"The number of items must be {low} to {high} (got {count}).",
    )


# ---- pass 2: refusals, relevance, required and constraints, in document order ----------------


def _check(node: Question, level: _Level, run: _Run) -> None:
    deferred = run.deferred.pop(level.prefix + node.id, None)
    if deferred is not None:
        run.errors.append(deferred)
    if node.type == "group":
        for child in node.children:
            _check(child, level, run)
    elif node.type == "repeat":
        _check_repeat(node, level, run)
    elif node.type in ANSWERED_TYPES:
        _check_answer(node, level, run)


def _check_answer(node: Question, level: _Level, run: _Run) -> None:
    path = level.prefix + node.id
    answered = level.raw.get(node.id) is not None
    relevant = run.relevant[path]
    refusal = run.refused.get(path)
    if refusal is not None:
        run.errors.append(_error(path, refusal.code, refusal.vi, refusal.en))
    if answered and not relevant:
        run.errors.append(_not_relevant(path))
    elif relevant and not answered and node.required:
        run.errors.append(
            _error(
                path,
                "required",
                "Câu hỏi này bắt buộc phải trả lời.",
                "This question requires an answer.",
            )
        )
    elif relevant and answered and refusal is None:
        _check_constraint(node, _env(run, level), path, run)


def _not_relevant(path: str) -> ValidationError:
    return _error(
        path,
        "not_relevant",
        "Câu hỏi này không áp dụng theo các câu trả lời trước nên không được trả lời.",
        "This question does not apply given earlier answers, so it must not be answered.",
    )


def _check_constraint(node: Question, env: Env, path: str, run: _Run) -> None:
    """Only a definitely false constraint fails; null (unknown) passes (EXPRESSIONS.md §5)."""
    if node.constraint is None:
        return
    try:
        result = evaluate_condition(node.constraint.node, env)
    except ExpressionError as fault:
        run.errors.append(_expression_error(path, "constraint", fault))
        return
    if result is False:
        message = node.constraint_message
        assert message is not None  # noqa: S101 - the loader requires one with a constraint
        run.errors.append(_error(path, "constraint", message.vi, message.en))


def _check_repeat(node: Question, level: _Level, run: _Run) -> None:
    path = level.prefix + node.id
    raw = level.raw.get(node.id)
    relevant = run.relevant[path]
    refusal = run.refused.get(path)
    if refusal is not None:
        run.errors.append(_error(path, refusal.code, refusal.vi, refusal.en))
    if raw and not relevant:
        run.errors.append(_not_relevant(path))
        return
    if relevant and raw is None and (node.min_count or 0) > 0:
        run.errors.append(
            _error(
                path, "required", "Phải khai báo ít nhất một mục.", "At least one item is required."
            )
        )
    if not relevant or not isinstance(raw, list) or refusal is not None and refusal.code == "type":
        return
    _check_items(node, raw, run, path)
    if raw:
        _check_constraint(node, _env(run, level), path, run)


def _check_items(node: Question, raw: list[Mapping[str, object]], run: _Run, path: str) -> None:
    items = run.values.get(node.id)
    assert isinstance(items, tuple)  # noqa: S101 - pass 1 stored one store per raw item
    members = [member for child in node.children for member in _answerable(child)]
    for index, (raw_item, store) in enumerate(zip(raw, items, strict=False)):
        prefix = f"{path}[{index}]."
        run.errors += _unknown_keys(raw_item, members, prefix)
        item_level = _Level(raw_item, dict(cast(Item, store)), prefix)
        for child in node.children:
            _check(child, item_level, run)
