"""Brute force is stopped on every password path, by account and by address."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.test.client import RequestFactory

from server.accounts.models import Device, Role
from server.api.client_ip import client_ip
from tests.server.conftest import make_user

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/device-tokens/"
RIGHT = "the-right-password-2026"


@pytest.fixture
def user(tree):
    user = make_user("canbo", Role.COMMUNE_OFFICER, tree.commune1)
    user.set_password(RIGHT)
    user.save()
    cache.clear()  # DRF's sign-in throttle shares the process cache with other tests
    return user


def _token(client, password, forwarded="203.0.113.9"):
    body = {"username": "canbo", "password": password, "device_name": "phone"}
    return client.post(
        TOKEN_URL, body, content_type="application/json", HTTP_X_FORWARDED_FOR=forwarded
    )


def _admin_login(client, password, forwarded="203.0.113.9"):
    body = {"username": "canbo", "password": password, "next": "/admin/"}
    return client.post("/admin/login/?next=/admin/", body, HTTP_X_FORWARDED_FOR=forwarded)


def test_25_wrong_passwords_lock_the_token_api_even_for_the_right_one(client, user):
    for attempt in range(25):
        _token(client, f"wrong-{attempt}", forwarded=f"198.51.100.{attempt}")
    cache.clear()  # the throttle window passes; the lockout must not

    response = _token(client, RIGHT, forwarded="198.51.100.200")

    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert response.json()["message"] == (
        "Đăng nhập sai quá nhiều lần với tài khoản hoặc địa chỉ này. Hãy thử lại sau 30 phút."
    )
    assert Device.objects.filter(user=user).count() == 0


def test_25_wrong_passwords_lock_the_admin_login_even_for_the_right_one(client, user):
    user.is_staff = True
    user.save()
    for attempt in range(25):
        _admin_login(client, f"wrong-{attempt}", forwarded=f"198.51.100.{attempt}")

    response = _admin_login(client, RIGHT, forwarded="198.51.100.200")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_on_one_path_count_on_the_other(client, user):
    for attempt in range(10):
        _admin_login(client, f"wrong-{attempt}")
    assert _token(client, RIGHT).status_code == 429


def test_an_address_is_locked_across_accounts_whatever_x_forwarded_for_says(client, user):
    make_user("khac", Role.VOLUNTEER)
    for attempt in range(10):
        body = {"username": f"guess{attempt}", "password": "x", "device_name": "p"}
        client.post(
            TOKEN_URL,
            body,
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}",
        )
    cache.clear()
    assert _token(client, RIGHT, forwarded="10.9.9.9").status_code == 429


def test_the_right_password_within_the_limit_signs_in(client, user):
    for attempt in range(3):
        _token(client, f"wrong-{attempt}")
    assert _token(client, RIGHT).status_code == 201


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert client_ip(request) == "192.0.2.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_with_one_trusted_proxy_only_the_address_it_appended_counts():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert client_ip(request) == "203.0.113.7"


def test_passwords_shorter_than_12_characters_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("short-pw-11")
    validate_password("chungtay-demo-2026")
