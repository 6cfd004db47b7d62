"""Reasons a person can read, at both edges: the assessments API and the phone's pull feed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.accounts.models import Role
from server.registry.services import household_create
from server.submissions.models import Assessment
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import HEAD, client_for
from tests.server.sync_api.helpers import pull, push, survey_answers, survey_item

RAW = re.compile(
    r"members\[|\b(?:sanitation|dwelling|information|income|health)\.|\b(?:true|false)\b"
    r"|hanging_over_water|unprotected_dug_well|thatch_leaves| = "
)
W2_VI = "Hộ không sử dụng nhà tiêu hợp vệ sinh. Loại nhà tiêu hộ đang sử dụng: Cầu tõm, cầu ao."
W2_EN = (
    "The household does not use a hygienic latrine. "
    "Type of latrine the household uses: Hanging latrine over water."
)
H2_VI = (
    "Có thành viên từ 6 tuổi trở lên hiện không có bảo hiểm y tế: thành viên thứ 3, Hoàng Văn Sử ("
)


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


def _surveyed(phone, household):
    answers = survey_answers()
    answers["members"][2]["health_insurance"] = "no"
    response = push(phone, survey_item(household, answers))
    assert response.json()["items"][0]["outcome"] == "accepted"


def _by_code(indicators):
    return {i["code"]: i for i in indicators}


def test_the_api_explains_each_indicator_and_the_decision_in_plain_words(phone, household_in):
    _surveyed(phone, household_in)

    body = phone.get(f"/api/v1/households/{household_in.pk}/assessments/").json()

    result = body["results"][0]["result"]
    indicators = _by_code(result["indicators"])
    assert (indicators["W2"]["explanation_vi"], indicators["W2"]["explanation_en"]) == (
        W2_VI,
        W2_EN,
    )
    assert indicators["H2"]["explanation_vi"].startswith(H2_VI)
    assert indicators["H2"]["reason_vi"].endswith("members[2] (Hoàng Văn Sử)")
    assert result["decision"]["explanation_en"] == (
        "Poor: income per person at most 1,500,000 VND/month and 3 or more deprivations"
        " (income 625,000 VND per person per month; 5 deprivations)"
    )
    for indicator in result["indicators"]:
        for key in ("explanation_vi", "explanation_en"):
            assert RAW.search(indicator[key]) is None, indicator[key]


def test_the_explanations_are_rendered_not_stored(phone, household_in):
    _surveyed(phone, household_in)
    phone.get(f"/api/v1/households/{household_in.pk}/assessments/")
    stored = Assessment.objects.get(household=household_in).result
    assert "explanation_vi" not in stored["decision"]
    assert all("explanation_vi" not in i for i in stored["indicators"])


def test_the_phone_receives_the_explanation_of_what_it_shows(phone, household_in):
    _surveyed(phone, household_in)

    changes = pull(phone, limit=500).json()["changes"]

    data = next(c for c in changes if c["kind"] == "assessment")["data"]
    indicators = _by_code(data["indicators"])
    assert (indicators["W2"]["explanation_vi"], indicators["W2"]["explanation_en"]) == (
        W2_VI,
        W2_EN,
    )
    assert indicators["H2"]["explanation_vi"].startswith(H2_VI)
    assert data["decision"]["explanation_vi"].startswith("Nghèo: thu nhập bình quân")
    shown = [i for i in data["indicators"] if i["status"] != "not_deprived"]
    assert all(RAW.search(i["explanation_vi"]) is None for i in shown)
    assert "explanation_vi" not in indicators["H1"]  # met: only the verdict travels


def test_explaining_a_pull_page_costs_the_same_queries_for_one_household_or_many(phone, tree):
    households = [
        household_create(
            actor=None,
            village=tree.village1a,
            members=[{**HEAD, "citizen_id": None}],
            data={"code": f"E{n}", "head_name": "Hộ"},
        )
        for n in range(4)
    ]
    start = pull(phone, limit=500).json()["next_cursor"]  # the forms, households and members
    for household in households:
        _surveyed(phone, household)
    # Each survey also writes its roster to the registry: the same changes per household.
    per_household = len(pull(phone, start, 500).json()["changes"]) // 4

    def queries_for(count: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            changes = pull(phone, start, per_household * count).json()["changes"]
        assert [c["kind"] for c in changes].count("assessment") == count
        return len(queries)

    pull(phone)  # parses the form version once; later pages find it parsed
    assert queries_for(4) == queries_for(1)


def test_a_household_outside_the_area_has_no_explanation_to_show(phone, household_out):
    response = phone.get(f"/api/v1/households/{household_out.pk}/assessments/")
    assert response.status_code == 404
