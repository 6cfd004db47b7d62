"""Answers Django produces outside DRF views, in the API's JSON error shape under /api/.

Installed as handler400/404/500, the CSRF failure view and the last /api/ route. They echo
nothing from the request, so no personal data leaks; outside /api/ Django's own pages are kept.
"""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views import csrf, defaults


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def json_error(
    request: HttpRequest, status: int, code: str, message: str | Promise
) -> HttpResponse:
    """Build {"code", "message", "errors"} exactly as server.api.exceptions does.

    The language comes from the request: a last-resort handler may run after the locale
    middleware has stepped aside.
    """
    language = translation.get_language_from_request(request)
    with translation.override(language):
        text = str(message)
    body = {"code": code, "message": text, "errors": [{"path": "", "code": code, "message": text}]}
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )
    response["Content-Language"] = language
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Unknown URLs under /api/ answer like a missing record; elsewhere Django's page."""
    if is_api(request):
        return json_error(request, 404, "not_found", _("Not found."))
    return defaults.page_not_found(request, exception)


def api_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """The last /api/ route: JSON 404 in every mode, even where DEBUG shows its own page.

    A GET without its trailing slash is redirected as CommonMiddleware would, since this
    route makes every /api/ path resolve.
    """
    if request.method in {"GET", "HEAD"} and settings.APPEND_SLASH and not path.endswith("/"):
        try:
            match = resolve(f"{request.path_info}/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return json_error(request, 404, "not_found", _("Not found."))


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        message = _("The server could not complete the request. Try again later.")
        return json_error(request, 500, "server_error", message)
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A SuspiciousOperation (forged Host header, too many form fields) with DEBUG off."""
    if is_api(request):
        return json_error(request, 400, "bad_request", _("The request is not valid."))
    return defaults.bad_request(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Say that the CSRF check failed, not that the role is lacking."""
    if is_api(request):
        message = _("CSRF check failed: reload the page and try again.")
        return json_error(request, 403, "csrf_failed", message)
    return csrf.csrf_failure(request, reason)
