"""The user admin as the demo's province administrator `quantri`: no way up, no way out."""

import pytest

from server.accounts.models import Role, UnitAssignment, User
from server.accounts.services import PROVINCE_ADMIN_PERMISSIONS
from server.demo.seed import _demo_users
from server.registry.models import Unit
from tests.server.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(client, tree):
    """The demo's users and group on the test tree (province 90), a user of province 91.

    The demo's own user builder runs, so quantri holds exactly the demo's rights; the
    national import and 2,000 households are left out to keep the test fast.
    """
    villages = [tree.village1a, tree.village1b]
    _demo_users(tree.province, [tree.district1], villages)
    stranger = User.objects.create_user(
        username="nguoitinhkhac", password="another-long-password", role=Role.VOLUNTEER
    )
    UnitAssignment.objects.create(user=stranger, unit=tree.province2)
    quantri = User.objects.get(username="quantri")
    client.force_login(quantri)
    return quantri, stranger, tree.province2


def _snapshot(user: User) -> tuple:
    user = User.objects.get(pk=user.pk)
    return (
        user.is_superuser,
        user.is_staff,
        user.role,
        sorted(user.groups.values_list("name", flat=True)),
        sorted(user.user_permissions.values_list("codename", flat=True)),
        sorted(user.assignments.values_list("unit__code", flat=True)),
    )


def test_quantri_cannot_make_himself_superuser(client, demo):
    quantri, _stranger, _other = demo
    url = f"/admin/accounts/user/{quantri.pk}/change/"
    before = _snapshot(quantri)
    page = client.get(url)
    assert page.status_code == 200
    assert "is_superuser" not in page.context["adminform"].form.fields
    data = admin_form_data(page, is_superuser="on", is_staff="on", user_permissions=["1", "2"])

    response = client.post(url, data)

    assert response.status_code == 302  # the rest of the form saved; privileges ignored
    assert _snapshot(quantri) == before
    assert before[0] is False


def test_quantri_cannot_assign_himself_a_unit_in_another_province(client, demo):
    quantri, _stranger, other = demo
    url = f"/admin/accounts/user/{quantri.pk}/change/"
    before = _snapshot(quantri)
    page = client.get(url)
    data = admin_form_data(
        page,
        **{"assignments-TOTAL_FORMS": "2", "assignments-1-unit": str(other.pk)},
    )
    data["assignments-1-user"] = str(quantri.pk)

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[1]["unit"][0].startswith("Select a valid choice") or errors[1]["unit"]
    assert _snapshot(quantri) == before


def test_quantri_cannot_see_or_promote_a_user_of_another_province(client, demo):
    _quantri, stranger, _other = demo
    before = _snapshot(stranger)
    url = f"/admin/accounts/user/{stranger.pk}/change/"

    assert client.get(url).status_code == 404
    response = client.post(
        url, {"username": stranger.username, "role": Role.PROVINCE_ADMIN, "is_staff": "on"}
    )
    assert response.status_code == 404
    assert client.get(f"/admin/accounts/user/{stranger.pk}/password/").status_code == 404

    assert _snapshot(stranger) == before
    listed = client.get("/admin/accounts/user/?all=").context["cl"].result_list
    assert stranger not in listed
    assert {u.username for u in listed} == {"tinhnguyen", "canboxa", "thamdinh", "quantri", "hotro"}


def test_quantri_adds_a_user_only_with_a_unit_inside_his_province(client, demo):
    _quantri, _stranger, other = demo
    inside = Unit.objects.get(code="90001001")
    page = client.get("/admin/accounts/user/add/")
    base = admin_form_data(
        page,
        username="moi",
        password1="mat-khau-du-dai-2026",
        password2="mat-khau-du-dai-2026",
        usable_password="true",
        role=Role.VOLUNTEER,
        **{"assignments-TOTAL_FORMS": "1"},
    )

    refused = client.post(
        "/admin/accounts/user/add/", {**base, "assignments-0-unit": str(other.pk)}
    )
    without_unit = client.post(
        "/admin/accounts/user/add/", {**base, "assignments-TOTAL_FORMS": "0"}
    )
    assert (refused.status_code, without_unit.status_code) == (200, 200)
    assert not User.objects.filter(username="moi").exists()

    saved = client.post("/admin/accounts/user/add/", {**base, "assignments-0-unit": str(inside.pk)})
    assert saved.status_code == 302
    created = User.objects.get(username="moi")
    assert _snapshot(created) == (False, False, Role.VOLUNTEER, [], [], ["90001001"])


def test_the_demo_group_grants_no_auth_rights_and_no_deletions(demo):
    quantri, _stranger, _other = demo
    granted = {
        (p.content_type.app_label, p.codename) for p in quantri.groups.get().permissions.all()
    }
    assert granted == set(PROVINCE_ADMIN_PERMISSIONS)
    assert not quantri.has_perm("accounts.delete_user")
    assert not quantri.has_perm("auth.change_group")
