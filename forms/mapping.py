"""Map validated answers to the scoring engine's household facts (forms/scoring/SPEC.md §1).

The mapping is data: each question that feeds scoring names its `fact` path in the form
definition, and each choice names the fact value it stands for. A new form version that only
rewords labels therefore keeps exactly the same mapping.

Fact paths:
- `a.b` sets key `b` of object `a` in the facts (e.g. `dwelling.area_m2`);
- a repeat with fact `members` becomes the members array; its questions' facts are
  member keys (e.g. `sex`);
- `income.sources` on a select-many question declares that income was asked; each
  `income.sources.<kind>` integer adds `{"kind": <kind>, "amount_12m": value}` when answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from forms.expressions import GeoPoint, Scalar, Value
from forms.model import FormDefinition, Question
from forms.validate import Resolved, resolve

if TYPE_CHECKING:
    from forms.scoring.facts import HouseholdFacts

FACTS_VERSION: Final = 1
INCOME_DECLARED: Final = "income.sources"
JsonDict = dict[str, Any]


def facts_dict_from_answers(
    form: FormDefinition,
    answers: object,
    *,
    reference_date: date | None = None,
    extra: Mapping[str, object] | None = None,
) -> JsonDict:
    """Return the facts as the JSON object `facts_from_dict` reads.

    Raises ValueError when the answers do not validate. `extra` sets facts that come from
    the registry rather than the survey (e.g. `household_id`, `province_code`); it wins.
    """
    resolved = resolve(form, answers, reference_date=reference_date)
    return facts_dict_from_resolved(form, resolved, extra=extra)


def facts_dict_from_resolved(
    form: FormDefinition, resolved: Resolved, *, extra: Mapping[str, object] | None = None
) -> JsonDict:
    """Map already-resolved answers (see `validate_and_resolve`) to the facts object."""
    facts: JsonDict = {"facts_version": FACTS_VERSION}
    members = {m.id for repeat in form.repeats() for m in repeat.members()}
    for node in form.walk():
        if node.fact is not None and node.id not in members:
            _map_top(node, resolved.values, facts)
    facts.update(extra or {})
    return facts


def facts_from_answers(
    form: FormDefinition,
    answers: object,
    *,
    reference_date: date | None = None,
    extra: Mapping[str, object] | None = None,
) -> HouseholdFacts:
    """Validate, map and decode: the scoring engine's input for one submission."""
    from forms.scoring.decode import facts_from_dict

    return facts_from_dict(
        facts_dict_from_answers(form, answers, reference_date=reference_date, extra=extra)
    )


def _map_top(node: Question, values: Mapping[str, Value], facts: JsonDict) -> None:
    """Map one question outside any repeat (a repeat maps its items)."""
    assert node.fact is not None  # noqa: S101 - the caller filters on it
    value = values.get(node.id)
    if node.type == "repeat":
        items = value if isinstance(value, tuple) else ()
        _set(facts, node.fact, [_member(node, item) for item in items])  # type: ignore[arg-type]  # a repeat holds item mappings
    else:
        _put(facts, node, value)  # type: ignore[arg-type]  # a non-repeat holds a Scalar


def _member(repeat: Question, item: Mapping[str, Scalar]) -> JsonDict:
    member: JsonDict = {}
    for node in repeat.members():
        if node.fact is not None:
            _put(member, node, item.get(node.id))
    return member


def _put(target: JsonDict, node: Question, value: Scalar) -> None:
    assert node.fact is not None  # noqa: S101 - callers filter on it
    if node.fact == INCOME_DECLARED:
        _declare_income(target, value)
    elif node.fact.startswith(INCOME_DECLARED + "."):
        _add_income(target, node.fact.rsplit(".", 1)[1], value)
    else:
        _set(target, node.fact, fact_value(node, value))


def _declare_income(facts: JsonDict, value: Scalar) -> None:
    """An answered income question makes income known, even with no source (income 0)."""
    if value is None:
        facts.setdefault("income", None)
    elif not isinstance(facts.get("income"), dict):
        facts["income"] = {"method": "declared", "sources": []}


def _add_income(facts: JsonDict, kind: str, value: Scalar) -> None:
    income = facts.get("income")
    if value is None or not isinstance(income, dict):
        return
    income["sources"].append({"kind": kind, "amount_12m": value})


def _set(target: JsonDict, path: str, value: object) -> None:
    """Set a dotted path, creating the intermediate objects."""
    *parents, last = path.split(".")
    for key in parents:
        target = target.setdefault(key, {})
    target[last] = value


def fact_value(node: Question, value: Scalar) -> object:
    """Translate one answer into its JSON fact value; null stays null (unknown)."""
    if value is None:
        return None
    if node.type == "select_one":
        return _choice_fact(node, value)
    if node.type == "select_multiple":
        assert isinstance(value, tuple)  # noqa: S101 - decoded select-many values are tuples
        facts = (_choice_fact(node, code) for code in value)
        return [fact for fact in facts if fact is not None]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, GeoPoint):
        return {"latitude": value.latitude, "longitude": value.longitude}
    assert isinstance(value, bool | int | Decimal | str)  # noqa: S101 - remaining scalar kinds
    return value


def _choice_fact(node: Question, code: Scalar) -> object:
    assert node.choice_list is not None and isinstance(code, str)  # noqa: S101, PT018
    choice = node.choice_list.get(code)
    assert choice is not None  # noqa: S101 - validation checked the code
    return choice.fact
