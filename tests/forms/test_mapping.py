"""facts_from_answers maps every scoring question, driven by the `fact` paths in the form."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from forms import FormDefinition, facts_dict_from_answers, facts_from_answers, load_form
from forms.shipped import DEFINITIONS_DIR

Answers = dict[str, Any]
Change = Callable[[Answers], None]


def dig(data: Any, path: str) -> Any:
    """Follow `a.b[2].c` through nested dicts and lists."""
    for name, index in re.findall(r"([a-z_0-9]+)(?:\[(\d+)\])?", path):
        data = data[name]
        if index:
            data = data[int(index)]
    return data


def top(**values: Any) -> Change:
    return lambda answers: answers.update(values)


def in_member(index: int, **values: Any) -> Change:
    return lambda answers: answers["members"][index].update(values)


def year_only(answers: Answers) -> None:
    item = answers["members"][0]
    del item["birth_date"]
    item.update(birth_date_known="year_only", birth_year=1979)


def ill_untreated(answers: Answers) -> None:
    answers.update(serious_illness_12m="yes", illness_without_care="yes")


def no_income(answers: Answers) -> None:
    del answers["income_wages"], answers["income_agriculture"]
    answers["income_sources"] = ["none"]


def unemployed_head(answers: Answers) -> None:
    item = answers["members"][0]
    del item["employment_type"], item["labour_contract"]
    item["employment_status"] = "unemployed"


# question id -> (change to the valid household, fact path, expected fact value)
FACT_CASES: dict[str, tuple[Change, str, object]] = {
    "review_year": (top(review_year=2025, survey_date="2025-10-15"), "review_year", 2025),
    "area_type": (top(area_type="urban"), "area_type", "urban"),
    "members": (top(), "members[2].name", "Nguyễn Thị Chi"),
    "full_name": (in_member(1, full_name="Lê Thị Bích"), "members[1].name", "Lê Thị Bích"),
    "sex": (in_member(0, sex="female"), "members[0].sex", "female"),
    "birth_date": (in_member(1, birth_date="1983-12-31"), "members[1].birth_date", "1983-12-31"),
    "birth_year_known": (year_only, "members[0].birth_year", 1979),
    "health_insurance": (in_member(2, health_insurance="no"), "members[2].health_insurance", False),
    "in_school": (in_member(0, in_school="no"), "members[0].in_school", False),
    "school_level": (
        in_member(2, school_level="lower_secondary"),
        "members[2].school_level",
        "lower_secondary",
    ),
    "highest_qualification": (
        in_member(1, highest_qualification="vocational_short"),
        "members[1].highest_qualification",
        "vocational_short",
    ),
    "employment_status": (unemployed_head, "members[0].employment_status", "unemployed"),
    "employment_type": (
        in_member(1, employment_type="family_worker"),
        "members[1].employment_type",
        "family_worker",
    ),
    "labour_contract": (in_member(0, labour_contract="no"), "members[0].labour_contract", False),
    "disabled": (in_member(2, disabled="yes"), "members[2].disabled", True),
    "unable_to_work": (in_member(1, unable_to_work="yes"), "members[1].unable_to_work", True),
    "social_allowance": (in_member(0, social_allowance="yes"), "members[0].social_allowance", True),
    "nutrition": (
        in_member(2, nutrition="stunted_underweight"),
        "members[2].nutrition",
        "stunted_underweight",
    ),
    "wall_material": (top(wall_material="mud"), "dwelling.wall_material", "mud"),
    "column_material": (top(column_material="bamboo"), "dwelling.column_material", "bamboo"),
    "roof_material": (
        top(roof_material="tarpaulin_scrap"),
        "dwelling.roof_material",
        "tarpaulin_scrap",
    ),
    "living_area": (top(living_area=24.25), "dwelling.area_m2", Decimal("24.25")),
    "water_source": (top(water_source="rainwater"), "sanitation.water_source", "rainwater"),
    "latrine": (top(latrine="biogas"), "sanitation.latrine", "biogas"),
    "waste_treatment": (top(waste_treatment="dumped"), "sanitation.waste_treatment", "dumped"),
    "phone_subscription": (top(phone_subscription="no"), "information.phone_subscription", False),
    "internet_use": (top(internet_use="no"), "information.internet_use", False),
    "devices": (top(devices=["none"]), "information.devices", []),
    "loudspeaker_reach": (top(loudspeaker_reach="no"), "information.loudspeaker_reach", False),
    "digital_services_use": (
        top(digital_services_use="no"),
        "information.digital_services_use",
        False,
    ),
    "ill_without_care_12m": (ill_untreated, "health.ill_without_care_12m", True),
    "income_sources": (no_income, "income", {"method": "declared", "sources": []}),
}
for _kind in (
    "wages",
    "agriculture",
    "forestry",
    "fishery",
    "salt_making",
    "business",
    "pension",
    "social_allowance",
    "remittance",
    "property_rent",
    "other",
):
    FACT_CASES[f"income_{_kind}"] = (
        top(
            **{
                "income_sources": [_kind],
                "income_wages": None,
                "income_agriculture": None,
                f"income_{_kind}": 1234567,
            }
        ),
        "income.sources",
        [{"kind": _kind, "amount_12m": 1234567}],
    )


def test_every_scoring_question_has_a_mapping_test(survey: FormDefinition) -> None:
    with_facts = {node.id for node in survey.walk() if node.fact is not None}
    assert with_facts == set(FACT_CASES)


@pytest.mark.parametrize("question_id", sorted(FACT_CASES))
def test_scoring_question_maps_to_its_fact(
    survey: FormDefinition, household: Answers, question_id: str
) -> None:
    change, path, expected = FACT_CASES[question_id]
    change(household)
    facts = facts_dict_from_answers(survey, household)
    assert dig(facts, path) == expected


def test_mapped_facts_decode_into_the_scoring_dataclasses(
    survey: FormDefinition, household: Answers
) -> None:
    facts = facts_from_answers(survey, household)
    assert facts.review_year == 2026
    assert [m.name for m in facts.members] == ["Nguyễn Văn An", "Lê Thị Bình", "Nguyễn Thị Chi"]
    assert facts.information.devices == frozenset({"tv", "smartphone"})
    assert facts.dwelling.area_m2 == Decimal("36.5")


def test_questions_that_do_not_apply_map_to_unknown(
    survey: FormDefinition, household: Answers
) -> None:
    facts = facts_dict_from_answers(survey, household)
    child = facts["members"][2]
    assert (child["employment_status"], child["highest_qualification"]) == (None, None)
    assert facts["members"][1]["labour_contract"] is None


def test_birth_year_is_derived_from_the_birth_date(
    survey: FormDefinition, household: Answers
) -> None:
    assert facts_dict_from_answers(survey, household)["members"][0]["birth_year"] == 1980


def test_no_illness_means_no_illness_without_care(
    survey: FormDefinition, household: Answers
) -> None:
    assert facts_dict_from_answers(survey, household)["health"]["ill_without_care_12m"] is False


def test_registry_facts_are_merged_in(survey: FormDefinition, household: Answers) -> None:
    facts = facts_from_answers(
        survey, household, extra={"household_id": "DN-0001", "province_code": 75}
    )
    assert (facts.household_id, facts.province_code) == ("DN-0001", 75)


def test_invalid_answers_are_not_mapped(survey: FormDefinition, household: Answers) -> None:
    household["living_area"] = 0
    with pytest.raises(ValueError, match="living_area: constraint"):
        facts_dict_from_answers(survey, household)


def test_a_wording_only_version_keeps_the_same_mapping(household: Answers) -> None:
    data = json.loads(
        (DEFINITIONS_DIR / "household_survey" / "v1.json").read_text(encoding="utf-8")
    )
    reworded = copy.deepcopy(data)
    reworded["version"] = "1.1"
    _reword(reworded)
    original, new = load_form(data), load_form(reworded)
    assert original.checksum != new.checksum
    assert facts_dict_from_answers(new, household) == facts_dict_from_answers(original, household)


def _reword(node: Any) -> None:
    """Change every label, hint and message text, and nothing else."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("label", "hint", "constraint_message", "title", "description"):
                value["vi"] += " (sửa đổi)"
                value["en"] += " (revised)"
            else:
                _reword(value)
    elif isinstance(node, list):
        for item in node:
            _reword(item)


ENUMERATIONS = {
    "area_type": "AREA_TYPES",
    "sex": "SEXES",
    "school_level": "SCHOOL_LEVELS",
    "qualification": "QUALIFICATIONS",
    "employment_status": "EMPLOYMENT_STATUSES",
    "employment_type": "EMPLOYMENT_TYPES",
    "nutrition": "NUTRITION_STATUSES",
    "material": "MATERIALS",
    "water_source": "WATER_SOURCES",
    "latrine": "LATRINE_TYPES",
    "device": "DEVICES",
    "waste_treatment": "WASTE_TREATMENTS",
    "income_kind": "INCOME_KINDS",
}


@pytest.mark.parametrize(("choice_list", "enumeration"), sorted(ENUMERATIONS.items()))
def test_choice_list_covers_exactly_the_facts_enumeration(
    survey: FormDefinition, choice_list: str, enumeration: str
) -> None:
    from forms.scoring import facts

    choices = survey.choice_lists[choice_list].choices
    fact_codes = {choice.fact for choice in choices if choice.fact is not None}
    assert fact_codes == set(getattr(facts, enumeration))
