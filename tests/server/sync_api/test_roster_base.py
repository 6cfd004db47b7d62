"""A survey removes only the members it started from (`roster_base`, issue 15 item 4)."""

import uuid

import pytest

from server.accounts.models import Role
from server.registry.models import Household, HouseholdChange, Member
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import household_payload, item, push, survey_item
from tests.server.sync_api.test_roster import FIVE, _row, _survey


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


def _household_of_five(phone, tree) -> tuple[uuid.UUID, list[Member]]:
    hid = uuid.uuid4()
    body = household_payload(tree.village1a.code, code="APP-2", head_name="Lò Văn Páo")
    push(phone, item("household_create", body, client_uuid=hid))
    first = survey_item(Household(pk=hid), _survey([_row(*m) for m in FIVE]))
    assert push(phone, first).json()["items"][0]["outcome"] == "accepted"
    return hid, list(Member.objects.current().filter(household_id=hid).order_by("birth_year"))


def _rows_of(members: list[Member], names: list[str]) -> list[dict]:
    """Roster rows for the named members, pre-filled from the registry like the app does."""
    spec = {m[0]: m for m in FIVE}
    by_name = {m.full_name: m for m in members}
    return [_row(*spec[name], member_id=str(by_name[name].pk)) for name in names]


def _base(members: list[Member]) -> list[dict]:
    return [{"member_id": str(m.pk), "revision": m.revision} for m in members]


def _current_names(hid: uuid.UUID) -> list[str]:
    current = Member.objects.current().filter(household_id=hid).order_by("birth_year")
    return list(current.values_list("full_name", flat=True))


def _member_added_since(phone, hid: uuid.UUID) -> None:
    payload = {
        "full_name": "Lò Thị Mới",
        "sex": "female",
        "birth_year": 2010,
        "relation": "grandchild",
        "ethnicity": "thai",
    }
    outcome = push(phone, item("member_create", payload, household_id=str(hid))).json()
    assert outcome["items"][0]["outcome"] == "accepted"


def test_a_member_added_after_the_survey_started_stays(phone, tree):
    hid, members = _household_of_five(phone, tree)
    base = _base(members)  # what the phone pulled when the second survey started
    _member_added_since(phone, hid)
    names = ["Lò Văn Páo", "Lò Thị Mai", "Lò Văn Pấng", "Lò Thị Xuân"]  # Ún moved out
    answers = {**_survey(_rows_of(members, names)), "roster_base": base}
    outcome = push(phone, survey_item(Household(pk=hid), answers)).json()["items"][0]
    assert (outcome["outcome"], outcome["errors"]) == ("accepted", [])
    assert _current_names(hid) == [*names, "Lò Thị Mới"]


def test_a_survey_without_a_base_still_removes_every_missing_member(phone, tree):
    hid, members = _household_of_five(phone, tree)
    _member_added_since(phone, hid)
    names = ["Lò Văn Páo", "Lò Thị Mai", "Lò Văn Pấng", "Lò Thị Xuân"]
    outcome = push(phone, survey_item(Household(pk=hid), _survey(_rows_of(members, names))))
    assert outcome.json()["items"][0]["outcome"] == "accepted"
    assert _current_names(hid) == names


def test_a_member_changed_since_the_base_revision_stays(phone, tree):
    hid, members = _household_of_five(phone, tree)
    base = _base(members)
    un = next(m for m in members if m.full_name == "Quàng Văn Ún")
    edit = item(
        "member_edit", {"citizen_id": "014190000123"}, target_id=str(un.pk), base_revision=1
    )
    assert push(phone, edit).json()["items"][0]["outcome"] == "accepted"
    names = ["Lò Văn Páo", "Lò Thị Mai", "Lò Văn Pấng", "Lò Thị Xuân"]
    answers = {**_survey(_rows_of(members, names)), "roster_base": base}
    assert push(phone, survey_item(Household(pk=hid), answers)).json()["items"][0]["outcome"] == (
        "accepted"
    )
    un.refresh_from_db()
    assert (un.removed_at, un.revision, un.citizen_id) == (None, 2, "014190000123")


def test_a_base_member_missing_from_the_roster_is_removed(phone, tree):
    hid, members = _household_of_five(phone, tree)
    names = ["Lò Văn Páo", "Lò Thị Mai", "Lò Văn Pấng"]
    answers = {**_survey(_rows_of(members, names)), "roster_base": _base(members)}
    assert push(phone, survey_item(Household(pk=hid), answers)).json()["items"][0]["outcome"] == (
        "accepted"
    )
    assert _current_names(hid) == ["Lò Văn Páo", "Lò Thị Mai", "Lò Văn Pấng"]


def test_a_malformed_base_is_refused_with_its_paths_and_changes_nothing(phone, tree):
    hid, members = _household_of_five(phone, tree)
    history = HouseholdChange.objects.count()
    revisions = list(Member.objects.order_by("pk").values_list("pk", "revision", "removed_at"))
    base = [
        {"member_id": "not-a-uuid", "revision": 1},
        {"member_id": str(members[0].pk), "revision": 0},
        {"member_id": str(members[1].pk), "colour": "red"},
        "x",
    ]
    answers = {**_survey(_rows_of(members, ["Lò Văn Páo"])), "roster_base": base}
    outcome = push(phone, survey_item(Household(pk=hid), answers)).json()["items"][0]
    assert outcome["outcome"] == "rejected"
    assert [(e["path"], e["code"]) for e in outcome["errors"]] == [
        ("items[0].payload.roster_base[0].member_id", "invalid_uuid"),
        ("items[0].payload.roster_base[1].revision", "out_of_range"),
        ("items[0].payload.roster_base[2].colour", "unknown_field"),
        ("items[0].payload.roster_base[3]", "wrong_type"),
    ]
    assert HouseholdChange.objects.count() == history
    assert list(Member.objects.order_by("pk").values_list("pk", "revision", "removed_at")) == (
        revisions
    )


def test_a_base_that_is_not_a_list_is_refused(phone, tree):
    hid, members = _household_of_five(phone, tree)
    answers = {**_survey(_rows_of(members, ["Lò Văn Páo"])), "roster_base": {"a": 1}}
    outcome = push(phone, survey_item(Household(pk=hid), answers)).json()["items"][0]
    assert [(e["path"], e["code"]) for e in outcome["errors"]] == [
        ("items[0].payload.roster_base", "wrong_type")
    ]
