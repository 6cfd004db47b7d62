"""One place that turns every error into the JSON shape clients rely on.

Shape: {"code": ..., "message": ..., "errors": [{"path", "code", "message"}]}.
Messages follow the request's language (Accept-Language, Vietnamese by default): domain
errors carry lazily translated messages, rendered here; paths use dots and brackets,
e.g. "members[0].birth_date".
"""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from server.api.csrf import CsrfFailed
from server.common.errors import (
    DomainValidationError,
    FieldError,
    PermissionRefused,
    RevisionConflict,
)


def flatten(detail: Any, prefix: str = "") -> list[FieldError]:
    """Flatten DRF's nested error detail into path-addressed field errors."""
    if isinstance(detail, dict):
        return [
            error for key, value in detail.items() for error in flatten(value, _join(prefix, key))
        ]
    if isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail | str) for item in detail):
            return [_leaf(item, prefix) for item in detail]
        return [
            error
            for index, item in enumerate(detail)
            if item
            for error in flatten(item, f"{prefix}[{index}]")
        ]
    return [_leaf(detail, prefix)]


def _join(prefix: str, key: object) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    key = str(key)
    if key in {"non_field_errors", "__all__"}:
        return prefix
    return f"{prefix}.{key}" if prefix else key


def _leaf(item: Any, path: str) -> FieldError:
    code = getattr(item, "code", None) or "invalid"
    return FieldError(path=path, code=str(code), message=str(item))


def _body(code: str, message: str, errors: list[FieldError] | None = None) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "errors": [
            {"path": e.path, "code": e.code, "message": str(e.message)} for e in errors or []
        ],
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainValidationError):
        return Response(
            _body("validation_error", _("The data is not valid."), exc.errors),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, RevisionConflict):
        return _conflict(exc)
    if isinstance(exc, PermissionRefused):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    response.data = _api_exception_body(exc)
    return response


def _conflict(exc: RevisionConflict) -> Response:
    body = _body(
        "revision_conflict",
        _("This record was changed by someone else. Reload it and apply your edit again."),
        [FieldError("revision", "stale", _("The revision you edited is no longer current."))],
    )
    body["current_revision"] = exc.current_revision
    return Response(body, status=status.HTTP_409_CONFLICT)


_MESSAGES = {
    CsrfFailed: ("csrf_failed", None),
    exceptions.ParseError: ("parse_error", lambda: _("The request body is not valid JSON.")),
    exceptions.NotFound: ("not_found", lambda: _("Not found.")),
    exceptions.PermissionDenied: (
        "permission_denied",
        lambda: _("Your role does not allow this action."),
    ),
    exceptions.NotAuthenticated: ("not_authenticated", lambda: _("Sign in first.")),
    exceptions.AuthenticationFailed: ("authentication_failed", None),
    exceptions.UnsupportedMediaType: (
        "unsupported_media_type",
        lambda: _("Send the body as application/json."),
    ),
}


def _api_exception_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        return _body("validation_error", _("The data is not valid."), flatten(exc.detail))
    for kind, (code, message) in _MESSAGES.items():
        if isinstance(exc, kind):
            text = message() if message else str(exc.detail)
            return _body(code, text, [FieldError("", code, text)])
    text = str(exc.detail)
    return _body(str(exc.default_code), text, [FieldError("", str(exc.default_code), text)])
