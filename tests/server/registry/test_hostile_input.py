"""Hostile and careless input: always a clean 4xx with the field path, never a 500, nothing stored."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from server.accounts.models import Role
from server.registry.importers import import_villages_csv
from server.registry.models import Household, HouseholdChange, Member, Unit, citizen_id_validator
from tests.server.conftest import client_for

DEEP = "[" * 100_000


def _counts() -> tuple[int, int, int, int]:
    return (
        Household.objects.count(),
        Member.objects.count(),
        HouseholdChange.objects.count(),
        Unit.objects.count(),
    )


@pytest.fixture
def admin_client(personas):
    return client_for(personas[Role.PROVINCE_ADMIN])


def _deep_targets(household, member) -> list[tuple[str, str]]:
    return [
        ("POST", "/api/v1/households/"),
        ("PATCH", f"/api/v1/households/{household.pk}/"),
        ("POST", f"/api/v1/households/{household.pk}/members/"),
        ("PATCH", f"/api/v1/members/{member.pk}/"),
        ("POST", "/api/v1/units/villages/"),
        ("POST", "/api/v1/auth/device-tokens/"),
        ("POST", "/api/v1/conflicts/1/resolve/"),
    ]


def test_deeply_nested_json_is_a_400_parse_error_on_every_rest_endpoint(admin_client, household_in):
    before = _counts()
    member = household_in.members.first()
    for method, url in _deep_targets(household_in, member):
        response = admin_client.generic(method, url, DEEP, content_type="application/json")
        if url.startswith("/api/v1/conflicts/"):
            assert response.status_code == 404, url  # no such conflict: looked up before the body
            continue
        assert response.status_code == 400, url
        assert response.json()["code"] == "parse_error", url
    assert _counts() == before


def test_nesting_up_to_the_limit_is_parsed_and_judged_as_data(admin_client, tree):
    body = '{"code": "HD1", "head_name": "A", "village": "90001001", "members": ' + (
        "[" * 63 + "]" * 63 + "}"
    )
    response = admin_client.generic("POST", "/api/v1/households/", body, "application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_brackets_inside_strings_do_not_count_as_nesting(admin_client, tree):
    body = '{"code": "HD1", "head_name": "' + "[" * 150 + '", "village": "90001001"}'
    response = admin_client.generic("POST", "/api/v1/households/", body, "application/json")
    assert response.status_code == 201
    assert Household.objects.get(code="HD1").head_name == "[" * 150


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("²", "invalid"),
        ("٣", "invalid"),
        ("1" * 5000, "invalid"),
        ("0", "invalid"),
        ("-1", "invalid"),
        ("", "required"),
    ],
)
def test_a_bad_delete_revision_is_a_400_on_the_revision_path(raw, code, admin_client, household_in):
    member = household_in.members.order_by("created_at").last()
    before = _counts()
    response = admin_client.delete(f"/api/v1/members/{member.pk}/?revision={raw}")
    assert response.status_code == 400
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("revision", code)]
    assert _counts() == before
    member.refresh_from_db()
    assert (member.removed_at, member.revision) == (None, 1)


def test_an_unhandled_error_under_the_api_is_the_json_error_shape(personas, monkeypatch):
    """With DEBUG off (as in production), a crash answers JSON and echoes nothing sent."""
    from server.registry import selectors

    def crash(**_kwargs):
        raise RuntimeError("Nguyễn Văn A 001080012345")

    monkeypatch.setattr(selectors, "unit_roots", crash)
    client = Client(raise_request_exception=False)
    client.force_login(personas[Role.VOLUNTEER])
    response = client.get("/api/v1/units/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "server_error",
        "message": "The server could not complete the request. Try again later.",
        "errors": [
            {
                "path": "",
                "code": "server_error",
                "message": "The server could not complete the request. Try again later.",
            }
        ],
    }


def test_an_unhandled_error_outside_the_api_keeps_djangos_page(personas, monkeypatch):
    from server.api import views

    client = Client(raise_request_exception=False)
    request = client.get("/").wsgi_request
    response = views.server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


# --- F8: one validator per field --------------------------------------------------

FOREIGN_DIGITS = ["٠٠١٠٨٠٠١٢٣٤٥", "００１０８００１２３４５", "۰۰۱۰۸۰۰۱۲۳۴۵"]


@pytest.mark.parametrize("citizen_id", FOREIGN_DIGITS)
def test_citizen_ids_in_other_scripts_digits_are_refused_on_create(citizen_id, admin_client, tree):
    before = _counts()
    body = {
        "code": "HD600",
        "head_name": "Hoàng Văn Cường",
        "village": tree.village1a.code,
        "members": [
            {
                "full_name": "Hoàng Văn Cường",
                "sex": "male",
                "birth_year": 1985,
                "relation": "head",
                "ethnicity": "nung",
                "citizen_id": citizen_id,
            }
        ],
    }
    response = admin_client.post("/api/v1/households/", body, format="json")
    assert response.status_code == 400
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [
        ("members[0].citizen_id", "invalid")
    ]
    assert _counts() == before


@pytest.mark.parametrize("citizen_id", FOREIGN_DIGITS)
def test_citizen_ids_in_other_scripts_digits_are_refused_on_edit_and_by_the_model(
    citizen_id, admin_client, household_in
):
    member = household_in.members.order_by("created_at").first()
    response = admin_client.patch(
        f"/api/v1/members/{member.pk}/",
        {"revision": member.revision, "citizen_id": citizen_id},
        format="json",
    )
    assert response.status_code == 400
    assert [e["path"] for e in response.json()["errors"]] == ["citizen_id"]
    member.refresh_from_db()
    assert member.citizen_id == "001080012345"
    with pytest.raises(ValidationError):
        citizen_id_validator(citizen_id)


def test_ascii_citizen_ids_still_pass_the_model_validator():
    citizen_id_validator("001080012345")


BAD_VILLAGES = [
    ({"code": "９０００１００９"}, "code", "The code must be 1–20 letters or digits."),
    ({"code": "90001-ĐÔ"}, "code", "The code must be 1–20 letters or digits."),
    ({"name": "B" * 300}, "name", "Ensure this field has no more than 200 characters."),
    (
        {"division_type": "t" * 100},
        "division_type",
        "Ensure this field has no more than 40 characters.",
    ),
]


@pytest.mark.parametrize(("override", "field", "message"), BAD_VILLAGES)
def test_the_csv_import_applies_the_json_endpoints_rules(
    override, field, message, personas, tree, admin_client
):
    row = {"code": "90001009", "name": "Bản Mới", "commune": "90001", "division_type": "bản"}
    row.update(override)
    before = _counts()
    text = "code,name,commune_code,division_type\n" + ",".join(
        [row["code"], row["name"], row["commune"], row["division_type"]]
    )
    with_en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    from django.utils import translation

    with translation.override("en"):
        result = import_villages_csv(text, user=personas[Role.PROVINCE_ADMIN])
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, field, message)]
    json_response = admin_client.post("/api/v1/units/villages/", row, format="json", **with_en)
    assert json_response.status_code == 400
    assert [(e["path"], e["message"]) for e in json_response.json()["errors"]] == [(field, message)]
    assert _counts() == before


def test_the_import_command_refuses_the_same_rows(personas, tree, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "villages.csv"
    path.write_text("code,name,commune_code\n９０００１００９,Bản,90001\n", encoding="utf-8")
    before = _counts()
    with pytest.raises(CommandError):
        call_command("import_villages", str(path), "--as-user", "admin")
    assert _counts() == before


# --- F11: an out-of-area id is answered like a new one ------------------------------


def _create(client, tree, **extra):
    body = {"code": "HD901", "head_name": "Đinh Văn Mới", "village": tree.village1a.code, **extra}
    return client.post("/api/v1/households/", body, format="json")


def test_an_out_of_area_household_id_is_answered_like_a_new_one(admin_client, tree, household_out):
    out_before = Household.objects.filter(pk=household_out.pk).values().get()
    response = _create(admin_client, tree, id=str(household_out.pk))
    assert response.status_code == 201
    body = response.json()
    assert body["id"] != str(household_out.pk)
    assert (body["code"], body["village"]["code"]) == ("HD901", "90001001")
    assert Household.objects.filter(pk=household_out.pk).values().get() == out_before


def test_a_new_client_chosen_id_is_kept(admin_client, tree):
    new_id = "6f1c7f5e-8a51-4d8e-9a55-2b0f1c3e9d10"
    response = _create(admin_client, tree, id=new_id)
    assert response.status_code == 201
    assert response.json()["id"] == new_id


def test_an_in_area_household_id_is_refused_on_the_id_path(admin_client, tree, household_in):
    before = _counts()
    response = _create(admin_client, tree, id=str(household_in.pk))
    assert response.status_code == 400
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("id", "exists")]
    assert _counts() == before


def test_the_import_command_refuses_a_user_whose_role_may_not_manage_units(
    personas, tree, tmp_path
):
    from django.core.management import CommandError, call_command

    path = tmp_path / "villages.csv"
    path.write_text("code,name,commune_code\n90001009,Bản Mới,90001\n", encoding="utf-8")
    with pytest.raises(CommandError, match="may not manage units"):
        call_command("import_villages", str(path), "--as-user", "volunteer")
    assert not Unit.objects.filter(code="90001009").exists()


def test_the_json_500_speaks_vietnamese_by_default(personas, monkeypatch):
    from server.registry import selectors

    def crash(**_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "unit_roots", crash)
    client = Client(raise_request_exception=False)
    client.force_login(personas[Role.VOLUNTEER])
    response = client.get("/api/v1/units/")
    assert response.status_code == 500
    assert response.json()["message"] == "Máy chủ không xử lý được yêu cầu. Vui lòng thử lại sau."


def test_a_suspicious_request_under_the_api_is_a_json_400(personas, settings):
    """A forged Host header is refused by Django itself; under /api/ the answer is still JSON."""
    settings.ALLOWED_HOSTS = ["chungtay.example"]
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/units/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "The request is not valid.",
        "errors": [{"path": "", "code": "bad_request", "message": "The request is not valid."}],
    }
