"""Phones sign in once for a per-device token that administrators can list and revoke."""

import pytest

from server.accounts.models import Device, Role
from tests.server.conftest import client_for


def test_signing_in_returns_a_token_that_authenticates_the_device(personas, household_in, client):
    response = client.post(
        "/api/v1/auth/device-tokens/",
        {"username": "volunteer", "password": "pw-volunteer", "device_name": "Redmi 9A"},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = response.json()["token"]
    device = Device.objects.get()
    assert device.token_hash != token
    assert token.startswith(device.token_prefix)
    listing = client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listing.status_code == 200
    assert listing.json()["count"] == 1


def test_wrong_password_creates_no_device(personas, client):
    response = client.post(
        "/api/v1/auth/device-tokens/",
        {"username": "volunteer", "password": "nope", "device_name": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "password"
    assert Device.objects.count() == 0


def test_a_revoked_token_no_longer_authenticates(personas, household_in):
    admin = client_for(personas[Role.PROVINCE_ADMIN])
    phone = client_for(personas[Role.VOLUNTEER])
    device = Device.objects.get(user=personas[Role.VOLUNTEER])
    assert phone.get("/api/v1/households/").status_code == 200
    response = admin.post(f"/api/v1/devices/{device.pk}/revoke/")
    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    assert phone.get("/api/v1/households/").status_code == 401


def test_administrators_list_devices_in_their_area_only(personas, tree):
    from tests.server.conftest import make_user

    outsider = make_user("outsider", Role.VOLUNTEER, tree.village2a)
    client_for(outsider)
    client_for(personas[Role.VOLUNTEER])
    admin = client_for(personas[Role.PROVINCE_ADMIN])
    names = sorted(d["user"] for d in admin.get("/api/v1/devices/").json())
    assert names == ["admin", "volunteer"]


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.COMMUNE_OFFICER, Role.SUPPORT_STAFF])
def test_other_roles_cannot_revoke_someone_elses_device(personas, role):
    target = client_for(personas[Role.DISTRICT_REVIEWER])
    device = Device.objects.get(user=personas[Role.DISTRICT_REVIEWER])
    response = client_for(personas[role]).post(f"/api/v1/devices/{device.pk}/revoke/")
    assert response.status_code == 404
    device.refresh_from_db()
    assert device.revoked_at is None
    assert target.get("/api/v1/units/").status_code == 200
