"""Decimals travel as exact text over sync (no JSON floats); the validator accepts that text."""

import json
from pathlib import Path

import forms

CASE = (
    Path(__file__).resolve().parents[2]
    / "forms/conformance/survey/poor_rural_2024_four_deprivations.json"
)


def _answers() -> dict:
    return json.loads(CASE.read_text(encoding="utf-8"))["answers"]


def test_decimal_and_geopoint_answers_may_be_exact_decimal_strings() -> None:
    form = forms.find_shipped("household_survey", "1")
    answers = _answers()
    answers["living_area"] = "40.5"
    answers["house_gps"] = {"latitude": "22.330000", "longitude": "103.84", "accuracy": "6"}
    assert forms.validate(form, answers) == []
    facts = forms.facts_dict_from_answers(form, answers)
    assert facts["dwelling"]["area_m2"] in ("40.5", 40.5)


def test_decimal_strings_in_other_notations_are_refused() -> None:
    form = forms.find_shipped("household_survey", "1")
    for text in ["4e1", "40,5", "forty", "", "+40"]:
        answers = _answers()
        answers["living_area"] = text
        assert [(e.path, e.code) for e in forms.validate(form, answers)] == [
            ("living_area", "type")
        ], text


def test_validate_and_resolve_maps_to_the_same_facts_as_the_two_step_path() -> None:
    form = forms.find_shipped("household_survey", "1")
    answers = _answers()
    errors, resolved = forms.validate_and_resolve(form, answers)
    assert errors == []
    assert resolved is not None
    assert forms.facts_dict_from_resolved(form, resolved) == forms.facts_dict_from_answers(
        form, answers
    )


def test_validate_and_resolve_returns_no_values_for_invalid_answers() -> None:
    form = forms.find_shipped("household_survey", "1")
    answers = _answers()
    answers["living_area"] = "0"
    errors, resolved = forms.validate_and_resolve(form, answers)
    assert [e.path for e in errors] == ["living_area"]
    assert resolved is None
