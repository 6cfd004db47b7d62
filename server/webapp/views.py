"""Views of the volunteer app: the shell, its assets, the service worker and catalogs.

Every asset lives under /app/ so the service worker (scope /app/) can cache all of them.
Assets are served with `no-cache` and an ETag: the service worker serves them offline,
and a changed file is picked up on the next online start.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from functools import cache
from pathlib import Path
from typing import Final

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

from server.webapp.bundle import cached_bundle

STATIC_DIR: Final = Path(__file__).resolve().parent / "static" / "webapp"
LANGUAGES: Final = ("vi", "en")
CONTENT_TYPES: Final = {
    ".mjs": "text/javascript; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
}
# Shipped in the precache with the bundle: everything the app needs to start offline.
SHELL_SUFFIXES: Final = (".css", ".png", ".webmanifest")
BUNDLE_URL: Final = "/app/app.bundle.mjs"


def shell_assets() -> list[str]:
    """URLs of the files the service worker precaches (the modules travel as one bundle)."""
    files = sorted(p for p in STATIC_DIR.rglob("*") if p.suffix in SHELL_SUFFIXES)
    return [BUNDLE_URL] + [f"/app/static/{p.relative_to(STATIC_DIR).as_posix()}" for p in files]


@cache
def shell_version() -> str:
    """Hash of every shell file: a new version makes the service worker re-cache."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.as_posix().encode())
            digest.update(path.read_bytes())
    for name in ("index.html", "sw.js"):
        digest.update((Path(__file__).parent / "templates" / "webapp" / name).read_bytes())
    return digest.hexdigest()[:16]


def _no_cache(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def shell(request: HttpRequest) -> HttpResponse:
    context = {"version": shell_version(), "bundle": BUNDLE_URL}
    response = render(request, "webapp/index.html", context)
    return _no_cache(response)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    body = render(
        request,
        "webapp/sw.js",
        {
            "version": shell_version(),
            "assets": json.dumps(shell_assets() + [f"/app/i18n/{lang}.js" for lang in LANGUAGES]),
        },
        content_type="text/javascript; charset=utf-8",
    )
    body["Service-Worker-Allowed"] = "/app/"
    return _no_cache(body)


def _bytes_response(request: HttpRequest, data: bytes, content_type: str) -> HttpResponse:
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        return _no_cache(HttpResponse(status=304, headers={"ETag": etag}))
    response = HttpResponse(data, content_type=content_type)
    response["ETag"] = etag
    return _no_cache(response)


@require_GET
def asset(request: HttpRequest, path: str) -> HttpResponse:
    """One file under static/webapp; paths outside it are 404."""
    target = (STATIC_DIR / path).resolve()
    if STATIC_DIR not in target.parents or not target.is_file():
        raise Http404(path)
    content_type = CONTENT_TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
    return _bytes_response(request, target.read_bytes(), content_type or "application/octet-stream")


@require_GET
def app_bundle(request: HttpRequest) -> HttpResponse:
    """Every module of the app joined into one (server/webapp/bundle.py)."""
    text = cached_bundle(STATIC_DIR / "js")
    return _bytes_response(request, text.encode("utf-8"), CONTENT_TYPES[".mjs"])


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    return asset(request, "manifest.webmanifest")


class LanguageCatalog(JavaScriptCatalog):
    """The djangojs catalog of this app in the language named by the URL."""

    domain = "djangojs"
    packages = ["server.webapp"]

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        language = str(kwargs.get("language"))
        if language not in LANGUAGES:
            raise Http404(language)
        with translation.override(language):
            response = super().get(request, *args, **kwargs)
        return _no_cache(response)
