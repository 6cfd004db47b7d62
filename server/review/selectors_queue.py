"""The reviewer's queue: visible households with their latest assessment and flags, one query.

Everything a queue row shows is annotated on the household row (latest class, income,
deprivations, each flag), so a page of any size costs the same two queries: the count and
the page.
"""

from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Lower

from server.accounts import access
from server.registry.models import Household, Unit
from server.review.flags import Flag, annotate_flags, any_flag_q, flag_filter
from server.review.models import HouseholdReview
from server.submissions.models import Assessment

UNDETERMINED = "UNDETERMINED"

SORTS: dict[str, tuple[str, ...]] = {
    "code": ("code", "pk"),
    "-code": ("-code", "pk"),
    "head": ("head_name", "pk"),
    "income": (F("engine_income").asc(nulls_last=True), "code", "pk"),  # type: ignore[dict-item]
    "-income": (F("engine_income").desc(nulls_last=True), "code", "pk"),  # type: ignore[dict-item]
    "deprivations": (F("engine_deprivations").desc(nulls_last=True), "code", "pk"),  # type: ignore[dict-item]
    "village": ("village__name", "code", "pk"),
}


@dataclass(frozen=True)
class QueueFilters:
    """What the reviewer asked for; empty values filter nothing."""

    unit: Unit | None = None
    step: str = ""
    engine_class: str = ""
    official_status: str = ""
    engine_differs: bool = False
    undetermined: bool = False
    flags: tuple[Flag, ...] = field(default_factory=tuple)
    flagged_only: bool = False
    search: str = ""
    sort: str = "code"


def queue_households(*, user: object, filters: QueueFilters) -> QuerySet[Household]:
    """Visible households, annotated and filtered; outside the area nothing is listed."""
    qs = _annotated(access.visible_households(user).select_related("village", "commune"))
    if filters.unit is not None:
        qs = qs.filter(village__path__startswith=filters.unit.path)
    qs = _by_class(qs, filters)
    for flag in filters.flags:
        qs = qs.filter(flag_filter(flag))
    if filters.flagged_only:
        qs = qs.filter(any_flag_q())
    if filters.search:
        qs = qs.filter(Q(code__icontains=filters.search) | Q(head_name__icontains=filters.search))
    return qs.order_by(*SORTS.get(filters.sort, SORTS["code"]))


def queue_units(*, user: object) -> QuerySet[Unit]:
    """Communes and villages the reviewer may filter by."""
    return access.visible_units(user).filter(level__in=("commune", "village")).order_by("path")


def queue_unit_get(*, user: object, code: str) -> Unit | None:
    """A visible unit by code; None when it is missing or outside the area (filters nothing)."""
    return access.visible_units(user).filter(code=code).first()


def queue_rows_for_action(*, user: object, ids: list[str]) -> QuerySet[Household]:
    """The chosen households the user may see: a bulk action never reaches past the area."""
    return _annotated(access.visible_households(user).filter(pk__in=ids)).order_by("code")


def _annotated(qs: QuerySet[Household]) -> QuerySet[Household]:
    latest = Assessment.objects.filter(household=OuterRef("pk"), is_latest=True)
    review = HouseholdReview.objects.filter(household=OuterRef("pk")).order_by(
        "-round__year", "-round__period", "-pk"
    )
    return annotate_flags(
        qs.annotate(
            round_step=Subquery(review.values("step")[:1]),
            round_returned=Subquery(review.values("returned")[:1]),
            engine_class=Subquery(latest.values("household_class")[:1]),
            engine_income=Subquery(latest.values("income_per_person")[:1]),
            engine_deprivations=Subquery(latest.values("deprivation_count")[:1]),
        )
    )


def _by_class(qs: QuerySet[Household], filters: QueueFilters) -> QuerySet[Household]:
    if filters.step:
        qs = qs.filter(Q(round_step=filters.step))
    if filters.engine_class:
        qs = qs.filter(Q(engine_class=filters.engine_class))
    if filters.official_status:
        qs = qs.filter(status=filters.official_status)
    if filters.undetermined:
        qs = qs.filter(Q(engine_class=UNDETERMINED))
    if filters.engine_differs:
        # The engine's classes are upper-case codes of the official statuses.
        qs = qs.filter(Q(engine_class__isnull=False)).exclude(status=Lower("engine_class"))
    return qs
