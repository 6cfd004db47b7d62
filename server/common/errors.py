"""Domain errors that services raise; each edge (REST, sync, admin) renders them.

A refusal is data: where (a field path such as "members[0].birth_date"), what (a stable
code) and a message that is translated lazily. The message is rendered only at the
edge, in the language the caller reads, so one validation pass can answer in Vietnamese
and in English without running anything twice.
"""

from dataclasses import dataclass, field
from typing import TypeAlias

from django.utils import translation
from django.utils.functional import Promise

Message: TypeAlias = str | Promise
"""A message as services build it: gettext_lazy (or format_lazy) text, or plain text."""


def render(message: Message, language: str) -> str:
    """The message in `language` ("vi" or "en"); plain text is returned unchanged."""
    with translation.override(language):
        return str(message)


@dataclass(frozen=True)
class FieldError:
    path: str
    code: str
    message: Message


@dataclass
class DomainValidationError(Exception):
    """A write refused before anything was stored; carries every field error."""

    errors: list[FieldError] = field(default_factory=list)


@dataclass
class RevisionConflict(Exception):
    """An edit was based on a revision that is no longer current."""

    entity: str
    current_revision: int
    base_revision: int


class PermissionRefused(Exception):
    """The user can see the record but their role may not change it."""
