"""Turning the server's validation errors into sync issues with both languages.

Every item is validated once. Errors are data (path, code, lazily translated message),
so both languages are rendered from the same errors, never by validating again.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from rest_framework import serializers

from server.api.validation import field_errors
from server.common.errors import DomainValidationError, FieldError, render
from sync.errors import Issue

T = TypeVar("T")


def _prefixed(prefix: str, path: str) -> str:
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def issues_of(errors: Iterable[FieldError], prefix: str = "payload") -> list[Issue]:
    """Render each error in Vietnamese and in English under `prefix`."""
    return [
        Issue(_prefixed(prefix, e.path), e.code, render(e.message, "vi"), render(e.message, "en"))
        for e in errors
    ]


def serializer_issues(
    serializer: serializers.Serializer[Any], prefix: str = "payload"
) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Validate once with a DRF serializer: (validated data, []) or (None, its issues)."""
    if serializer.is_valid():
        return dict(serializer.validated_data), []
    return None, issues_of(field_errors(serializer), prefix)


def domain_issues(run: Callable[[], T], prefix: str = "payload") -> tuple[T | None, list[Issue]]:
    """Run a service once; a DomainValidationError becomes issues in both languages."""
    try:
        return run(), []
    except DomainValidationError as refused:
        return None, issues_of(refused.errors, prefix)


def unknown_field_issues(
    payload: Mapping[str, Any], allowed: frozenset[str], prefix: str = "payload"
) -> list[Issue]:
    """Refuse keys a payload may not carry; a serializer would drop them silently."""
    return [
        Issue(
            _prefixed(prefix, key),
            "unknown_field",
            "Trường không được hỗ trợ.",
            "Unknown field.",
        )
        for key in sorted(set(payload) - allowed)
    ]
