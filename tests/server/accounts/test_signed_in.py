"""The typed way views reach the signed-in user and device of a request."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from rest_framework.request import Request

from server.accounts.authentication import (
    DeviceTokenAuthentication,
    signed_in_device,
    signed_in_user,
)
from server.accounts.models import Role, User
from server.accounts.services import device_register


def _request(**headers: str) -> Request:
    return Request(
        RequestFactory().get("/api/v1/", headers=headers),
        authenticators=[DeviceTokenAuthentication()],
    )


@pytest.mark.django_db
def test_a_token_request_gives_its_user_and_device():
    user = User.objects.create_user(username="vol", password="pw-vol", role=Role.VOLUNTEER)
    device, token = device_register(user=user, name="phone")
    request = _request(authorization=f"Token {token}")
    assert (signed_in_user(request), signed_in_device(request)) == (user, device)


@pytest.mark.django_db
def test_a_session_request_has_a_user_and_no_device():
    user = User.objects.create_user(username="off", password="pw-off", role=Role.VOLUNTEER)
    request = _request()
    request.user = user
    assert (signed_in_user(request), signed_in_device(request)) == (user, None)


def test_an_anonymous_request_is_refused_not_read_as_nobody():
    django_request = RequestFactory().get("/admin/")
    django_request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        signed_in_user(django_request)
    with pytest.raises(PermissionDenied):
        signed_in_user(_request())
