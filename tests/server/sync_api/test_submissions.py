"""A survey pushed from a phone is stored raw, validated, mapped to facts and scored."""

import uuid

import pytest

from server.accounts.models import Role
from server.submissions.models import Assessment, Submission
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import pull, push, survey_answers, survey_item


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


def test_an_accepted_survey_is_stored_scored_and_its_class_reaches_the_phone(phone, household_in):
    sub = survey_item(household_in)
    response = push(phone, sub)
    assert [(o["outcome"], o["errors"]) for o in response.json()["items"]] == [("accepted", [])]
    stored = Submission.objects.get(pk=sub["client_uuid"])
    assert stored.payload == sub["payload"]
    assessment = Assessment.objects.get(household=household_in, is_latest=True)
    assert (assessment.submission_id, assessment.household_class, assessment.ruleset_id) == (
        stored.pk,
        "POOR",
        "vn-2022-2025",
    )
    assert assessment.deprivation_count == 4
    assert assessment.facts["area_type"] == "rural"
    assert assessment.facts["province_code"] == 90
    changes = pull(phone, limit=500).json()["changes"]
    scored = next(c for c in changes if c["kind"] == "assessment")
    assert scored["data"]["class"] == "POOR"
    deprived = [i for i in scored["data"]["indicators"] if i["deprived"]]
    assert {i["code"] for i in deprived} == {"S1", "W1", "W2", "I1"}
    assert all(i["status"] == "deprived" and i["reason_vi"] and i["name_vi"] for i in deprived)


def test_a_resent_survey_is_a_duplicate_and_scores_once(phone, household_in):
    sub = survey_item(household_in)
    push(phone, sub)
    response = push(phone, sub)
    assert response.json()["items"][0]["outcome"] == "duplicate"
    assert Submission.objects.count() == 1
    assert Assessment.objects.count() == 1


def test_an_invalid_survey_is_rejected_with_paths_and_stores_nothing(phone, household_in):
    answers = survey_answers()
    answers["members"][1]["birth_date"] = "2999-01-01"
    answers["living_area"] = "0"
    response = push(phone, survey_item(household_in, answers))
    outcome = response.json()["items"][0]
    assert outcome["outcome"] == "rejected"
    paths = {e["path"] for e in outcome["errors"]}
    assert "items[0].payload.members[1].birth_date" in paths
    assert "items[0].payload.living_area" in paths
    assert Submission.objects.count() == 0
    assert Assessment.objects.count() == 0


def test_declared_photos_are_listed_until_they_arrive(phone, household_in):
    attachments = [
        {"name": "front.jpg", "sha256": "a" * 64, "size": 1000},
        {"name": "roof.jpg", "sha256": "b" * 64, "size": 2000},
        {"name": "water.jpg", "sha256": "c" * 64, "size": 3000},
        {"name": "latrine.jpg", "sha256": "d" * 64, "size": 4000},
    ]
    response = push(phone, survey_item(household_in, attachments=attachments))
    assert response.json()["items"][0]["missing_attachments"] == [
        "front.jpg",
        "roof.jpg",
        "water.jpg",
        "latrine.jpg",
    ]
    assert Submission.objects.get().attachments_complete is False


def test_a_survey_for_a_household_outside_the_area_is_rejected(phone, household_out):
    response = push(phone, survey_item(household_out))
    assert response.json()["items"][0]["errors"][0]["code"] == "target_not_found"
    assert Submission.objects.count() == 0


def test_a_corrected_survey_after_a_return_is_a_new_submission(phone, personas, household_in):
    first = survey_item(household_in)
    push(phone, first)
    officer = client_for(personas[Role.COMMUNE_OFFICER])
    officer.post(
        f"/api/v1/submissions/{first['client_uuid']}/return/",
        {"comment": "Kiểm tra lại diện tích"},
        format="json",
    )
    answers = survey_answers()
    answers["living_area"] = "28"
    second = survey_item(household_in, answers, client_uuid=uuid.uuid4())
    assert push(phone, second).json()["items"][0]["outcome"] == "accepted"
    assert Submission.objects.count() == 2
    assert Assessment.objects.filter(
        household=household_in, is_latest=True
    ).get().submission_id == uuid.UUID(second["client_uuid"])


def test_staff_see_which_photos_are_still_missing(phone, personas, household_in):
    push(phone, survey_item(household_in))
    officer = client_for(personas[Role.COMMUNE_OFFICER])
    listed = officer.get(f"/api/v1/households/{household_in.pk}/submissions/").json()
    assert [(s["attachments_complete"], s["missing_attachments"]) for s in listed] == [
        (False, ["front.jpg", "latrine.jpg", "roof.jpg", "water.jpg"])
    ]
