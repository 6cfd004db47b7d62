"""Domain errors that services raise; the exception handler maps them to HTTP."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    path: str
    code: str
    message: str


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
