"""A push batch is one transaction: each item keeps its own outcome, and a lost race reruns it."""

import uuid

import pytest
from django.db import IntegrityError, OperationalError

from server.accounts.models import Role
from server.feed.models import FeedEntry
from server.registry.models import Household
from server.submissions.models import Assessment, Submission
from server.surveys.services import publish_shipped_forms
from server.sync_api.models import Receipt
from server.sync_api.store import DjangoSyncStore, _lost_a_race
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import (
    household_payload,
    item,
    push,
    survey_answers,
    survey_item,
)


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


def _outcomes(response) -> list[tuple[str, object]]:
    return [(o["outcome"], o["revision"]) for o in response.json()["items"]]


def test_a_mixed_batch_gives_every_item_the_outcome_a_serial_run_would(phone, tree, household_in):
    hid = uuid.uuid4()
    create = item("household_create", household_payload(tree.village1a.code), client_uuid=hid)
    new_household = Household(pk=hid)
    survey_new = survey_item(new_household)
    survey_old = survey_item(household_in)
    invalid = survey_item(household_in, {**survey_answers(), "living_area": "0"})
    edit = item("household_edit", {"address": "Bản Mới"}, target_id=str(hid), base_revision=1)
    response = push(phone, create, survey_new, survey_old, invalid, survey_old, edit)
    assert _outcomes(response) == [
        ("accepted", 1),
        ("accepted", None),
        ("accepted", None),
        ("rejected", None),
        ("duplicate", None),
        ("accepted", 2),
    ]
    assert set(Submission.objects.values_list("pk", flat=True)) == {
        uuid.UUID(survey_new["client_uuid"]),
        uuid.UUID(survey_old["client_uuid"]),
    }
    latest = Assessment.objects.filter(is_latest=True)
    assert set(latest.values_list("household_id", flat=True)) == {hid, household_in.pk}
    assert Assessment.objects.count() == 2
    assert Household.objects.get(pk=hid).address == "Bản Mới"
    assert not Receipt.objects.filter(client_uuid=invalid["client_uuid"]).exists()
    assert Receipt.objects.count() == 4


def test_two_surveys_of_one_household_in_one_batch_leave_the_later_one_latest(phone, household_in):
    first = survey_item(household_in)
    second = survey_item(household_in, survey_answers("near_poor_rural_2024_exactly_at_the_line"))
    response = push(phone, first, second)
    assert [o["outcome"] for o in response.json()["items"]] == ["accepted", "accepted"]
    latest = Assessment.objects.get(is_latest=True)
    assert str(latest.submission_id) == second["client_uuid"]
    assert Assessment.objects.count() == 2
    assert FeedEntry.objects.filter(kind="assessment", record_id=str(household_in.pk)).count() == 1


def test_surveys_around_a_member_added_in_the_same_batch_all_land(phone, household_in):
    """The member is written directly, between the surveys' held-back rows: the first
    survey's rows go in before it, and the second survey reads the household afresh."""
    mid = uuid.uuid4()
    member = {
        "full_name": "Hoàng Thị Mới",
        "sex": "female",
        "birth_year": 2020,
        "relation": "grandchild",
        "ethnicity": "tay",
    }
    first = survey_item(household_in)
    add = item("member_create", member, client_uuid=mid, household_id=str(household_in.pk))
    second = survey_item(household_in, survey_answers("near_poor_rural_2024_exactly_at_the_line"))
    response = push(phone, first, add, second)
    assert _outcomes(response) == [("accepted", None), ("accepted", 1), ("accepted", None)]
    assert household_in.members.filter(pk=mid).exists()
    assert Submission.objects.count() == 2
    latest = Assessment.objects.get(is_latest=True)
    assert str(latest.submission_id) == second["client_uuid"]
    assert Receipt.objects.count() == 3


def test_a_survey_stored_by_another_request_during_the_batch_is_a_duplicate(
    phone, household_in, monkeypatch
):
    """The batch reads ahead, another request stores the same survey, the batch's insert
    then hits the receipt's primary key: all of the batch is rolled back and rerun item
    by item, and the survey is stored once."""
    theirs, ours = (
        survey_item(household_in),
        survey_item(household_in, survey_answers("near_poor_rural_2024_exactly_at_the_line")),
    )
    push(phone, theirs)
    read_ahead = DjangoSyncStore._read_ahead

    def blind_to_theirs(store, items):
        batch = read_ahead(store, items)
        batch.receipts.pop(uuid.UUID(theirs["client_uuid"]), None)
        return batch

    monkeypatch.setattr(DjangoSyncStore, "_read_ahead", blind_to_theirs)
    response = push(phone, ours, theirs)
    assert [o["outcome"] for o in response.json()["items"]] == ["accepted", "duplicate"]
    assert Submission.objects.count() == 2
    assert Assessment.objects.count() == 2
    assert Receipt.objects.count() == 2


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("error", "raced"),
    [
        (IntegrityError("duplicate key"), True),
        (OperationalError("deadlock detected"), True),
        (OperationalError("could not serialize access"), True),
        (OperationalError("database is locked"), False),
    ],
)
def test_only_unique_violations_and_broken_deadlocks_count_as_lost_races(error, raced):
    causes = {"deadlock detected": "40P01", "could not serialize access": "40001"}
    if str(error) in causes:
        error.__cause__ = _PgError(causes[str(error)])
    assert _lost_a_race(error) is raced
