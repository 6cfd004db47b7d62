"""Django's last-resort error pages, in the JSON error shape under /api/.

Installed as `handler400` and `handler500` in server.urls. Django calls them with DEBUG
off: a 500 after an unhandled exception, a 400 after a SuspiciousOperation (a forged
Host header, too many form fields). They echo nothing from the request, so no personal
data leaks; outside /api/ Django's own pages are kept.
"""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def server_error(request: HttpRequest) -> HttpResponse:
    if not request.path.startswith(API_PREFIX):
        return defaults.server_error(request)
    return _json_error(
        request,
        500,
        "server_error",
        lambda: _("The server could not complete the request. Try again later."),
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not request.path.startswith(API_PREFIX):
        return defaults.bad_request(request, exception)
    return _json_error(request, 400, "bad_request", lambda: _("The request is not valid."))


def _json_error(
    request: HttpRequest, status: int, code: str, message: Callable[[], str]
) -> HttpResponse:
    language = translation.get_language_from_request(request)
    with translation.override(language):
        text = message()
    body = {"code": code, "message": text, "errors": [{"path": "", "code": code, "message": text}]}
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )
    response["Content-Language"] = language
    return response
