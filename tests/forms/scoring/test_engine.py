"""Behaviour of score() and assessment_to_dict() beyond the golden cases."""

from __future__ import annotations

import json

import pytest

from forms.scoring import ENGINE_VERSION, FactsError, assessment_to_dict, facts_from_dict, score
from tests.forms.scoring.factories import adult, household


def test_reason_names_the_member_who_caused_the_deprivation() -> None:
    """H2's reason names members[1] by index and name, in both languages."""
    data = household(members=[adult(), adult(name="Trần Thị Bình", health_insurance=False)])
    h2 = next(i for i in score(facts_from_dict(data)).indicators if i.code == "H2")
    assert h2.deprived is True
    assert h2.reason_en.endswith(": members[1] (Trần Thị Bình)")
    assert h2.reason_vi.endswith(": members[1] (Trần Thị Bình)")
    assert h2.evidence == ("members[1].birth_year", "members[1].health_insurance")


def test_undetermined_lists_exactly_the_facts_that_matter() -> None:
    """Two known deprivations; only the unknown latrine could make a third."""
    data = household(
        sanitation={"water_source": "surface_water", "latrine": None},
        information={"internet_use": False, "phone_subscription": True, "devices": ["tv"]},
    )
    assessment = score(facts_from_dict(data))
    assert assessment.household_class == "UNDETERMINED"
    assert assessment.possible_classes == ("POOR", "NEAR_POOR")
    assert assessment.missing_facts == ("sanitation.latrine",)
    assert assessment.decision.rule_id == "undetermined"
    assert "sanitation.latrine" in assessment.decision.text_vi


def test_decision_text_states_the_rule_and_the_observed_values() -> None:
    assessment = score(facts_from_dict(household()))
    assert assessment.household_class == "NEAR_POOR"
    assert assessment.decision.text_en == (
        "Near-poor: income per person at most 1,500,000 VND/month and fewer than 3 deprivations"
        " (income 1,000,000 VND per person per month; 0 deprivations)"
    )
    assert assessment.decision.text_vi.startswith(
        "Cận nghèo: thu nhập bình quân đầu người từ 1.500.000"
    )


def test_assessment_dict_is_json_ready_with_stable_keys() -> None:
    result = assessment_to_dict(score(facts_from_dict(household())))
    assert list(result)[:6] == [
        "household_id",
        "review_year",
        "reference_date",
        "ruleset",
        "engine_version",
        "class",
    ]
    assert result["engine_version"] == ENGINE_VERSION
    assert result["ruleset"] == {
        "id": "vn-2022-2025",
        "version": 1,
        "status": "in_force",
        "covers_review_year": True,
    }
    assert json.loads(json.dumps(result)) == result


def test_proxy_method_is_recorded_and_flagged_illustrative() -> None:
    data = household(
        province_code=75,
        income={
            "method": "proxy",
            "table": "illustrative-75-rural",
            "items": {
                "floor_material": "earth",
                "motorbikes": 0,
                "refrigerator": False,
                "cooking_fuel": "wood_or_straw",
                "piped_water": False,
                "working_members": 1,
            },
        },
    )
    income = score(facts_from_dict(data)).income
    assert (income.method, income.proxy_table, income.illustrative) == (
        "proxy",
        "illustrative-75-rural",
        True,
    )
    assert (income.proxy_score_low, income.proxy_score_high, income.per_person) == (70, 70, None)


def test_proxy_table_of_another_area_is_refused() -> None:
    data = household(
        area_type="urban", income={"method": "proxy", "table": "illustrative-75-rural", "items": {}}
    )
    with pytest.raises(FactsError) as info:
        score(facts_from_dict(data))
    assert [p.path for p in info.value.problems] == ["income.table"]


def test_assessment_does_not_depend_on_reading_order() -> None:
    """Texts rendered lazily are identical however often they are read."""
    assessment = score(facts_from_dict(household(members=[adult(health_insurance=None)])))
    first = assessment_to_dict(assessment)
    assert assessment_to_dict(assessment) == first
    assert assessment.indicators is assessment.indicators
