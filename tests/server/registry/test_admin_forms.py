"""The registry admin's add and change forms, by role and area: in-area saves, outside refused."""

import pytest

from server.accounts.models import Role
from server.accounts.services import province_admin_group_sync
from server.registry.models import Household, HouseholdChange, Member, Unit
from tests.server.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, personas):
    """The province administrator with the demo's group, signed in to the admin."""
    admin_user = personas[Role.PROVINCE_ADMIN]
    admin_user.is_staff = True
    admin_user.save()
    admin_user.groups.add(province_admin_group_sync())
    client.force_login(admin_user)
    return client


def _counts():
    return (
        Unit.objects.count(),
        Household.objects.count(),
        Member.objects.count(),
        HouseholdChange.objects.count(),
    )


def _household_post(staff_client, village, code="HD777"):
    page = staff_client.get("/admin/registry/household/add/")
    data = admin_form_data(
        page, village=str(village.pk), code=code, head_name="Lò Văn Tám", status="poor"
    )
    return staff_client.post("/admin/registry/household/add/", data)


def test_a_household_added_in_the_area_goes_through_the_registry_service(staff_client, tree):
    response = _household_post(staff_client, tree.village1a)

    assert response.status_code == 302
    household = Household.objects.get(code="HD777")
    assert (household.commune, household.village, household.status) == (
        tree.commune1,
        tree.village1a,
        "not_reviewed",
    )
    change = HouseholdChange.objects.get(household=household)
    assert (change.action, change.source, change.actor.username) == ("created", "admin", "admin")


def test_a_household_in_another_province_is_refused_and_nothing_is_stored(staff_client, tree):
    before = _counts()
    response = _household_post(staff_client, tree.village2a)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["village"]
    assert _counts() == before


def test_a_duplicate_household_code_is_a_form_error_not_a_500(staff_client, tree, household_in):
    before = _counts()
    response = _household_post(staff_client, tree.village1b, code=household_in.code)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["code"]
    assert _counts() == before


def test_the_household_form_never_sets_the_official_status(staff_client, household_in):
    page = staff_client.get(f"/admin/registry/household/{household_in.pk}/change/")
    assert page.status_code == 200
    assert "status" not in page.context["adminform"].form.fields
    assert (
        "status"
        not in staff_client.get("/admin/registry/household/add/").context["adminform"].form.fields
    )
    staff_client.post(f"/admin/registry/household/{household_in.pk}/change/", {"status": "poor"})
    assert Household.objects.get(pk=household_in.pk).status == "not_reviewed"


def _member_post(staff_client, household, relation="child"):
    page = staff_client.get("/admin/registry/member/add/")
    data = admin_form_data(
        page, household=str(household.pk), full_name="Lò Thị Mai", sex="female",
        birth_year="2010", relation=relation, ethnicity="tay",
    )  # fmt: skip
    return staff_client.post("/admin/registry/member/add/", data)


def test_a_member_added_in_the_area_goes_through_the_registry_service(staff_client, household_in):
    response = _member_post(staff_client, household_in)
    assert response.status_code == 302
    member = Member.objects.get(full_name="Lò Thị Mai")
    assert member.household == household_in
    assert (
        HouseholdChange.objects.filter(member=member, action="created", source="admin").count() == 1
    )


def test_a_second_head_added_in_the_admin_is_a_form_error_and_nothing_is_stored(
    staff_client, household_in
):
    before = _counts()
    response = _member_post(staff_client, household_in, relation="head")
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["relation"]
    assert _counts() == before


def test_a_member_for_a_household_outside_the_area_is_refused(staff_client, household_out):
    before = _counts()
    response = _member_post(staff_client, household_out)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["household"]
    assert _counts() == before


@pytest.mark.parametrize(
    "path",
    [
        "/admin/registry/household/{household}/change/",
        "/admin/registry/member/{member}/change/",
        "/admin/registry/unit/{village}/change/",
        "/admin/registry/household/{household}/history/",
    ],
)
def test_records_outside_the_area_answer_404_like_missing_ones(
    staff_client, tree, household_out, path
):
    member = household_out.members.get()
    outside = path.format(household=household_out.pk, member=member.pk, village=tree.village2a.pk)
    missing = path.format(
        household="00000000-0000-0000-0000-000000000000",
        member="00000000-0000-0000-0000-000000000000",
        village=999999,
    )
    assert staff_client.get(outside).status_code == 404
    assert staff_client.get(missing).status_code == 404


def test_a_village_under_a_commune_outside_the_area_is_refused(staff_client, tree):
    before = _counts()
    page = staff_client.get("/admin/registry/unit/add/")
    data = admin_form_data(
        page, code="91002009", name="Thôn Ngoài", division_type="thôn", parent=str(tree.commune2.pk)
    )
    response = staff_client.post("/admin/registry/unit/add/", data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["parent"]
    assert _counts() == before


@pytest.mark.parametrize(
    "role", [Role.VOLUNTEER, Role.COMMUNE_OFFICER, Role.DISTRICT_REVIEWER, Role.SUPPORT_STAFF]
)
@pytest.mark.parametrize(
    "path",
    ["/admin/registry/household/add/", "/admin/registry/member/add/", "/admin/accounts/user/"],
)
def test_roles_without_staff_access_are_sent_to_the_login(client, personas, role, path):
    client.force_login(personas[role])
    response = client.get(path)
    assert (response.status_code, response.url.split("?")[0]) == (302, "/admin/login/")


@pytest.mark.parametrize("role", [Role.DISTRICT_REVIEWER, Role.SUPPORT_STAFF])
def test_staff_roles_outside_the_editing_policy_cannot_add_households_or_members(
    client, personas, tree, role
):
    user = personas[role]
    user.is_staff = True
    user.save()
    user.groups.add(province_admin_group_sync())
    client.force_login(user)
    before = _counts()
    assert client.get("/admin/registry/household/add/").status_code == 403
    assert client.post("/admin/registry/member/add/", {"full_name": "X"}).status_code == 403
    assert _counts() == before
