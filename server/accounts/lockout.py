"""The answer to a locked-out sign-in, on the admin and on the API."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from server.api.views import is_api, json_error


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed sign-ins for this account or address. Try again in %(minutes)d minutes."
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """Answer 429: JSON under /api/, a plain page elsewhere; the password is never checked."""
    if is_api(request):
        return json_error(request, 429, "locked_out", lockout_message())
    return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")
