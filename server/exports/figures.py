"""The figures an official report's columns name, computed from official statuses.

A template's column `key` is looked up here: SUMMARY_KEYS for a summary (one row per
unit below the chosen one, then a total row), LIST_KEYS for a list of households. A key
not in these sets is refused when a template is saved (services.template_check).
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from server.accounts import access
from server.registry.choices import AreaType, HouseholdStatus
from server.registry.models import Household, Unit
from server.reports.selectors import unit_figures

POOR, NEAR = HouseholdStatus.POOR, HouseholdStatus.NEAR_POOR

_COUNTS: dict[str, Q] = {
    "households": Q(),
    "households_urban": Q(commune__area_type=AreaType.URBAN),
    "households_rural": Q(commune__area_type=AreaType.RURAL),
    "poor": Q(status=POOR),
    "poor_urban": Q(status=POOR, commune__area_type=AreaType.URBAN),
    "poor_rural": Q(status=POOR, commune__area_type=AreaType.RURAL),
    "poor_ethnic_minority": Q(status=POOR, is_ethnic_minority=True),
    "near_poor": Q(status=NEAR),
    "near_poor_urban": Q(status=NEAR, commune__area_type=AreaType.URBAN),
    "near_poor_rural": Q(status=NEAR, commune__area_type=AreaType.RURAL),
    "near_poor_ethnic_minority": Q(status=NEAR, is_ethnic_minority=True),
    "ethnic_minority": Q(is_ethnic_minority=True),
    "poor_meritorious": Q(status=POOR, has_meritorious_member=True),
    "poor_social_assistance": Q(status=POOR, receives_social_assistance=True),
    "poor_no_labour": Q(status=POOR, no_labour_capacity=True),
    "engine_poor": Q(assessments__is_latest=True, assessments__household_class=POOR),
    "engine_near_poor": Q(assessments__is_latest=True, assessments__household_class=NEAR),
}
# Rates in percent of a denominator count, rounded to 2 places.
_RATES: dict[str, tuple[str, str]] = {
    "poor_pct": ("poor", "households"),
    "poor_urban_pct": ("poor_urban", "households_urban"),
    "poor_rural_pct": ("poor_rural", "households_rural"),
    "poor_ethnic_minority_pct": ("poor_ethnic_minority", "ethnic_minority"),
    "near_poor_pct": ("near_poor", "households"),
    "near_poor_urban_pct": ("near_poor_urban", "households_urban"),
    "near_poor_rural_pct": ("near_poor_rural", "households_rural"),
    "near_poor_ethnic_minority_pct": ("near_poor_ethnic_minority", "ethnic_minority"),
    "engine_poor_pct": ("engine_poor", "households"),
    "engine_near_poor_pct": ("engine_near_poor", "households"),
}
# The 2016–2020 layout (staff-side.md §4), from the official status history through
# server.reports.selectors.unit_figures: start of the year, changes, end of the year, each
# for all households and (prefix em_) for ethnic-minority households, as counts and %.
_TRANSITIONS = (
    "start_poor",
    "start_near_poor",
    "escaped_poverty",
    "escaped_near_poverty",
    "newly_poor",
    "newly_near_poor",
    "re_poor",
    "end_poor",
    "end_near_poor",
)
TRANSITION_KEYS = frozenset(
    f"{prefix}{name}{suffix}"
    for prefix in ("", "em_")
    for name in _TRANSITIONS
    for suffix in ("", "_pct")
)
SUMMARY_KEYS = frozenset(
    {"stt", "unit_code", "unit_name", "year", *_COUNTS, *_RATES, *TRANSITION_KEYS}
)
LIST_KEYS = frozenset(
    {
        "stt",
        "code",
        "head_name",
        "village",
        "address",
        "poor",
        "near_poor",
        "ethnic_minority",
        "members",
        "status_year",
    }
)


def _rate(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def _counts(qs: QuerySet[Household]) -> dict[str, Any]:
    counts = qs.aggregate(**{k: Count("pk", filter=q, distinct=True) for k, q in _COUNTS.items()})
    figures: dict[str, Any] = dict(counts)
    for key, (part, whole) in _RATES.items():
        figures[key] = _rate(counts[part], counts[whole])
    return figures


def transitions(unit: Unit, year: int) -> dict[str, Any]:
    """The year's transitions from the official status history (server.reports)."""
    out: dict[str, Any] = {}
    for row in unit_figures(unit, year).transitions:
        prefix = "" if row.group == "all" else f"{row.group}_"
        for name in _TRANSITIONS:
            figure = getattr(row, name)
            rate = figure.rate
            out[f"{prefix}{name}"] = figure.count
            out[f"{prefix}{name}_pct"] = None if rate is None else float(rate)
    return out


def summary_rows(user: object, unit: Unit, year: int) -> list[dict[str, Any]]:
    """One row per unit directly below `unit` (or `unit` alone at the bottom), then a total.

    Current counts are of the households the user may see, by official status; the
    transitions are the year's, from the status history of the units the user covers.
    """
    visible = access.visible_households(user)
    children = list(Unit.objects.filter(parent=unit).order_by("code")) or [unit]
    rows: list[dict[str, Any]] = []
    for n, child in enumerate(children, start=1):
        qs = visible.filter(village__path__startswith=child.path)
        head = {"stt": n, "unit_code": child.code, "unit_name": child.name, "year": year}
        rows.append({**head, **_counts(qs), **transitions(child, year)})
    total = _counts(visible.filter(village__path__startswith=unit.path))
    head = {"stt": "", "unit_code": unit.code, "unit_name": _("Total"), "year": year}
    rows.append({**head, **total, **transitions(unit, year)})
    return rows


def list_rows(user: object, unit: Unit) -> Iterator[dict[str, Any]]:
    """Poor and near-poor households under `unit`, by village then code (Phụ lục VI)."""
    qs = (
        access.visible_households(user)
        .filter(village__path__startswith=unit.path, status__in=[POOR, NEAR])
        .annotate(n_members=Count("members", filter=Q(members__removed_at__isnull=True)))
        .order_by("village__path", "code")
        .values_list(
            "code", "head_name", "village__name", "address", "status",
            "is_ethnic_minority", "n_members", "status_year",
        )
    )  # fmt: skip
    for n, r in enumerate(qs, start=1):
        yield {
            "stt": n,
            "code": r[0],
            "head_name": r[1],
            "village": r[2],
            "address": r[3],
            "poor": "x" if r[4] == POOR else "",
            "near_poor": "x" if r[4] == NEAR else "",
            "ethnic_minority": "x" if r[5] else "",
            "members": r[6],
            "status_year": r[7],
        }
