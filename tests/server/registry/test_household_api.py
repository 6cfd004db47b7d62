"""Households and members through the API, as phones and staff use it."""

import pytest

from server.accounts.models import Role
from server.registry.models import Household, HouseholdChange, Member
from server.registry.services import household_create
from tests.server.conftest import client_for


@pytest.fixture
def officer(personas):
    return client_for(personas[Role.COMMUNE_OFFICER])


def test_creating_a_household_with_its_roster_stores_both_and_records_history(officer, tree):
    body = {
        "id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
        "code": "HD042",
        "head_name": "tạm",
        "village": tree.village1a.code,
        "address": "Thôn Nà Pò",
        "latitude": "22.666100",
        "longitude": "106.250300",
        "is_ethnic_minority": True,
        "members": [
            {
                "full_name": "Nông Văn Dũng",
                "sex": "male",
                "birth_date": "1979-02-03",
                "relation": "head",
                "ethnicity": "tay",
                "citizen_id": "004079001234",
            },
            {
                "full_name": "Lương Thị Hoa",
                "sex": "female",
                "birth_year": 1982,
                "relation": "spouse",
                "ethnicity": "nung",
            },
        ],
    }
    response = officer.post("/api/v1/households/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["id"] == "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    assert data["head_name"] == "Nông Văn Dũng"
    assert data["commune"] == {"code": "90001", "name": "Xã Một"}
    assert data["status"] == "not_reviewed"
    assert data["revision"] == 1
    assert [m["full_name"] for m in data["members"]] == ["Nông Văn Dũng", "Lương Thị Hoa"]
    assert data["members"][0]["birth_year"] == 1979
    assert HouseholdChange.objects.filter(household_id=data["id"]).count() == 3


def test_an_edit_on_the_current_revision_applies_and_bumps_it(officer, household_in):
    response = officer.patch(
        f"/api/v1/households/{household_in.pk}/",
        {"revision": 1, "address": "Xóm Mới"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["revision"] == 2
    assert response.json()["address"] == "Xóm Mới"
    change = HouseholdChange.objects.filter(household=household_in, action="updated").get()
    assert change.changes == {"address": ["Thôn Nà Pò", "Xóm Mới"]}
    assert change.actor.username == "officer"


def test_an_edit_on_a_stale_revision_is_a_409_and_overwrites_nothing(officer, household_in):
    officer.patch(
        f"/api/v1/households/{household_in.pk}/", {"revision": 1, "address": "Bản A"}, format="json"
    )
    response = officer.patch(
        f"/api/v1/households/{household_in.pk}/", {"revision": 1, "address": "Bản B"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "revision_conflict"
    assert response.json()["current_revision"] == 2
    household_in.refresh_from_db()
    assert (household_in.address, household_in.revision) == ("Bản A", 2)


def test_an_edit_without_a_revision_is_refused(officer, household_in):
    response = officer.patch(
        f"/api/v1/households/{household_in.pk}/", {"address": "Bản C"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "revision"
    household_in.refresh_from_db()
    assert household_in.address == "Thôn Nà Pò"


@pytest.mark.parametrize(
    "query", ["nguyen van a", "NGUYEN VAN A", "Nguyễn Văn A", "nguyễn văn a", "van a"]
)
def test_search_ignores_diacritics_and_case(officer, household_in, household_out, query):
    results = officer.get("/api/v1/households/", {"q": query}).json()["results"]
    assert [r["code"] for r in results] == ["HD001"]


def test_search_finds_a_household_by_a_member_name_and_by_d_with_stroke(officer, household_in):
    assert [
        r["code"] for r in officer.get("/api/v1/households/", {"q": "thi bich"}).json()["results"]
    ] == ["HD001"]
    household_create(
        actor=None,
        village=household_in.village,
        data={"code": "HD002", "head_name": "Đặng Đình Đức"},
    )
    assert [
        r["code"]
        for r in officer.get("/api/v1/households/", {"q": "dang dinh duc"}).json()["results"]
    ] == ["HD002"]


def test_list_filters_by_unit_status_and_flags(officer, tree, household_in):
    other = household_create(
        actor=None,
        village=tree.village1b,
        data={"code": "HD003", "head_name": "Bế Văn Lâm", "is_ethnic_minority": True},
    )
    Household.objects.filter(pk=other.pk).update(status="poor", status_year=2025)

    def codes(**params):
        return [r["code"] for r in officer.get("/api/v1/households/", params).json()["results"]]

    assert codes(unit=tree.village1b.code) == ["HD003"]
    assert codes(status="poor") == ["HD003"]
    assert codes(is_ethnic_minority="true") == ["HD003"]
    assert codes(is_ethnic_minority="false") == ["HD001"]
    assert codes(unit=tree.commune1.code) == ["HD001", "HD003"]


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
def test_citizen_ids_are_shown_in_full_only_to_roles_that_need_them(
    personas, household_in, role, shown
):
    client = client_for(personas[role])
    head = client.get(f"/api/v1/households/{household_in.pk}/").json()["members"][0]
    assert head["citizen_id"] == shown


def test_history_never_contains_a_full_citizen_id(officer, household_in):
    head = household_in.members.get(relation="head")
    officer.patch(
        f"/api/v1/members/{head.pk}/", {"revision": 1, "citizen_id": "001080099999"}, format="json"
    )
    history = officer.get(f"/api/v1/households/{household_in.pk}/history/").json()["results"]
    assert history[0]["changes"] == {"citizen_id": ["********2345", "********9999"]}
    assert "001080099999" not in str(history)


def test_removing_a_member_keeps_the_row_and_hides_it_from_the_roster(officer, household_in):
    child = household_in.members.get(relation="child")
    response = officer.delete(f"/api/v1/members/{child.pk}/?revision=1")
    assert response.status_code == 204
    child.refresh_from_db()
    assert child.removed_at is not None
    roster = officer.get(f"/api/v1/households/{household_in.pk}/members/").json()
    assert [m["full_name"] for m in roster] == ["Nguyễn Văn A"]
    assert officer.get(f"/api/v1/members/{child.pk}/").status_code == 404


def test_renaming_the_head_updates_the_household_head_name_and_search(officer, household_in):
    head = household_in.members.get(relation="head")
    officer.patch(
        f"/api/v1/members/{head.pk}/", {"revision": 1, "full_name": "Nguyễn Văn Ánh"}, format="json"
    )
    household_in.refresh_from_db()
    assert household_in.head_name == "Nguyễn Văn Ánh"
    assert [
        r["code"] for r in officer.get("/api/v1/households/", {"q": "van anh"}).json()["results"]
    ] == ["HD001"]


def test_listing_2000_households_runs_a_constant_number_of_queries(
    officer, tree, personas, django_assert_num_queries
):
    rows = [
        Household(
            commune=tree.commune1, village=tree.village1a, code=f"B{i:05d}", head_name=f"Hộ {i}"
        )
        for i in range(2000)
    ]
    Household.objects.bulk_create(rows)
    Member.objects.bulk_create(
        Member(
            household=h,
            full_name="Lý Văn Em",
            sex="male",
            birth_year=1990,
            relation="head",
            ethnicity="tay",
        )
        for h in rows[:500]
    )
    client = client_for(personas[Role.COMMUNE_OFFICER])
    client.get("/api/v1/units/")  # the first request of a device records last_used_at
    # device lookup, unit paths, count, page
    with django_assert_num_queries(4):
        response = client.get("/api/v1/households/", {"page_size": 500})
    assert response.status_code == 200
    assert response.json()["count"] == 2000
    assert len(response.json()["results"]) == 500
    assert response.json()["results"][0]["member_count"] == 1
    with django_assert_num_queries(4):
        client.get("/api/v1/households/", {"page_size": 500, "page": 4})


def test_a_31st_member_is_refused_through_the_api(officer, household_in):
    from server.registry.services import member_add

    for number in range(28):
        member_add(
            actor=None,
            household=household_in,
            data={
                "full_name": f"Thành Viên {number}",
                "sex": "male",
                "birth_year": 2000,
                "relation": "child",
                "ethnicity": "tay",
            },
        )
    body = {
        "full_name": "Người Thứ 31",
        "sex": "female",
        "birth_year": 2001,
        "relation": "child",
        "ethnicity": "tay",
    }
    response = officer.post(f"/api/v1/households/{household_in.pk}/members/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "too_many_members"
    assert household_in.members.count() == 30
