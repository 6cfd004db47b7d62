"""Returning a survey to its volunteer: a service that owns its transaction and feeds phones."""

import uuid

import pytest

from server.accounts.models import Role
from server.feed.models import FeedEntry, FeedKind
from server.review.services import submission_return
from server.submissions.models import ReviewStatus, Submission
from server.surveys.models import FormVersion
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import client_for


@pytest.fixture
def survey(household_in):
    publish_shipped_forms()
    return Submission.objects.create(
        id=uuid.UUID("2f6a1f7c-1d0e-4c55-8a38-7d4e2c3b1a99"),
        household=household_in,
        form_version=FormVersion.objects.get(form_id="household_screening"),
        payload={},
        payload_sha256="0" * 64,
    )


def _state(survey):
    survey.refresh_from_db()
    reviews = FeedEntry.objects.filter(kind=FeedKind.REVIEW, record_id=str(survey.pk))
    return survey.review_status, survey.review_comment, survey.reviewed_by_id, reviews.count()


def test_a_return_stores_the_comment_and_reaches_the_feed_once(personas, survey):
    officer = personas[Role.COMMUNE_OFFICER]
    returned = submission_return(user=officer, submission_id=survey.pk, comment="Chụp lại ảnh")
    assert returned.pk == survey.pk
    assert _state(survey) == (ReviewStatus.RETURNED, "Chụp lại ảnh", officer.pk, 1)


def test_a_second_return_is_refused_on_review_status_and_changes_nothing(personas, survey):
    officer = personas[Role.COMMUNE_OFFICER]
    client = client_for(officer)
    url = f"/api/v1/submissions/{survey.pk}/return/"
    assert client.post(url, {"comment": "Lần một"}, format="json").status_code == 200
    before = _state(survey)
    response = client.post(url, {"comment": "Lần hai"}, format="json")
    assert response.status_code == 400
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [
        ("review_status", "not_pending")
    ]
    assert _state(survey) == before == (ReviewStatus.RETURNED, "Lần một", officer.pk, 1)
