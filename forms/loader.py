"""Turn a JSON form definition into a FormDefinition, or refuse it with the JSON path.

The loader is strict: unknown keys, wrong JSON types, duplicate ids, missing choice lists
and faulty expressions are all refused, so a definition that loads cannot fail in the field.

Definition format (forms/definitions/<form_id>/v<version>.json):

    {"id": "household_survey", "version": "1",
     "title": {"vi": "...", "en": "..."}, "description": {...}, "provisional": false,
     "source": "legal basis, free text",
     "choice_lists": {"yes_no": [{"value": "yes", "label": {...}, "fact": true,
                                  "provisional": false}, ...]},
     "sections": [{"id": "general", "label": {...}, "relevant": "...",
                   "questions": [QUESTION, ...]}]}

    QUESTION = {"id": "snake_case, unique in the form", "type": one of model.QUESTION_TYPES,
                "label": {...}, "hint": {...}, "required": false, "relevant": EXPR,
                "constraint": EXPR, "constraint_message": {...},   # answered types
                "choices": "list name",                             # select_one/_multiple
                "min": n, "max": n,                                 # integer/decimal
                "max_length": n,                                    # text
                "calculation": EXPR,                                # calculate
                "questions": [QUESTION, ...],                       # group/repeat
                "min_count": n, "max_count": n,                     # repeat
                "fact": "dotted.path",                              # see forms.mapping
                "provisional": false}

A choice's `fact` defaults to its value. Sections are groups; groups only structure the
form, answers are flat (EXPRESSIONS.md §9). A stated top-level "checksum" must match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Final

from forms.expressions import Expression, ExpressionError, FieldInfo, Scope, compile_expression
from forms.model import (
    QUESTION_TYPES,
    Choice,
    ChoiceList,
    FormDefinition,
    Question,
    Text,
)

ID_RE: Final = re.compile(r"[a-z][a-z0-9_]{0,63}")
VERSION_RE: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,31}")
CHOICE_RE: Final = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}")
FACT_RE: Final = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
HARD_MAX_REPEAT: Final = 100
"""No repeat may allow more items than this, whatever its definition says."""
HARD_MAX_TEXT: Final = 2000
"""No text answer may be longer than this many code points."""

_BASE_KEYS: Final = frozenset({"id", "type", "label", "hint", "relevant", "fact", "provisional"})
_ANSWER_KEYS: Final = _BASE_KEYS | {"required", "constraint", "constraint_message"}
_KEYS_BY_TYPE: Final[dict[str, frozenset[str]]] = {
    "text": _ANSWER_KEYS | {"max_length"},
    "integer": _ANSWER_KEYS | {"min", "max"},
    "decimal": _ANSWER_KEYS | {"min", "max"},
    "select_one": _ANSWER_KEYS | {"choices"},
    "select_multiple": _ANSWER_KEYS | {"choices"},
    "date": _ANSWER_KEYS,
    "geopoint": _ANSWER_KEYS,
    "photo": _ANSWER_KEYS,
    "note": _BASE_KEYS,
    "calculate": _BASE_KEYS | {"calculation"},
    "group": _BASE_KEYS | {"questions"},
    "repeat": _BASE_KEYS
    | {"questions", "min_count", "max_count", "constraint", "constraint_message"},
}
_VALUELESS: Final = frozenset({"group", "note"})
_FORM_KEYS: Final = frozenset(
    {
        "id",
        "version",
        "title",
        "description",
        "provisional",
        "source",
        "choice_lists",
        "sections",
        "checksum",
    }
)
_SECTION_KEYS: Final = frozenset({"id", "type", "label", "hint", "relevant", "questions"})
_CHOICE_KEYS: Final = frozenset({"value", "label", "fact", "provisional"})


class FormDefinitionError(ValueError):
    """A definition is refused; `path` names the fault, e.g. sections[2].questions[5].relevant."""

    def __init__(self, path: str, code: str, message: str) -> None:
        super().__init__(f"{path or '<root>'}: {message} [{code}]")
        self.path = path
        self.code = code
        self.message = message


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _fail(path: str, code: str, message: str) -> FormDefinitionError:
    return FormDefinitionError(path, code, message)


# ---- JSON shape helpers ---------------------------------------------------------------


def _object(value: object, path: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise _fail(path, "type", "expected a JSON object")
    return value


def _keys(obj: Mapping[str, object], path: str, allowed: frozenset[str], needed: set[str]) -> None:
    """Refuse unknown keys (alphabetically first reported) and missing required ones."""
    for key in sorted(set(obj) - allowed):
        raise _fail(_join(path, key), "unknown_key", f"unknown key {key!r}")
    for key in sorted(needed - set(obj)):
        raise _fail(_join(path, key), "missing", f"{key!r} is required")


def _string(value: object, path: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "type", "expected a non-empty string")
    if pattern is not None and not pattern.fullmatch(value):
        raise _fail(path, "invalid_id", f"{value!r} does not match {pattern.pattern}")
    return value


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, "type", "expected true or false")
    return value


def _int(value: object, path: str, low: int, high: int) -> int:
    if type(value) is not int:
        raise _fail(path, "type", "expected an integer")
    if not low <= value <= high:
        raise _fail(path, "range", f"expected {low}..{high}")
    return value


def _list(value: object, path: str) -> list[object]:
    if not isinstance(value, list) or not value:
        raise _fail(path, "type", "expected a non-empty JSON array")
    return value


def _text(value: object, path: str) -> Text:
    obj = _object(value, path)
    _keys(obj, path, frozenset({"vi", "en"}), {"vi", "en"})
    return Text(vi=_string(obj["vi"], _join(path, "vi")), en=_string(obj["en"], _join(path, "en")))


def _optional_text(obj: Mapping[str, object], key: str, path: str) -> Text | None:
    return _text(obj[key], _join(path, key)) if key in obj else None


# ---- choice lists -----------------------------------------------------------------------


def _choice(value: object, path: str) -> Choice:
    obj = _object(value, path)
    _keys(obj, path, _CHOICE_KEYS, {"value", "label"})
    code = _string(obj["value"], _join(path, "value"), CHOICE_RE)
    fact = obj.get("fact", code)
    if fact is not None and not isinstance(fact, bool | int | str):
        raise _fail(_join(path, "fact"), "type", "expected a string, integer, boolean or null")
    provisional = _bool(obj.get("provisional", False), _join(path, "provisional"))
    return Choice(code, _text(obj["label"], _join(path, "label")), fact, provisional)


def _choice_list(name: str, value: object, path: str) -> ChoiceList:
    _string(name, path, ID_RE)
    choices = tuple(_choice(item, f"{path}[{i}]") for i, item in enumerate(_list(value, path)))
    seen: set[str] = set()
    for i, choice in enumerate(choices):
        if choice.value in seen:
            raise _fail(f"{path}[{i}].value", "duplicate_choice", f"{choice.value!r} repeated")
        seen.add(choice.value)
    return ChoiceList(name, choices)


def _choice_lists(value: object, path: str) -> dict[str, ChoiceList]:
    obj = _object(value, path)
    return {name: _choice_list(name, item, _join(path, name)) for name, item in obj.items()}


# ---- outline: first pass over the question tree ------------------------------------------


@dataclass(slots=True)
class _Outline:
    """Ids in document order, their types and repeats, gathered before expressions compile."""

    order: dict[str, int] = field(default_factory=dict)
    repeat_of: dict[str, str] = field(default_factory=dict)
    infos: dict[str, FieldInfo] = field(default_factory=dict)
    members: dict[str, dict[str, FieldInfo]] = field(default_factory=dict)

    def scope(self) -> Scope:
        """Top-level ids that hold a value; groups and notes cannot be referenced."""
        top = {
            qid: self._with_members(qid, info)
            for qid, info in self.infos.items()
            if qid not in self.repeat_of and info.kind not in _VALUELESS
        }
        return Scope(fields=top, member_ids=frozenset(self.repeat_of))

    def _with_members(self, qid: str, info: FieldInfo) -> FieldInfo:
        if info.kind != "repeat":
            return info
        members = self.members.get(qid, {})
        valued = {k: v for k, v in members.items() if v.kind not in _VALUELESS}
        return replace(info, members=valued)


def _outline(
    raw: Mapping[str, object],
    path: str,
    lists: Mapping[str, ChoiceList],
    repeat: str | None,
    outline: _Outline,
) -> None:
    qid, kind = _node_id_and_type(raw, path)
    _keys(raw, path, _KEYS_BY_TYPE[kind], _needed_keys(kind))
    if qid in outline.order:
        raise _fail(_join(path, "id"), "duplicate_id", f"id {qid!r} is used twice")
    outline.order[qid] = len(outline.order)
    choices = _choices_of(raw, kind, path, lists)
    info = FieldInfo(kind, choices.values() if choices else None)
    outline.infos[qid] = info
    if repeat is not None:
        outline.repeat_of[qid] = repeat
        outline.members.setdefault(repeat, {})[qid] = info
    if kind in ("group", "repeat"):
        _outline_children(raw, path, lists, qid if kind == "repeat" else repeat, outline, kind)


def _outline_children(
    raw: Mapping[str, object],
    path: str,
    lists: Mapping[str, ChoiceList],
    repeat: str | None,
    outline: _Outline,
    kind: str,
) -> None:
    if kind == "repeat" and repeat in outline.repeat_of:
        raise _fail(_join(path, "type"), "nested_repeat", "a repeat cannot contain a repeat")
    children_path = _join(path, "questions")
    for i, child in enumerate(_list(raw["questions"], children_path)):
        child_path = f"{children_path}[{i}]"
        _outline(_object(child, child_path), child_path, lists, repeat, outline)


def _node_id_and_type(raw: Mapping[str, object], path: str) -> tuple[str, str]:
    if "id" not in raw:
        raise _fail(_join(path, "id"), "missing", "'id' is required")
    qid = _string(raw["id"], _join(path, "id"), ID_RE)
    kind = raw.get("type")
    if kind not in QUESTION_TYPES:
        raise _fail(_join(path, "type"), "type", f"type must be one of {', '.join(QUESTION_TYPES)}")
    assert isinstance(kind, str)  # noqa: S101 - membership checked above
    return qid, kind


def _needed_keys(kind: str) -> set[str]:
    needed = {"id", "type"}
    if kind != "calculate":
        needed.add("label")
    if kind in ("select_one", "select_multiple"):
        needed.add("choices")
    if kind == "calculate":
        needed.add("calculation")
    if kind in ("group", "repeat"):
        needed.add("questions")
    return needed


def _choices_of(
    raw: Mapping[str, object], kind: str, path: str, lists: Mapping[str, ChoiceList]
) -> ChoiceList | None:
    if kind not in ("select_one", "select_multiple"):
        return None
    name = _string(raw["choices"], _join(path, "choices"))
    if name not in lists:
        raise _fail(_join(path, "choices"), "unknown_choice_list", f"no choice list {name!r}")
    return lists[name]


# ---- second pass: build frozen questions ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    """Everything the second pass needs to build one node."""

    lists: Mapping[str, ChoiceList]
    outline: _Outline
    scope: Scope
    repeat: str | None


def _build(raw: Mapping[str, object], path: str, ctx: _Context) -> Question:
    qid, kind = _node_id_and_type(raw, path)
    inner = replace(ctx, repeat=qid) if kind == "repeat" else ctx
    children = (
        tuple(
            _build(_object(child, f"{path}.questions[{i}]"), f"{path}.questions[{i}]", inner)
            for i, child in enumerate(_list(raw["questions"], _join(path, "questions")))
        )
        if kind in ("group", "repeat")
        else ()
    )
    return Question(
        id=qid,
        type=kind,
        path=path,
        label=_optional_text(raw, "label", path),
        hint=_optional_text(raw, "hint", path),
        required=_bool(raw.get("required", False), _join(path, "required")),
        relevant=_expression(raw, "relevant", path, _backward_scope(qid, ctx)),
        constraint=_expression(raw, "constraint", path, _constraint_scope(qid, kind, ctx)),
        constraint_message=_constraint_message(raw, path),
        calculation=_expression(raw, "calculation", path, _backward_scope(qid, ctx)),
        choice_list=_choices_of(raw, kind, path, ctx.lists),
        minimum=_bound(raw, "min", kind, path),
        maximum=_bound(raw, "max", kind, path),
        min_count=_count_key(raw, "min_count", path),
        max_count=_count_key(raw, "max_count", path),
        max_length=_max_length(raw, path),
        children=children,
        fact=_fact(raw, path),
        provisional=_bool(raw.get("provisional", False), _join(path, "provisional")),
    )


def _backward_scope(qid: str, ctx: _Context) -> Scope:
    """Relevance and calculations see only ids declared earlier (EXPRESSIONS.md §7)."""
    order = ctx.outline.order
    # Invariant: ctx.repeat is the repeat enclosing qid, never qid itself.
    cutoff = order[ctx.repeat] if ctx.repeat is not None else order[qid]
    earlier = frozenset(i for i in ctx.scope.fields if order[i] < cutoff)
    if ctx.repeat is None:
        return replace(ctx.scope, repeat=None, earlier=earlier)
    items = frozenset(i for i, r in ctx.outline.repeat_of.items() if r == ctx.repeat)
    earlier_items = frozenset(i for i in items if order[i] < order[qid])
    return replace(ctx.scope, repeat=ctx.repeat, earlier=earlier, earlier_items=earlier_items)


def _constraint_scope(qid: str, kind: str, ctx: _Context) -> Scope:
    """Constraints run after every value is known, so they may read any question."""
    repeat = None if kind == "repeat" else ctx.repeat
    return replace(ctx.scope, repeat=repeat)


def _expression(raw: Mapping[str, object], key: str, path: str, scope: Scope) -> Expression | None:
    if key not in raw:
        return None
    where = _join(path, key)
    try:
        return compile_expression(_string(raw[key], where), scope)
    except ExpressionError as error:
        raise _fail(where, error.code, str(error)) from None


def _constraint_message(raw: Mapping[str, object], path: str) -> Text | None:
    if "constraint" in raw and "constraint_message" not in raw:
        raise _fail(_join(path, "constraint_message"), "missing", "a constraint needs a message")
    return _optional_text(raw, "constraint_message", path)


def _bound(raw: Mapping[str, object], key: str, kind: str, path: str) -> int | Decimal | None:
    if key not in raw:
        return None
    value, where = raw[key], _join(path, key)
    if kind == "integer":
        return _int(value, where, -(2**53 - 1), 2**53 - 1)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(where, "type", "expected a number")
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _count_key(raw: Mapping[str, object], key: str, path: str) -> int | None:
    if key not in raw:
        return None
    return _int(raw[key], _join(path, key), 0, HARD_MAX_REPEAT)


def _max_length(raw: Mapping[str, object], path: str) -> int | None:
    if "max_length" not in raw:
        return None
    return _int(raw["max_length"], _join(path, "max_length"), 1, HARD_MAX_TEXT)


def _fact(raw: Mapping[str, object], path: str) -> str | None:
    if "fact" not in raw:
        return None
    return _string(raw["fact"], _join(path, "fact"), FACT_RE)


def _check_bounds(question: Question) -> None:
    """min <= max for numbers, min_count <= max_count for repeats."""
    pairs = (
        (question.minimum, question.maximum, "max"),
        (question.min_count, question.max_count, "max_count"),
    )
    for low, high, key in pairs:
        if low is not None and high is not None and low > high:
            raise _fail(_join(question.path, key), "range", f"{key} is below its minimum")


# ---- the form -----------------------------------------------------------------------------


def _section(raw: object, path: str) -> dict[str, object]:
    """A section is a group whose `type` may be omitted."""
    obj = dict(_object(raw, path))
    _keys(obj, path, _SECTION_KEYS, {"id", "label", "questions"})
    if obj.setdefault("type", "group") != "group":
        raise _fail(_join(path, "type"), "type", "a section is a group")
    return obj


def load_form(data: object) -> FormDefinition:
    """Build a FormDefinition from parsed JSON; raise FormDefinitionError with the path."""
    from forms.serialize import checksum_of  # serialize imports the model, not the loader

    root = _object(data, "")
    _keys(root, "", _FORM_KEYS, {"id", "version", "title", "choice_lists", "sections"})
    lists = _choice_lists(root["choice_lists"], "choice_lists")
    raw_sections = [
        _section(s, f"sections[{i}]") for i, s in enumerate(_list(root["sections"], "sections"))
    ]
    outline = _Outline()
    for i, raw in enumerate(raw_sections):
        _outline(raw, f"sections[{i}]", lists, None, outline)
    ctx = _Context(lists, outline, outline.scope(), None)
    sections = tuple(_build(raw, f"sections[{i}]", ctx) for i, raw in enumerate(raw_sections))
    for node in (n for section in sections for n in section.walk()):
        _check_bounds(node)
    form = FormDefinition(
        id=_string(root["id"], "id", ID_RE),
        version=_string(root["version"], "version", VERSION_RE),
        title=_text(root["title"], "title"),
        sections=sections,
        choice_lists=lists,
        checksum="",
        description=_optional_text(root, "description", ""),
        provisional=_bool(root.get("provisional", False), "provisional"),
        source=_string(root["source"], "source") if "source" in root else None,
    )
    _check_choice_lists_used(form)
    _check_label_references(form, outline)
    return replace(form, checksum=_checksum(root, checksum_of(form)))


def _checksum(root: Mapping[str, object], computed: str) -> str:
    """A definition may state its checksum (form_to_dict does); it must then be right."""
    stated = root.get("checksum", computed)
    if stated != computed:
        raise _fail("checksum", "checksum", f"stated {stated!r}, computed {computed!r}")
    return computed


_LABEL_REF_RE: Final = re.compile(r"\$\{(\.?)([A-Za-z_][A-Za-z0-9_]*)\}")


def _check_label_references(form: FormDefinition, outline: _Outline) -> None:
    """A `${name}` shown inside a label must name a question the phone can display."""
    for node in form.walk():
        for key, text in (("label", node.label), ("hint", node.hint)):
            for lang, value in (("vi", text.vi), ("en", text.en)) if text else ():
                for match in _LABEL_REF_RE.finditer(value):
                    info = outline.infos.get(match.group(2))
                    if info is None or info.kind in _VALUELESS or match.group(1):
                        where = _join(_join(node.path, key), lang)
                        message = f"{match.group(0)} names no question"
                        raise _fail(where, "unknown_reference", message)


def _check_choice_lists_used(form: FormDefinition) -> None:
    """An unused choice list is almost always a typo in some question's `choices`."""
    used = {n.choice_list.name for n in form.walk() if n.choice_list is not None}
    for name in sorted(set(form.choice_lists) - used):
        raise _fail(_join("choice_lists", name), "unused_choice_list", f"{name!r} is never used")
