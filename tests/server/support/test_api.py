"""The REST API: role x endpoint x area, and the answers' shapes for the main paths."""

import uuid

import pytest

from server.accounts.models import Role
from server.support.models import Payment, PhotoFlag, SupportRecord
from server.support.sitephotos import site_jpeg
from tests.server.conftest import client_for
from tests.server.support.conftest import upload
from tests.server.support.test_proofs import now_local

SUPPORT_ROLES = {Role.SUPPORT_STAFF, Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN}


def endpoints(record):
    base = f"/api/v1/support/records/{record.pk}/"
    return [
        ("get", base, None),
        ("post", base + "stages/", {"id": str(uuid.uuid4()), "stage": "started"}),
        (
            "post",
            base + "payments/",
            {"instalment": "first", "paid_on": "2025-03-01", "reference": "X"},
        ),
    ]


@pytest.mark.parametrize("role", list(Role))
def test_inside_the_area_support_roles_reach_records_and_others_get_403(personas, record, role):
    client = client_for(personas[role])
    for method, url, body in endpoints(record):
        status = getattr(client, method)(url, body, format="json").status_code
        if role in SUPPORT_ROLES:
            assert status in {200, 201, 400}, (method, url, status)
        else:
            assert status == 403, (method, url, status)


@pytest.mark.parametrize("role", list(Role))
def test_outside_the_area_every_role_gets_404(personas, record_out, role):
    client = client_for(personas[role])
    for method, url, body in endpoints(record_out):
        assert getattr(client, method)(url, body, format="json").status_code == 404, (method, url)
    assert not record_out.proofs.exists()


@pytest.mark.parametrize("role", list(Role))
def test_the_record_list_holds_only_records_in_reach(personas, record, record_out, role):
    response = client_for(personas[role]).get("/api/v1/support/records/")
    if role in SUPPORT_ROLES:
        assert [r["id"] for r in response.json()["results"]] == [str(record.pk)]
    else:
        assert response.status_code == 403


def test_a_stage_proved_over_rest_shows_in_the_record(personas, record):
    client = client_for(personas[Role.SUPPORT_STAFF])
    proof_id = uuid.uuid4()
    response = client.post(
        f"/api/v1/support/records/{record.pk}/stages/",
        {"id": str(proof_id), "stage": "started", "note": "Khởi công"},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["stage"], response.json()["next_stage"]) == ("approved", "started")
    upload(proof_id, site_jpeg(seed=41, gps=None, taken_at=now_local()))
    body = client.get(f"/api/v1/support/records/{record.pk}/").json()
    assert (body["stage"], body["next_stage"]) == ("started", "foundation")
    [proof] = body["proofs"]
    assert [p["name"] for p in proof["photos"]] == ["p1.jpg"]
    assert [f["kind"] for f in proof["flags"]] == ["no_gps"]
    assert body["payable"] == {"first": False, "final": False}


def test_an_out_of_order_stage_answers_400_with_the_field_in_both_languages(personas, record):
    client = client_for(personas[Role.SUPPORT_STAFF])
    url = f"/api/v1/support/records/{record.pk}/stages/"
    body = {"id": str(uuid.uuid4()), "stage": "roof"}
    vi = client.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="vi").json()
    en = client.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [(e["path"], e["code"]) for e in vi["errors"]] == [("stage", "stage_out_of_order")]
    assert en["errors"][0]["message"] == "Stages are proved in order; the next stage is: Started."
    assert vi["errors"][0]["message"] == (
        "Các giai đoạn được chứng minh theo thứ tự; giai đoạn tiếp theo là: Khởi công."
    )


def test_a_payment_refused_over_rest_stores_nothing(personas, record):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    response = client.post(
        f"/api/v1/support/records/{record.pk}/payments/",
        {"instalment": "first", "paid_on": "2025-03-01", "reference": "UNC-1"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "instalment"
    assert response.json()["errors"][0]["message"] == (
        "Not paid: the stage “Foundation” is not proved by a photo yet."
    )
    assert Payment.objects.count() == 0


def test_a_flag_is_cleared_over_rest_only_with_a_reason(personas, record):
    client = client_for(personas[Role.SUPPORT_STAFF])
    proof_id = uuid.uuid4()
    client.post(
        f"/api/v1/support/records/{record.pk}/stages/",
        {"id": str(proof_id), "stage": "started"},
        format="json",
    )
    upload(proof_id, site_jpeg(seed=42, gps=None, taken_at=now_local()))
    flag = PhotoFlag.objects.get()
    url = f"/api/v1/support/flags/{flag.pk}/clear/"
    assert client.post(url, {"reason": ""}, format="json").status_code == 400
    response = client.post(url, {"reason": "Ảnh chụp trong nhà"}, format="json")
    assert (response.status_code, response.json()["clear_reason"]) == (200, "Ảnh chụp trong nhà")


def test_a_stage_photo_is_served_without_exif(personas, record):
    client = client_for(personas[Role.SUPPORT_STAFF])
    proof_id = uuid.uuid4()
    client.post(
        f"/api/v1/support/records/{record.pk}/stages/",
        {"id": str(proof_id), "stage": "started"},
        format="json",
    )
    upload(proof_id, site_jpeg(seed=43, gps=(22.6657, 106.2579), taken_at=now_local()))
    response = client.get(f"/api/v1/support/records/{record.pk}/photos/{proof_id}/p1.jpg")
    assert response.status_code == 200
    assert b"Exif" not in response.content[:200]
    assert b"ChungTay Site Camera" not in response.content


def test_a_record_is_created_over_rest_with_the_amount_of_its_day(personas, household_in):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    body = {
        "household": str(household_in.pk),
        "programme": "xoa-nha-tam",
        "work": "new_build",
        "approved_on": "2024-11-10",
        "sponsors": [
            {"kind": "state", "name": "Ngân sách tỉnh", "share": 40_000_000},
            {"kind": "business", "name": "Công ty B", "share": 20_000_000},
        ],
    }
    response = client.post("/api/v1/support/records/", body, format="json")
    assert response.status_code == 201
    assert response.json()["record"]["amount"] == 60_000_000
    earlier = {**body, "approved_on": "2024-11-09", "programme": "dai-doan-ket"}
    response = client.post("/api/v1/support/records/", earlier, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "sponsors"
    assert SupportRecord.objects.count() == 1


def test_the_programmes_carry_their_sources(personas):
    body = client_for(personas[Role.SUPPORT_STAFF]).get("/api/v1/support/programmes/").json()
    campaign = next(p for p in body if p["code"] == "xoa-nha-tam")
    assert [(a["work"], a["amount"], a["applies_from"]) for a in campaign["amounts"]] == [
        ("new_build", 40_000_000, "2024-04-13"),
        ("new_build", 60_000_000, "2024-11-10"),
        ("repair", 20_000_000, "2024-04-13"),
        ("repair", 30_000_000, "2024-11-10"),
    ]
    assert all(a["legal_ref"] for a in campaign["amounts"])
    assert campaign["legal_ref"] == "QĐ 1243/QĐ-TTg"
