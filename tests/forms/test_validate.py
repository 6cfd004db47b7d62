"""validate() returns every error with an exact path, a stable code and vi/en messages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from forms import FormDefinition, load_form, validate
from tests.forms.conftest import member, minimal_form, question, text


def errors(form: FormDefinition, answers: Any, **kw: Any) -> list[tuple[str, str]]:
    return [(e.path, e.code) for e in validate(form, answers, **kw)]


ALL_TYPES = load_form(
    minimal_form(
        question("t", "text", max_length=10),
        question("i", "integer", min=0, max=10),
        question("d", "decimal", max=1000),
        question("s1", "select_one", choices="yes_no"),
        question("sm", "select_multiple", choices="yes_no"),
        question("dt", "date"),
        question("g", "geopoint"),
        question("p", "photo"),
        question("n", "note"),
        question("c", "calculate", calculation="${i} * 2"),
    )
)


# ---- the shipped survey -------------------------------------------------------------------


def test_complete_household_is_valid(survey: FormDefinition, household: dict[str, Any]) -> None:
    assert validate(survey, household) == []


def test_answers_must_be_an_object(survey: FormDefinition) -> None:
    assert errors(survey, []) == [("", "type")]


def test_missing_required_answers_are_all_reported(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    del household["survey_date"], household["water_source"], household["house_gps"]
    assert errors(survey, household) == [
        ("survey_date", "required"),
        ("water_source", "required"),
        ("house_gps", "required"),
    ]


def test_unknown_keys_are_rejected_at_top_level_and_in_items(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    household["colour"] = "red"
    household["members"][1]["nickname"] = "Bé"
    assert errors(survey, household) == [
        ("colour", "unknown_field"),
        ("members[1].nickname", "unknown_field"),
    ]


def test_calculated_values_must_not_be_sent(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    household["member_count"] = 3
    household["members"][0]["age_year_end"] = 46
    assert errors(survey, household) == [
        ("member_count", "read_only"),
        ("members[0].age_year_end", "read_only"),
    ]


def test_answer_to_a_question_that_does_not_apply_is_rejected(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    household["members"][1]["labour_contract"] = "yes"  # self-employed: no contract question
    assert errors(survey, household) == [("members[1].labour_contract", "not_relevant")]


def test_required_inside_the_repeat_follows_relevance(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    del household["members"][2]["nutrition"]  # a child: nutrition is asked
    household["members"][0]["nutrition"] = "normal"  # an adult: it is not
    assert errors(survey, household) == [
        ("members[0].nutrition", "not_relevant"),
        ("members[2].nutrition", "required"),
    ]


def test_birth_date_after_the_survey_date_is_refused(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    household["members"][2]["birth_date"] = "2026-10-16"
    assert ("members[2].birth_date", "constraint") in errors(survey, household)


def test_age_over_120_is_refused(survey: FormDefinition, household: dict[str, Any]) -> None:
    household["members"][0]["birth_date"] = "1905-10-15"  # 121 on the survey date
    assert errors(survey, household) == [("members[0].birth_date", "constraint")]


def test_age_of_exactly_120_is_accepted(survey: FormDefinition, household: dict[str, Any]) -> None:
    household["members"][0]["birth_date"] = "1905-10-16"  # 120 until the next day
    assert errors(survey, household) == []


def test_birth_year_only_is_checked_against_the_survey_year(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    item = household["members"][0]
    del item["birth_date"]
    item.update(birth_date_known="year_only", birth_year=1899)
    assert errors(survey, household)[0] == ("members[0].birth_year", "range")
    item["birth_year"] = 1905
    assert errors(survey, household) == [("members[0].birth_year", "constraint")]


def test_more_than_30_members_is_refused(survey: FormDefinition, household: dict[str, Any]) -> None:
    extra = member(
        "Con",
        "child",
        "male",
        "2000-01-01",
        in_school="no",
        highest_qualification="upper_secondary",
        employment_status="unemployed",
        unable_to_work="no",
    )
    household["members"] += [dict(extra) for _ in range(28)]
    assert errors(survey, household) == [("members", "range")]


def test_no_members_is_refused(survey: FormDefinition, household: dict[str, Any]) -> None:
    household["members"] = []
    assert ("members", "range") in errors(survey, household)
    del household["members"]
    assert ("members", "required") in errors(survey, household)


def test_household_needs_exactly_one_head(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    household["members"][1]["relation"] = "head"
    assert errors(survey, household) == [("members", "constraint")]


def test_members_must_be_a_list_of_objects(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    household["members"] = {"0": {}}
    assert errors(survey, household) == [("members", "type")]


@pytest.mark.parametrize(
    ("area", "code"), [(0, "constraint"), (1000.5, "range"), (-3, "constraint")]
)
def test_absurd_living_area_is_refused(
    survey: FormDefinition, household: dict[str, Any], area: float, code: str
) -> None:
    household["living_area"] = area
    assert errors(survey, household) == [("living_area", code)]


def test_negative_income_is_refused(survey: FormDefinition, household: dict[str, Any]) -> None:
    household["income_wages"] = -1
    assert errors(survey, household) == [("income_wages", "range")]


def test_amount_for_an_unselected_income_source_is_rejected(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    household["income_pension"] = 12000000
    assert errors(survey, household) == [("income_pension", "not_relevant")]


def test_selected_income_source_needs_its_amount(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    del household["income_agriculture"]
    assert errors(survey, household) == [("income_agriculture", "required")]


@pytest.mark.parametrize(
    "point",
    [
        {"latitude": 1.29, "longitude": 103.85, "accuracy": 5},  # Singapore
        {"latitude": 21.0, "longitude": 100.0, "accuracy": 5},  # Laos
        {"latitude": 21.0, "longitude": 105.8, "accuracy": 20000},  # useless accuracy
    ],
)
def test_gps_point_outside_vietnam_is_refused(
    survey: FormDefinition, household: dict[str, Any], point: dict[str, float]
) -> None:
    household["house_gps"] = point
    assert errors(survey, household) == [("house_gps", "range")]


def test_gps_on_truong_sa_is_accepted(survey: FormDefinition, household: dict[str, Any]) -> None:
    household["house_gps"] = {"latitude": 8.65, "longitude": 111.92, "accuracy": 10}
    assert errors(survey, household) == []


def test_none_cannot_be_combined_with_a_device(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    household["devices"] = ["none", "tv"]
    assert errors(survey, household) == [("devices", "constraint")]


def test_survey_date_in_the_future_is_refused_only_with_a_reference_date(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    assert errors(survey, household, reference_date=date(2026, 10, 14)) == [
        ("survey_date", "constraint")
    ]
    assert errors(survey, household, reference_date=date(2026, 10, 15)) == []


def test_photo_of_the_latrine_is_not_relevant_without_a_latrine(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    household["latrine"] = "none"
    assert errors(survey, household) == [("photo_latrine", "not_relevant")]


def test_every_error_has_messages_in_both_languages(
    survey: FormDefinition, household: dict[str, Any]
) -> None:
    household.update(colour=1, living_area="big", devices=[], latrine="bucket")
    found = validate(survey, household)
    # An invalid latrine is null, so the latrine photo no longer applies: 5 errors.
    assert [e.path for e in found] == [
        "colour",
        "living_area",
        "latrine",
        "photo_latrine",
        "devices",
    ]
    assert all(e.message_vi and e.message_en and e.message_vi != e.message_en for e in found)


# ---- wire types of every question type ------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("t", 12, "type"),
        ("t", "  ", "blank"),
        ("t", "abcdefghijk", "length"),
        ("t", "a\x00b", "type"),
        ("i", "12", "type"),
        ("i", "12a", "type"),
        ("i", True, "type"),
        ("i", 3.0, "type"),
        ("i", 11, "range"),
        ("d", "1,5", "type"),
        ("d", "1.5e3", "type"),
        ("d", " 1.5", "type"),
        ("d", False, "type"),
        ("d", float("nan"), "type"),
        ("d", 1000.01, "range"),
        ("d", 1e300, "range"),
        ("s1", "maybe", "choice"),
        ("s1", True, "type"),
        ("sm", [], "blank"),
        ("sm", "yes", "type"),
        ("sm", ["yes", "yes"], "type"),
        ("sm", ["yes", "maybe"], "choice"),
        ("dt", "01/10/2026", "type"),
        ("dt", "2026-02-30", "type"),
        ("dt", "1899-12-31", "range"),
        ("g", {"latitude": 21.0, "longitude": 105.8}, "type"),
        ("g", {"latitude": "21°", "longitude": 105.8, "accuracy": 3}, "type"),
        ("g", [21.0, 105.8, 3], "type"),
        ("p", "../etc/passwd.jpg", "type"),
        ("p", "photo.exe", "type"),
        ("n", "hello", "read_only"),
        ("c", 4, "read_only"),
    ],
)
def test_wire_type_refusals(key: str, value: object, code: str) -> None:
    assert errors(ALL_TYPES, {key: value}) == [(key, code)]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("t", "Nguyễn"),
        ("t", "a\nb"),
        ("i", 0),
        ("i", 10),
        ("d", 12),
        ("d", 12.75),
        ("d", "-0.25"),
        ("g", {"latitude": "21.0285", "longitude": "105.8542", "accuracy": "3.5"}),
        ("s1", "yes"),
        ("sm", ["no", "yes"]),
        ("dt", "2024-02-29"),
        ("g", {"latitude": 21.0285, "longitude": 105.8542, "accuracy": 3.5}),
        ("p", "IMG_0001.JPG"),
        ("n", None),
    ],
)
def test_wire_type_acceptances(key: str, value: object) -> None:
    assert errors(ALL_TYPES, {key: value}) == []


def test_null_means_unanswered() -> None:
    form = load_form(minimal_form(question("a", "integer", required=True)))
    assert errors(form, {"a": None}) == [("a", "required")]


# ---- expressions during validation ----------------------------------------------------------


def test_relevance_of_a_group_hides_its_questions() -> None:
    group = question(
        "g", "group", relevant="${a} > 1", questions=[question("b", "integer", required=True)]
    )
    form = load_form(minimal_form(question("a", "integer"), group))
    assert errors(form, {"a": 1}) == []
    assert errors(form, {"a": 2}) == [("b", "required")]
    assert errors(form, {"a": 1, "b": 5}) == [("b", "not_relevant")]


def test_non_relevant_answer_is_null_for_later_expressions() -> None:
    form = load_form(
        minimal_form(
            question("a", "integer"),
            question("b", "integer", relevant="${a} > 1"),
            question("c", "integer", relevant="answered(${b})", required=True),
        )
    )
    assert errors(form, {"a": 0, "b": 5}) == [("b", "not_relevant")]


def test_evaluation_fault_is_reported_as_an_expression_error() -> None:
    form = load_form(
        minimal_form(question("a", "integer"), question("b", "integer", relevant="10 / ${a} > 1"))
    )
    assert errors(form, {"a": 0}) == [("b", "expression")]


def test_constraint_with_unknown_operand_passes() -> None:
    limit = {"constraint": "${a} <= ${b}", "constraint_message": text()}
    form = load_form(minimal_form(question("a", "integer", **limit), question("b", "integer")))
    assert errors(form, {"a": 5}) == []
    assert errors(form, {"a": 5, "b": 4}) == [("a", "constraint")]


def test_constraint_in_repeat_reads_the_current_item() -> None:
    rule = {"constraint": "${.to} >= ${.since}", "constraint_message": text("Sai", "Wrong")}
    repeat = question(
        "jobs",
        "repeat",
        questions=[question("since", "integer"), question("to", "integer", **rule)],
    )
    form = load_form(minimal_form(repeat))
    answers = {"jobs": [{"since": 1, "to": 2}, {"since": 5, "to": 3}]}
    assert errors(form, answers) == [("jobs[1].to", "constraint")]


def test_relevance_in_repeat_reads_the_current_item() -> None:
    items = [
        question("kind", "select_one", choices="yes_no"),
        question("why", "text", relevant="selected(${.kind}, 'no')", required=True),
    ]
    form = load_form(minimal_form(question("r", "repeat", questions=items)))
    answers = {"r": [{"kind": "yes"}, {"kind": "no"}, {"kind": "yes", "why": "x"}]}
    assert errors(form, answers) == [("r[1].why", "required"), ("r[2].why", "not_relevant")]


def test_repeat_item_must_be_an_object() -> None:
    form = load_form(minimal_form(question("r", "repeat", questions=[question("x", "integer")])))
    assert errors(form, {"r": [1]}) == [("r", "type")]


def test_errors_come_in_document_order_including_expression_faults() -> None:
    form = load_form(
        minimal_form(
            question("a", "integer"),
            question("t", "text", required=True),
            question("c", "calculate", calculation="10 / ${a}"),
            question("d", "integer", required=True),
        )
    )
    assert errors(form, {"zz": 1, "a": 0}) == [
        ("zz", "unknown_field"),
        ("t", "required"),
        ("c", "expression"),
        ("d", "required"),
    ]
