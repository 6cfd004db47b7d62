"""Bad input gets a 4xx with the field path, and the database is unchanged."""

import pytest

from server.accounts.models import Role
from server.registry.models import Household, HouseholdChange, Member
from tests.server.conftest import client_for

URL = "/api/v1/households/"


def _counts() -> tuple[int, int, int]:
    return Household.objects.count(), Member.objects.count(), HouseholdChange.objects.count()


def _body(tree, **member_overrides) -> dict:
    member = {
        "full_name": "Hoàng Văn Cường",
        "sex": "male",
        "birth_date": "1985-03-02",
        "relation": "head",
        "ethnicity": "nung",
        **member_overrides,
    }
    return {
        "code": "HD500",
        "head_name": "Hoàng Văn Cường",
        "village": tree.village1a.code,
        "members": [member],
    }


@pytest.fixture
def officer_client(personas):
    return client_for(personas[Role.COMMUNE_OFFICER])


def test_malformed_json_is_a_400_parse_error_and_stores_nothing(officer_client, tree):
    before = _counts()
    response = officer_client.generic(
        "POST", URL, '{"code": "HD1", "head_name": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "parse_error",
        "message": "Nội dung yêu cầu không phải JSON hợp lệ.",
        "errors": [
            {
                "path": "",
                "code": "parse_error",
                "message": "Nội dung yêu cầu không phải JSON hợp lệ.",
            }
        ],
    }
    assert _counts() == before


def test_wrong_types_name_each_field_path(officer_client, tree):
    before = _counts()
    body = {
        **_body(tree, birth_date=12345, sex=True),
        "is_ethnic_minority": "maybe",
        "latitude": "north",
    }
    response = officer_client.post(URL, body, format="json")
    assert response.status_code == 400
    paths = sorted((e["path"], e["code"]) for e in response.json()["errors"])
    assert paths == [
        ("is_ethnic_minority", "invalid"),
        ("latitude", "invalid"),
        ("members[0].birth_date", "invalid"),
        ("members[0].sex", "invalid_choice"),
    ]
    assert _counts() == before


def test_a_birth_date_in_the_future_is_refused_with_its_path(officer_client, tree):
    before = _counts()
    response = officer_client.post(URL, _body(tree, birth_date="2999-01-01"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "members[0].birth_date", "code": "future", "message": "Ngày sinh ở tương lai."}
    ]
    assert _counts() == before


def test_a_13_digit_citizen_id_is_refused_with_its_path(officer_client, tree):
    before = _counts()
    response = officer_client.post(URL, _body(tree, citizen_id="0010800123456"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": "members[0].citizen_id",
            "code": "invalid",
            "message": "Số định danh cá nhân phải gồm đúng 12 chữ số.",
        }
    ]
    assert _counts() == before


def test_a_20_mb_body_is_refused_with_413_before_it_is_read(officer_client, tree):
    before = _counts()
    huge = b'{"code": "' + b"x" * (20 * 1024 * 1024) + b'"}'
    response = officer_client.generic("POST", URL, huge, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert response.json()["errors"][0]["path"] == ""
    assert _counts() == before


def test_absurd_values_are_refused(officer_client, tree):
    before = _counts()
    body = {
        **_body(tree, birth_year=1850, birth_date=None),
        "latitude": "48.85",
        "longitude": "2.35",
    }
    response = officer_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert sorted(e["path"] for e in response.json()["errors"]) == [
        "latitude",
        "longitude",
        "members[0].birth_year",
    ]
    assert _counts() == before


def test_more_than_30_members_are_refused(officer_client, tree):
    before = _counts()
    member = {
        "full_name": "Lý Văn Tư",
        "sex": "male",
        "birth_year": 1990,
        "relation": "child",
        "ethnicity": "tay",
    }
    body = {**_body(tree), "members": [member] * 31}
    response = officer_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "members"
    assert _counts() == before


def test_a_second_head_in_the_roster_is_refused_at_its_index(officer_client, tree):
    body = _body(tree)
    body["members"].append({**body["members"][0], "full_name": "Người Thứ Hai"})
    response = officer_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "members[1].relation"


def test_a_duplicate_household_code_in_the_commune_is_refused_and_stores_nothing(
    officer_client, tree, household_in
):
    before = _counts()
    body = {**_body(tree), "code": household_in.code}
    response = officer_client.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "code"
    assert response.json()["errors"][0]["code"] == "unique"
    assert _counts() == before


def test_errors_follow_the_request_language(officer_client, tree):
    response = officer_client.post(
        URL, _body(tree, birth_date="2999-01-01"), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json()["message"] == "The data is not valid."
    assert response.json()["errors"][0]["message"] == "The date of birth is in the future."


def test_bad_filter_values_are_a_400_with_the_parameter_name(officer_client, household_in):
    response = officer_client.get(URL, {"status": "rich"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "status"
