"""Field-level reading of parsed JSON, with one Issue per fault and its path.

Shared by the codec and the client's export loader. Also the strict JSON parser:
repeated keys and NaN are refused, because parsers disagree on them and the server
must hash exactly what the phone meant.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from uuid import UUID

from sync import rules
from sync.errors import DecodeError, Issue, issue

MAX_ID_LENGTH = 100
MAX_PAYLOAD_DEPTH = 32
MAX_SAFE_INTEGER = 2**53 - 1
"""Largest integer every JSON parser (JavaScript included) reads exactly."""

MISSING = object()


def join_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class FieldReader:
    """Read typed fields of one JSON object, appending an Issue for every fault."""

    def __init__(self, data: Mapping[str, Any], path: str, issues: list[Issue]) -> None:
        self.data, self.path, self.issues = data, path, issues

    def refuse_unknown(self, allowed: set[str]) -> None:
        for key in sorted(set(self.data) - allowed):
            self.issues.append(issue(join_path(self.path, key), "unknown_field"))

    def raw(self, key: str, *, required: bool = True) -> object:
        if key not in self.data:
            if required:
                self.issues.append(issue(join_path(self.path, key), "required"))
            return MISSING
        return self.data[key]

    def fail(self, key: str, code: str, **params: object) -> None:
        self.issues.append(issue(join_path(self.path, key), code, **params))

    def string(
        self, key: str, *, max_length: int = MAX_ID_LENGTH, required: bool = True
    ) -> str | None:
        value = self.raw(key, required=required)
        if value is MISSING:
            return None
        if not isinstance(value, str) or value == "":
            self.fail(key, "wrong_type", expected="non-empty string")
            return None
        if len(value) > max_length:
            self.fail(key, "too_long", limit=max_length)
            return None
        return value

    def integer(self, key: str, *, low: int, high: int, required: bool = True) -> int | None:
        value = self.raw(key, required=required)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, "wrong_type", expected="integer")
            return None
        if not low <= value <= high:
            self.fail(key, "out_of_range", low=low, high=high)
            return None
        return value

    def uuid(self, key: str, *, required: bool = True) -> UUID | None:
        value = self.string(key, max_length=36, required=required)
        parsed = None if value is None else parse_uuid(value)
        if value is not None and parsed is None:
            self.fail(key, "invalid_uuid")
        return parsed

    def sha256(self, key: str) -> str | None:
        value = self.string(key, max_length=64)
        if value is not None and not rules.is_sha256(value):
            self.fail(key, "invalid_sha256")
            return None
        return value

    def choice(self, key: str, enum_type: type[enum.StrEnum]) -> Any:
        value = self.string(key, max_length=40)
        if value is None:
            return None
        try:
            return enum_type(value)
        except ValueError:
            self.fail(key, "invalid_choice", choices=", ".join(m.value for m in enum_type))
            return None

    def array(self, key: str, *, required: bool = True) -> list[Any] | None:
        value = self.raw(key, required=required)
        if value is MISSING:
            return None
        if not isinstance(value, list):
            self.fail(key, "wrong_type", expected="array")
            return None
        return value

    def child(self, key: str | int, value: object) -> FieldReader | None:
        """Return a reader for a nested object, or None after recording wrong_type."""
        path = join_path(self.path, key)
        if not isinstance(value, dict):
            self.issues.append(issue(path, "wrong_type", expected="object"))
            return None
        return FieldReader(value, path, self.issues)


def parse_uuid(text: str) -> UUID | None:
    """Accept only the canonical 36-character hyphenated form, any case."""
    if len(text) != 36:
        return None
    try:
        return UUID(text)
    except ValueError:
        return None


def object_reader(data: object, path: str, issues: list[Issue]) -> FieldReader | None:
    if not isinstance(data, dict):
        issues.append(issue(path, "wrong_type", expected="object"))
        return None
    return FieldReader(data, path, issues)


# --- payloads ---------------------------------------------------------------------


def check_json_value(value: object, path: str, issues: list[Issue], depth: int = 0) -> None:
    """Record every float, unsafe integer or over-deep nesting inside a payload."""
    if depth > MAX_PAYLOAD_DEPTH:
        issues.append(issue(path, "out_of_range", low=0, high=MAX_PAYLOAD_DEPTH))
    elif isinstance(value, float):
        issues.append(issue(path, "float_not_allowed"))
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_SAFE_INTEGER:
            issues.append(issue(path, "out_of_range", low=-MAX_SAFE_INTEGER, high=MAX_SAFE_INTEGER))
    elif isinstance(value, list):
        for i, element in enumerate(value):
            check_json_value(element, join_path(path, i), issues, depth + 1)
    elif isinstance(value, dict):
        for key, element in value.items():
            check_json_value(element, join_path(path, str(key)), issues, depth + 1)
    elif value is not None and not isinstance(value, bool | str):
        issues.append(issue(path, "wrong_type", expected="JSON value"))


# --- raw bodies --------------------------------------------------------------------


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build an object, refusing repeated keys: parsers disagree on which one wins."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes) -> object:
    """Parse a request body strictly: UTF-8, no NaN/Infinity, no repeated keys.

    Raises DecodeError (400). Use it on the raw body instead of a framework parser,
    so the server hashes exactly what the phone meant.
    """
    try:
        text = raw.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_unique_object, parse_constant=_refuse_constant)
    except _DuplicateKey as error:
        raise DecodeError([issue(_printable(error.key), "duplicate_key")]) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DecodeError([issue("", "invalid_json")]) from None
    if _ESCAPED_SURROGATE.search(text):
        lone = list(_lone_surrogates(value, ""))
        if lone:
            raise DecodeError([issue(path, "invalid_string") for path in lone])
    return value


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
"""UTF-8 cannot carry a surrogate, so only a \\u escape can bring one into a string."""


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(text: str) -> str:
    """Replace lone surrogates, so a path that names a bad key can still be sent back."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _lone_surrogates(value: object, path: str) -> Iterator[str]:
    """Yield the path of every string or key holding a lone surrogate (hashing it fails)."""
    if isinstance(value, str) and _has_lone_surrogate(value):
        yield path
    elif isinstance(value, list):
        for i, element in enumerate(value):
            yield from _lone_surrogates(element, join_path(path, i))
    elif isinstance(value, dict):
        for key, element in value.items():
            key_path = join_path(path, _printable(key))
            if _has_lone_surrogate(key):
                yield key_path
            yield from _lone_surrogates(element, key_path)
