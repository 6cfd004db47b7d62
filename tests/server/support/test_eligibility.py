"""Eligibility cases written from the rules (TT 01/2022/TT-BXD; QĐ 55/QĐ-BXD 2025)."""

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from server.accounts.models import Role
from server.registry.models import Household
from server.registry.services import household_create
from server.submissions.scoring import build_assessment
from server.support.eligibility import HousingFacts, assess, priority
from server.support.models import Programme, SupportCircumstance
from server.support.selectors import eligible_queue, household_eligibility
from server.support.services import SponsorShare, support_record_create

BASE = json.loads(
    (
        Path(__file__).resolve().parents[3]
        / "forms/conformance/scoring/r22_s1_two_bad_one_unknown.json"
    ).read_text(encoding="utf-8")
)["facts"]

DURABLE = {
    "wall_material": "brick_stone",
    "column_material": "reinforced_concrete",
    "roof_material": "tile",
}
TT01 = ["no_house", "non_durable", "area_per_person", "no_earlier_support"]
QD55 = [*TT01, "single_person_area", "old_deteriorated"]


def facts(**overrides) -> HousingFacts:
    values = {
        "year": 2025,
        "status": "poor",
        "persons": 4,
        "area_m2": Decimal(60),
        "non_durable": False,
    }
    return HousingFacts(**{**values, **overrides})


def verdict(f: HousingFacts, rules=TT01) -> tuple[bool, dict[str, bool | None]]:
    result = assess(f, rules=rules, requires_poverty_status=True)
    return result.eligible, {r.code: r.met for r in result.reasons}


def test_two_of_three_parts_non_durable_qualifies():
    assert verdict(facts(non_durable=True)) == (
        True,
        {
            "poverty_status": True,
            "no_house": False,
            "non_durable": True,
            "area_per_person": False,
            "no_earlier_support": True,
        },
    )


def test_a_durable_house_with_room_does_not_qualify():
    assert verdict(facts())[0] is False


def test_exactly_8_m2_per_person_is_not_under_8():
    eligible, met = verdict(facts(persons=4, area_m2=Decimal(32)))
    assert (eligible, met["area_per_person"]) == (False, False)
    reason = assess(facts(persons=4, area_m2=Decimal(32)), rules=TT01, requires_poverty_status=True)
    assert reason.reasons[3].text_vi == "Diện tích nhà ở bình quân 8 m²/người, từ 8 m² trở lên"
    assert reason.reasons[3].text_en == "Living area 8 m² per person, 8 m² or more"


def test_just_under_8_m2_per_person_qualifies():
    result = assess(
        facts(persons=4, area_m2=Decimal("31.9")), rules=TT01, requires_poverty_status=True
    )
    assert result.eligible is True
    assert result.reasons[3].text_en == "Living area 7.98 m² per person, under 8 m²"
    assert result.reasons[3].text_vi == "Diện tích nhà ở bình quân 7,98 m²/người, dưới 8 m²"


def test_no_house_qualifies():
    assert verdict(facts(no_house=True, area_m2=None))[0] is True


def test_earlier_support_disqualifies_whatever_the_house():
    eligible, met = verdict(
        facts(non_durable=True, no_house=True, earlier_support="Dự án 5 (2023)")
    )
    assert (eligible, met["no_earlier_support"]) == (False, False)


def test_a_household_neither_poor_nor_near_poor_is_not_eligible():
    assert verdict(facts(status="not_poor", non_durable=True))[0] is False


def test_one_person_under_18_m2_qualifies_only_under_the_2025_rules():
    alone = facts(persons=1, area_m2=Decimal(15))
    assert verdict(alone, TT01)[0] is False
    assert verdict(alone, QD55) == (
        True,
        {
            "poverty_status": True,
            "no_house": False,
            "non_durable": False,
            "area_per_person": False,
            "no_earlier_support": True,
            "single_person_area": True,
            "old_deteriorated": False,
        },
    )
    assert verdict(facts(persons=1, area_m2=Decimal(18)), QD55)[0] is False


def test_an_old_deteriorated_house_qualifies_under_the_2025_rules():
    assert verdict(facts(house_built_year=2005, house_deteriorated=True), QD55)[0] is True
    assert verdict(facts(house_built_year=2006, house_deteriorated=True), QD55)[0] is False
    assert verdict(facts(house_built_year=1990, house_deteriorated=False), QD55)[0] is False


def test_unknown_materials_are_said_to_be_unknown_not_durable():
    eligible, met = verdict(facts(non_durable=None))
    assert (eligible, met["non_durable"]) == (False, None)


@pytest.mark.parametrize(
    ("overrides", "rank"),
    [
        ({"is_ethnic_minority": True, "has_meritorious_member": True}, 1),
        ({"is_ethnic_minority": True, "status": "not_poor", "has_meritorious_member": True}, 2),
        ({"receives_social_assistance": True, "special_hardship": True}, 3),
        ({"special_hardship": True, "disaster_area": True}, 4),
        ({"disaster_area": True}, 5),
        ({}, 6),
    ],
)
def test_priority_follows_the_legal_order(overrides, rank):
    assert priority(facts(**overrides))[0] == rank


# --- from stored facts ---------------------------------------------------------------


def assessed(
    household: Household, *, dwelling: dict, persons: int, status: str = "poor"
) -> Household:
    data = copy.deepcopy(BASE)
    data["members"] = data["members"][:persons]
    data["dwelling"] = dwelling
    assessment = build_assessment(household_id=household.pk, facts=data)
    assessment.is_latest = True
    assessment.save()
    Household.objects.filter(pk=household.pk).update(status=status)
    household.refresh_from_db()
    return household


@pytest.fixture
def project5(db) -> Programme:
    return Programme.objects.get(code="project-5")


def test_the_engine_s1_result_decides_two_of_three(household_in, project5):
    house = {
        "wall_material": "bamboo",
        "column_material": "bamboo",
        "roof_material": "tile",
        "area_m2": 60,
    }
    result = household_eligibility(assessed(household_in, dwelling=house, persons=2), project5)
    assert result.eligible is True
    s1 = result.reasons[2]
    assert (s1.code, s1.met) == ("non_durable", True)
    assert s1.text_vi == (
        "Nhà ở không bền chắc: ít nhất 2 trong 3 kết cấu chính (tường, cột, mái) làm bằng "
        "vật liệu không bền chắc. Vật liệu chính của tường nhà: Tre, nứa, luồng; "
        "Vật liệu chính của cột (khung chịu lực): Tre, nứa, luồng."
    )
    assert "dwelling." not in s1.text_en


def test_stored_facts_at_exactly_8_m2_per_person_do_not_qualify(household_in, project5):
    house = {**DURABLE, "area_m2": 32}
    result = household_eligibility(assessed(household_in, dwelling=house, persons=4), project5)
    assert result.eligible is False
    assert [r.met for r in result.reasons] == [True, False, False, False, True]


def test_an_earlier_record_under_another_programme_disqualifies(personas, household_in, project5):
    house = {**DURABLE, "area_m2": 20}
    assessed(household_in, dwelling=house, persons=4)
    other = Programme.objects.get(code="dai-doan-ket")
    support_record_create(
        user=personas[Role.PROVINCE_ADMIN],
        household=household_in,
        programme=other,
        work="repair",
        approved_on=date(2024, 5, 1),
        sponsors=[SponsorShare(kind="business", name="Công ty A", share=30_000_000)],
    )
    result = household_eligibility(household_in, project5)
    assert result.eligible is False
    assert result.reasons[-1].text_en == (
        "The household already had housing support: Nhà Đại đoàn kết, Quỹ Vì người nghèo (2024)"
    )


def test_the_queue_orders_by_priority_and_leaves_out_the_ineligible(personas, tree, project5):
    def make(code: str, **flags):
        h = household_create(
            actor=None, village=tree.village1a, members=[], data={"code": code, "head_name": code}
        )
        Household.objects.filter(pk=h.pk).update(**flags)
        h.refresh_from_db()
        return h

    small = {**DURABLE, "area_m2": 10}
    other = assessed(make("H-OTHER"), dwelling=small, persons=2)
    minority = assessed(make("H-EM", is_ethnic_minority=True), dwelling=small, persons=2)
    hardship = assessed(make("H-HARD"), dwelling=small, persons=2)
    SupportCircumstance.objects.create(household=hardship, special_hardship=True)
    assessed(make("H-ROOMY"), dwelling={**DURABLE, "area_m2": 100}, persons=2)
    queue = eligible_queue(
        user=personas[Role.COMMUNE_OFFICER], unit=tree.commune1, programme=project5
    )
    assert [(e.household.code, e.eligibility.priority) for e in queue] == [
        (minority.code, 1),
        (hardship.code, 4),
        (other.code, 6),
    ]
    outside = eligible_queue(
        user=personas[Role.COMMUNE_OFFICER], unit=tree.province2, programme=project5
    )
    assert outside == []
