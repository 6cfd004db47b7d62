"""Error reports (the DEBUG page, admin e-mails) that never carry API payloads."""

from types import FrameType
from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter


def _is_api(request: HttpRequest | None) -> bool:
    return request is not None and request.path.startswith("/api/")


class ApiExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hide the body and every local variable of an /api/ request, in every mode.

    API bodies carry names, citizen IDs and birth dates, which reach the traceback's
    local variables; Django's own filter is inactive while DEBUG is on.
    """

    def is_active(self, request: HttpRequest | None) -> bool:
        return _is_api(request) or super().is_active(request)

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if _is_api(request):
            assert request is not None  # noqa: S101 - _is_api checked it
            return dict.fromkeys(request.POST, self.cleansed_substitute)
        return super().get_post_parameters(request)

    def get_traceback_frame_variables(
        self, request: HttpRequest | None, tb_frame: FrameType
    ) -> Any:
        if _is_api(request):
            return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
        return super().get_traceback_frame_variables(request, tb_frame)
