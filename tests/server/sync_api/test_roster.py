"""An accepted Phiếu B updates the household's roster in the registry (issue 11 item 3)."""

import copy
import uuid

import pytest

from server.accounts.models import Role
from server.registry.choices import ETHNICITY_CHOICES, Relation
from server.registry.models import Household, HouseholdChange, Member
from server.registry.services import roster_member_id
from server.surveys.services import publish_shipped_forms
from server.sync_api.roster import roster_repeat
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import (
    household_payload,
    item,
    pull,
    push,
    survey_answers,
    survey_item,
)


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


@pytest.fixture
def officer(personas):
    return client_for(personas[Role.COMMUNE_OFFICER])


def _row(name: str, relation: str, sex: str, year: int, **extra: object) -> dict:
    # An adult's or a child's answers from the conformance case, by age.
    base = survey_answers()["members"][1 if year < 2005 else 2]
    row = {**copy.deepcopy(base), "full_name": name, "relation": relation, "sex": sex}
    row.update({"birth_date_known": "year_only", "birth_year": year, "ethnicity": "thai"})
    row.pop("birth_date", None)
    row.update(extra)
    return row


FIVE = [
    ("Lò Văn Páo", "head", "male", 1975),
    ("Lò Thị Mai", "spouse", "female", 1978),
    ("Lò Văn Pấng", "child", "male", 1999),
    ("Lò Thị Xuân", "child", "female", 2001),
    ("Quàng Văn Ún", "non_relative", "male", 1990),
]


def _survey(members: list[dict]) -> dict:
    answers = survey_answers()
    answers["members"] = members
    return answers


def _new_household(phone, tree) -> uuid.UUID:
    hid = uuid.uuid4()
    body = household_payload(tree.village1a.code, code="APP-1", head_name="Lò Văn Páo")
    assert (
        push(phone, item("household_create", body, client_uuid=hid)).json()["items"][0]["outcome"]
        == "accepted"
    )
    return hid


def test_a_phone_created_household_with_five_members_arrives_with_five(phone, officer, tree):
    hid = _new_household(phone, tree)
    survey = survey_item(Household(pk=hid), _survey([_row(*m) for m in FIVE]))
    outcome = push(phone, survey).json()["items"][0]
    assert (outcome["outcome"], outcome["errors"]) == ("accepted", [])
    detail = officer.get(f"/api/v1/households/{hid}/").json()
    assert detail["member_count"] == 5
    assert [(m["full_name"], m["relation"], m["birth_year"]) for m in detail["members"]] == [
        ("Lò Văn Páo", "head", 1975),
        ("Lò Thị Mai", "spouse", 1978),
        ("Lò Văn Pấng", "child", 1999),
        ("Lò Thị Xuân", "child", 2001),
        ("Quàng Văn Ún", "other", 1990),
    ]
    seed = uuid.UUID(survey["client_uuid"])
    assert [m["id"] for m in detail["members"]] == [
        str(roster_member_id(seed, i)) for i in range(5)
    ]
    created = HouseholdChange.objects.filter(household_id=hid, entity="member")
    assert sorted(created.values_list("action", "source")) == [("created", "survey")] * 5


def test_phones_see_the_new_members_on_pull(phone, tree):
    hid = _new_household(phone, tree)
    push(phone, survey_item(Household(pk=hid), _survey([_row(*m) for m in FIVE])))
    changes = pull(phone).json()["changes"]
    members = [
        c for c in changes if c["kind"] == "member" and c["data"]["household_id"] == str(hid)
    ]
    assert sorted(c["data"]["full_name"] for c in members) == sorted(m[0] for m in FIVE)


def test_an_edited_roster_changes_exactly_what_changed(phone, officer, tree):
    hid = _new_household(phone, tree)
    push(phone, survey_item(Household(pk=hid), _survey([_row(*m) for m in FIVE])))
    members = officer.get(f"/api/v1/households/{hid}/").json()["members"]
    ids = [m["id"] for m in members]
    before = {m.pk: m.revision for m in Member.objects.filter(household_id=hid)}
    history_before = HouseholdChange.objects.count()
    rows = [_row(*m, member_id=ids[i]) for i, m in enumerate(FIVE)]
    rows[1]["full_name"] = "Lò Thị Mại"  # one changed name
    del rows[4]  # one removed
    rows.append(_row("Lò Văn Mới", "grandchild", "male", 2000))  # one added
    second = survey_item(Household(pk=hid), _survey(rows), client_uuid=uuid.uuid4())
    assert push(phone, second).json()["items"][0]["outcome"] == "accepted"

    new = HouseholdChange.objects.order_by("id")[history_before:]
    added = roster_member_id(uuid.UUID(second["client_uuid"]), 4)
    assert [(c.member_id, c.action, c.changes) for c in new] == [
        (uuid.UUID(ids[1]), "updated", {"full_name": ["Lò Thị Mai", "Lò Thị Mại"]}),
        (added, "created", _created_changes()),
        (uuid.UUID(ids[4]), "removed", {"removed": [False, True]}),
    ]
    after = {m.pk: m.revision for m in Member.objects.filter(household_id=hid)}
    assert after == {**before, uuid.UUID(ids[1]): 2, uuid.UUID(ids[4]): 2, added: 1}
    detail = officer.get(f"/api/v1/households/{hid}/").json()
    assert detail["member_count"] == 5
    assert [m["full_name"] for m in detail["members"]] == [
        "Lò Văn Páo",
        "Lò Thị Mại",
        "Lò Văn Pấng",
        "Lò Thị Xuân",
        "Lò Văn Mới",
    ]


def _created_changes() -> dict:
    return {
        "full_name": [None, "Lò Văn Mới"],
        "sex": [None, "male"],
        "birth_date": [None, None],
        "birth_year": [None, 2000],
        "relation": [None, "grandchild"],
        "ethnicity": [None, "thai"],
        "citizen_id": [None, None],
    }


def test_resending_the_same_survey_changes_nothing(phone, tree):
    hid = _new_household(phone, tree)
    survey = survey_item(Household(pk=hid), _survey([_row(*m) for m in FIVE]))
    push(phone, survey)
    members = list(Member.objects.order_by("pk").values_list("pk", "revision", "removed_at"))
    history = HouseholdChange.objects.count()
    assert push(phone, survey).json()["items"][0]["outcome"] == "duplicate"
    assert list(Member.objects.order_by("pk").values_list("pk", "revision", "removed_at")) == (
        members
    )
    assert HouseholdChange.objects.count() == history


def test_an_unchanged_roster_writes_no_history(phone, officer, household_in):
    members = officer.get(f"/api/v1/households/{household_in.pk}/").json()["members"]
    rows = [
        _row(m["full_name"], m["relation"], m["sex"], m["birth_year"], ethnicity=m["ethnicity"])
        for m in members
    ]
    for row, m in zip(rows, members, strict=True):
        row["member_id"] = m["id"]
        if m["birth_date"]:
            row.update(birth_date_known="date", birth_date=m["birth_date"])
            del row["birth_year"]
    history = HouseholdChange.objects.count()
    outcome = push(phone, survey_item(household_in, _survey(rows))).json()["items"][0]
    assert (outcome["outcome"], outcome["errors"]) == ("accepted", [])
    assert HouseholdChange.objects.count() == history


def test_a_member_id_from_another_household_adds_a_new_member_and_leaves_that_one_alone(
    phone, household_in, household_out
):
    foreign = household_out.members.get()
    rows = [_row("Lò Văn Páo", "head", "male", 1975, member_id=str(foreign.pk))]
    survey = survey_item(household_in, _survey(rows))
    assert push(phone, survey).json()["items"][0]["outcome"] == "accepted"
    foreign.refresh_from_db()
    assert (foreign.household_id, foreign.full_name, foreign.revision) == (
        household_out.pk,
        "Trần Văn Bình",
        1,
    )
    current = Member.objects.current().filter(household=household_in)
    assert list(current.values_list("pk", "full_name")) == [
        (roster_member_id(uuid.UUID(survey["client_uuid"]), 0), "Lò Văn Páo")
    ]


def test_a_repeated_member_id_is_refused_and_stores_nothing(phone, household_in):
    member = household_in.members.first()
    rows = [
        _row("Lò Văn Páo", "head", "male", 1975, member_id=str(member.pk)),
        _row("Lò Thị Mai", "spouse", "female", 1978, member_id=str(member.pk)),
    ]
    history = HouseholdChange.objects.count()
    outcome = push(phone, survey_item(household_in, _survey(rows))).json()["items"][0]
    assert outcome["outcome"] == "rejected"
    assert [(e["path"], e["code"]) for e in outcome["errors"]] == [
        ("items[0].payload.members[1].member_id", "duplicate_member_id")
    ]
    assert HouseholdChange.objects.count() == history


def test_the_form_and_registry_code_lists_agree_through_one_mapping():
    from forms.shipped import iter_shipped_definitions
    from server.registry.choices import relation_from_form

    form = next(f for f in iter_shipped_definitions() if f.id == "household_survey")
    repeat = form.question(roster_repeat(form))
    lists = {child.id: child.choice_list for child in repeat.members() if child.choice_list}
    relations = {relation_from_form(code) for code in lists["relation"].values()}
    assert relations == set(Relation.values)
    assert len(relations) == len(lists["relation"].values())
    assert set(lists["ethnicity"].values()) == {code for code, _label in ETHNICITY_CHOICES}
