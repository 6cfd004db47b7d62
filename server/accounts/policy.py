"""What each role may do inside its area. Where a role may look is decided by scoping."""

from server.accounts.models import Role

HOUSEHOLD_EDITORS = frozenset({Role.VOLUNTEER, Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN})
CITIZEN_ID_READERS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN})
UNIT_MANAGERS = frozenset({Role.PROVINCE_ADMIN})
DEVICE_MANAGERS = frozenset({Role.PROVINCE_ADMIN})
REVIEWERS = frozenset({Role.COMMUNE_OFFICER, Role.DISTRICT_REVIEWER, Role.PROVINCE_ADMIN})


def _has(user: object, roles: frozenset[Role]) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return getattr(user, "role", None) in roles


def can_edit_households(user: object) -> bool:
    return _has(user, HOUSEHOLD_EDITORS)


def can_read_citizen_id(user: object) -> bool:
    return _has(user, CITIZEN_ID_READERS)


def can_manage_units(user: object) -> bool:
    return _has(user, UNIT_MANAGERS)


def can_manage_devices(user: object) -> bool:
    return _has(user, DEVICE_MANAGERS)


def can_review(user: object) -> bool:
    return _has(user, REVIEWERS)
