"""Vietnamese first on the pages people read: the browser's language does not choose it."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class VietnameseFirstMiddleware:
    """Outside /api/, drop Accept-Language so pages open in Vietnamese.

    A staff laptop's browser often asks for English; the console and the admin still open
    in Vietnamese, and the language switch (a cookie) picks English. API clients keep
    choosing their language with Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
