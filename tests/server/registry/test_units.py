"""The unit tree: national import, village CSVs, materialised paths and browsing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from server.accounts.models import Role
from server.registry import selectors
from server.registry.importers import import_national_units, import_villages_csv, unit_move
from server.registry.models import Unit
from server.registry.services import unit_create
from tests.server.conftest import client_for


@pytest.mark.django_db
def test_importing_the_national_list_twice_gives_the_same_counts_as_once():
    first = import_national_units()
    counts_after_first = (
        Unit.objects.filter(level="province").count(),
        Unit.objects.filter(level="commune").count(),
    )
    second = import_national_units()
    assert counts_after_first == (34, 3321)
    assert (first.created, first.updated) == (3355, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3355)
    assert (
        Unit.objects.filter(level="province").count(),
        Unit.objects.filter(level="commune").count(),
    ) == (34, 3321)


@pytest.mark.django_db
def test_area_type_follows_the_division_type():
    import_national_units(province_codes=["01"])
    by_type = dict(
        Unit.objects.filter(level="commune").values_list("division_type", "area_type").distinct()
    )
    assert by_type == {"phường": "urban", "xã": "rural"}
    hoan_kiem = Unit.objects.get(name="Phường Hoàn Kiếm")
    assert (hoan_kiem.parent.code, hoan_kiem.path, hoan_kiem.depth) == (
        "01",
        f"01/{hoan_kiem.code}/",
        1,
    )


@pytest.mark.django_db
def test_special_zones_are_urban():
    import_national_units()
    assert set(
        Unit.objects.filter(division_type="đặc khu").values_list("area_type", flat=True)
    ) == {"urban"}
    assert Unit.objects.filter(division_type="đặc khu").count() == 13


@pytest.mark.django_db
def test_the_import_command_prints_its_counts(capsys):
    call_command("import_units", "--province", "04")
    assert capsys.readouterr().out.strip() == "created=57 updated=0 unchanged=0"


@pytest.mark.django_db
def test_a_commune_moved_under_a_district_of_its_province_stays_there_on_reimport():
    import_national_units(province_codes=["04"])
    province = Unit.objects.get(code="04")
    district = unit_create(code="DEMO-D", name="Cụm demo", level="district", parent=province)
    commune = Unit.objects.filter(level="commune").first()
    village = unit_create(code="V1", name="Thôn 1", level="village", parent=commune)
    unit_move(unit=commune, parent=district)
    village.refresh_from_db()
    assert village.path == f"04/DEMO-D/{commune.code}/V1/"
    assert village.depth == 3
    result = import_national_units(province_codes=["04"])
    assert result.updated == 0
    commune.refresh_from_db()
    assert commune.parent == district


def test_descendants_are_one_prefix_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = list(Unit.objects.descendants_of(tree.province).values_list("code", flat=True))
    assert codes == ["90", "90-D1", "90001", "90001001", "90001002"]


def test_a_unit_cannot_sit_under_a_lower_level(tree):
    from server.common.errors import DomainValidationError

    with pytest.raises(DomainValidationError):
        unit_create(code="X1", name="Sai", level="district", parent=tree.village1a)
    assert not Unit.objects.filter(code="X1").exists()


def test_village_csv_with_errors_reports_every_row_and_creates_nothing(personas, tree):
    text = (
        "code,name,commune_code,division_type\n"
        "90001003,Thôn Mới,90001,thôn\n"
        ",Không Mã,90001,thôn\n"
        "90001004,,90001,thôn\n"
        "91002009,Ngoài Vùng,91002,tổ dân phố\n"
        "90001003,Trùng,90001,thôn\n"
    )
    result = import_villages_csv(text, user=personas[Role.PROVINCE_ADMIN])
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "code"),
        (4, "name"),
        (5, "commune_code"),
        (6, "code"),
    ]
    assert result.created == 0
    assert not Unit.objects.filter(code="90001003").exists()


def test_village_csv_without_errors_creates_each_village_once(personas, tree):
    text = "code,name,commune_code,division_type\n90001003,Thôn Khuổi Luông,90001,thôn\n"
    first = import_villages_csv(text, user=personas[Role.PROVINCE_ADMIN])
    second = import_villages_csv(text, user=personas[Role.PROVINCE_ADMIN])
    assert (first.created, second.created, second.unchanged) == (1, 0, 1)
    village = Unit.objects.get(code="90001003")
    assert (village.level, village.area_type, village.path) == (
        "village",
        "rural",
        "90/90-D1/90001/90001003/",
    )


def test_village_api_creates_one_village_for_a_unit_manager(personas, tree):
    client = client_for(personas[Role.PROVINCE_ADMIN])
    response = client.post(
        "/api/v1/units/villages/",
        {"code": "90001005", "name": "Bản Giới", "commune": "90001"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["parent"] == "90001"


def test_village_api_is_refused_to_volunteers(personas, tree):
    client = client_for(personas[Role.VOLUNTEER])
    response = client.post(
        "/api/v1/units/villages/",
        {"code": "90001005", "name": "Bản Giới", "commune": "90001"},
        format="json",
    )
    assert response.status_code == 403
    assert not Unit.objects.filter(code="90001005").exists()


def test_village_csv_upload_reports_row_errors(personas, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(personas[Role.PROVINCE_ADMIN])
    upload = SimpleUploadedFile("v.csv", b"code,name,commune_code\n90001006,,90001\n")
    response = client.post("/api/v1/units/villages/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 2, "column": "name", "message": "Tên đang để trống."}
    ]


def test_browsing_the_tree_starts_at_the_users_units(personas, tree):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    roots = client.get("/api/v1/units/").json()["results"]
    assert [u["code"] for u in roots] == ["90001"]
    children = client.get("/api/v1/units/", {"parent": "90001"}).json()["results"]
    assert [u["code"] for u in children] == ["90001001", "90001002"]
    assert client.get("/api/v1/units/", {"parent": "90"}).json()["results"] == []
    assert client.get("/api/v1/units/90-D1/").status_code == 404


def test_a_user_without_an_id_has_no_root_units_though_most_units_have_no_assignment(tree):
    assert Unit.objects.filter(assignments__isnull=True).count() == 9
    assert list(selectors.unit_roots(user=AnonymousUser())) == []
