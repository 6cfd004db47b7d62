"""Reasons a person can read: forms/reasons.py renders stored assessments with Phiếu B."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from forms import FormDefinition, find_shipped
from forms.reasons import AssessmentExplanation, explain_assessment, format_number
from forms.scoring import assessment_to_dict, facts_from_dict, list_rulesets, load_ruleset, score
from forms.scoring import facts as codes
from tests.forms.scoring.factories import adult, household, households

FORM = find_shipped("household_survey", "1")
YEAR = {"vn-2016-2020": 2019, "vn-2022-2025": 2024, "vn-2027-2030": 2027, "vn-75-2022-2025": 2024}

_CODES = sorted(
    code
    for group in (
        codes.SCHOOL_LEVELS,
        codes.QUALIFICATIONS,
        codes.EMPLOYMENT_STATUSES,
        codes.EMPLOYMENT_TYPES,
        codes.NUTRITION_STATUSES,
        codes.MATERIALS,
        codes.WATER_SOURCES,
        codes.LATRINE_TYPES,
        codes.DEVICES,
        codes.WASTE_TREATMENTS,
        codes.INCOME_KINDS,
    )
    for code in group
    if "_" in code
)
_RAW = re.compile(
    r"members\[|\b(?:sanitation|dwelling|information|income|health)\.|\b(?:true|false)\b"
    r"|\bNone\b(?! of these)"
    r"|\b(?:POOR|NEAR_POOR|MIDDLE|NOT_POOR)\b| = |\b(?:" + "|".join(_CODES) + r")\b"
)


def _assess(facts: dict[str, Any], ruleset: str | None = None) -> dict[str, Any]:
    return assessment_to_dict(score(facts_from_dict(facts), ruleset=ruleset))


def _texts(explained: AssessmentExplanation) -> list[str]:
    out = [explained.decision.vi, explained.decision.en]
    for indicator in explained.indicators:
        out += [indicator.text.vi, indicator.text.en]
    return out


def _assert_readable(explained: AssessmentExplanation) -> None:
    for text in _texts(explained):
        assert text
        assert _RAW.search(text) is None, text
        assert "Thông tin khác" not in text, text
        assert "Other information" not in text, text


# --- households that put every indicator in each state -------------------------------------


def _for(ruleset: str, **overrides: Any) -> dict[str, Any]:
    year = YEAR[ruleset]
    facts = household(review_year=year, **overrides)
    if ruleset.startswith("vn-75"):
        facts["province_code"] = 75
    return facts


def _all_deprived(ruleset: str) -> dict[str, Any]:
    year = YEAR[ruleset]
    return _for(
        ruleset,
        members=[
            adult(name="Lò Văn Páo", health_insurance=False, employment_status="unemployed"),
            adult(
                name="Đặng Thị Sử",
                sex="female",
                birth_year=year - 20,
                highest_qualification="primary",
                employment_type="wage",
                labour_contract=False,
            ),
            adult(name="Lò Văn Bảo", birth_year=year - 10, in_school=False, nutrition="stunted"),
            adult(name="Lò Thị Mai", sex="female", birth_year=year - 8, in_school=False),
            adult(
                name="Đặng Văn Tài", birth_year=year - 70, employment_status="not_in_labour_force"
            ),
        ],
        dwelling={
            "wall_material": "bamboo",
            "column_material": "bamboo",
            "roof_material": "thatch_leaves",
            "area_m2": 12.5,
        },
        sanitation={
            "water_source": "surface_water",
            "latrine": "none",
            "waste_treatment": "dumped",
        },
        information={
            "internet_use": False,
            "phone_subscription": False,
            "devices": [],
            "loudspeaker_reach": False,
            "digital_services_use": False,
        },
        health={"ill_without_care_12m": True},
    )


def _none_deprived(ruleset: str) -> dict[str, Any]:
    return _for(
        ruleset,
        sanitation={
            "water_source": "piped_to_premises",
            "latrine": "flush_septic",
            "waste_treatment": "collected",
        },
        information={
            "internet_use": True,
            "phone_subscription": True,
            "devices": ["tv"],
            "loudspeaker_reach": True,
            "digital_services_use": True,
        },
    )


def _all_unknown(ruleset: str) -> dict[str, Any]:
    facts = _for(
        ruleset,
        members=[{"name": "Lò Văn Páo"}],
        dwelling={},
        sanitation={},
        information={},
        health={},
    )
    facts.pop("income")
    return facts


SCENARIOS = {"deprived": _all_deprived, "not_deprived": _none_deprived, "unknown": _all_unknown}


@pytest.mark.parametrize("status", sorted(SCENARIOS))
@pytest.mark.parametrize("ruleset", list_rulesets())
def test_every_indicator_of_every_ruleset_reads_without_paths_or_codes(
    ruleset: str, status: str
) -> None:
    """Each shipped indicator, in each outcome, renders as labels, names and choice texts."""
    facts = SCENARIOS[status](ruleset)
    result = _assess(facts, ruleset)
    expected_codes = [i.code for i in load_ruleset(ruleset).indicators]
    assert [(i["code"], i["status"]) for i in result["indicators"]] == [
        (code, status) for code in expected_codes
    ]

    explained = explain_assessment(result, facts, FORM)

    assert [i.code for i in explained.indicators] == expected_codes
    _assert_readable(explained)
    # The audit trail it replaces does name paths and codes, so the check above can fail.
    assert all(_RAW.search(i["reason_en"]) for i in result["indicators"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=households())
def test_any_household_under_any_ruleset_reads_without_paths_or_codes(
    facts: dict[str, Any],
) -> None:
    for ruleset in list_rulesets():
        if facts["review_year"] not in load_ruleset(ruleset).review_years:
            continue
        _assert_readable(explain_assessment(_assess(facts, ruleset), facts, FORM))


# --- exact texts -------------------------------------------------------------------------


def _explained(facts: dict[str, Any], code: str, form: FormDefinition = FORM) -> tuple[str, str]:
    result = _assess(facts)
    [found] = [i for i in explain_assessment(result, facts, form).indicators if i.code == code]
    return found.text.vi, found.text.en


def test_a_deprived_member_is_named_by_position_and_name_with_the_answers() -> None:
    facts = household(
        members=[adult(), adult(), adult(name="Đặng Thị Sử", sex="female", health_insurance=False)]
    )
    assert _explained(facts, "H2") == (
        "Có thành viên từ 6 tuổi trở lên hiện không có bảo hiểm y tế: thành viên thứ 3, "
        "Đặng Thị Sử (Năm sinh: 1980; "
        "Hiện có thẻ Bảo hiểm y tế còn hạn sử dụng không? Không).",
        "A member aged 6 or over has no health insurance now: member 3, Đặng Thị Sử "
        "(Year of birth: 1980; Does the member hold a valid health insurance card now? No).",
    )


def test_a_household_answer_is_shown_as_its_choice_text() -> None:
    facts = household(sanitation={"water_source": "drilled_well", "latrine": "pit_without_slab"})
    assert _explained(facts, "W2") == (
        "Hộ không sử dụng nhà tiêu hợp vệ sinh. "
        "Loại nhà tiêu hộ đang sử dụng: Nhà tiêu chìm không có bệ.",
        "The household does not use a hygienic latrine. "
        "Type of latrine the household uses: Pit latrine without slab.",
    )


def test_a_yes_no_answer_reads_as_yes_or_no() -> None:
    facts = household(information={"internet_use": False, "devices": ["tv"]})
    assert _explained(facts, "I1") == (
        "Không có thành viên nào sử dụng dịch vụ internet. "
        "Có thành viên sử dụng dịch vụ internet (cố định hoặc di động)? Không.",
        "No member uses internet service. "
        "Does any member use internet service (fixed or mobile)? No.",
    )


def test_living_area_is_written_in_each_languages_number_format() -> None:
    facts = household(
        members=[adult(), adult(), adult(), adult(), adult()],
        dwelling={"area_m2": 36.5},
    )
    assert _explained(facts, "S2") == (
        "Diện tích nhà ở bình quân dưới 8 m²/người. "
        "Diện tích nhà ở (m²): 36,5 m²; Số nhân khẩu: 5 người.",
        "Living area below 8 m² per person. "
        "Living area of the dwelling (m²): 36.5 m²; Number of members: 5 people.",
    )


def test_an_unknown_outcome_names_what_to_ask_and_whom() -> None:
    facts = household(members=[adult(), adult(name="Đặng Thị Sử", health_insurance=None)])
    assert _explained(facts, "H2") == (
        "Chưa xác định, còn thiếu: thành viên thứ 2, Đặng Thị Sử "
        "(Hiện có thẻ Bảo hiểm y tế còn hạn sử dụng không?).",
        "Not yet known; still missing: member 2, Đặng Thị Sử "
        "(Does the member hold a valid health insurance card now?).",
    )


def test_a_fact_computed_from_several_answers_takes_its_name_from_the_label_table() -> None:
    """Phiếu B computes ill_without_care_12m from two questions, so no label names it."""
    facts = household(review_year=2019, health={"ill_without_care_12m": True})
    assert _explained(facts, "H1") == (
        "Có người bị ốm đau (nằm một chỗ, không đi làm/đi học được) mà không được khám chữa "
        "bệnh trong 12 tháng qua. Trong 12 tháng qua có người ốm đau mà không được khám, "
        "chữa bệnh: Có.",
        "A member was ill (bedridden, or unable to work or study) and got no medical care in "
        "the last 12 months. In the last 12 months a member was ill and got no medical care: Yes.",
    )


def test_dependants_name_only_the_dependants() -> None:
    facts = household(
        members=[
            adult(name="Lò Văn Páo"),
            adult(name="Lò Văn Bảo", birth_year=2014),
            adult(name="Đặng Văn Tài", birth_year=1950, birth_date="1950-06-01"),
        ]
    )
    vi, en = _explained(facts, "J2")
    assert vi == (
        "Số người phụ thuộc chiếm trên 50% số thành viên (trẻ dưới 16 tuổi, người cao tuổi, "
        "người khuyết tật hoặc mất khả năng lao động): thành viên thứ 2, Lò Văn Bảo "
        "(Năm sinh: 2014); thành viên thứ 3, Đặng Văn Tài (Ngày, tháng, năm sinh: 01/06/1950)."
    )
    assert en.endswith(
        ": member 2, Lò Văn Bảo (Year of birth: 2014); "
        "member 3, Đặng Văn Tài (Date of birth: 01/06/1950)."
    )


def test_a_row_stored_before_members_were_recorded_names_the_members_in_its_evidence() -> None:
    facts = household(members=[adult(), adult(name="Đặng Thị Sử", health_insurance=False)])
    result = _assess(facts)
    for indicator in result["indicators"]:
        del indicator["members"]
    [h2] = [i for i in explain_assessment(result, facts, FORM).indicators if i.code == "H2"]
    assert h2.text.en == (
        "A member aged 6 or over has no health insurance now: member 2, Đặng Thị Sử "
        "(Year of birth: 1980; Does the member hold a valid health insurance card now? No)."
    )


def test_a_member_without_a_name_is_named_by_position_only() -> None:
    facts = household(members=[adult(), adult(name=None, health_insurance=False)])
    del facts["members"][1]["name"]
    vi, en = _explained(facts, "H2")
    assert vi.startswith(
        "Có thành viên từ 6 tuổi trở lên hiện không có bảo hiểm y tế: thành viên thứ 2 ("
    )
    assert en.startswith("A member aged 6 or over has no health insurance now: member 2 (")


def test_an_undetermined_decision_names_the_classes_and_the_missing_facts() -> None:
    facts = household(
        members=[adult(birth_year=None, name="Đặng Thị Sử", health_insurance=False), adult()],
        sanitation={"water_source": "surface_water", "latrine": "none"},
    )
    facts.pop("income")
    decision = explain_assessment(_assess(facts), facts, FORM).decision
    assert decision.vi == (
        "Chưa xác định được mức sống: có thể là hộ nghèo, hộ cận nghèo, "
        "hộ có mức sống trung bình hoặc hộ không nghèo; còn thiếu: "
        "Thu nhập của hộ trong 12 tháng qua; thành viên thứ 1, Đặng Thị Sử (Năm sinh; "
        "Tình trạng dinh dưỡng của trẻ em dưới 16 tuổi)."
    )
    assert decision.en == (
        "Living standard not yet determined: could be poor, near-poor, middle living standard "
        "or not poor; still missing: Household income over the last 12 months; member 1, "
        "Đặng Thị Sử (Year of birth; Nutrition of a child under 16)."
    )


def test_a_determined_decision_keeps_the_rules_own_words() -> None:
    facts = household()
    result = _assess(facts)
    decision = explain_assessment(result, facts, FORM).decision
    assert (decision.vi, decision.en) == (
        result["decision"]["text_vi"],
        result["decision"]["text_en"],
    )
    assert "1.500.000 đồng/tháng" in decision.vi


def test_rendering_leaves_the_structured_reasons_as_they_were() -> None:
    facts = household(sanitation={"water_source": "drilled_well", "latrine": "none"})
    result = _assess(facts)
    before = repr(result)
    explain_assessment(result, facts, FORM)
    assert repr(result) == before
    [w2] = [i for i in result["indicators"] if i["code"] == "W2"]
    assert (
        w2["reason_en"]
        == "The household does not use a hygienic latrine: sanitation.latrine = none"
    )
    assert w2["evidence"] == ["sanitation.latrine"]


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (1500000, "1.500.000", "1,500,000"),
        (36.5, "36,5", "36.5"),
        (0, "0", "0"),
        (-1234.25, "-1.234,25", "-1,234.25"),
        (40.0, "40", "40"),
    ],
)
def test_numbers_use_each_languages_separators(value: float, vi: str, en: str) -> None:
    assert (format_number(value, "vi"), format_number(value, "en")) == (vi, en)


def test_only_the_asked_statuses_are_rendered() -> None:
    facts = household(
        members=[adult(), adult(health_insurance=None)],
        sanitation={"water_source": "drilled_well", "latrine": "none"},
    )
    explained = explain_assessment(
        _assess(facts), facts, FORM, statuses=frozenset({"deprived", "unknown"})
    )
    assert [i.code for i in explained.indicators] == ["H2", "W2"]
