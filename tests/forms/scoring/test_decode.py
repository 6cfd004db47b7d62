"""Strict decoding of household facts: every problem reported with its path, nothing coerced."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from forms.scoring import FactsError, facts_from_dict
from tests.forms.scoring.factories import adult, household


def _problems(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(FactsError) as info:
        facts_from_dict(data)
    return [(path, code) for path, code, _vi, _en in info.value.as_tuples()]


def test_a_valid_household_decodes_with_missing_facts_left_none() -> None:
    """Absent keys stay None: nothing is defaulted."""
    facts = facts_from_dict(household(members=[{"birth_year": 1990}], dwelling={"area_m2": 12.5}))
    assert facts.members[0].health_insurance is None
    assert facts.dwelling.area_m2 == Decimal("12.5")
    assert facts.dwelling.wall_material is None
    assert facts.income is not None


def test_numbers_written_as_strings_are_rejected() -> None:
    """ "12a" and "1980" are not numbers, even when they look like one."""
    data = household(members=[adult(birth_year="1980")], dwelling={"area_m2": "12a"})
    assert _problems(data) == [("members[0].birth_year", "type"), ("dwelling.area_m2", "type")]


def test_booleans_and_integers_are_not_interchangeable() -> None:
    """1 is not true and true is not 1."""
    data = household(members=[adult(health_insurance=1, birth_year=True)])
    assert _problems(data) == [
        ("members[0].birth_year", "type"),
        ("members[0].health_insurance", "type"),
    ]


def test_unknown_fields_and_codes_are_reported_together() -> None:
    """One pass reports every problem, in the order of the input."""
    data = household(members=[adult(shoe_size=42, sex="m")], sanitation={"water_source": "well"})
    assert _problems(data) == [
        ("members[0].shoe_size", "unknown_field"),
        ("members[0].sex", "unknown_code"),
        ("sanitation.water_source", "unknown_code"),
    ]


def test_negative_area_and_income_are_rejected() -> None:
    data = household(
        dwelling={"area_m2": -1},
        income={"method": "declared", "sources": [{"kind": "wages", "amount_12m": -5}]},
    )
    assert _problems(data) == [
        ("dwelling.area_m2", "negative"),
        ("income.sources[0].amount_12m", "negative"),
    ]


def test_fractional_income_is_rejected() -> None:
    """Amounts are whole VND."""
    data = household(
        income={"method": "declared", "sources": [{"kind": "wages", "amount_12m": 10.5}]}
    )
    assert _problems(data) == [("income.sources[0].amount_12m", "type")]


def test_birth_year_must_agree_with_birth_date() -> None:
    data = household(
        members=[adult(birth_date="1980-02-30")], information={"devices": ["tv", "car"]}
    )
    assert _problems(data) == [
        ("members[0].birth_date", "date"),
        ("information.devices[1]", "unknown_code"),
    ]
    assert _problems(household(members=[adult(birth_date="1981-01-01")])) == [
        ("members[0].birth_year", "mismatch")
    ]


def test_version_year_and_members_are_required() -> None:
    assert _problems({"members": []}) == [
        ("facts_version", "required"),
        ("review_year", "required"),
        ("members", "empty"),
    ]


def test_non_object_input_is_rejected() -> None:
    assert _problems([1, 2]) == [("", "type")]
    assert _problems(None) == [("", "type")]


def test_problems_carry_both_languages() -> None:
    with pytest.raises(FactsError) as info:
        facts_from_dict(household(area_type="city"))
    problem = info.value.problems[0]
    assert problem.path == "area_type"
    assert problem.message_vi
    assert problem.message_en
    assert problem.message_vi != problem.message_en
