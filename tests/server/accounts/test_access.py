"""The one access module: case-exact scoping on every database, and the role policy."""

import pytest
from django.http import Http404

from server.accounts import access, policy
from server.accounts.access import Action
from server.accounts.models import Role
from server.common.errors import PermissionRefused
from server.registry.models import Household, Unit
from server.registry.services import household_create, unit_create
from tests.server.conftest import client_for, make_user


@pytest.fixture
def twin_villages(tree):
    """Two villages whose codes differ only by case, each with one household."""
    lower = unit_create(code="PRB-a", name="Bản a", level="village", parent=tree.commune1)
    upper = unit_create(code="PRB-A", name="Bản A", level="village", parent=tree.commune1)
    households = {
        unit.code: household_create(
            actor=None, village=unit, data={"code": f"H-{unit.code}", "head_name": "Lý Văn Sử"}
        )
        for unit in (lower, upper)
    }
    return lower, upper, households


def test_a_user_of_a_lowercase_village_does_not_read_its_uppercase_twin(twin_villages):
    lower, upper, households = twin_villages
    volunteer = make_user("vol-a", Role.VOLUNTEER, lower)
    assert list(access.visible_units(volunteer).values_list("code", flat=True)) == ["PRB-a"]
    assert list(access.visible_households(volunteer)) == [households["PRB-a"]]
    client = client_for(volunteer)
    listed = client.get("/api/v1/households/").json()["results"]
    assert [row["code"] for row in listed] == ["H-PRB-a"]
    assert client.get(f"/api/v1/households/{households['PRB-A'].pk}/").status_code == 404
    assert client.get("/api/v1/units/PRB-A/").status_code == 404


def test_the_unit_filter_of_the_household_list_is_case_exact(twin_villages):
    lower, _upper, _households = twin_villages
    officer = make_user("officer-a", Role.COMMUNE_OFFICER, lower.parent)
    client = client_for(officer)
    rows = client.get("/api/v1/households/", {"unit": "PRB-a"}).json()["results"]
    assert [row["code"] for row in rows] == ["H-PRB-a"]


def test_a_path_prefix_without_its_separator_does_not_match_a_sibling(tree):
    """Village 9000100 must not reach 90001001 just because one code starts the other."""
    short = unit_create(code="9000100", name="Thôn Ngắn", level="village", parent=tree.commune1)
    volunteer = make_user("vol-short", Role.VOLUNTEER, short)
    assert list(access.visible_units(volunteer).values_list("code", flat=True)) == ["9000100"]


def test_moving_a_unit_rewrites_only_its_own_subtree_not_a_case_twin(twin_villages, tree):
    from server.registry.importers import unit_move

    lower, upper, _households = twin_villages
    unit_move(unit=lower, parent=tree.commune1)  # same parent: paths must stay exactly as they were
    assert Unit.objects.get(pk=upper.pk).path == "90/90-D1/90001/PRB-A/"
    assert Unit.objects.get(pk=lower.pk).path == "90/90-D1/90001/PRB-a/"


def test_covers_agrees_with_the_querysets_for_loaded_records(twin_villages):
    lower, upper, households = twin_villages
    volunteer = make_user("vol-a2", Role.VOLUNTEER, lower)
    assert access.covers(volunteer, households["PRB-a"]) is True
    assert access.covers(volunteer, households["PRB-A"]) is False
    assert access.covers(volunteer, upper) is False
    member = households["PRB-a"].members.first()
    assert member is None  # no roster: a household-less object has no area
    assert access.covers(volunteer, object()) is False


def test_require_answers_404_outside_the_area_before_judging_the_role(personas, household_out):
    support = personas[Role.SUPPORT_STAFF]
    with pytest.raises(Http404):
        access.require(support, Action.EDIT_HOUSEHOLDS, household_out)


def test_require_answers_403_inside_the_area_for_a_role_without_the_grant(personas, household_in):
    with pytest.raises(PermissionRefused):
        access.require(personas[Role.DISTRICT_REVIEWER], Action.EDIT_HOUSEHOLDS, household_in)
    access.require(personas[Role.VOLUNTEER], Action.EDIT_HOUSEHOLDS, household_in)


@pytest.mark.parametrize(
    ("role", "granted"),
    [
        (Role.VOLUNTEER, {"edit_households"}),
        (
            Role.COMMUNE_OFFICER,
            {"edit_households", "read_citizen_id", "review", "decide", "support"},
        ),
        (Role.DISTRICT_REVIEWER, {"review"}),
        (
            Role.PROVINCE_ADMIN,
            {
                "edit_households",
                "read_citizen_id",
                "manage_units",
                "manage_devices",
                "review",
                "decide",
                "support",
            },
        ),
        (Role.SUPPORT_STAFF, {"support"}),
    ],
)
def test_each_role_is_granted_exactly_its_actions(role, granted, personas):
    user = personas[role]
    assert {action.value for action in Action if access.allows(user, action)} == granted
    assert policy.can_edit_households(user) is ("edit_households" in granted)
    assert policy.can_review(user) is ("review" in granted)
    assert policy.can_read_citizen_id(user) is ("read_citizen_id" in granted)
    assert policy.can_manage_units(user) is ("manage_units" in granted)
    assert policy.can_manage_devices(user) is ("manage_devices" in granted)


def test_an_inactive_superuser_is_granted_nothing_and_sees_nothing(tree, household_in):
    from server.accounts.models import User

    root = User.objects.create_superuser("root", password="pw-root-long-enough")
    root.is_active = False
    assert access.allows(root, Action.REVIEW) is False
    assert list(access.visible_households(root)) == []


def test_sync_item_kinds_need_the_same_grant_as_their_rest_twins():
    from sync.messages import ItemKind

    assert {kind.value: access.action_for_item_kind(kind) for kind in ItemKind} == {
        "submission": None,
        "household_create": Action.EDIT_HOUSEHOLDS,
        "household_edit": Action.EDIT_HOUSEHOLDS,
        "member_create": Action.EDIT_HOUSEHOLDS,
        "member_edit": Action.EDIT_HOUSEHOLDS,
        "support_stage_proof": Action.SUPPORT,
    }


def test_household_owned_records_follow_their_household(personas, household_in, household_out):
    officer = personas[Role.COMMUNE_OFFICER]
    assert set(access.visible_members(officer).values_list("household_id", flat=True)) == {
        household_in.pk
    }
    assert set(access.visible_history(officer).values_list("household_id", flat=True)) == {
        household_in.pk
    }
    assert Household.objects.count() == 2


def test_photos_are_visible_exactly_when_the_item_that_declared_them_is(
    personas, household_in, household_out
):
    from server.evidence.models import Attachment

    for household in (household_in, household_out):
        Attachment.objects.create(
            item_uuid=household.pk, name="house.jpg", declared_sha256="0" * 64, declared_size=1
        )
    volunteer = personas[Role.VOLUNTEER]
    assert list(access.visible_attachments(volunteer).values_list("item_uuid", flat=True)) == [
        household_in.pk
    ]
    assert access.visible_attachments_of(volunteer, household_out.pk).count() == 0
    assert access.visible_attachments_of(volunteer, household_in.pk).count() == 1


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.COMMUNE_OFFICER, "001080012345"),
        (Role.PROVINCE_ADMIN, "001080012345"),
        (Role.VOLUNTEER, "********2345"),
        (Role.DISTRICT_REVIEWER, "********2345"),
        (Role.SUPPORT_STAFF, "********2345"),
    ],
)
def test_a_citizen_id_is_whole_only_for_a_role_granted_read_citizen_id(personas, role, shown):
    assert access.citizen_id_for(personas[role], "001080012345") == shown


def test_a_citizen_id_is_masked_for_an_anonymous_user_and_whole_for_an_active_superuser(db):
    from django.contrib.auth.models import AnonymousUser

    from server.accounts.models import User

    root = User.objects.create_superuser("root", password="pw-root-long-enough")
    assert access.citizen_id_for(AnonymousUser(), "001080012345") == "********2345"
    assert access.citizen_id_for(root, "001080012345") == "001080012345"
    root.is_active = False
    assert access.citizen_id_for(root, "001080012345") == "********2345"


@pytest.mark.parametrize(("value", "masked"), [(None, None), ("", ""), ("0123", "0123")])
def test_masking_keeps_a_missing_or_short_id_as_it_is(value, masked):
    assert access.mask_citizen_id(value) == masked
