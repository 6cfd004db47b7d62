"""The app's URLs under /app/: shell, service worker, manifest, assets and catalogs."""

from __future__ import annotations

import json

import pytest
from django.test import Client


@pytest.fixture
def client() -> Client:
    return Client()


def test_shell_is_served_in_vietnamese(client: Client) -> None:
    response = client.get("/app/")
    assert response.status_code == 200
    assert b'lang="vi"' in response.content
    assert b"/app/app.bundle.mjs" in response.content
    assert response["Cache-Control"] == "no-cache"


def test_service_worker_has_scope_app_and_lists_the_shell(client: Client) -> None:
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/app/"
    body = response.content.decode()
    for url in ("/app/app.bundle.mjs", "/app/i18n/vi.js", "/app/i18n/en.js", "/app/"):
        assert f'"{url}"' in body


def test_manifest_makes_the_app_installable(client: Client) -> None:
    response = client.get("/app/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/app/"
    assert manifest["scope"] == "/app/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200
        assert png["Content-Type"] == "image/png"
        assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_assets_have_types_and_etags(client: Client) -> None:
    response = client.get("/app/static/js/expr.mjs")
    assert response["Content-Type"].startswith("text/javascript")
    again = client.get("/app/static/js/expr.mjs", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/app/static/../views.py", "/app/static/js/nope.mjs"])
def test_nothing_outside_the_static_folder_is_served(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("language", "text", "translated"),
    [("vi", "Sync now", "Đồng bộ ngay"), ("en", "Sync now", "Sync now")],
)
def test_catalogs_per_language(client: Client, language: str, text: str, translated: str) -> None:
    response = client.get(f"/app/i18n/{language}.js")
    assert response.status_code == 200
    body = response.content.decode()
    expected = json.dumps({text: translated})[1:-1]  # the catalog escapes non-ASCII
    if language == "vi":
        assert expected in body
    assert "django.gettext" in body


def test_unknown_catalog_language_is_404(client: Client) -> None:
    assert client.get("/app/i18n/fr.js").status_code == 404


def test_the_bundle_joins_every_module_the_app_imports(client: Client) -> None:
    response = client.get("/app/app.bundle.mjs")
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    for module in ("expr.mjs", "form.mjs", "sync.mjs", "survey.mjs", "app.mjs"):
        assert f"// ---- {module}\n" in body
    assert "\nimport " not in body
    assert "\nexport " not in body
