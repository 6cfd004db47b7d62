"""Project-wide promises: API docs without a CDN, the admin in Vietnamese, eager tasks, translations."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client

from server.accounts.models import Role, User
from server.registry.models import Household, Member, Unit
from server.registry.services import household_create
from server.registry.tasks import unit_status_counts_task
from tests.server.conftest import CHILD, HEAD

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_api_docs_and_schema_answer_and_load_no_cdn(client):
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn.jsdelivr" not in docs.content.decode()
    assert "unpkg" not in docs.content.decode()
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/households/" in schema.content


def test_the_openapi_document_validates_without_a_warning(tmp_path):
    """Unresolved authenticators or clashing component names would make clients wrong."""
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text(encoding="utf-8")
    assert "deviceToken:" in schema
    assert "/api/v1/conflicts/{conflict_id}/resolve/:" in schema


@pytest.mark.django_db
def test_the_admin_speaks_vietnamese(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "Quản trị ChungTay" in page
    assert "Sổ hộ gia đình" in page


@pytest.mark.django_db
def _province_admin_client(user: User) -> Client:
    """Staff access with the demo group's permissions, as seed_demo grants its administrator."""
    group = Group.objects.create(name="Quản trị tỉnh")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["registry", "accounts"])
    )
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


def _listed_codes(client: Client, **query: str) -> list[str]:
    page = client.get("/admin/registry/household/", query)
    assert page.status_code == 200
    return sorted(household.code for household in page.context["cl"].result_list)


def test_the_admin_household_list_is_scoped_and_searchable(tree, personas, household_in):
    """A namesake in another province matches the search but stays out of the list."""
    household_create(
        actor=None,
        village=tree.village2a,
        members=[{**HEAD, "citizen_id": None}],
        data={"code": "HD901", "head_name": HEAD["full_name"]},
    )
    household_create(
        actor=None,
        village=tree.village1b,
        members=[{**CHILD, "full_name": "Trần Thị Cúc", "relation": "head", "birth_year": 1990}],
        data={"code": "HD002", "head_name": "Trần Thị Cúc"},
    )
    client = _province_admin_client(personas[Role.PROVINCE_ADMIN])
    assert _listed_codes(client) == ["HD001", "HD002"]
    assert _listed_codes(client, q="nguyen van a") == ["HD001"]
    assert _listed_codes(client, q="TRAN thi cuc") == ["HD002"]


def test_tasks_run_inline_by_default_and_return_the_real_answer(tree, household_in, household_out):
    assert unit_status_counts_task.delay("90").get() == {"not_reviewed": 1}


def test_every_vietnamese_message_is_translated():
    po = (ROOT / "server/locale/vi/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if re.search(r'msgstr ""\s*$', e) and "#~" not in e]
    assert untranslated == []
    assert "#, fuzzy" not in "\n\n".join(entries)


@pytest.mark.django_db
def test_the_demo_seed_is_idempotent(capsys):
    call_command("seed_demo")
    first = (Unit.objects.count(), Household.objects.count(), Member.objects.count())
    call_command("seed_demo")
    second = (Unit.objects.count(), Household.objects.count(), Member.objects.count())
    assert first == second
    assert first[1] == 2010
    from server.submissions.models import Assessment

    assert Assessment.objects.filter(is_latest=True).count() == 2010
    poor = Household.objects.filter(status="poor").first()
    assert Assessment.objects.get(household=poor, is_latest=True).household_class == "POOR"
    assert Unit.objects.filter(level="district", is_demo=True).count() == 2
    out = capsys.readouterr().out
    for username in ["tinhnguyen", "canboxa", "thamdinh", "quantri", "hotro"]:
        assert username in out
    assert "Demo logins (password for all: chungtay-demo-2026):" in out
    assert "Database: " in out
    assert "Media: folder " in out


@pytest.mark.parametrize(
    "path",
    [
        "/admin/surveys/formversion/",
        "/admin/submissions/submission/",
        "/admin/submissions/assessment/",
        "/admin/sync_api/conflictcopy/",
        "/admin/accounts/device/",
        "/admin/registry/unit/",
    ],
)
def test_admin_lists_answer(admin_client, household_in, path):
    assert admin_client.get(path).status_code == 200


def test_an_administrator_adds_a_village_in_the_admin(client, personas, tree):
    from server.accounts.models import Role
    from server.registry.models import Unit

    admin_user = personas[Role.PROVINCE_ADMIN]
    admin_user.is_superuser = admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(
        "/admin/registry/unit/add/",
        {
            "code": "90001009",
            "name": "Thôn Khuổi Nặm",
            "division_type": "thôn",
            "parent": tree.commune1.pk,
        },
    )
    assert response.status_code == 302
    village = Unit.objects.get(code="90001009")
    assert (village.level, village.path, village.area_type) == (
        "village",
        "90/90-D1/90001/90001009/",
        "rural",
    )


@pytest.mark.django_db
def test_the_api_root_lists_the_entry_points_to_a_signed_in_user(client, personas):
    from server.accounts.models import Role

    assert client.get("/api/v1/").status_code in {401, 403}
    client.force_login(personas[Role.VOLUNTEER])
    body = client.get("/api/v1/").json()
    assert body["households"] == "http://testserver/api/v1/households/"
    assert body["sync_pull"] == "http://testserver/api/v1/sync/pull"
    assert body["docs"] == "http://testserver/api/docs/"
    assert sorted(body) == [
        "conflicts",
        "devices",
        "docs",
        "forms",
        "households",
        "sync_pull",
        "sync_push",
        "units",
    ]


def test_the_site_root_sends_a_newcomer_to_the_volunteer_app(client):
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/app/")
