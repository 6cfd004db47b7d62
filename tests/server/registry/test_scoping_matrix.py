"""Role × endpoint × inside/outside matrix: nobody reads or writes outside their area."""

import pytest

from server.accounts.models import Role
from server.registry.models import Household, HouseholdChange, Member
from tests.server.conftest import client_for

ROLES = [
    Role.VOLUNTEER,
    Role.COMMUNE_OFFICER,
    Role.DISTRICT_REVIEWER,
    Role.PROVINCE_ADMIN,
    Role.SUPPORT_STAFF,
]
EDITORS = {Role.VOLUNTEER, Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN}


def _snapshot() -> tuple:
    households = tuple(
        Household.objects.order_by("pk").values_list("pk", "revision", "head_name", "address")
    )
    members = tuple(
        Member.objects.order_by("pk").values_list("pk", "revision", "full_name", "removed_at")
    )
    return households, members, HouseholdChange.objects.count()


def _reads(h: Household, m: Member) -> list[tuple[str, str]]:
    return [
        ("get", f"/api/v1/households/{h.pk}/"),
        ("get", f"/api/v1/households/{h.pk}/history/"),
        ("get", f"/api/v1/households/{h.pk}/members/"),
        ("get", f"/api/v1/members/{m.pk}/"),
        ("get", f"/api/v1/units/{h.village.code}/"),
        ("get", f"/api/v1/households/{h.pk}/assessments/"),
        ("get", f"/api/v1/households/{h.pk}/submissions/"),
    ]


def _writes(h: Household, m: Member) -> list[tuple[str, str, dict]]:
    return [
        (
            "patch",
            f"/api/v1/households/{h.pk}/",
            {"revision": h.revision, "address": "Đổi địa chỉ"},
        ),
        (
            "post",
            f"/api/v1/households/{h.pk}/members/",
            {
                "full_name": "Lê Văn Mới",
                "sex": "male",
                "birth_year": 2001,
                "relation": "child",
                "ethnicity": "tay",
            },
        ),
        ("patch", f"/api/v1/members/{m.pk}/", {"revision": m.revision, "full_name": "Tên Mới"}),
        ("delete", f"/api/v1/members/{m.pk}/?revision={m.revision}", {}),
    ]


def _member(household: Household) -> Member:
    """The last member on the roster: never the only head where a child exists."""
    return household.members.order_by("created_at", "pk").last()


@pytest.mark.parametrize("role", ROLES)
def test_reads_outside_the_area_answer_404_like_a_missing_record(
    role, personas, household_in, household_out
):
    client = client_for(personas[role])
    for method, url in _reads(household_out, _member(household_out)):
        response = getattr(client, method)(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("role", ROLES)
def test_reads_inside_the_area_succeed_for_every_role(role, personas, household_in, household_out):
    client = client_for(personas[role])
    for method, url in _reads(household_in, _member(household_in)):
        assert getattr(client, method)(url).status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_writes_outside_the_area_answer_404_and_change_nothing(
    role, personas, household_in, household_out
):
    client = client_for(personas[role])
    before = _snapshot()
    for method, url, body in _writes(household_out, _member(household_out)):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url)
    assert _snapshot() == before


@pytest.mark.parametrize("role", sorted(set(ROLES) - EDITORS))
def test_roles_without_edit_rights_get_403_inside_the_area_and_change_nothing(
    role, personas, household_in
):
    client = client_for(personas[role])
    before = _snapshot()
    for method, url, body in _writes(household_in, _member(household_in)):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, (method, url)
        assert response.json()["code"] == "permission_denied"
    assert _snapshot() == before


@pytest.mark.parametrize("role", sorted(EDITORS))
def test_editors_can_write_inside_the_area(role, personas, household_in):
    client = client_for(personas[role])
    expected = {"patch": 200, "post": 201, "delete": 204}
    member_id = _member(household_in).pk
    for index in range(4):
        household_in.refresh_from_db()
        method, url, body = _writes(household_in, Member.objects.get(pk=member_id))[index]
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == expected[method], (method, url, response.content)


@pytest.mark.parametrize("role", ROLES)
def test_lists_contain_only_households_in_the_area(role, personas, household_in, household_out):
    client = client_for(personas[role])
    ids = [row["id"] for row in client.get("/api/v1/households/").json()["results"]]
    assert ids == [str(household_in.pk)]


@pytest.mark.parametrize("role", sorted(EDITORS))
def test_creating_a_household_in_an_uncovered_village_is_refused_and_stores_nothing(
    role, personas, tree
):
    client = client_for(personas[role])
    before = _snapshot()
    body = {"code": "HD777", "head_name": "Ai Đó", "village": tree.village2a.code}
    response = client.post("/api/v1/households/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": "village",
            "code": "does_not_exist",
            "message": "Không có thôn này trong địa bàn của bạn.",
        }
    ]
    assert _snapshot() == before


def test_unit_filter_outside_the_area_answers_404(personas, household_in, tree):
    client = client_for(personas[Role.VOLUNTEER])
    response = client.get("/api/v1/households/", {"unit": tree.commune2.code})
    assert response.status_code == 404


def test_unauthenticated_requests_are_refused(household_in, client):
    response = client.get(f"/api/v1/households/{household_in.pk}/")
    assert response.status_code == 401
