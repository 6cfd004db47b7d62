"""Returning a survey with a comment and the answers it points at; the phone gets both."""

import uuid

import pytest

from server.accounts.models import Role
from server.review import services
from server.review.fields import answer_choices
from server.review.models import AuditEvent, HouseholdReview
from server.submissions.models import ReviewStatus, Submission
from server.surveys.models import FormVersion
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import pull


@pytest.fixture
def survey(household_in):
    publish_shipped_forms()
    return Submission.objects.create(
        id=uuid.UUID("7d1a2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
        household=household_in,
        form_version=FormVersion.objects.get(form_id="household_survey"),
        payload={
            "survey_date": "2026-10-01",
            "members": [
                {"full_name": "Nguyễn Văn A", "birth_year": 1980},
                {"full_name": "Nguyễn Thị Bích", "birth_year": 2012},
            ],
        },
        payload_sha256="0" * 64,
    )


def _state(survey):
    survey.refresh_from_db()
    return survey.review_status, survey.review_comment, survey.review_fields


def test_a_return_stores_the_fields_and_the_phone_pulls_them(personas, survey):
    reviewer = personas[Role.DISTRICT_REVIEWER]
    response = client_for(reviewer).post(
        f"/api/v1/submissions/{survey.pk}/return/",
        {
            "comment": "Năm sinh của con chưa đúng",
            "fields": ["members[1].birth_year", "survey_date"],
        },
        format="json",
    )
    assert response.status_code == 200
    assert _state(survey) == (
        ReviewStatus.RETURNED,
        "Năm sinh của con chưa đúng",
        ["members[1].birth_year", "survey_date"],
    )
    changes = pull(client_for(personas[Role.VOLUNTEER])).json()["changes"]
    [review] = [c["data"] for c in changes if c["kind"] == "review"]
    assert (review["comment"], review["fields"]) == (
        "Năm sinh của con chưa đúng",
        ["members[1].birth_year", "survey_date"],
    )
    event = AuditEvent.objects.get(action="submission_return")
    assert (event.actor_id, event.after["fields"]) == (
        reviewer.pk,
        ["members[1].birth_year", "survey_date"],
    )


@pytest.mark.parametrize(
    "path", ["members[2].birth_year", "members.birth_year", "nope", "members[0]", "members[0].x"]
)
def test_a_path_the_survey_does_not_hold_is_refused_and_changes_nothing(personas, survey, path):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    response = client.post(
        f"/api/v1/submissions/{survey.pk}/return/",
        {"comment": "x", "fields": ["survey_date", path]},
        format="json",
    )
    assert response.status_code == 400
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [
        ("fields[1]", "unknown_field")
    ]
    assert _state(survey) == (ReviewStatus.PENDING, "", [])
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.SUPPORT_STAFF])
def test_volunteers_and_support_staff_cannot_return(personas, survey, role):
    response = client_for(personas[role]).post(
        f"/api/v1/submissions/{survey.pk}/return/", {"comment": "x"}, format="json"
    )
    assert response.status_code == 403
    assert _state(survey) == (ReviewStatus.PENDING, "", [])


def test_a_return_through_the_round_returns_the_pending_survey_and_moves_the_step(
    tree, personas, survey
):
    officer = personas[Role.COMMUNE_OFFICER]
    review_round = services.round_open(
        user=officer, commune_id=tree.commune1.pk, year=2026, kind="annual"
    )
    [review] = services.households_list(
        user=officer, round_id=review_round.pk, household_ids=[survey.household_id]
    )
    services.screening_record(user=officer, review_id=review.pk, screened_out=False)
    returned = services.household_return(
        user=personas[Role.DISTRICT_REVIEWER],
        review_id=review.pk,
        comment="Thiếu năm sinh",
        fields=["members[0].birth_year"],
    )
    assert (returned.step, returned.returned, returned.return_fields) == (
        "screened",
        True,
        ["members[0].birth_year"],
    )
    assert _state(survey) == (ReviewStatus.RETURNED, "Thiếu năm sinh", ["members[0].birth_year"])
    assert HouseholdReview.objects.get(pk=review.pk).revision == 3


def test_field_pickers_name_members_by_name_and_position_never_by_path(survey):
    labels = {c.path: c.label for c in answer_choices(survey)}
    assert labels["members[1].birth_year"] == "Năm sinh (Nguyễn Thị Bích, thành viên 2)"
    assert all("[" not in label for label in labels.values())
