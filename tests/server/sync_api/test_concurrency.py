"""Races that lose or duplicate data elsewhere, run for real on PostgreSQL."""

import threading
import uuid

import pytest
from django.db import connection, connections

from server.accounts.models import Role
from server.registry.models import Household
from server.registry.services import household_create
from server.submissions.models import Assessment, Submission
from server.surveys.services import publish_shipped_forms
from server.sync_api.models import ConflictCopy, Receipt
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import household_payload, item, push, survey_item

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs real concurrent connections"
    ),
]


def _race(count: int, action) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = action(index)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_eight_threads_pushing_the_same_uuid_store_exactly_one_row(personas, tree):
    clients = [client_for(personas[Role.VOLUNTEER]) for _ in range(8)]
    hid = uuid.uuid4()
    create = item("household_create", household_payload(tree.village1a.code), client_uuid=hid)
    outcomes = _race(8, lambda i: push(clients[i], create).json()["items"][0]["outcome"])
    assert sorted(outcomes) == ["accepted"] + ["duplicate"] * 7
    assert Household.objects.filter(pk=hid).count() == 1
    assert Receipt.objects.filter(client_uuid=hid).count() == 1


def test_two_devices_editing_from_the_same_base_give_one_accept_and_one_conflict(
    personas, tree, household_in
):
    clients = [client_for(personas[Role.VOLUNTEER]), client_for(personas[Role.COMMUNE_OFFICER])]
    edits = [
        item(
            "household_edit",
            {"address": f"Địa chỉ {i}"},
            target_id=str(household_in.pk),
            base_revision=1,
        )
        for i in range(2)
    ]
    outcomes = _race(2, lambda i: push(clients[i], edits[i]).json()["items"][0]["outcome"])
    assert sorted(outcomes) == ["accepted", "conflict"]
    household_in.refresh_from_db()
    winner = outcomes.index("accepted")
    assert (household_in.address, household_in.revision) == (f"Địa chỉ {winner}", 2)
    kept = ConflictCopy.objects.get()
    assert kept.payload == {"address": f"Địa chỉ {1 - winner}"}
    assert household_in.flagged_for_review is True


@pytest.fixture
def surveyed_households(tree) -> list[Household]:
    publish_shipped_forms()
    return [
        household_create(
            actor=None, village=tree.village1a, data={"code": f"HC{n:02d}", "head_name": "Lò Văn A"}
        )
        for n in range(10)
    ]


def test_two_batches_surveying_the_same_households_in_opposite_orders_both_land(
    personas, surveyed_households
):
    """Each batch locks its households in id order, so opposite item orders cannot deadlock."""
    clients = [client_for(personas[Role.VOLUNTEER]) for _ in range(2)]
    for _round in range(3):
        batches = [
            [survey_item(h) for h in surveyed_households],
            [survey_item(h) for h in reversed(surveyed_households)],
        ]
        answers = _race(2, lambda i, batches=batches: push(clients[i], *batches[i]))
        assert [r.status_code for r in answers] == [200, 200]
        outcomes = [o["outcome"] for r in answers for o in r.json()["items"]]
        assert outcomes == ["accepted"] * 20
    assert Submission.objects.count() == 60
    latest = Assessment.objects.filter(is_latest=True)
    assert sorted(latest.values_list("household_id", flat=True)) == sorted(
        h.pk for h in surveyed_households
    )


def test_a_survey_in_four_concurrent_batches_is_stored_once(personas, surveyed_households):
    """Three of the four batches lose the race on the shared receipt, roll back whole, and
    rerun item by item: their own survey is accepted, the shared one is a duplicate."""
    clients = [client_for(personas[Role.VOLUNTEER]) for _ in range(4)]
    shared = survey_item(surveyed_households[0])
    own = [survey_item(h) for h in surveyed_households[1:5]]
    answers = _race(4, lambda i: push(clients[i], own[i], shared).json()["items"])
    assert [a[0]["outcome"] for a in answers] == ["accepted"] * 4
    assert sorted(a[1]["outcome"] for a in answers) == ["accepted"] + ["duplicate"] * 3
    assert Submission.objects.count() == 5
    assert Receipt.objects.filter(client_uuid=shared["client_uuid"]).count() == 1
    assert Assessment.objects.filter(submission_id=shared["client_uuid"]).count() == 1
