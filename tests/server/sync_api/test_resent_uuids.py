"""A resent client_uuid keeps its original kind and target (issue 12 F3)."""

import uuid

import pytest

from server.accounts.models import Role
from server.registry.models import Household, HouseholdChange, Member
from server.sync_api.models import ConflictCopy, Receipt
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import item, push


@pytest.fixture
def phone(personas):
    return client_for(personas[Role.VOLUNTEER])


def _state() -> tuple:
    return (
        tuple(Member.objects.order_by("pk").values_list("pk", "revision", "full_name", "citizen_id")),
        tuple(Household.objects.order_by("pk").values_list("pk", "flagged_for_review")),
        tuple(ConflictCopy.objects.order_by("pk").values_list("pk", "household_id", "target_id")),
        HouseholdChange.objects.count(),
        Receipt.objects.count(),
    )  # fmt: skip


def _stale_edit(phone, member: Member) -> uuid.UUID:
    """Step 1 of the finding: a stale edit in one's own village becomes a kept conflict."""
    cid = uuid.uuid4()
    stale = item(
        "member_edit", {"full_name": "Tên Cũ"}, client_uuid=cid, target_id=str(member.pk),
        base_revision=member.revision + 5,
    )  # fmt: skip
    assert push(phone, stale).json()["items"][0]["outcome"] == "conflict"
    return cid


def _answer(response) -> tuple:
    outcome = response.json()["items"][0]
    return outcome["outcome"], [(e["path"], e["code"]) for e in outcome["errors"]]


def test_a_resent_uuid_aimed_at_a_member_outside_the_area_answers_like_a_missing_one(
    phone, household_in, household_out
):
    cid = _stale_edit(phone, household_in.members.first())
    before = _state()
    foreign = household_out.members.get()
    attack = item(
        "member_edit", {"full_name": "Bị Đổi", "citizen_id": "999999999999"}, client_uuid=cid,
        target_id=str(foreign.pk), base_revision=1,
    )  # fmt: skip
    missing = {**attack, "target_id": str(uuid.uuid4())}
    assert _answer(push(phone, attack)) == _answer(push(phone, missing))
    assert _answer(push(phone, attack)) == (
        "rejected",
        [("items[0].client_uuid", "client_uuid_reused")],
    )
    fresh = {**attack, "client_uuid": str(uuid.uuid4())}
    fresh_missing = {**missing, "client_uuid": str(uuid.uuid4())}
    assert _answer(push(phone, fresh)) == _answer(push(phone, fresh_missing))
    assert _answer(push(phone, fresh)) == (
        "rejected",
        [("items[0].target_id", "target_not_found")],
    )
    assert _state() == before
    assert not ConflictCopy.objects.filter(household=household_out).exists()


def test_a_resent_uuid_aimed_at_another_member_in_the_area_is_refused(phone, household_in):
    first, second = household_in.members.order_by("created_at")
    cid = _stale_edit(phone, first)
    before = _state()
    other = item(
        "member_edit", {"full_name": "Khác"}, client_uuid=cid, target_id=str(second.pk),
        base_revision=second.revision,
    )  # fmt: skip
    assert _answer(push(phone, other)) == (
        "rejected",
        [("items[0].client_uuid", "client_uuid_reused")],
    )
    assert _state() == before


def test_a_resent_uuid_of_another_kind_is_refused(phone, household_in):
    cid = _stale_edit(phone, household_in.members.first())
    before = _state()
    edit = item(
        "household_edit", {"address": "Khác"}, client_uuid=cid, target_id=str(household_in.pk),
        base_revision=household_in.revision,
    )  # fmt: skip
    assert _answer(push(phone, edit)) == (
        "rejected",
        [("items[0].client_uuid", "client_uuid_reused")],
    )
    assert _state() == before


def test_a_resent_uuid_with_another_payload_on_the_same_target_is_still_a_conflict(
    phone, household_in
):
    member = household_in.members.first()
    cid = _stale_edit(phone, member)
    again = item(
        "member_edit", {"full_name": "Tên Khác"}, client_uuid=cid, target_id=str(member.pk),
        base_revision=member.revision + 5,
    )  # fmt: skip
    outcome = push(phone, again).json()["items"][0]
    assert (outcome["outcome"], outcome["conflict_reason"]) == ("conflict", "different_payload")
    assert set(ConflictCopy.objects.values_list("household_id", flat=True)) == {household_in.pk}


def test_a_lost_answer_is_safe_to_retry_after_the_target_left_the_roster(phone, household_in):
    """A byte-identical resend gets its first verdict, even when it could not be pushed now."""
    member = household_in.members.order_by("created_at").last()
    edit = item(
        "member_edit", {"full_name": "Tên Mới"}, target_id=str(member.pk),
        base_revision=member.revision,
    )  # fmt: skip
    assert _answer(push(phone, edit)) == ("accepted", [])
    Member.objects.filter(pk=member.pk).update(removed_at="2026-01-01T00:00:00Z")
    outcome = push(phone, edit).json()["items"][0]
    assert (outcome["outcome"], outcome["revision"]) == ("duplicate", 2)
