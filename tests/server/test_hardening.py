"""Production hardening: deploy checks, secrets, CSP, JSON answers under /api/, no personal data leaks."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import RequestFactory
from django.views.debug import ExceptionReporter

from server.accounts.models import Role
from server.api.logging import RedactApiQueryFilter
from server.api.views import csrf_failure

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "Zt4q9VxL2mPn8Rk3Wb6Jc1Hs5Df7Gy0Ua2Ei4Ol6Ku8Nw1Qz3Xr5Tv7Yp9Bm0Cj"
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "chungtay.example.vn"}


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**keep, "DJANGO_SETTINGS_MODULE": "server.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_on_the_production_profile():
    result = _manage(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "key", ["change-me", "short-but-not-default-key", "a" * 60, "django-insecure-" + "x1y2z3" * 10]
)
def test_a_weak_secret_key_is_refused_at_start(key):
    result = _manage({**PRODUCTION, "SECRET_KEY": key}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_hsts_and_the_ssl_redirect_follow_the_environment():
    code = "import server.settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
    env = {
        **PRODUCTION,
        "SECURE_HSTS_SECONDS": "600",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_PROXY_SSL_HEADER": "false",
    }
    keep = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**keep, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["600", "False", "None"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/app/", "/admin/login/", "/api/docs/"])
def test_every_page_carries_a_content_security_policy_without_inline_scripts(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == ("'self' 'unsafe-inline'" if path == "/api/docs/" else "'self'")
    assert b"<script>" not in response.content


@pytest.mark.django_db
def test_the_api_docs_script_is_served_from_this_origin(client):
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")


@pytest.mark.django_db
def test_unknown_urls_under_api_answer_the_json_404(client):
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Not found.",
        "errors": [{"path": "", "code": "not_found", "message": "Not found."}],
    }


@pytest.mark.django_db
def test_a_csrf_failure_says_so_instead_of_blaming_the_role(personas, household_in):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas[Role.COMMUNE_OFFICER])
    url = f"/api/v1/households/{household_in.pk}/"
    response = browser.patch(
        url, {"head_name": "X"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert response.json()["message"] == "CSRF check failed: reload the page and try again."
    household_in.refresh_from_db()
    assert household_in.head_name == "Nguyễn Văn A"


def test_the_csrf_failure_view_answers_json_under_api():
    response = csrf_failure(RequestFactory().post("/api/v1/sync/push"), reason="no token")
    assert response.status_code == 403
    assert b'"code": "csrf_failed"' in response.content


@pytest.mark.django_db
def test_media_is_never_served_from_the_media_url(client):
    name = "original.jpg"
    (Path(settings.MEDIA_ROOT) / name).write_bytes(b"\xff\xd8\xff photo with GPS")
    response = client.get(f"/media/{name}")
    assert response.status_code == 404
    assert b"photo with GPS" not in response.content


def test_searched_names_are_redacted_from_the_access_log():
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s',
        ("GET /api/v1/households/?q=Nguy%E1%BB%85n+V%C4%83n+A&page=2 HTTP/1.1", "200", "512"), None,
    )  # fmt: skip
    assert RedactApiQueryFilter().filter(record) is True
    assert record.getMessage() == '"GET /api/v1/households/?[redacted] HTTP/1.1" 200 512'
    assert any(
        isinstance(f, RedactApiQueryFilter) for f in logging.getLogger("django.server").filters
    )


def test_gunicorn_logs_paths_without_query_strings():
    config = (ROOT / "gunicorn.conf.py").read_text()
    assert "%(U)s" in config
    assert "%(r)s" not in config
    assert "%(q)s" not in config


def _push_failure(full_name: str, citizen_id: str) -> None:
    raise ValueError("scoring failed")


def test_the_debug_500_page_shows_no_api_body_or_local_values(settings):
    settings.DEBUG = True
    # Split literals: the page also shows this test's source lines.
    name, citizen_id = "Hoàng Thị " + "Riêng", "0010800" + "99999"
    body = json.dumps({"full_name": name, "citizen_id": citizen_id})
    request = RequestFactory().post("/api/v1/sync/push", body, content_type="application/json")
    try:
        _push_failure(name, citizen_id)
    except ValueError:
        html = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()
    assert "scoring failed" in html
    assert name not in html
    assert citizen_id not in html


def test_the_debug_500_page_keeps_local_values_outside_the_api(settings):
    settings.DEBUG = True
    request = RequestFactory().get("/admin/")
    try:
        _push_failure("visible-outside-api", "x")
    except ValueError:
        html = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()
    assert "visible-outside-api" in html


@pytest.mark.django_db
def test_unknown_urls_under_api_answer_json_even_with_debug_on(client, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_an_api_get_without_its_trailing_slash_is_still_redirected(client):
    response = client.get("/api/v1/households?page=2")
    assert (response.status_code, response["Location"]) == (301, "/api/v1/households/?page=2")
