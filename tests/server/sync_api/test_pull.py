"""Pull through HTTP: scoped, incremental, paged by server sequence numbers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.accounts.models import Role
from server.feed.models import FeedEntry
from server.registry.services import household_create, household_update
from server.submissions.models import ReviewStatus, Submission
from server.surveys.models import FormVersion
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import client_for, make_user
from tests.server.sync_api.helpers import pull


@pytest.fixture
def phone(personas):
    return client_for(personas[Role.VOLUNTEER])


def _all(client, cursor=None, limit=None):
    changes, pages = [], 0
    while True:
        body = pull(client, cursor, limit).json()
        changes += body["changes"]
        cursor, pages = body["next_cursor"], pages + 1
        if not body["has_more"]:
            return changes, cursor, pages


def test_the_first_pull_brings_the_area_and_nothing_outside_it(phone, household_in, household_out):
    changes, _cursor, _pages = _all(phone)
    kinds = sorted({(c["kind"], c["id"]) for c in changes})
    members = {str(m.pk) for m in household_in.members.all()}
    assert kinds == sorted([("household", str(household_in.pk))] + [("member", m) for m in members])
    assert str(household_out.pk) not in str(changes)
    household = next(c for c in changes if c["kind"] == "household")
    assert household["data"]["revision"] == 1
    assert household["data"]["village"] == "90001001"


def test_a_feed_entry_in_the_area_never_leaks_a_record_whose_household_is_outside(
    phone, household_in, household_out
):
    """Entries carry the scope they were written in; the record's household is checked
    again at read time, so a stale entry answers a tombstone, never the data."""
    member = household_out.members.get()
    inside = household_in.village.path
    _all_before, cursor, _pages = _all(phone)
    for kind, record in [("member", member.pk), ("household", household_out.pk)]:
        FeedEntry.objects.create(kind=kind, record_id=str(record), scope_path=inside)
    changes, _cursor, _pages = _all(phone, cursor)
    assert [(c["kind"], c["id"], c["data"]) for c in changes] == [
        ("tombstone", str(member.pk), {"of": "member", "reason": "deleted"}),
        ("tombstone", str(household_out.pk), {"of": "household", "reason": "deleted"}),
    ]
    assert "Trần Văn Bình" not in str(changes)


def test_a_pull_page_costs_the_same_queries_for_one_household_or_many(phone, tree):
    """Records are read per kind, not per row: a field read lazily would show here."""
    head = {"sex": "male", "birth_year": 1980, "relation": "head", "ethnicity": "tay"}
    for n in range(6):
        household_create(
            actor=None,
            village=tree.village1a,
            members=[{**head, "full_name": f"Người {n}"}],
            data={"code": f"Q{n}", "head_name": f"Người {n}"},
        )

    def queries_for(limit: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            body = pull(phone, limit=limit).json()
        assert {c["kind"] for c in body["changes"]} == {"household", "member"}
        return len(queries)

    pull(phone)  # the device's first request of the day also records when it was used
    assert queries_for(12) == queries_for(2)


def test_a_pull_with_nothing_new_is_empty_and_keeps_the_cursor(phone, household_in):
    _changes, cursor, _pages = _all(phone)
    body = pull(phone, cursor).json()
    assert body == {
        "protocol": 1,
        "changes": [],
        "next_cursor": cursor,
        "has_more": False,
        "reset": False,
    }


def test_an_incremental_pull_returns_only_what_changed(phone, household_in, tree):
    _changes, cursor, _pages = _all(phone)
    household_update(
        actor=None, household=household_in, base_revision=1, data={"address": "Bản Mới"}
    )
    changes, _cursor, _pages = _all(phone, cursor)
    assert [(c["kind"], c["data"]["address"], c["data"]["revision"]) for c in changes] == [
        ("household", "Bản Mới", 2)
    ]


def test_pages_follow_the_limit_and_never_repeat_a_record(phone, tree):
    for number in range(7):
        household_create(
            actor=None, village=tree.village1a, data={"code": f"P{number}", "head_name": "Hộ"}
        )
    changes, _cursor, pages = _all(phone, limit=3)
    ids = [c["id"] for c in changes]
    assert len(ids) == 7
    assert len(set(ids)) == 7
    assert pages == 3
    assert [c["seq"] for c in changes] == sorted(c["seq"] for c in changes)


def test_form_versions_reach_every_device(phone, tree):
    publish_shipped_forms()
    changes, _cursor, _pages = _all(phone)
    assert sorted(c["data"]["id"] for c in changes if c["kind"] == "form") == [
        "household_screening",
        "household_survey",
    ]


def test_a_returned_survey_reaches_the_volunteer_with_its_comment(phone, personas, household_in):
    publish_shipped_forms()
    version = FormVersion.objects.get(form_id="household_screening")
    submission = Submission.objects.create(
        id="0f6a1f7c-1d0e-4c55-8a38-7d4e2c3b1a99",
        household=household_in,
        form_version=version,
        payload={},
        payload_sha256="0" * 64,
    )
    _changes, cursor, _pages = _all(phone)
    officer = client_for(personas[Role.COMMUNE_OFFICER])
    response = officer.post(
        f"/api/v1/submissions/{submission.pk}/return/",
        {"comment": "Thiếu ảnh nhà vệ sinh"},
        format="json",
    )
    assert response.status_code == 200
    changes, _cursor, _pages = _all(phone, cursor)
    assert [(c["kind"], c["data"]["status"], c["data"]["comment"]) for c in changes] == [
        ("review", ReviewStatus.RETURNED, "Thiếu ảnh nhà vệ sinh")
    ]


def test_a_volunteer_cannot_return_a_survey(phone, household_in):
    publish_shipped_forms()
    version = FormVersion.objects.get(form_id="household_screening")
    submission = Submission.objects.create(
        id="1f6a1f7c-1d0e-4c55-8a38-7d4e2c3b1a99",
        household=household_in,
        form_version=version,
        payload={},
        payload_sha256="0" * 64,
    )
    response = phone.post(
        f"/api/v1/submissions/{submission.pk}/return/", {"comment": "x"}, format="json"
    )
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.review_status == ReviewStatus.PENDING


def test_a_change_of_area_resets_the_feed(personas, tree, household_in):
    user = make_user("mover", Role.VOLUNTEER, tree.village1b)
    client = client_for(user)
    _changes, cursor, _pages = _all(client)
    from server.accounts.models import UnitAssignment

    UnitAssignment.objects.create(user=user, unit=tree.village1a)
    body = pull(client, cursor).json()
    assert body["reset"] is True
    assert str(household_in.pk) in {c["id"] for c in body["changes"]}


def test_the_pull_needs_the_protocol_header(phone):
    response = phone.get("/api/v1/sync/pull")
    assert response.status_code == 400
    assert response.json()["error"]["issues"][0]["code"] == "protocol_missing"


def test_a_malformed_cursor_is_a_400(phone):
    response = pull(phone, "garbage!")
    assert response.status_code == 400
    assert response.json()["error"]["issues"][0]["path"] == "cursor"


def test_a_review_entry_lists_the_fields_the_reviewer_points_at(household_in):
    from server.sync_api.feed import review_data

    publish_shipped_forms()
    submission = Submission(
        id="2f6a1f7c-1d0e-4c55-8a38-7d4e2c3b1a99",
        household=household_in,
        form_version=FormVersion.objects.get(form_id="household_survey"),
        review_status=ReviewStatus.RETURNED,
        review_comment="Năm sinh sai",
    )
    assert review_data(submission)["fields"] == []
    submission.review_fields = ["members[1].birth_year", "photo_roof"]
    assert review_data(submission)["fields"] == ["members[1].birth_year", "photo_roof"]
