"""Tokens end after a period of no use, and every token and session ends with a new password."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from server.accounts.models import Device, Role
from server.accounts.services import user_set_password
from tests.server.admin_forms import admin_form_data
from tests.server.conftest import client_for, make_user

pytestmark = pytest.mark.django_db
DEVICES = "/api/v1/devices/"


@pytest.fixture
def volunteer(tree):
    return make_user("tinhnguyen", Role.VOLUNTEER, tree.village1a)


def _age(user, **delta):
    Device.objects.filter(user=user).update(last_used_at=timezone.now() - timedelta(**delta))


def test_a_token_unused_for_longer_than_the_idle_period_is_refused(volunteer, settings):
    settings.DEVICE_TOKEN_IDLE_DAYS = 30
    api = client_for(volunteer)
    _age(volunteer, days=31)
    assert api.get(DEVICES).status_code == 401


def test_a_token_used_within_the_idle_period_works_and_is_touched_at_most_every_few_minutes(
    volunteer,
):
    api = client_for(volunteer)
    _age(volunteer, days=29)
    assert api.get(DEVICES).status_code == 200
    touched = Device.objects.get(user=volunteer).last_used_at
    assert timezone.now() - touched < timedelta(seconds=5)
    assert api.get(DEVICES).status_code == 200
    assert Device.objects.get(user=volunteer).last_used_at == touched


def _session(user):
    browser = Client()
    browser.force_login(user)
    assert browser.get("/admin/").status_code == 200
    return browser


def test_a_password_set_by_the_service_ends_every_token_and_session(volunteer):
    volunteer.is_staff = True
    volunteer.save()
    api, browser = client_for(volunteer), _session(volunteer)

    user_set_password(user=volunteer, raw_password="a-brand-new-password-2026")

    assert api.get(DEVICES).status_code == 401
    assert browser.get("/admin/").status_code == 302
    assert Device.objects.filter(user=volunteer, revoked_at__isnull=True).count() == 0


def test_a_password_changed_in_the_admin_ends_every_token_and_session(admin_client, volunteer):
    volunteer.is_staff = True
    volunteer.save()
    api, browser = client_for(volunteer), _session(volunteer)
    url = f"/admin/accounts/user/{volunteer.pk}/password/"
    new = "a-brand-new-password-2026"

    response = admin_client.post(
        url, {"password1": new, "password2": new, "usable_password": "true"}
    )

    assert response.status_code == 302
    assert api.get(DEVICES).status_code == 401
    assert browser.get("/admin/").status_code == 302
    assert Device.objects.get(user=volunteer).revoked_at is not None


def test_deactivating_a_user_in_the_admin_ends_every_token_and_session(admin_client, volunteer):
    volunteer.is_staff = True
    volunteer.save()
    api, browser = client_for(volunteer), _session(volunteer)
    url = f"/admin/accounts/user/{volunteer.pk}/change/"
    data = admin_form_data(admin_client.get(url), is_active=None)

    assert admin_client.post(url, data).status_code == 302

    assert api.get(DEVICES).status_code == 401
    assert browser.get("/admin/").status_code == 302
    assert Device.objects.get(user=volunteer).revoked_at is not None


def test_saving_a_user_without_changes_keeps_their_tokens(admin_client, volunteer):
    api = client_for(volunteer)
    url = f"/admin/accounts/user/{volunteer.pk}/change/"
    assert admin_client.post(url, admin_form_data(admin_client.get(url))).status_code == 302
    assert api.get(DEVICES).status_code == 200
