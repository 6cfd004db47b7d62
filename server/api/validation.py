"""A serializer's errors as data: a path, a code and a lazily translated message.

DRF renders an error's text in the active language while it validates, so that text
cannot be shown in another language afterwards, and validating again per language
would run every check twice. Each error's message is instead taken back, lazily, from
the field that refused: its template for the error's code (DRF's own, or one the
serializer declares in the field's `error_messages`), filled in with the field's limits
and the refused input. One validation pass then answers in Vietnamese and in English.
"""

from collections.abc import Iterator, Mapping
from string import Formatter
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_noop
from rest_framework import fields, serializers
from rest_framework.settings import api_settings
from rest_framework.utils import humanize_datetime

from server.common.errors import FieldError, Message

# DRF's own messages for the fields this API uses. DRF ships few of them in Vietnamese;
# naming them here keeps their translations (server/locale) when makemessages runs.
DRF_MESSAGES = (
    gettext_noop("This field may not be null."),
    gettext_noop("Not a valid string."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("This value does not match the required pattern."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop("A valid integer is required."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("String value too large."),
    gettext_noop("A valid number is required."),
    gettext_noop("Ensure that there are no more than {max_digits} digits in total."),
    gettext_noop("Ensure that there are no more than {max_decimal_places} decimal places."),
    gettext_noop(
        "Ensure that there are no more than {max_whole_digits} digits before the decimal point."
    ),
    gettext_noop("Expected a date but got a datetime."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Must be a valid UUID."),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
)

_SAME_LEVEL = frozenset({api_settings.NON_FIELD_ERRORS_KEY, "non_field_errors", "__all__"})


def field_errors(serializer: serializers.BaseSerializer[Any]) -> list[FieldError]:
    """The errors of a serializer that has run `is_valid()` and failed."""
    data = getattr(serializer, "initial_data", None)
    return list(_walk(serializer.errors, serializer, data, ""))


def _walk(detail: Any, field: Any, data: Any, path: str) -> Iterator[FieldError]:
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            child, child_data = _child(field, data, key)
            yield from _walk(value, child, child_data, _join(path, key))
    elif isinstance(detail, list) and all(isinstance(item, str) for item in detail):
        for item in detail:
            yield _error(item, field, data, path)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if item:
                child, child_data = _child(field, data, index)
                yield from _walk(item, child, child_data, f"{path}[{index}]")
    else:
        yield _error(detail, field, data, path)


def _child(field: Any, data: Any, key: object) -> tuple[Any, Any]:
    """The field an error under `key` belongs to, and the input it refused."""
    if key in _SAME_LEVEL:
        return field, data
    if isinstance(key, int) and isinstance(field, serializers.ListSerializer):
        item = data[key] if isinstance(data, list) and 0 <= key < len(data) else None
        return field.child, item
    if isinstance(field, serializers.Serializer):
        value = data.get(key) if isinstance(data, Mapping) else None
        return field.fields.get(str(key)), value
    return None, None


def _join(prefix: str, key: object) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    if key in _SAME_LEVEL:
        return prefix
    return f"{prefix}.{key}" if prefix else str(key)


def _error(item: Any, field: Any, data: Any, path: str) -> FieldError:
    code = str(getattr(item, "code", None) or "invalid")
    return FieldError(path=path, code=code, message=_message(item, code, field, data))


def _message(item: Any, code: str, field: Any, data: Any) -> Message:
    """The field's template for `code`, filled lazily; else the text DRF rendered."""
    template = getattr(field, "error_messages", {}).get(code)
    if template is None:
        return str(item)
    names = {name for _text, name, _spec, _conv in Formatter().parse(str(template)) if name}
    try:
        values = {name: _parameter(name, field, data) for name in names}
    except AttributeError:  # a template filled in by code this module does not know
        return str(item)
    return format_lazy(template, **values)


def _parameter(name: str, field: Any, data: Any) -> object:
    """A value DRF fills into its messages, read back from the field or the input."""
    if name == "input":
        return data
    if name in {"input_type", "datatype"}:
        return type(data).__name__
    if name == "max_decimal_places":
        return field.decimal_places
    if name == "max_whole_digits":
        return field.max_digits - field.decimal_places
    if name == "format" and isinstance(field, fields.DateField):
        formats = getattr(field, "input_formats", None) or api_settings.DATE_INPUT_FORMATS
        return humanize_datetime.date_formats(formats)
    return getattr(field, name)
