"""The path-matching primitive behind the one scoping rule (see server.accounts.access).

A user reaches their assigned units and everything below them. Records outside the
result are indistinguishable from records that do not exist (callers answer 404 for
both). The querysets' `visible_to(user)` and `server.accounts.access` both build on
`scope_q`, so reads and writes across the API, the admin and sync share one definition.

It sits in `accounts` because a user's area is their unit assignments; it imports only
`server.accounts.models`, so every app's models (the registry's querysets) can use it.
"""

from django.db.models import Q, Value
from django.db.models.functions import Substr
from django.db.models.lookups import Exact

from server.accounts.models import UnitAssignment

_NOTHING = Q(pk__in=[])


def path_within_q(path_field: str, path: str) -> Q:
    """Match `path_field` equal to `path` or below it, comparing case exactly on every database.

    Paths end with their separator ("90/90001/"), so a prefix never matches a sibling
    whose code merely starts the same way. `startswith` alone is not enough: SQLite's
    LIKE ignores ASCII case, so village "PRB-a" would reach "PRB-A". The LIKE keeps the
    PostgreSQL prefix index usable; the SUBSTR equality is the case-exact rule (`=` is
    binary on SQLite and PostgreSQL alike).
    """
    return Q(**{f"{path_field}__startswith": path}) & Q(
        Exact(Substr(path_field, 1, len(path)), Value(path))
    )


def path_is_within(path: str, ancestor_path: str) -> bool:
    """Python twin of `path_within_q` for records already loaded (str.startswith is exact)."""
    return path.startswith(ancestor_path)


def user_unit_paths(user: object) -> tuple[str, ...]:
    """Return the materialised paths of the user's units, cached on the user object."""
    cached = getattr(user, "_unit_paths_cache", None)
    if cached is None:
        if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
            cached = ()
        else:
            cached = tuple(
                UnitAssignment.objects.filter(user_id=user.pk)  # type: ignore[attr-defined]  # pk checked above
                .values_list("unit__path", flat=True)
                .order_by("unit__path")
            )
        user._unit_paths_cache = cached  # type: ignore[attr-defined]  # a per-request cache on the user
    return cached


def is_unrestricted(user: object) -> bool:
    """An active superuser sees every area."""
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def scope_q(user: object, path_field: str) -> Q:
    """Build the filter that limits `path_field` to the user's subtrees."""
    if is_unrestricted(user):
        return Q()
    condition = _NOTHING
    for path in user_unit_paths(user):
        condition |= path_within_q(path_field, path)
    return condition


def covers_path(user: object, path: str) -> bool:
    """Whether `path` lies in the user's area; the in-memory form of `scope_q`."""
    if is_unrestricted(user):
        return True
    return any(path_is_within(path, own) for own in user_unit_paths(user))
