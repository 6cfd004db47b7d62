"""A survey's answers as people read them: question labels and choice texts, never ids.

Rows carry a `key` (the answer's place in the payload) only so two submissions can be
compared; templates show `section`, `label` and `text`, in the reader's language.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from forms.model import FormDefinition, Question, Text
from forms.reasons import format_number

SHOWN_TYPES = frozenset(
    {"text", "integer", "decimal", "select_one", "select_multiple", "date", "geopoint", "photo"}
)


@dataclass(frozen=True)
class AnswerRow:
    key: str
    section: str
    label: str
    text: str


@dataclass(frozen=True)
class AnswerChange:
    section: str
    label: str
    before: str
    after: str


def answer_rows(form: FormDefinition, payload: Mapping[str, Any]) -> list[AnswerRow]:
    """Every answered question, in the form's order; members as "Thành viên 2, Name"."""
    rows: list[AnswerRow] = []
    for section in form.sections:
        rows.extend(_rows(section, payload, _say(section.label), prefix=""))
    return rows


def answer_changes(
    form: FormDefinition, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[AnswerChange]:
    """Questions whose answer text differs between two submissions, in the form's order."""
    old = {row.key: row for row in answer_rows(form, before)}
    new = {row.key: row for row in answer_rows(form, after)}
    keys = list(new) + [k for k in old if k not in new]
    changes = []
    for key in keys:
        was, now = old.get(key), new.get(key)
        old_text, new_text = (was.text if was else ""), (now.text if now else "")
        shown = now or was
        if old_text != new_text and shown is not None:
            changes.append(AnswerChange(shown.section, shown.label, old_text, new_text))
    return changes


def _rows(
    node: Question, data: Mapping[str, Any], section: str, prefix: str
) -> Iterator[AnswerRow]:
    for child in node.children:
        if child.type == "group":
            yield from _rows(child, data, section, prefix)
        elif child.type == "repeat":
            yield from _repeat(child, data.get(child.id), section, prefix)
        elif child.type in SHOWN_TYPES and child.id in data and data[child.id] not in (None, ""):
            yield AnswerRow(
                f"{prefix}{child.id}",
                section,
                _say(child.label) or child.id,
                answer_text(child, data[child.id]),
            )


def _repeat(node: Question, items: object, section: str, prefix: str) -> Iterator[AnswerRow]:
    if not isinstance(items, Sequence) or isinstance(items, str):
        return
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        name = item.get("full_name") or item.get("name")
        who = _("Member %(n)d") % {"n": index + 1}
        heading = f"{section} – {who}, {name}" if name else f"{section} – {who}"
        yield from _rows(node, item, heading, f"{prefix}{node.id}.{index}.")


def answer_text(question: Question, value: object) -> str:
    """The answer as a person reads it: choice labels, grouped numbers, yes/no words."""
    choices = question.choice_list
    if question.type == "select_one" and choices is not None:
        choice = choices.get(str(value))
        return _say(choice.label) if choice else str(value)
    if question.type == "select_multiple" and choices is not None:
        values = value.split() if isinstance(value, str) else value
        if isinstance(values, Sequence):
            texts = []
            for item in values:
                choice = choices.get(str(item))
                texts.append(_say(choice.label) if choice else str(item))
            return ", ".join(texts)
    if question.type in ("integer", "decimal") and isinstance(value, (int, float)):
        # Amounts get thousands separators; years and counts stay as written.
        return format_number(value, _lang()) if abs(value) >= 10_000 else str(value)
    if question.type == "date" and isinstance(value, str) and len(value) == 10:
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    if question.type == "geopoint" and isinstance(value, Mapping):
        return f"{value.get('latitude')}, {value.get('longitude')}"
    return str(value)


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _say(text: Text | None) -> str:
    if text is None:
        return ""
    return text.en if _lang() == "en" else text.vi


def question_choices(form: FormDefinition) -> list[tuple[str, str]]:
    """Questions a return may point at, as (answer path, label) for a choice list.

    Household-level questions only: a bulk return covers several households, whose
    members differ, so member questions are named in the comment instead.
    """
    out: list[tuple[str, str]] = []
    for section in form.sections:
        for node in _answerable(section):
            out.append((node.id, f"{_say(section.label)} – {_say(node.label)}"))
    return out


def _answerable(node: Question) -> Iterator[Question]:
    for child in node.children:
        if child.type == "group":
            yield from _answerable(child)
        elif child.type in SHOWN_TYPES and child.type != "photo" and child.label is not None:
            yield child
