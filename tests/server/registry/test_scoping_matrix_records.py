"""Role × endpoint × area for the records around a household: surveys, photos, conflicts.

Outside the area every role gets the 404 of a missing record and nothing changes; inside
it, a role without the grant gets 403 and nothing changes.
"""

import uuid

import pytest

from server.accounts.models import Role, User
from server.submissions.models import ReviewStatus, Submission
from server.surveys.services import publish_shipped_forms
from server.sync_api.models import ConflictCopy
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import push, survey_item

ROLES = [
    Role.VOLUNTEER,
    Role.COMMUNE_OFFICER,
    Role.DISTRICT_REVIEWER,
    Role.PROVINCE_ADMIN,
    Role.SUPPORT_STAFF,
]
REVIEWERS = {Role.COMMUNE_OFFICER, Role.DISTRICT_REVIEWER, Role.PROVINCE_ADMIN}


def _survey(household) -> Submission:
    """A survey of `household`, pushed by a superuser's phone (who covers every area)."""
    publish_shipped_forms()
    root = User.objects.create_superuser(
        f"root-{uuid.uuid4().hex[:6]}", password="pw-root-long-enough"
    )
    response = push(client_for(root), survey_item(household))
    assert response.json()["items"][0]["outcome"] == "accepted"
    return Submission.objects.get(household=household)


def _conflict(household, *, target_id=None) -> ConflictCopy:
    return ConflictCopy.objects.create(
        client_uuid=uuid.uuid4(),
        payload_sha256=uuid.uuid4().hex * 2,
        kind="household_edit",
        reason="stale_base_revision",
        target_id=target_id or household.pk,
        household=household,
        payload={"address": "Bản Mới"},
        server_revision=1,
    )


def _state() -> tuple:
    submissions = tuple(
        Submission.objects.order_by("pk").values_list("pk", "review_status", "review_comment")
    )
    conflicts = tuple(
        ConflictCopy.objects.order_by("pk").values_list("pk", "resolution", "resolved_at")
    )
    return submissions, conflicts


@pytest.mark.parametrize("role", ROLES)
def test_surveys_photos_and_conflicts_outside_the_area_answer_404(role, personas, household_out):
    survey, conflict = _survey(household_out), _conflict(household_out)
    client = client_for(personas[role])
    before = _state()
    requests = [
        ("get", f"/api/v1/submissions/{survey.pk}/photos/house.jpg", None),
        ("post", f"/api/v1/submissions/{survey.pk}/return/", {"comment": "Sửa lại"}),
        ("get", f"/api/v1/conflicts/{conflict.pk}/", None),
        ("post", f"/api/v1/conflicts/{conflict.pk}/resolve/", {"resolution": "dismissed"}),
    ]
    for method, url, body in requests:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url)
        assert response.json()["code"] == "not_found"
    assert _state() == before
    if role in REVIEWERS:
        assert client.get("/api/v1/conflicts/", {"status": "all"}).json()["results"] == []


@pytest.mark.parametrize("role", sorted(set(ROLES) - REVIEWERS))
def test_returning_a_survey_inside_the_area_is_403_without_the_review_grant(
    role, personas, household_in
):
    survey = _survey(household_in)
    client = client_for(personas[role])
    before = _state()
    response = client.post(
        f"/api/v1/submissions/{survey.pk}/return/", {"comment": "Sửa lại"}, format="json"
    )
    assert response.status_code == 403
    assert _state() == before
    assert Submission.objects.get(pk=survey.pk).review_status == ReviewStatus.PENDING


@pytest.mark.parametrize("role", sorted(REVIEWERS))
def test_a_conflict_in_the_area_does_not_show_a_record_outside_it(
    role, personas, household_in, household_out
):
    """A kept conflict whose target lies elsewhere shows no current values from there."""
    conflict = _conflict(household_in, target_id=household_out.pk)
    response = client_for(personas[role]).get(f"/api/v1/conflicts/{conflict.pk}/")
    assert response.status_code == 200
    assert response.json()["current"] is None
