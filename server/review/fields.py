"""Answer paths of a survey that a return may point at ("members[0].birth_year").

A path is valid when it names an answerable question of the submission's form and, for
a repeat, an item the submission holds. Pickers show each path by its question's label
and the member's position, never by the code path.
"""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from forms.model import ANSWERED_TYPES, FormDefinition, Question
from server.common.errors import FieldError
from server.submissions.models import Submission
from server.surveys.services import form_definition

_SEGMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d{1,3})\])?\Z")
MAX_FIELDS = 50


def _level(nodes: Sequence[Question]) -> dict[str, Question]:
    """Questions answered at one level: groups flatten, a repeat is one key."""
    out: dict[str, Question] = {}
    for node in nodes:
        if node.type == "group":
            out.update(_level(node.children))
        else:
            out[node.id] = node
    return out


def _resolve(form: FormDefinition, payload: Any, path: str) -> Question | None:
    level: dict[str, Question] | None = _level(form.sections)
    answers = payload if isinstance(payload, Mapping) else {}
    node: Question | None = None
    for segment in path.split("."):
        match = _SEGMENT.match(segment)
        if match is None or level is None:
            return None
        node = level.get(match.group(1))
        if node is None:
            return None
        if node.type == "repeat":
            items = answers.get(node.id)
            index = match.group(2)
            if index is None or not isinstance(items, list) or int(index) >= len(items):
                return None
            answers = items[int(index)] if isinstance(items[int(index)], Mapping) else {}
            level = _level(node.children)
        elif match.group(2) is not None:
            return None
        else:
            level = None
    if node is None or node.type == "repeat" or node.type not in ANSWERED_TYPES:
        return None
    return node


def answer_path_errors(submission: Submission, paths: Sequence[str]) -> list[FieldError]:
    """One error per path the submission's form does not hold, under `fields[i]`."""
    if len(paths) > MAX_FIELDS:
        return [FieldError("fields", "too_many", _("Point at 50 answers at most."))]
    form = form_definition(submission.form_version)
    return [
        FieldError(f"fields[{i}]", "unknown_field", _("The survey has no such answer."))
        for i, path in enumerate(paths)
        if not isinstance(path, str) or _resolve(form, submission.payload, path) is None
    ]


@dataclass(frozen=True)
class AnswerChoice:
    path: str
    label: str


def answer_choices(submission: Submission) -> list[AnswerChoice]:
    """Every answered path of the submission, labelled for people in the active language."""
    form = form_definition(submission.form_version)
    return list(_choices(_level(form.sections), submission.payload, "", ""))


def _label(node: Question) -> str:
    text = node.label
    if text is None:
        return node.id
    return text.vi if translation.get_language() != "en" else text.en


def _choices(
    level: Mapping[str, Question], answers: Any, prefix: str, who: str
) -> Iterator[AnswerChoice]:
    if not isinstance(answers, Mapping):
        return
    for key, node in level.items():
        if key not in answers:
            continue
        if node.type == "repeat" and isinstance(answers[key], list):
            for i, item in enumerate(answers[key]):
                name = item.get("full_name") if isinstance(item, Mapping) else None
                person = str(format_lazy(_("member {n}"), n=i + 1))
                person = f"{name}, {person}" if isinstance(name, str) and name else person
                yield from _choices(_level(node.children), item, f"{prefix}{key}[{i}].", person)
        elif node.type in ANSWERED_TYPES and node.type != "repeat":
            label = f"{_label(node)} ({who})" if who else _label(node)
            yield AnswerChoice(f"{prefix}{key}", label)
