"""One current head per household, held by the database (`member_one_head`), refused on
every path with the same field error; a roster that swaps heads goes through."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from server.accounts.models import Role
from server.common.errors import DomainValidationError, render
from server.registry.models import Household, HouseholdChange, Member
from server.registry.services import household_create, member_remove
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import CHILD, HEAD, client_for
from tests.server.sync_api.helpers import item, push, survey_item
from tests.server.sync_api.test_roster import FIVE, _new_household, _row, _survey

SECOND_HEAD = {"full_name": "Lò Văn Hai", "sex": "male", "birth_year": 1970, "relation": "head",
               "ethnicity": "thai"}  # fmt: skip
DUPLICATE_HEAD = {"path": "relation", "code": "duplicate_head",
                  "message": "The household already has a head."}  # fmt: skip


@pytest.fixture
def officer(personas):
    return client_for(personas[Role.COMMUNE_OFFICER])


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


def _stored() -> tuple:
    return (
        Household.objects.count(),
        tuple(Member.objects.order_by("pk").values_list("pk", "relation", "revision")),
        HouseholdChange.objects.count(),
    )


def _heads(household_id) -> list[str]:
    current = Member.objects.current().filter(household_id=household_id, relation="head")
    return list(current.values_list("full_name", flat=True))


def test_the_database_refuses_a_second_current_head(household_in):
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.create(household=household_in, name_folded="x", **SECOND_HEAD)
    assert _heads(household_in.pk) == ["Nguyễn Văn A"]


def test_a_removed_head_does_not_count(household_in):
    head = Member.objects.get(household=household_in, relation="head")
    member_remove(actor=None, member=head, base_revision=head.revision)
    Member.objects.create(household=household_in, name_folded="x", **SECOND_HEAD)
    assert _heads(household_in.pk) == ["Lò Văn Hai"]


def test_the_service_refuses_two_heads_at_the_roster_index_and_stores_nothing(tree):
    before = _stored()
    with pytest.raises(DomainValidationError) as refused:
        household_create(
            actor=None,
            village=tree.village1a,
            data={"code": "HD300", "head_name": "Nguyễn Văn A"},
            members=[HEAD, CHILD, SECOND_HEAD],
        )
    assert [(e.path, e.code, render(e.message, "en"), render(e.message, "vi")) for e in
            refused.value.errors] == [
        ("members[2].relation", "duplicate_head", "The household already has a head.",
         "Hộ đã có chủ hộ."),
    ]  # fmt: skip
    assert _stored() == before


def test_rest_create_with_two_heads_is_refused(officer, tree):
    body = {"code": "HD300", "head_name": "Lò Văn Páo", "village": tree.village1a.code,
            "members": [SECOND_HEAD, {**SECOND_HEAD, "full_name": "Lò Văn Ba"}]}  # fmt: skip
    before = _stored()
    response = officer.post("/api/v1/households/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == [{**DUPLICATE_HEAD, "path": "members[1].relation"}]
    assert _stored() == before


def test_rest_member_add_of_a_second_head_is_refused(officer, household_in):
    before = _stored()
    response = officer.post(
        f"/api/v1/households/{household_in.pk}/members/",
        SECOND_HEAD,
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [DUPLICATE_HEAD]
    assert _stored() == before


def test_rest_member_edit_promoting_a_second_head_is_refused(officer, household_in):
    child = Member.objects.get(household=household_in, relation="child")
    before = _stored()
    response = officer.patch(
        f"/api/v1/members/{child.pk}/",
        {"relation": "head", "revision": child.revision},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [DUPLICATE_HEAD]
    assert _stored() == before


def test_rest_member_edit_keeping_the_head_a_head_is_accepted(officer, household_in):
    head = Member.objects.get(household=household_in, relation="head")
    response = officer.patch(
        f"/api/v1/members/{head.pk}/",
        {"relation": "head", "full_name": "Nguyễn Văn Á", "revision": head.revision},
        format="json",
    )
    assert response.status_code == 200
    assert _heads(household_in.pk) == ["Nguyễn Văn Á"]


def test_a_pushed_edit_promoting_a_second_head_is_refused(phone, household_in):
    child = Member.objects.get(household=household_in, relation="child")
    edit = item("member_edit", {"relation": "head"}, target_id=str(child.pk), base_revision=1)
    before = _stored()
    outcome = push(phone, edit).json()["items"][0]
    assert outcome["outcome"] == "rejected"
    assert [(e["path"], e["code"], e["message_vi"], e["message_en"]) for e in outcome["errors"]] == [
        ("items[0].payload.relation", "duplicate_head", "Hộ đã có chủ hộ.",
         "The household already has a head."),
    ]  # fmt: skip
    assert _stored() == before


def _surveyed(phone, tree) -> tuple[uuid.UUID, list[str]]:
    """A phone-created household whose survey listed FIVE; their member ids in order."""
    hid = _new_household(phone, tree)
    survey = survey_item(Household(pk=hid), _survey([_row(*m) for m in FIVE]))
    assert push(phone, survey).json()["items"][0]["outcome"] == "accepted"
    ids = [str(pk) for pk in Member.objects.current().filter(household_id=hid)
           .order_by("created_at", "id").values_list("pk", flat=True)]  # fmt: skip
    return hid, ids


def test_a_roster_that_swaps_the_head_and_the_spouse_is_accepted(phone, tree):
    hid, ids = _surveyed(phone, tree)
    rows = [_row(*m, member_id=ids[i]) for i, m in enumerate(FIVE)]
    rows[0]["relation"], rows[1]["relation"] = "spouse", "head"
    outcome = push(phone, survey_item(Household(pk=hid), _survey(rows))).json()["items"][0]
    assert (outcome["outcome"], outcome["errors"]) == ("accepted", [])
    assert _heads(hid) == ["Lò Thị Mai"]
    assert Household.objects.get(pk=hid).head_name == "Lò Thị Mai"
    assert Member.objects.get(pk=ids[0]).relation == "spouse"


def test_a_roster_that_drops_the_head_for_a_new_one_is_accepted(phone, tree):
    hid, ids = _surveyed(phone, tree)
    rows = [_row("Lò Văn Mới", "head", "male", 1980)]
    rows += [_row(*m, member_id=ids[i]) for i, m in enumerate(FIVE) if i > 0]
    outcome = push(phone, survey_item(Household(pk=hid), _survey(rows))).json()["items"][0]
    assert (outcome["outcome"], outcome["errors"]) == ("accepted", [])
    assert _heads(hid) == ["Lò Văn Mới"]
    assert Member.objects.get(pk=ids[0]).removed_at is not None
