"""Refuse oversized bodies before any view reads them.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE is not consulted when DRF reads the raw
stream, so the limit is enforced here from Content-Length: a 20 MB body gets a
413 without being read. Paths listed in LARGE_BODY_PREFIXES (photo uploads) have
their own, larger limit enforced by their views.
"""

import json
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

# Sync endpoints check their own limits from Content-Length and answer in the protocol's shape.
LARGE_BODY_PREFIXES = ("/api/v1/sync/push", "/api/v1/sync/attachments/")


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(LARGE_BODY_PREFIXES):
            length = _content_length(request)
            if length is None:
                return _error(request, 400, "invalid_content_length")
            if length > settings.API_MAX_BODY_BYTES:
                return _error(request, 413, "body_too_large")
        return self.get_response(request)


def _content_length(request: HttpRequest) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value >= 0 else None


def _error(request: HttpRequest, status: int, code: str) -> HttpResponse:
    language = translation.get_language_from_request(request)
    with translation.override(language):
        if code == "body_too_large":
            message = _("The request body is larger than the %(limit)d bytes allowed.") % {
                "limit": settings.API_MAX_BODY_BYTES
            }
        else:
            message = _("The Content-Length header is not valid.")
    body = {
        "code": code,
        "message": message,
        "errors": [{"path": "", "code": code, "message": message}],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )
    response["Content-Language"] = language
    return response
