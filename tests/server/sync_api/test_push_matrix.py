"""Role × sync item kind × inside/outside the area: the push path of the scoping matrix.

Extends tests/server/registry/test_scoping_matrix.py (the REST side) to
/api/v1/sync/push: the same roles may write, the same areas are reachable, and an
out-of-area target answers exactly like a missing one. A refusal stores nothing.
"""

import uuid

import pytest

from server.registry.models import Household, HouseholdChange, Member
from server.submissions.models import Submission
from server.surveys.services import publish_shipped_forms
from server.sync_api.models import ConflictCopy, Receipt
from tests.server.conftest import client_for
from tests.server.registry.test_scoping_matrix import EDITORS, ROLES
from tests.server.sync_api.helpers import household_payload, item, push, survey_item

KINDS = ["household_create", "member_create", "household_edit", "member_edit", "submission"]
NEW_MEMBER = {
    "full_name": "Lê Văn Mới",
    "sex": "male",
    "birth_year": 2001,
    "relation": "child",
    "ethnicity": "tay",
}


@pytest.fixture(autouse=True)
def _forms(db):
    publish_shipped_forms()


def _snapshot() -> tuple:
    return (
        tuple(Household.objects.order_by("pk").values_list("pk", "revision", "address")),
        tuple(Member.objects.order_by("pk").values_list("pk", "revision", "full_name")),
        HouseholdChange.objects.count(),
        Receipt.objects.count(),
        Submission.objects.count(),
        ConflictCopy.objects.count(),
        tuple(Household.objects.order_by("pk").values_list("pk", "flagged_for_review")),
    )


def _item(kind: str, household: Household, village: str) -> dict:
    member = household.members.order_by("created_at", "pk").last()
    return {
        "household_create": lambda: item("household_create", household_payload(village, "HD777")),
        "member_create": lambda: item("member_create", NEW_MEMBER, household_id=str(household.pk)),
        "household_edit": lambda: item(
            "household_edit",
            {"address": "Đổi địa chỉ"},
            target_id=str(household.pk),
            base_revision=household.revision,
        ),
        "member_edit": lambda: item(
            "member_edit",
            {"full_name": "Tên Mới"},
            target_id=str(member.pk),
            base_revision=member.revision,
        ),
        "submission": lambda: survey_item(household),
    }[kind]()


def _answer(response) -> tuple:
    outcome = response.json()["items"][0]
    return outcome["outcome"], [(e["path"], e["code"]) for e in outcome["errors"]]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_pushes_outside_the_area_are_refused_and_change_nothing(
    role, kind, personas, tree, household_in, household_out
):
    phone = client_for(personas[role])
    before = _snapshot()
    answer = _answer(push(phone, _item(kind, household_out, tree.village2a.code)))
    assert _snapshot() == before
    if kind == "household_create":
        expected_code = "does_not_exist" if role in EDITORS else "permission_denied"
        assert answer[0] == "rejected"
        assert answer[1][0][1] == expected_code
        return
    missing = Household(pk=uuid.uuid4(), revision=1)
    if kind == "member_edit":
        absent = item(
            "member_edit", {"full_name": "Tên Mới"}, target_id=str(uuid.uuid4()), base_revision=1
        )
    elif kind == "submission":
        absent = survey_item(missing)
    else:
        absent = (
            _item(kind, missing, tree.village2a.code)
            if kind != "member_create"
            else item("member_create", NEW_MEMBER, household_id=str(missing.pk))
        )
    assert answer == _answer(push(phone, absent)), "outside must answer like missing"
    assert answer[0] == "rejected"
    assert answer[1][0][1] == "target_not_found"
    assert _snapshot() == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", sorted(set(ROLES) - EDITORS))
def test_roles_without_edit_rights_are_refused_inside_the_area_and_change_nothing(
    role, kind, personas, tree, household_in
):
    phone = client_for(personas[role])
    before = _snapshot()
    answer = _answer(push(phone, _item(kind, household_in, tree.village1a.code)))
    assert answer == ("rejected", [("items[0].kind", "permission_denied")])
    assert _snapshot() == before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", sorted(EDITORS))
def test_editors_push_every_kind_inside_the_area(role, kind, personas, tree, household_in):
    phone = client_for(personas[role])
    outcome, errors = _answer(push(phone, _item(kind, household_in, tree.village1a.code)))
    assert (outcome, errors) == ("accepted", [])
