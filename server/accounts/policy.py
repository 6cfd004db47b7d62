"""Role checks by name, kept for existing callers; the grants live in server.accounts.access."""

from server.accounts.access import ROLE_ACTIONS, Action, allows
from server.accounts.models import Role

__all__ = [
    "CITIZEN_ID_READERS",
    "DEVICE_MANAGERS",
    "HOUSEHOLD_EDITORS",
    "REVIEWERS",
    "UNIT_MANAGERS",
    "can_edit_households",
    "can_manage_devices",
    "can_manage_units",
    "can_read_citizen_id",
    "can_review",
]


def _roles_with(action: Action) -> frozenset[Role]:
    return frozenset(role for role, actions in ROLE_ACTIONS.items() if action in actions)


HOUSEHOLD_EDITORS = _roles_with(Action.EDIT_HOUSEHOLDS)
CITIZEN_ID_READERS = _roles_with(Action.READ_CITIZEN_ID)
UNIT_MANAGERS = _roles_with(Action.MANAGE_UNITS)
DEVICE_MANAGERS = _roles_with(Action.MANAGE_DEVICES)
REVIEWERS = _roles_with(Action.REVIEW)


def can_edit_households(user: object) -> bool:
    return allows(user, Action.EDIT_HOUSEHOLDS)


def can_read_citizen_id(user: object) -> bool:
    return allows(user, Action.READ_CITIZEN_ID)


def can_manage_units(user: object) -> bool:
    return allows(user, Action.MANAGE_UNITS)


def can_manage_devices(user: object) -> bool:
    return allows(user, Action.MANAGE_DEVICES)


def can_review(user: object) -> bool:
    return allows(user, Action.REVIEW)
