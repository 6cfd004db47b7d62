"""Every edge that shows a citizen ID applies the same rule (`access.citizen_id_for`).

The REST household, the phone's pull feed and a kept conflict's payload show one member's
ID whole to the same roles and masked to the same others.
"""

import pytest

from server.accounts.models import Role
from server.registry.models import Member
from server.sync_api.models import ConflictCopy
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import item, pull, push


def _rest(client, household) -> str:
    body = client.get(f"/api/v1/households/{household.pk}/").json()
    [head] = [m for m in body["members"] if m["relation"] == "head"]
    return head["citizen_id"]


def _pulled(client, member) -> str:
    changes = pull(client, limit=500).json()["changes"]
    [change] = [c for c in changes if c["kind"] == "member" and c["id"] == str(member.pk)]
    return change["data"]["citizen_id"]


def _kept(client, conflict) -> dict:
    body = client.get(f"/api/v1/conflicts/{conflict.pk}/").json()
    return {"payload": body["payload"], "current": body["current"]["values"]}


@pytest.mark.parametrize(
    ("role", "whole"),
    [
        (Role.COMMUNE_OFFICER, True),
        (Role.PROVINCE_ADMIN, True),
        (Role.VOLUNTEER, False),
        (Role.DISTRICT_REVIEWER, False),
        (Role.SUPPORT_STAFF, False),
    ],
)
def test_rest_and_pull_show_a_members_citizen_id_by_the_same_rule(
    personas, household_in, role, whole
):
    head = Member.objects.get(household=household_in, relation="head")
    client = client_for(personas[role])
    shown = "001080012345" if whole else "********2345"
    assert (_rest(client, household_in), _pulled(client, head)) == (shown, shown)


@pytest.mark.parametrize(
    ("role", "whole"), [(Role.COMMUNE_OFFICER, True), (Role.DISTRICT_REVIEWER, False)]
)
def test_a_kept_conflict_shows_citizen_ids_by_the_same_rule(personas, household_in, role, whole):
    head = Member.objects.get(household=household_in, relation="head")
    edits = [
        item("member_edit", {"citizen_id": cid}, target_id=str(head.pk), base_revision=1)
        for cid in ("001080099999", "001080077777")
    ]
    push(client_for(personas[Role.VOLUNTEER]), *edits)
    shown = _kept(client_for(personas[role]), ConflictCopy.objects.get())
    if whole:
        assert shown == {
            "payload": {"citizen_id": "001080077777"},
            "current": {"citizen_id": "001080099999"},
        }
    else:
        assert shown == {
            "payload": {"citizen_id": "********7777"},
            "current": {"citizen_id": "********9999"},
        }
