"""The console's shell: who may enter, sign-in, language, formats and vendored libraries."""

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from server.accounts.models import Role, User
from server.console.templatetags.console import vn_date, vn_number, vn_percent

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "a-long-test-password-1"  # noqa: S105 - test fixture


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_anonymous_visit_goes_to_the_sign_in_page(db: None) -> None:
    response = Client().get("/console/")

    assert response.status_code == 302
    assert response["Location"] == "/console/login/?next=/console/"


@pytest.mark.parametrize(
    "role",
    [Role.COMMUNE_OFFICER, Role.DISTRICT_REVIEWER, Role.PROVINCE_ADMIN, Role.SUPPORT_STAFF],
)
def test_every_staff_role_opens_the_start_page(personas: dict[str, User], role: str) -> None:
    response = _signed_in(personas[role]).get("/console/")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"
    assert "Xin chào" in response.content.decode()


def test_a_volunteer_is_sent_to_the_phone_app(personas: dict[str, User]) -> None:
    response = _signed_in(personas[Role.VOLUNTEER]).get("/console/")

    assert response.status_code == 403
    assert 'href="/app/"' in response.content.decode()


def test_staff_sign_in_with_username_and_password(personas: dict[str, User]) -> None:
    officer = personas[Role.COMMUNE_OFFICER]
    officer.set_password(PASSWORD)
    officer.save()

    response = Client().post(
        "/console/login/", {"username": "officer", "password": PASSWORD, "next": "/console/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/console/"


def test_a_wrong_password_is_refused_in_vietnamese(personas: dict[str, User]) -> None:
    response = Client().post("/console/login/", {"username": "officer", "password": "wrong"})

    assert response.status_code == 200
    assert "errors" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_english_is_one_switch_away(personas: dict[str, User]) -> None:
    client = _signed_in(personas[Role.COMMUNE_OFFICER])

    client.post("/i18n/setlang/", {"language": "en", "next": "/console/"})
    response = client.get("/console/")

    assert "Hello" in response.content.decode()


def test_the_layout_loads_htmx_from_this_server(personas: dict[str, User]) -> None:
    html = _signed_in(personas[Role.COMMUNE_OFFICER]).get("/console/").content.decode()

    assert 'src="/static/console/vendor/htmx.min.js"' in html
    assert "https://" not in html


def test_the_stylesheet_is_served_without_collectstatic(db: None) -> None:
    response = Client().get("/static/console/console.css")

    assert response.status_code == 200
    assert b".table" in b"".join(response.streaming_content)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (1234567, 0, "1.234.567"),
        (Decimal("1234.567"), 2, "1.234,57"),
        (0, 0, "0"),
        (-2500, 0, "-2.500"),
        (None, 0, ""),
    ],
)
def test_numbers_are_written_the_vietnamese_way(value: object, places: int, text: str) -> None:
    assert vn_number(value, places) == text


def test_percentages_and_dates_are_written_the_vietnamese_way() -> None:
    assert vn_percent(12.345) == "12,3%"
    assert vn_date(date(2027, 2, 5)) == "05/02/2027"


def test_the_vendored_libraries_match_their_pinned_packages() -> None:
    """Needs node_modules (`npm ci`); CI installs it, so the check runs there."""
    if not (ROOT / "node_modules").exists():
        if os.environ.get("CI"):
            pytest.fail("node_modules is missing under CI: run npm ci first")
        pytest.skip("node_modules not installed")
    result = subprocess.run(  # noqa: S603 - fixed script
        [sys.executable, "scripts/vendor_static.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_pages_open_in_vietnamese_whatever_the_browser_asks(personas: dict[str, User]) -> None:
    client = _signed_in(personas[Role.COMMUNE_OFFICER])

    response = client.get("/console/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "vi"


def test_the_api_still_answers_in_the_language_asked(db: None) -> None:
    response = Client().get("/api/v1/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.headers["Content-Language"] == "en"
