"""A household flag is a change like any other: history, feed, and the phone sees it
(issue 13, "Household flags through the registry's services")."""

import hashlib
import uuid

import pytest

from server.accounts.models import Role
from server.registry.models import Household, HouseholdChange
from server.registry.services import household_flag, household_unflag
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import (
    HEADERS,
    declared_photos,
    item,
    pull,
    push,
    survey_answers,
    survey_item,
)
from tests.server.sync_api.test_photos_for_staff import gps_jpeg


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


def _drained(phone) -> str:
    """The cursor after everything the phone can pull now."""
    cursor = None
    while True:
        body = pull(phone, cursor).json()
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return cursor


def _pulled_households(phone, cursor: str) -> list[dict]:
    return [c["data"] for c in pull(phone, cursor).json()["changes"] if c["kind"] == "household"]


def _push_survey_with_photo(phone, household, data: bytes) -> uuid.UUID:
    """Push a survey declaring front.jpg; the photo itself is uploaded later."""
    sid = uuid.uuid4()
    answers = survey_answers()
    attachments = [
        {"name": "front.jpg", "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
        *(ref for ref in declared_photos(answers) if ref["name"] != "front.jpg"),
    ]
    survey = survey_item(household, answers, client_uuid=sid, attachments=attachments)
    assert push(phone, survey).json()["items"][0]["outcome"] == "accepted"
    return sid


def _upload(phone, sid: uuid.UUID, data: bytes) -> None:
    response = phone.generic(
        "PUT",
        f"/api/v1/sync/attachments/{sid}/front.jpg",
        data,
        content_type="application/octet-stream",
        **HEADERS,
    )
    assert response.status_code == 201


def test_a_flag_raised_by_a_photo_check_reaches_the_phone_on_its_next_pull(phone, household_in):
    Household.objects.filter(pk=household_in.pk).update(
        latitude="21.000000", longitude="105.000000"
    )
    photo = gps_jpeg(22.0, 106.0)
    sid = _push_survey_with_photo(phone, household_in, photo)
    cursor = _drained(phone)  # the phone has everything, the survey's roster included
    _upload(phone, sid, photo)  # the photo check runs when its last byte arrives
    flagged = [h for h in _pulled_households(phone, cursor) if h["id"] == str(household_in.pk)]
    assert flagged[-1]["flagged_for_review"] is True
    assert flagged[-1]["revision"] == 1
    change = HouseholdChange.objects.filter(household=household_in).latest("pk")
    assert (change.entity, change.action, change.source, change.actor, change.changes) == (
        "household",
        "updated",
        "photo_check",
        None,
        {"flagged_for_review": [False, True], "flag_reason": ["", "photo_far_from_household"]},
    )


def test_flagging_again_for_the_same_reason_writes_nothing(household_in):
    household_flag(household=household_in, reason="photo_reused", actor=None, source="photo_check")
    history = HouseholdChange.objects.count()
    household_flag(household=household_in, reason="photo_reused", actor=None, source="photo_check")
    assert HouseholdChange.objects.count() == history


def test_an_unflag_limited_to_sync_flags_leaves_a_photo_flag_alone(household_in):
    household_flag(household=household_in, reason="photo_reused", actor=None, source="photo_check")
    history = HouseholdChange.objects.count()
    household_unflag(household=household_in, actor=None, source="conflict", reason_prefix="sync_")
    household_in.refresh_from_db()
    assert (household_in.flagged_for_review, household_in.flag_reason) == (True, "photo_reused")
    assert HouseholdChange.objects.count() == history


def test_a_sync_conflict_flag_is_recorded_and_pulled(phone, household_in):
    cursor = _drained(phone)
    edits = [
        item("household_edit", {"address": a}, target_id=str(household_in.pk), base_revision=1)
        for a in ("Bản Một", "Bản Hai")
    ]
    outcomes = [o["outcome"] for o in push(phone, *edits).json()["items"]]
    assert outcomes == ["accepted", "conflict"]
    pulled = [h for h in _pulled_households(phone, cursor) if h["id"] == str(household_in.pk)]
    assert (pulled[-1]["flagged_for_review"], pulled[-1]["address"]) == (True, "Bản Một")
    change = HouseholdChange.objects.filter(household=household_in).latest("pk")
    assert (change.source, change.changes) == (
        "sync",
        {"flagged_for_review": [False, True], "flag_reason": ["", "sync_stale_base_revision"]},
    )
