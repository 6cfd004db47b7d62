"""Reads of the registry. Every one starts from `server.accounts.access`."""

from uuid import UUID

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from server.accounts import access
from server.accounts.scoping import path_within_q
from server.common.errors import DomainValidationError, FieldError
from server.common.text import fold
from server.registry.choices import UnitLevel
from server.registry.models import Household, HouseholdChange, Member, Unit


def unit_list(
    *,
    user: object,
    parent_code: str | None = None,
    level: str | None = None,
    search: str | None = None,
) -> QuerySet[Unit]:
    qs = access.visible_units(user).select_related("parent")
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    if level:
        qs = qs.filter(level=level)
    if search:
        qs = qs.filter(name_folded__contains=fold(search))
    return qs


def unit_roots(*, user: object) -> QuerySet[Unit]:
    """The top of the user's visible tree: their own units, or the provinces for a superuser."""
    if getattr(user, "is_superuser", False):
        return Unit.objects.filter(parent__isnull=True).select_related("parent")
    user_id = getattr(user, "pk", None)
    if user_id is None:
        # `assignments__user_id=None` would match every unit that has no assignment.
        return Unit.objects.none()
    return Unit.objects.filter(assignments__user_id=user_id).select_related("parent")


def unit_get(*, user: object, code: str) -> Unit:
    unit = access.visible_units(user).select_related("parent").filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def village_get_for_write(*, user: object, code: str) -> Unit | None:
    """Return the village if the user covers it; None means 'no such village' to the caller."""
    return (
        access.visible_units(user)
        .select_related("parent")
        .filter(code=code, level=UnitLevel.VILLAGE)
        .first()
    )


def household_list(*, user: object, filters: dict[str, object]) -> QuerySet[Household]:
    qs = access.visible_households(user).select_related("village", "commune")
    qs = qs.annotate(member_count=Coalesce(Subquery(_member_counts), 0)).order_by(
        "commune_id", "code"
    )
    return _apply_household_filters(qs, filters)


_member_counts = (
    Member.objects.current()
    .filter(household=OuterRef("pk"))
    .order_by()
    .values("household")
    .annotate(n=Count("pk"))
    .values("n")
)


def _apply_household_filters(
    qs: QuerySet[Household], filters: dict[str, object]
) -> QuerySet[Household]:
    unit = filters.get("unit")
    if isinstance(unit, Unit):
        qs = qs.filter(path_within_q("village__path", unit.path))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    for flag in (
        "is_ethnic_minority",
        "has_meritorious_member",
        "receives_social_assistance",
        "no_labour_capacity",
    ):
        if filters.get(flag) is not None:
            qs = qs.filter(**{flag: filters[flag]})
    search = filters.get("q")
    if isinstance(search, str) and search.strip():
        for word in fold(search).split():
            qs = qs.filter(search_text__contains=word)
    return qs


def household_get(*, user: object, household_id: UUID, for_update: bool = False) -> Household:
    """Return the household if the user may see it; otherwise 404, same as a missing one."""
    qs = access.visible_households(user).select_related("village", "commune")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    household = qs.filter(pk=household_id).first()
    if household is None:
        raise Http404
    return household


def member_list(*, household: Household) -> QuerySet[Member]:
    return Member.objects.current().filter(household=household)


def member_get(*, user: object, member_id: UUID, for_update: bool = False) -> Member:
    qs = access.visible_members(user).current().select_related("household")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    member = qs.filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


def household_id_for_create(*, user: object, requested: UUID | None) -> UUID | None:
    """The id to create a household under, answering an out-of-area id like a new one.

    A client may choose the id (a phone creates households offline). An id already
    taken inside the user's area is refused on the `id` field. An id taken outside it
    is treated as unused: the household is created under a fresh id (None here), so the
    answer is the same 201 as for a new id and reveals nothing about the other area.
    UUIDs are random, so only a replayed or probing id can reach this.
    """
    if requested is None:
        return None
    if access.visible_households(user).filter(pk=requested).exists():
        raise DomainValidationError(
            [FieldError("id", "exists", _("A household with this id already exists."))]
        )
    if Household.objects.filter(pk=requested).exists():
        return None
    return requested


def household_detail_get(*, user: object, household_id: UUID) -> Household:
    """A visible household with its current roster prefetched and counted."""
    members = Prefetch("members", queryset=Member.objects.current())
    household = (
        access.visible_households(user)
        .select_related("village", "commune")
        .prefetch_related(members)
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise Http404
    household.member_count = len(household.members.all())  # type: ignore[attr-defined]  # read by the output serializer
    return household


def household_history(*, user: object, household: Household) -> QuerySet[HouseholdChange]:
    return access.visible_history(user).filter(household=household).select_related("actor")


def unit_status_counts(*, unit_code: str) -> dict[str, int]:
    """Households by official status in the unit's subtree; unscoped, for trusted callers."""
    unit = Unit.objects.get(code=unit_code)
    rows = (
        Household.objects.filter(path_within_q("village__path", unit.path))
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    )
    return dict(rows)
