"""The household's submission list: which photos are missing, in a fixed number of queries."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.accounts.models import Role
from server.evidence.models import Attachment
from server.registry.services import household_create
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import HEAD, client_for
from tests.server.sync_api.helpers import push, survey_item

PHOTOS = ["front.jpg", "latrine.jpg", "roof.jpg", "water.jpg"]


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


@pytest.fixture
def officer(personas):
    return client_for(personas[Role.COMMUNE_OFFICER])


def _surveyed(phone, tree, code: str, surveys: int):
    """A household with `surveys` accepted surveys.

    Survey k (from 0) has its first k photos complete and the next one partly received.
    """
    household = household_create(
        actor=None,
        village=tree.village1a,
        members=[{**HEAD, "citizen_id": None}],
        data={"code": code, "head_name": "Hộ"},
    )
    for k in range(surveys):
        sub = survey_item(household, client_uuid=uuid.uuid4())
        assert push(phone, sub).json()["items"][0]["outcome"] == "accepted"
        for n, photo in enumerate(sub["attachments"][: k + 1]):
            Attachment.objects.create(
                item_uuid=sub["client_uuid"],
                name=photo["name"],
                declared_sha256=photo["sha256"],
                declared_size=photo["size"],
                received=photo["size"] if n < k else 0,
                complete=n < k,
            )
    return household


def _listed(client, household) -> tuple[list, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/households/{household.pk}/submissions/")
    assert response.status_code == 200
    return response.json(), len(queries)


def test_listing_many_submissions_costs_the_queries_of_listing_one(phone, officer, tree):
    one = _surveyed(phone, tree, "Q1", surveys=1)
    four = _surveyed(phone, tree, "Q4", surveys=4)
    _listed(officer, one)  # the device token's first use updates its row once
    listed_one, queries_one = _listed(officer, one)
    listed_four, queries_four = _listed(officer, four)
    assert [len(s["missing_attachments"]) for s in listed_one] == [4]
    assert queries_four == queries_one


def test_each_submission_lists_exactly_its_own_missing_photos(phone, officer, tree):
    household = _surveyed(phone, tree, "Q3", surveys=3)
    listed, _queries = _listed(officer, household)
    # Newest first: the third survey has two photos complete, the first none; a partly
    # received photo is still missing.
    assert [s["missing_attachments"] for s in listed] == [
        ["roof.jpg", "water.jpg"],
        ["latrine.jpg", "roof.jpg", "water.jpg"],
        PHOTOS,
    ]
