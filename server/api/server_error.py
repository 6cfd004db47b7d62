"""The production 500 page: the JSON error shape under /api/, Django's page elsewhere.

Installed as `handler500` in server.urls. Django calls it only with DEBUG off, after
an unhandled exception; it echoes nothing from the request, so no personal data leaks.
"""

import json

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def server_error(request: HttpRequest) -> HttpResponse:
    if not request.path.startswith(API_PREFIX):
        return defaults.server_error(request)
    language = translation.get_language_from_request(request)
    with translation.override(language):
        message = _("The server could not complete the request. Try again later.")
    body = {
        "code": "server_error",
        "message": message,
        "errors": [{"path": "", "code": "server_error", "message": message}],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=500, content_type="application/json"
    )
    response["Content-Language"] = language
    return response
