"""The loader builds frozen definitions and refuses bad ones with the JSON path of the fault."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest

from forms import FormDefinitionError, form_to_dict, load_definition_file, load_form
from forms.shipped import DEFINITIONS_DIR
from tests.forms.conftest import minimal_form, question, text


def refusal(data: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(FormDefinitionError) as caught:
        load_form(data)
    return caught.value.path, caught.value.code


def survey_json() -> dict[str, Any]:
    path = DEFINITIONS_DIR / "household_survey" / "v1.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_minimal_form_loads_into_frozen_dataclasses() -> None:
    form = load_form(minimal_form(question("age", "integer", min=0)))
    assert form.id == "mini"
    assert form.question("age").minimum == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        form.id = "other"  # type: ignore[misc]


def test_every_question_type_loads() -> None:
    data = minimal_form(
        question("t", "text", max_length=10),
        question("i", "integer", min=0, max=5),
        question("d", "decimal", min=0.5, max=9.5),
        question("s1", "select_one", choices="yes_no"),
        question("sm", "select_multiple", choices="yes_no"),
        question("dt", "date"),
        question("g", "geopoint"),
        question("p", "photo"),
        question("n", "note"),
        question("c", "calculate", calculation="${i} * 2"),
        question("grp", "group", questions=[question("inner", "text")]),
        question("r", "repeat", max_count=3, questions=[question("rm", "integer")]),
    )
    form = load_form(data)
    assert [node.type for node in form.walk()][1:] == [
        "text",
        "integer",
        "decimal",
        "select_one",
        "select_multiple",
        "date",
        "geopoint",
        "photo",
        "note",
        "calculate",
        "group",
        "text",
        "repeat",
        "integer",
    ]


def test_checksum_is_sha256_of_canonical_json_and_ignores_key_order() -> None:
    data = survey_json()
    reordered = json.loads(json.dumps(data, sort_keys=True))
    assert load_form(data).checksum == load_form(reordered).checksum
    assert len(load_form(data).checksum) == 64


def test_checksum_changes_when_a_label_changes() -> None:
    data = survey_json()
    changed = copy.deepcopy(data)
    changed["sections"][0]["questions"][0]["label"]["vi"] = "Ngày phỏng vấn"
    assert load_form(data).checksum != load_form(changed).checksum


def test_form_to_dict_round_trips_to_an_equal_form() -> None:
    form = load_form(survey_json())
    again = load_form(form_to_dict(form))
    assert again.checksum == form.checksum
    assert form_to_dict(again) == form_to_dict(form)


def test_form_to_dict_is_json_serialisable_and_carries_the_checksum() -> None:
    form = load_form(survey_json())
    data = json.loads(json.dumps(form_to_dict(form), ensure_ascii=False))
    assert data["checksum"] == form.checksum


def test_unknown_reference_in_relevance_names_the_path() -> None:
    data = minimal_form(question("a", "integer"), question("b", "integer", relevant="${zz} > 1"))
    assert refusal(data) == ("sections[0].questions[1].relevant", "unknown_reference")


def test_path_reaches_into_groups_and_repeats() -> None:
    inner = question("x", "integer", constraint="${.nope} > 1", constraint_message=text())
    data = minimal_form(question("r", "repeat", questions=[question("y", "integer"), inner]))
    assert refusal(data) == (
        "sections[0].questions[0].questions[1].constraint",
        "unknown_reference",
    )


def test_syntax_error_in_calculation_is_refused() -> None:
    data = minimal_form(question("c", "calculate", calculation="1 +"))
    assert refusal(data) == ("sections[0].questions[0].calculation", "syntax")


def test_duplicate_ids_are_refused_even_across_sections() -> None:
    data = minimal_form(question("a", "integer"))
    data["sections"].append({"id": "s2", "label": text(), "questions": [question("a", "text")]})
    assert refusal(data) == ("sections[1].questions[0].id", "duplicate_id")


def test_missing_choice_list_is_refused() -> None:
    data = minimal_form(question("s", "select_one", choices="colours"))
    assert refusal(data) == ("sections[0].questions[0].choices", "unknown_choice_list")


def test_select_without_choices_key_is_refused() -> None:
    data = minimal_form(question("s", "select_one"))
    assert refusal(data) == ("sections[0].questions[0].choices", "missing")


def test_unknown_question_type_is_refused() -> None:
    data = minimal_form(question("s", "slider"))
    assert refusal(data) == ("sections[0].questions[0].type", "type")


def test_unknown_key_is_refused() -> None:
    data = minimal_form(question("s", "integer", colour="red"))
    assert refusal(data) == ("sections[0].questions[0].colour", "unknown_key")


def test_key_of_another_type_is_refused() -> None:
    data = minimal_form(question("s", "text", min=3))
    assert refusal(data) == ("sections[0].questions[0].min", "unknown_key")


def test_wrong_json_type_for_required_is_refused() -> None:
    data = minimal_form(question("s", "text", required="yes"))
    assert refusal(data) == ("sections[0].questions[0].required", "type")


def test_integer_bounds_must_be_integers() -> None:
    data = minimal_form(question("s", "integer", min=1.5))
    assert refusal(data) == ("sections[0].questions[0].min", "type")


def test_min_above_max_is_refused() -> None:
    data = minimal_form(question("s", "integer", min=5, max=1))
    assert refusal(data) == ("sections[0].questions[0].max", "range")


def test_label_needs_both_languages() -> None:
    data = minimal_form(question("s", "integer", label={"vi": "Tuổi"}))
    assert refusal(data) == ("sections[0].questions[0].label.en", "missing")


def test_constraint_needs_a_message() -> None:
    data = minimal_form(question("s", "integer", constraint="${s} > 0"))
    assert refusal(data) == ("sections[0].questions[0].constraint_message", "missing")


def test_nested_repeat_is_refused() -> None:
    inner = question("r2", "repeat", questions=[question("x", "integer")])
    data = minimal_form(question("r1", "repeat", questions=[inner]))
    assert refusal(data) == ("sections[0].questions[0].questions[0].type", "nested_repeat")


def test_repeat_max_count_over_the_hard_cap_is_refused() -> None:
    data = minimal_form(question("r", "repeat", max_count=101, questions=[question("x", "text")]))
    assert refusal(data) == ("sections[0].questions[0].max_count", "range")


def test_relevance_may_not_look_forward() -> None:
    data = minimal_form(question("a", "integer", relevant="${b} > 1"), question("b", "integer"))
    assert refusal(data) == ("sections[0].questions[0].relevant", "forward_reference")


def test_constraint_may_look_forward() -> None:
    constraint = {"constraint": "${a} <= ${b}", "constraint_message": text()}
    form = load_form(minimal_form(question("a", "integer", **constraint), question("b", "integer")))
    assert form.question("a").constraint is not None


def test_unknown_choice_code_in_selected_is_refused() -> None:
    data = minimal_form(
        question("s", "select_one", choices="yes_no"),
        question("t", "text", relevant="selected(${s}, 'maybe')"),
    )
    assert refusal(data) == ("sections[0].questions[1].relevant", "unknown_choice")


def test_member_question_read_without_dot_is_a_scope_error() -> None:
    data = minimal_form(
        question("r", "repeat", questions=[question("x", "integer")]),
        question("c", "calculate", calculation="${x} + 1"),
    )
    assert refusal(data) == ("sections[0].questions[1].calculation", "scope")


def test_duplicate_choice_value_is_refused() -> None:
    data = minimal_form(question("s", "select_one", choices="yes_no"))
    data["choice_lists"]["yes_no"].append({"value": "yes", "label": text()})
    assert refusal(data) == ("choice_lists.yes_no[2].value", "duplicate_choice")


def test_unused_choice_list_is_refused() -> None:
    data = minimal_form(question("s", "integer"))
    data["choice_lists"]["colours"] = [{"value": "red", "label": text()}]
    assert refusal(data) == ("choice_lists.colours", "unused_choice_list")


def test_wrong_stated_checksum_is_refused() -> None:
    data = form_to_dict(load_form(survey_json()))
    data["checksum"] = "0" * 64
    assert refusal(data) == ("checksum", "checksum")


def test_label_reference_to_unknown_question_is_refused() -> None:
    data = minimal_form(question("n", "note", label=text("Có ${zz} người", "${zz} people")))
    assert refusal(data) == ("sections[0].questions[0].label.vi", "unknown_reference")


def test_bad_form_id_is_refused() -> None:
    data = minimal_form(question("s", "integer"))
    data["id"] = "Phiếu B"
    assert refusal(data) == ("id", "invalid_id")


def test_root_must_be_an_object() -> None:
    assert refusal([]) == ("", "type")  # type: ignore[arg-type]


def test_definition_file_with_bad_json_is_refused(tmp_path: Any) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(FormDefinitionError) as caught:
        load_definition_file(path)
    assert caught.value.code == "json"


def test_groups_and_notes_cannot_be_referenced() -> None:
    data = minimal_form(
        question("n", "note"),
        question("g", "group", questions=[question("x", "integer")]),
        question("c", "calculate", calculation="answered(${g})"),
    )
    assert refusal(data) == ("sections[0].questions[2].calculation", "unknown_reference")
    data["sections"][0]["questions"][2]["calculation"] = "answered(${n})"
    assert refusal(data) == ("sections[0].questions[2].calculation", "unknown_reference")
