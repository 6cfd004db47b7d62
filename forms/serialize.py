"""Canonical JSON form of a FormDefinition, served to phones and hashed for the checksum.

`load_form(form_to_dict(form))` gives back an equal form: the canonical form keeps every
fact the loader reads and drops defaults, so wording-only edits change the checksum while
formatting and key order never do.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from forms.model import Choice, ChoiceList, FormDefinition, Question, Text

JsonDict = dict[str, Any]


def form_to_dict(form: FormDefinition) -> JsonDict:
    """Return the JSON-ready canonical definition, including its checksum."""
    data = _form_body(form)
    data["checksum"] = form.checksum
    return data


def checksum_of(form: FormDefinition) -> str:
    """sha256 (hex) of the canonical JSON without the checksum key: sorted keys, no spaces, UTF-8."""
    return hashlib.sha256(canonical_json(_form_body(form)).encode("utf-8")).hexdigest()


def canonical_json(data: object) -> str:
    """Serialise deterministically; non-ASCII stays literal so Vietnamese is hashed as UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _form_body(form: FormDefinition) -> JsonDict:
    data: JsonDict = {
        "id": form.id,
        "version": form.version,
        "title": _text(form.title),
        "choice_lists": {name: _choice_list(cl) for name, cl in form.choice_lists.items()},
        "sections": [_section(section) for section in form.sections],
    }
    if form.description is not None:
        data["description"] = _text(form.description)
    if form.provisional:
        data["provisional"] = True
    if form.source is not None:
        data["source"] = form.source
    return data


def _text(text: Text) -> JsonDict:
    return {"vi": text.vi, "en": text.en}


def _choice_list(choice_list: ChoiceList) -> list[JsonDict]:
    return [_choice(choice) for choice in choice_list.choices]


def _choice(choice: Choice) -> JsonDict:
    data: JsonDict = {"value": choice.value, "label": _text(choice.label)}
    if choice.fact != choice.value:
        data["fact"] = choice.fact
    if choice.provisional:
        data["provisional"] = True
    return data


def _section(section: Question) -> JsonDict:
    data = _question(section)
    del data["type"]
    return data


def _question(question: Question) -> JsonDict:
    data: JsonDict = {"id": question.id, "type": question.type}
    for key, value in _optional_fields(question).items():
        if value is not None and value is not False:
            data[key] = value
    if question.children:
        data["questions"] = [_question(child) for child in question.children]
    return data


def _optional_fields(question: Question) -> dict[str, object]:
    return {
        "label": _text(question.label) if question.label else None,
        "hint": _text(question.hint) if question.hint else None,
        "required": question.required,
        "relevant": question.relevant.source if question.relevant else None,
        "constraint": question.constraint.source if question.constraint else None,
        "constraint_message": (
            _text(question.constraint_message) if question.constraint_message else None
        ),
        "calculation": question.calculation.source if question.calculation else None,
        "choices": question.choice_list.name if question.choice_list else None,
        "min": _number(question.minimum),
        "max": _number(question.maximum),
        "min_count": question.min_count,
        "max_count": question.max_count,
        "max_length": question.max_length,
        "fact": question.fact,
        "provisional": question.provisional,
    }


def _number(value: int | Decimal | None) -> int | float | None:
    """Integral bounds serialise as JSON integers, others as JSON numbers."""
    if value is None or type(value) is int:
        return value
    assert isinstance(value, Decimal)  # noqa: S101 - bounds are int or Decimal
    return int(value) if value == value.to_integral_value() else float(value)
