"""Render an assessment's structured reasons as text a volunteer or reviewer can read.

The engine's reasons (`reason_vi`, `reason_en`, `evidence`, `missing`, `members`) name fact
paths and codes ("members[2] (Lan)", "sanitation.latrine = pit_without_slab"): they are the
audit trail and stay as they are. This module turns them, with the facts that were scored and
the form version the answers came from, into plain Vietnamese and English:

- members by 1-based position and name ("thành viên thứ 3, Đặng Thị Sử");
- facts by the label of the question that feeds them (forms/mapping.py read backwards);
- answers by the text of the choice they came from;
- numbers in each language's format (36,5 m² / 36.5 m²; 1.500.000 / 1,500,000).

A fact no question feeds (computed from several answers, or set by the registry) takes its
name from `reason_labels.json`. Rendering reads nothing but its arguments and the shipped data
files, so it runs wherever the stored assessment is shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Final

from forms.model import Choice, FormDefinition, Question, Text
from forms.scoring.ruleset import Indicator, RulesetError, load_ruleset

_MEMBER_PATH: Final = re.compile(r"^members\[(\d+)\](?:\.(.+))?$")
_MEMBER_KEY: Final = "members[]."
_LANGS: Final = ("vi", "en")
STATUSES: Final = frozenset({"deprived", "not_deprived", "unknown"})


@dataclass(frozen=True, slots=True)
class IndicatorExplanation:
    """One indicator's outcome in words; `code` ties it to the structured reason."""

    code: str
    text: Text


@dataclass(frozen=True, slots=True)
class AssessmentExplanation:
    """The decision and every indicator of one assessment, in words."""

    decision: Text
    indicators: tuple[IndicatorExplanation, ...]


def explain_assessment(
    result: Mapping[str, Any],
    facts: Mapping[str, Any],
    form: FormDefinition,
    *,
    statuses: Collection[str] = STATUSES,
) -> AssessmentExplanation:
    """Render a stored assessment (`assessment_to_dict`) scored from `facts`.

    `form` is the form version whose answers became the facts; its question labels and
    choice texts name the facts and answers. Only indicators whose `status` is in
    `statuses` are rendered (a phone shows no text for those that are met).
    """
    phrases = _phrases(str(result.get("ruleset", {}).get("id", "")))
    writer = _Writer(_glossary(form), facts)
    return AssessmentExplanation(
        decision=writer.decision(result),
        indicators=tuple(
            IndicatorExplanation(str(i["code"]), writer.indicator(i, phrases.get(i["code"])))
            for i in result.get("indicators", [])
            if i.get("status") in statuses
        ),
    )


# --- the form read backwards ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Glossary:
    """Fact key -> the question feeding it; a member fact's key is `members[].<field>`."""

    questions: Mapping[str, Question]


_GLOSSARIES: dict[str, _Glossary] = {}


def _glossary(form: FormDefinition) -> _Glossary:
    # A form version never changes once published, so its checksum names the glossary.
    found = _GLOSSARIES.get(form.checksum)
    if found is None:
        found = _GLOSSARIES[form.checksum] = _Glossary(_questions_by_fact(form))
    return found


def _questions_by_fact(form: FormDefinition) -> dict[str, Question]:
    """Map each fact key to the first labelled question that sets it."""
    out: dict[str, Question] = {}
    for node in form.walk():
        if node.type == "repeat" and node.fact == "members":
            for child in node.members():
                if child.fact is not None and child.label is not None:
                    out.setdefault(_MEMBER_KEY + child.fact, child)
        elif node.fact is not None and node.label is not None:
            out.setdefault(node.fact, node)
    return out


@cache
def _table() -> Mapping[str, Any]:
    text = resources.files("forms").joinpath("reason_labels.json").read_text(encoding="utf-8")
    data: Mapping[str, Any] = json.loads(text)
    return data


def _word(key: str, lang: str) -> str:
    return str(_table()["words"][key][lang])


def _phrases(ruleset_id: str) -> dict[str, Indicator]:
    """The ruleset's indicators by code; none for a ruleset no longer shipped."""
    try:
        return {i.code: i for i in load_ruleset(ruleset_id).indicators}
    except RulesetError:
        return {}


def fact_key(path: str) -> tuple[int | None, str]:
    """Split a fact path into (0-based member index or None, key in the glossary)."""
    match = _MEMBER_PATH.match(path)
    if match is None:
        return None, path
    field = match.group(2)
    return int(match.group(1)), (_MEMBER_KEY + field if field else "members")


def has_label(form: FormDefinition, path: str) -> bool:
    """Whether a fact path has a name of its own (a question's label or a table entry)."""
    key = fact_key(path)[1]
    return key in _glossary(form).questions or key in _table()["facts"]


# --- writing -----------------------------------------------------------------------------


class _Writer:
    """Renders paths and values of one household's facts in both languages."""

    def __init__(self, glossary: _Glossary, facts: Mapping[str, Any]) -> None:
        self._questions = glossary.questions
        self._facts = facts
        members = facts.get("members")
        self._members: Sequence[Mapping[str, Any]] = members if isinstance(members, list) else []

    def indicator(self, data: Mapping[str, Any], spec: Indicator | None) -> Text:
        status = data.get("status")
        if status == "unknown":
            return self._both(lambda lang: self._unknown(data.get("missing", []), lang))
        deprived = status == "deprived"
        members = _deprived_members(data) if deprived else None
        return self._both(
            lambda lang: self._outcome(
                _phrase(spec, data, deprived, lang), data.get("evidence", []), members, lang
            )
        )

    def decision(self, result: Mapping[str, Any]) -> Text:
        decision = result.get("decision") or {}
        if decision.get("rule") != "undetermined":
            # The deciding rule's label with income and count filled in: already plain text.
            return Text(str(decision.get("text_vi", "")), str(decision.get("text_en", "")))
        classes = [str(c) for c in result.get("possible_classes", [])]
        return self._both(
            lambda lang: _word("undetermined", lang).format(
                classes=_alternatives([_class_name(c, lang) for c in classes], lang),
                needed=self._groups(result.get("missing_facts", []), lang, values=False),
            )
        )

    @staticmethod
    def _both(render: Any) -> Text:
        return Text(*(render(lang) for lang in _LANGS))

    def _unknown(self, missing: Iterable[str], lang: str) -> str:
        return _word("unknown", lang).format(needed=self._groups(missing, lang, values=False))

    def _outcome(
        self, phrase: str, evidence: Sequence[str], members: tuple[int, ...] | None, lang: str
    ) -> str:
        """`phrase: members (their facts).` then the household facts as one sentence."""
        groups = _group(evidence)
        if members is not None:
            groups = [(i, paths) for i, paths in groups if i is None or i in members]
            groups += [(i, []) for i in members if i not in {g[0] for g in groups}]
        member_part = "; ".join(
            self._member_group(i, paths, lang, values=True) for i, paths in groups if i is not None
        )
        household = [p for i, paths in groups if i is None for p in paths]
        text = f"{phrase}: {member_part}." if member_part else f"{phrase}."
        if household:
            text += " " + "; ".join(self._item(p, lang, values=True) for p in household) + "."
        return text

    def _groups(self, paths: Iterable[str], lang: str, *, values: bool) -> str:
        parts: list[str] = []
        for index, group in _group(paths):
            if index is None:
                parts.extend(self._item(p, lang, values=values) for p in group)
            else:
                parts.append(self._member_group(index, group, lang, values=values))
        return "; ".join(parts)

    def _member_group(self, index: int, paths: Sequence[str], lang: str, *, values: bool) -> str:
        who = self.member(index, lang)
        if not paths:
            return who
        return f"{who} ({'; '.join(self._item(p, lang, values=values) for p in paths)})"

    def member(self, index: int, lang: str) -> str:
        """`thành viên thứ 3, Đặng Thị Sử` / `member 3, Đặng Thị Sử` (1-based)."""
        who = _word("member", lang).format(n=index + 1)
        name = self._members[index].get("name") if index < len(self._members) else None
        return f"{who}, {name}" if name else who

    def _item(self, path: str, lang: str, *, values: bool) -> str:
        index, key = fact_key(path)
        question = self._questions.get(key)
        label = _label(question, key, lang)
        if not values:
            return label
        shown = self._value_text(question, key, self._value(index, key), lang)
        if shown is None:
            return label
        return f"{label} {shown}" if label.endswith("?") else f"{label}: {shown}"

    def _value(self, index: int | None, key: str) -> object:
        if key == "members":
            return len(self._members)
        if index is not None:
            member = self._members[index] if index < len(self._members) else {}
            return member.get(key.removeprefix(_MEMBER_KEY))
        node: object = self._facts
        for part in key.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        return node

    def _value_text(
        self, question: Question | None, key: str, value: object, lang: str
    ) -> str | None:
        """An answer as its choice's text, a number or date in the language's format."""
        if value is None:
            return None
        if question is not None and question.choice_list is not None:
            return _choice_text(question.choice_list.choices, value, lang)
        if isinstance(value, bool):
            return _word("yes" if value else "no", lang)
        if isinstance(value, int | float | Decimal):
            if key in _table()["plain_numbers"]:
                return str(value)  # a year or a code: never grouped by thousands
            unit = _table()["units"].get(key)
            number = format_number(value, lang)
            return f"{number} {unit[lang]}" if unit else number
        if isinstance(value, str) and key.endswith("birth_date"):
            return _date_text(value)
        # A code no choice of this form names is left out rather than shown raw.
        return None


def _group(paths: Iterable[str]) -> list[tuple[int | None, list[str]]]:
    """Group paths by member in order of first mention; household paths by themselves."""
    groups: dict[int | None, list[str]] = {}
    for path in dict.fromkeys(paths):
        groups.setdefault(fact_key(path)[0], []).append(path)
    return list(groups.items())


def _deprived_members(data: Mapping[str, Any]) -> tuple[int, ...]:
    """Members who make the household deprived; older rows without `members` name those
    whose facts are the evidence."""
    listed = data.get("members")
    if isinstance(listed, list):
        return tuple(int(i) for i in listed)
    found = (fact_key(p)[0] for p in data.get("evidence", []))
    return tuple(dict.fromkeys(i for i in found if i is not None))


def _phrase(spec: Indicator | None, data: Mapping[str, Any], deprived: bool, lang: str) -> str:
    if spec is None:
        return str(data.get(f"name_{lang}", ""))
    if deprived:
        return spec.deprived_vi if lang == "vi" else spec.deprived_en
    return spec.not_deprived_vi if lang == "vi" else spec.not_deprived_en


def _label(question: Question | None, key: str, lang: str) -> str:
    if question is not None and question.label is not None:
        return question.label.vi if lang == "vi" else question.label.en
    entry = _table()["facts"].get(key) or _table()["words"]["other_fact"]
    return str(entry[lang])


def _alternatives(names: Sequence[str], lang: str) -> str:
    """`a, b hoặc c` / `a, b or c`."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {_word('or', lang)} {names[-1]}"


def _class_name(code: str, lang: str) -> str:
    entry = _table()["classes"].get(code)
    return str(entry[lang]) if entry else code


def _choice_text(choices: Sequence[Choice], value: object, lang: str) -> str | None:
    def text(choice: Choice) -> str:
        return choice.label.vi if lang == "vi" else choice.label.en

    if isinstance(value, list):
        named = [text(c) for c in choices if c.fact is not None and _same(c.fact, value)]
        if named:
            return ", ".join(named)
        if value:
            return None
        empty = next((c for c in choices if c.fact is None), None)
        return text(empty) if empty is not None else _word("none", lang)
    return next((text(c) for c in choices if _same(c.fact, value)), None)


def _same(fact: object, value: object) -> bool:
    """Whether a choice's fact equals a value; in a list, whether the list holds it.

    Types are compared too: True == 1 in Python, but a yes/no fact is never a count.
    """
    if isinstance(value, list):
        return any(_same(fact, item) for item in value)
    return type(fact) is type(value) and fact == value


def format_number(value: int | float | Decimal, lang: str) -> str:
    """Group thousands and mark decimals as the language does: 1.500.000 and 36,5 in
    Vietnamese, 1,500,000 and 36.5 in English. Trailing zeros are dropped."""
    number = Decimal(str(value))
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}"
    if lang == "vi":
        grouped = grouped.replace(",", ".")
    mark = "," if lang == "vi" else "."
    return sign + grouped + (mark + fraction if fraction else "")


def _date_text(value: str) -> str:
    """An ISO date as dd/mm/yyyy, the order both languages use here."""
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value
