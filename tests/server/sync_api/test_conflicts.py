"""Reviewers settle the conflicts sync keeps: apply the phone's version on the current
revision, or keep the server's; once, with who and why, and only inside their area."""

import uuid

import pytest

from server.accounts.models import Role
from server.feed.models import FeedEntry
from server.registry.models import Household, HouseholdChange, Member
from server.sync_api.models import ConflictCopy
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import item, push

CONFLICTS = "/api/v1/conflicts/"


@pytest.fixture
def phone(personas):
    return client_for(personas[Role.VOLUNTEER])


@pytest.fixture
def officer(personas):
    return client_for(personas[Role.COMMUNE_OFFICER])


def _edit(household, payload, base=1):
    return item("household_edit", payload, target_id=str(household.pk), base_revision=base)


@pytest.fixture
def stale_edit(phone, household_in) -> ConflictCopy:
    """Two phones edit the household from revision 1; the second is kept as a conflict."""
    response = push(
        phone,
        _edit(household_in, {"address": "Bản Một"}),
        _edit(household_in, {"address": "Bản Hai"}),
    )
    assert [o["outcome"] for o in response.json()["items"]] == ["accepted", "conflict"]
    return ConflictCopy.objects.get()


@pytest.fixture
def conflict_out(household_out) -> ConflictCopy:
    Household.objects.filter(pk=household_out.pk).update(
        flagged_for_review=True, flag_reason="sync_stale_base_revision"
    )
    return _kept_edit(household_out, {"address": "Ngoài vùng"})


def _kept_edit(household, payload) -> ConflictCopy:
    """A household edit kept as a stale-base conflict, as store.keep_conflict writes it."""
    return ConflictCopy.objects.create(
        client_uuid=uuid.uuid4(),
        payload_sha256=uuid.uuid4().hex * 2,
        kind="household_edit",
        reason="stale_base_revision",
        target_id=household.pk,
        household=household,
        payload=payload,
        server_revision=1,
    )


def _resolve(client, conflict, **body):
    return client.post(f"{CONFLICTS}{conflict.pk}/resolve/", body, format="json")


def _state(household, conflict):
    household.refresh_from_db()
    conflict.refresh_from_db()
    return (
        household.address,
        household.revision,
        household.flagged_for_review,
        conflict.resolution,
        conflict.resolved_at,
        HouseholdChange.objects.filter(household=household).count(),
    )


def test_the_open_conflicts_of_the_area_are_listed_oldest_first(
    officer, stale_edit, conflict_out, household_in
):
    body = officer.get(CONFLICTS).json()
    assert body["count"] == 1
    [row] = body["results"]
    assert (row["id"], row["household"], row["household_code"], row["kind"], row["reason"]) == (
        stale_edit.pk,
        str(household_in.pk),
        "HD001",
        "household_edit",
        "stale_base_revision",
    )
    assert row["payload"] == {"address": "Bản Hai"}
    assert row["device"] == "phone of volunteer"
    assert row["resolution"] == ""


def test_a_conflict_shows_the_servers_current_values_beside_the_incoming_ones(
    officer, stale_edit, household_in
):
    body = officer.get(f"{CONFLICTS}{stale_edit.pk}/").json()
    assert body["payload"] == {"address": "Bản Hai"}
    assert body["current"] == {
        "entity": "household",
        "id": str(household_in.pk),
        "revision": 2,
        "values": {"address": "Bản Một"},
    }


def test_applying_the_incoming_version_edits_the_current_revision_with_history(
    personas, officer, stale_edit, household_in
):
    feed_before = FeedEntry.objects.count()
    response = _resolve(officer, stale_edit, resolution="applied", note="Đã xác minh", revision=2)
    assert response.status_code == 200, response.content
    assert response.json()["resolution"] == "applied"
    assert response.json()["resolved_by"] == "officer"
    assert response.json()["current"]["revision"] == 3
    address, revision, flagged, resolution, resolved_at, changes = _state(household_in, stale_edit)
    assert (address, revision, flagged, resolution) == ("Bản Hai", 3, False, "applied")
    assert resolved_at is not None
    edit, unflag = HouseholdChange.objects.filter(household=household_in).order_by("-pk")[:2][::-1]
    assert (edit.source, edit.actor, edit.changes) == (
        "conflict",
        personas[Role.COMMUNE_OFFICER],
        {"address": ["Bản Một", "Bản Hai"]},
    )
    assert (unflag.source, unflag.actor, unflag.changes) == (
        "conflict",
        personas[Role.COMMUNE_OFFICER],
        {"flagged_for_review": [True, False], "flag_reason": ["sync_stale_base_revision", ""]},
    )
    assert stale_edit.resolution_note == "Đã xác minh"
    assert FeedEntry.objects.count() > feed_before


def test_keeping_the_servers_version_changes_no_field_and_clears_the_flag_with_history(
    officer, stale_edit, household_in
):
    before = _state(household_in, stale_edit)
    response = _resolve(officer, stale_edit, resolution="dismissed", note="Bản Một là đúng")
    assert response.status_code == 200
    address, revision, flagged, resolution, resolved_at, changes = _state(household_in, stale_edit)
    assert (address, revision, changes) == (before[0], before[1], before[5] + 1)
    assert (flagged, resolution) == (False, "dismissed")
    unflag = HouseholdChange.objects.filter(household=household_in).latest("pk")
    assert (unflag.source, unflag.changes) == (
        "conflict",
        {"flagged_for_review": [True, False], "flag_reason": ["sync_stale_base_revision", ""]},
    )
    assert ConflictCopy.objects.get().payload == {"address": "Bản Hai"}


def test_applying_on_a_revision_that_moved_on_is_409_and_changes_nothing(
    officer, stale_edit, household_in
):
    before = _state(household_in, stale_edit)
    response = _resolve(officer, stale_edit, resolution="applied", note="x", revision=1)
    assert response.status_code == 409
    assert response.json()["current_revision"] == 2
    assert _state(household_in, stale_edit) == before


def test_a_retried_resolve_is_answered_as_the_first_and_changes_nothing(
    officer, stale_edit, household_in
):
    first = _resolve(officer, stale_edit, resolution="applied", note="Đã xác minh", revision=2)
    after_first = _state(household_in, stale_edit)
    again = _resolve(officer, stale_edit, resolution="applied", note="Đã xác minh", revision=2)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert _state(household_in, stale_edit) == after_first


def test_a_conflict_is_settled_once(officer, stale_edit, household_in):
    _resolve(officer, stale_edit, resolution="dismissed", note="Giữ bản máy chủ")
    after_first = _state(household_in, stale_edit)
    response = _resolve(officer, stale_edit, resolution="applied", note="x", revision=2)
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "resolution"
    assert response.json()["errors"][0]["code"] == "already_resolved"
    assert response.json()["errors"][0]["message"] == "Xung đột này đã được xử lý."
    assert _state(household_in, stale_edit) == after_first


def test_the_flag_stays_while_another_conflict_of_the_household_is_open(
    phone, officer, stale_edit, household_in
):
    push(phone, _edit(household_in, {"address": "Bản Ba"}))
    assert ConflictCopy.objects.filter(resolved_at__isnull=True).count() == 2
    _resolve(officer, stale_edit, resolution="dismissed", note="x")
    household_in.refresh_from_db()
    assert household_in.flagged_for_review is True


def test_a_flag_from_the_photo_checks_is_not_cleared_by_settling_a_conflict(
    officer, stale_edit, household_in
):
    Household.objects.filter(pk=household_in.pk).update(flag_reason="photo_reused")
    _resolve(officer, stale_edit, resolution="dismissed", note="x")
    household_in.refresh_from_db()
    assert (household_in.flagged_for_review, household_in.flag_reason) == (True, "photo_reused")


def test_a_kept_member_edit_is_applied_to_the_member(phone, officer, household_in):
    member = Member.objects.get(household=household_in, relation="child")
    first = item(
        "member_edit",
        {"full_name": "Nguyễn Thị Bích Ngọc"},
        target_id=str(member.pk),
        base_revision=1,
    )
    second = item(
        "member_edit", {"full_name": "Nguyễn Bích"}, target_id=str(member.pk), base_revision=1
    )
    push(phone, first, second)
    conflict = ConflictCopy.objects.get()
    response = _resolve(officer, conflict, resolution="applied", note="x", revision=2)
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert (member.full_name, member.revision) == ("Nguyễn Bích", 3)


def test_a_survey_sent_twice_with_different_answers_cannot_be_applied(officer, household_in):
    conflict = ConflictCopy.objects.create(
        client_uuid=uuid.uuid4(),
        payload_sha256="1" * 64,
        kind="submission",
        reason="different_payload",
        household=household_in,
        payload={"living_area": "40"},
    )
    response = _resolve(officer, conflict, resolution="applied", note="x", revision=1)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "not_appliable"
    conflict.refresh_from_db()
    assert conflict.resolved_at is None


def test_an_incoming_value_that_no_longer_validates_is_refused_with_its_path(officer, household_in):
    conflict = _kept_edit(household_in, {"latitude": "48.85", "longitude": "2.35"})
    response = _resolve(officer, conflict, resolution="applied", note="x", revision=1)
    assert response.status_code == 400
    paths = {e["path"] for e in response.json()["errors"]}
    assert paths == {"payload.latitude", "payload.longitude"}
    conflict.refresh_from_db()
    household_in.refresh_from_db()
    assert (conflict.resolved_at, household_in.latitude) == (None, None)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"resolution": "merge", "note": "x"}, "resolution"),
        ({"resolution": "dismissed"}, "note"),
        ({"resolution": "dismissed", "note": "x" * 2001}, "note"),
        ({"resolution": "applied", "note": "x"}, "revision"),
        ({"resolution": "applied", "note": "x", "revision": "hai"}, "revision"),
    ],
)
def test_a_bad_resolve_request_is_400_with_the_field_path_and_changes_nothing(
    officer, stale_edit, household_in, body, path
):
    before = _state(household_in, stale_edit)
    response = officer.post(f"{CONFLICTS}{stale_edit.pk}/resolve/", body, format="json")
    assert response.status_code == 400
    assert path in {e["path"] for e in response.json()["errors"]}
    assert _state(household_in, stale_edit) == before


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.VOLUNTEER, False),
        (Role.COMMUNE_OFFICER, True),
        (Role.DISTRICT_REVIEWER, True),
        (Role.PROVINCE_ADMIN, True),
        (Role.SUPPORT_STAFF, False),
    ],
)
def test_only_reviewing_roles_see_and_settle_conflicts(
    personas, stale_edit, household_in, role, allowed
):
    client = client_for(personas[role])
    before = _state(household_in, stale_edit)
    listed = client.get(CONFLICTS)
    detail = client.get(f"{CONFLICTS}{stale_edit.pk}/")
    assert (listed.status_code, detail.status_code) == ((200, 200) if allowed else (403, 403))
    response = _resolve(client, stale_edit, resolution="dismissed", note="x")
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert _state(household_in, stale_edit) == before


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.DISTRICT_REVIEWER, Role.VOLUNTEER])
def test_a_conflict_outside_the_area_answers_404_like_a_missing_one(
    personas, conflict_out, household_out, role
):
    client = client_for(personas[role])
    before = _state(household_out, conflict_out)
    assert client.get(f"{CONFLICTS}{conflict_out.pk}/").status_code == 404
    assert client.get(f"{CONFLICTS}999999/").status_code == 404
    response = _resolve(client, conflict_out, resolution="dismissed", note="x")
    assert response.status_code == 404
    assert _state(household_out, conflict_out) == before


def test_a_kept_payload_shows_current_values_only_for_editable_fields(officer, household_in):
    payload = {"address": "Bản Hai", "_state": 1, "save": 2, "search_text": "x"}
    conflict = _kept_edit(household_in, payload)
    response = officer.get(f"{CONFLICTS}{conflict.pk}/")
    assert response.status_code == 200
    assert response.json()["current"]["values"] == {"address": "Thôn Nà Pò"}


def test_citizen_ids_in_a_kept_member_edit_are_masked_for_a_district_reviewer(
    personas, phone, household_in
):
    member = Member.objects.get(household=household_in, relation="head")
    first = item(
        "member_edit", {"citizen_id": "001080099999"}, target_id=str(member.pk), base_revision=1
    )
    second = item(
        "member_edit", {"citizen_id": "001080077777"}, target_id=str(member.pk), base_revision=1
    )
    push(phone, first, second)
    conflict = ConflictCopy.objects.get()
    reviewer = client_for(personas[Role.DISTRICT_REVIEWER])
    body = reviewer.get(f"{CONFLICTS}{conflict.pk}/").json()
    assert body["payload"] == {"citizen_id": "********7777"}
    assert body["current"]["values"] == {"citizen_id": "********9999"}
    officer = client_for(personas[Role.COMMUNE_OFFICER])
    assert officer.get(f"{CONFLICTS}{conflict.pk}/").json()["payload"] == {
        "citizen_id": "001080077777"
    }
