"""The one scoping rule: a user reaches their assigned units and everything below them.

Every queryset's `visible_to(user)` delegates here, so reads and writes across the
API, the admin and sync share a single definition. Records outside the result are
indistinguishable from records that do not exist (callers answer 404 for both).
"""

from django.db.models import Q

_NOTHING = Q(pk__in=[])


def user_unit_paths(user: object) -> tuple[str, ...]:
    """Return the materialised paths of the user's units, cached on the user object."""
    cached = getattr(user, "_unit_paths_cache", None)
    if cached is None:
        if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
            cached = ()
        else:
            from server.accounts.models import UnitAssignment

            cached = tuple(
                UnitAssignment.objects.filter(user_id=user.pk)  # type: ignore[attr-defined]
                .values_list("unit__path", flat=True)
                .order_by("unit__path")
            )
        user._unit_paths_cache = cached  # type: ignore[attr-defined]
    return cached


def scope_q(user: object, path_field: str) -> Q:
    """Build the filter that limits `path_field` to the user's subtrees."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return Q()
    condition = _NOTHING
    for path in user_unit_paths(user):
        condition |= Q(**{f"{path_field}__startswith": path})
    return condition
