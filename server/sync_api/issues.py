"""Turning the server's validation errors into sync issues with both languages."""

from collections.abc import Callable, Mapping
from typing import Any

from django.utils import translation
from rest_framework import serializers

from server.api.errors import DomainValidationError
from server.api.exceptions import flatten
from sync.errors import Issue


def _prefixed(prefix: str, path: str) -> str:
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def serializer_issues(
    build: Callable[[], serializers.Serializer[Any]], prefix: str = "payload"
) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Validate with a DRF serializer; on failure, render its messages in vi and en.

    The serializer runs once per language only when it fails, so valid items pay for
    one validation.
    """
    serializer = build()
    if serializer.is_valid():
        return dict(serializer.validated_data), []
    messages: dict[str, list[Any]] = {}
    for language in ("vi", "en"):
        with translation.override(language):
            again = build()
            again.is_valid()
            messages[language] = flatten(again.errors)
    return None, [
        Issue(_prefixed(prefix, vi.path), vi.code, vi.message, en.message)
        for vi, en in zip(messages["vi"], messages["en"], strict=True)
    ]


def domain_issues(run: Callable[[], Any], prefix: str = "payload") -> tuple[Any, list[Issue]]:
    """Run a service; a DomainValidationError becomes issues rendered in both languages."""
    try:
        with translation.override("vi"):
            return run(), []
    except DomainValidationError as first:
        vi = first.errors
    with translation.override("en"):
        try:
            run()
        except DomainValidationError as second:
            en = second.errors
        else:  # pragma: no cover - the same input cannot pass the second time
            en = vi
    return None, [
        Issue(_prefixed(prefix, a.path), a.code, a.message, b.message)
        for a, b in zip(vi, en, strict=False)
    ]


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
