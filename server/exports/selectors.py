"""Reads for exports, the map and reports, every one scoped to the user's area."""

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import (
    Case,
    FilteredRelation,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from forms.scoring.ruleset import list_rulesets, merged_data
from server.accounts import access
from server.common.errors import DomainValidationError, FieldError
from server.exports.models import Dataset, ExportJob, ReportTemplate, Schedule, SentReport
from server.exports.writers import Cell
from server.registry.choices import ETHNICITY_CHOICES, HouseholdStatus, Relation, Sex
from server.registry.models import Unit
from server.support.models import WorkKind

CHUNK_SIZE = 5000

Row = tuple[Cell, ...]
Feature = tuple[float | None, float | None, dict[str, Any]]


@dataclass(frozen=True)
class Table:
    """An export's columns and a lazy stream of its rows (and their points, for GeoJSON)."""

    keys: list[str]
    headers: list[str]
    count: Callable[[], int]
    rows: Callable[[], Iterator[Row]]
    features: Callable[[], Iterator[Feature]]
    # The rows as CSV lines written by PostgreSQL itself (COPY ... CSV), when available.
    csv_lines: Callable[[], Iterator[bytes]] | None = None


def stream(qs: QuerySet[Any]) -> Iterator[Any]:
    """Rows through a server-side cursor inside one read transaction, planned for all rows.

    PostgreSQL plans a cursor for its first 10% of rows (cursor_tuple_fraction), which
    turns a full export into nested loops, and outside a transaction Django declares the
    cursor WITH HOLD, which copies the whole result at commit. Inside an atomic block with
    the fraction at 1.0 the export gets the plan of a plain query, a chunk at a time.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield from qs.iterator(chunk_size=CHUNK_SIZE)


def unit_for(user: object, code: str | None) -> Unit | None:
    """The unit named by `code` if the user covers it; 404 otherwise, like a missing one."""
    if not code:
        return None
    unit = access.visible_units(user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def unit_required(user: object, code: str) -> Unit:
    """Like unit_for, for a parameter that is required (the serializer has checked it)."""
    unit = unit_for(user, code)
    if unit is None:
        raise Http404
    return unit


def _within(qs: QuerySet[Any], unit: Unit | None, prefix: str) -> QuerySet[Any]:
    if unit is None:
        return qs
    return qs.filter(**{f"{prefix}village__path__startswith": unit.path})


def _yes_no() -> dict[bool, str]:
    return {True: _("Yes"), False: _("No")}


def _labels(choices: Any) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices}


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def table(user: object, dataset: str, unit: Unit | None) -> Table:
    builders = {
        Dataset.HOUSEHOLDS: _households,
        Dataset.MEMBERS: _members,
        Dataset.ASSESSMENTS: _assessments,
        Dataset.SUPPORT: _support,
    }
    return builders[Dataset(dataset)](user, unit)


# --- households ------------------------------------------------------------------

HOUSEHOLD_FIELDS = (
    "code",
    "head_name",
    "commune__code",
    "commune__name",
    "village__code",
    "village__name",
    "address",
    "latitude",
    "longitude",
    "is_ethnic_minority",
    "has_meritorious_member",
    "receives_social_assistance",
    "no_labour_capacity",
    "status",
    "status_year",
    "latest__household_class",
    "latest__review_year",
)


def _household_headers() -> list[str]:
    return [
        _("Household code"),
        _("Head of household"),
        _("Commune code"),
        _("Commune"),
        _("Village code"),
        _("Village"),
        _("Address"),
        _("Latitude"),
        _("Longitude"),
        _("Ethnic minority"),
        _("Member with meritorious service"),
        _("Social assistance"),
        _("No labour capacity"),
        _("Official status"),
        _("Review year of the status"),
        _("Class by the latest assessment"),
        _("Review year of the assessment"),
    ]


def households_queryset(user: object, unit: Unit | None) -> QuerySet[Any]:
    """Visible households with their latest assessment joined (one LEFT JOIN, no subquery)."""
    qs = access.visible_households(user).annotate(
        latest=FilteredRelation("assessments", condition=Q(assessments__is_latest=True))
    )
    return _within(qs, unit, "").order_by("commune_id", "code")


def _label(field: str, labels: dict[Any, str]) -> Case:
    """The field's label in the reader's language, computed by the database."""
    whens = [When(**{field: value}, then=Value(label)) for value, label in labels.items()]
    return Case(*whens, default=Cast(field, TextField()), output_field=TextField())


# Column types of the labelled household rows, for PostgreSQL's binary COPY.
HOUSEHOLD_PG_TYPES = ["text"] * 7 + ["float8"] * 2 + ["text"] * 5 + ["int4", "text", "int4"]


def labelled_households(qs: QuerySet[Any]) -> QuerySet[Any]:
    """The export's 17 columns, labels and numbers as the file shows them.

    Done in SQL so PostgreSQL can send the rows with COPY, with no per-row Python
    conversion: about twice as fast as a server-side cursor for a whole province.
    """
    yes_no, status = _yes_no(), _labels(HouseholdStatus.choices)
    flags = ("is_ethnic_minority", "has_meritorious_member", "receives_social_assistance")
    annotations = {
        "x_lat": Cast("latitude", FloatField()),
        "x_lon": Cast("longitude", FloatField()),
        **{f"x_{flag}": _label(flag, yes_no) for flag in (*flags, "no_labour_capacity")},
        "x_status": _label("status", status),
        "x_year": Cast("status_year", IntegerField()),
        "x_class": _label("latest__household_class", status),
        "x_class_year": Cast("latest__review_year", IntegerField()),
    }
    labelled: QuerySet[Any] = qs.annotate(**annotations).values_list(
        *HOUSEHOLD_FIELDS[:7],
        "x_lat",
        "x_lon",
        *(f"x_{flag}" for flag in (*flags, "no_labour_capacity")),
        "x_status",
        "x_year",
        "x_class",
        "x_class_year",
    )
    return labelled


def copy_rows(qs: QuerySet[Any], types: list[str]) -> Iterator[Any]:
    """Rows of a queryset through PostgreSQL's binary COPY: streamed, typed, flat memory."""
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)", params) as copy:
            copy.set_types(types)
            yield from copy.rows()


def copy_csv(qs: QuerySet[Any]) -> Iterator[bytes]:
    """A queryset's rows as CSV text from PostgreSQL's COPY: no Python per row at all."""
    sql, params = qs.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT CSV)", params) as copy:
            for block in copy:
                yield bytes(block)


def _households(user: object, unit: Unit | None) -> Table:
    qs = households_queryset(user, unit)
    labelled = labelled_households(qs)

    def rows() -> Iterator[Row]:
        if connection.vendor == "postgresql":
            return copy_rows(labelled, HOUSEHOLD_PG_TYPES)
        return stream(labelled)

    def features() -> Iterator[Feature]:
        fields = ("id", "code", "head_name", "longitude", "latitude", "status")
        for r in stream(qs.values_list(*fields, "latest__household_class")):
            props = {"id": str(r[0]), "code": r[1], "head_name": r[2], "status": r[5]}
            props["engine_class"] = r[6]
            yield _number(r[3]), _number(r[4]), props

    headers = _household_headers()
    table = Table(list(HOUSEHOLD_FIELDS), headers, qs.count, rows, features)
    if connection.vendor != "postgresql":
        return table
    return Table(
        *(table.keys, table.headers, table.count, table.rows, table.features),
        csv_lines=lambda: copy_csv(labelled),
    )


# --- members ---------------------------------------------------------------------

MEMBER_FIELDS = (
    "household__code",
    "household__commune__code",
    "household__village__code",
    "full_name",
    "sex",
    "birth_year",
    "relation",
    "ethnicity",
    "citizen_id",
)


def _members(user: object, unit: Unit | None) -> Table:
    qs = _within(access.visible_members(user).current(), unit, "household__")
    qs = qs.order_by("household__commune_id", "household__code", "created_at", "id")
    sex, relation = _labels(Sex.choices), _labels(Relation.choices)
    ethnicity = _labels(ETHNICITY_CHOICES)
    headers = [
        _("Household code"),
        _("Commune code"),
        _("Village code"),
        _("Full name"),
        _("Sex"),
        _("Year of birth"),
        _("Relation to head"),
        _("Ethnicity"),
        _("Citizen ID"),
    ]

    def rows() -> Iterator[Row]:
        for r in stream(qs.values_list(*MEMBER_FIELDS)):
            yield (
                *r[:4],
                sex.get(r[4], r[4]),
                r[5],
                relation.get(r[6], r[6]),
                ethnicity.get(r[7], r[7]),
                access.citizen_id_for(user, r[8]),
            )

    def features() -> Iterator[Feature]:
        fields = ("household__longitude", "household__latitude", *MEMBER_FIELDS)
        for r in stream(qs.values_list(*fields)):
            keys = ("household_code", "full_name", "sex", "birth_year", "relation")
            props = dict(zip(keys, (r[2], r[5], r[6], r[7], r[8]), strict=True))
            yield _number(r[0]), _number(r[1]), props

    return Table(list(MEMBER_FIELDS), headers, qs.count, rows, features)


# --- assessments -----------------------------------------------------------------


@cache
def indicator_names() -> tuple[tuple[str, str, str], ...]:
    """(code, name_vi, name_en) of every indicator of every shipped ruleset, newest name wins."""
    names: dict[str, tuple[str, str]] = {}
    for ruleset_id in list_rulesets():
        for item in merged_data(ruleset_id).get("indicators", []):
            names[item["code"]] = (item.get("name_vi", ""), item.get("name_en", ""))
    return tuple((code, vi, en) for code, (vi, en) in names.items())


ASSESSMENT_FIELDS = (
    "household__code",
    "household__commune__code",
    "household__village__code",
    "review_year",
    "ruleset_id",
    "household_class",
    "deprivation_count",
    "income_per_person",
    "confidence",
)


def _indicator_states() -> dict[str, str]:
    return {
        "deprived": _("Deprived"),
        "not_deprived": _("Not deprived"),
        "unknown": _("Unknown"),
    }


def _assessments(user: object, unit: Unit | None) -> Table:
    qs = _within(access.visible_assessments(user).filter(is_latest=True), unit, "household__")
    qs = qs.order_by("household__commune_id", "household__code")
    english = (get_language() or "vi").startswith("en")
    codes = [code for code, _vi, _en in indicator_names()]
    headers = [
        _("Household code"),
        _("Commune code"),
        _("Village code"),
        _("Review year"),
        _("Ruleset"),
        _("Class"),
        _("Deprivations"),
        _("Income per person (VND/month)"),
        _("Confidence"),
        *(f"{code} {en if english else vi}" for code, vi, en in indicator_names()),
    ]
    status, states = _labels(HouseholdStatus.choices), _indicator_states()

    def indicator_cells(result: dict[str, Any]) -> list[Cell]:
        by_code = {i.get("code"): i.get("status") for i in result.get("indicators", [])}
        return [states.get(by_code.get(code) or "", None) for code in codes]

    def rows() -> Iterator[Row]:
        for r in stream(qs.values_list(*ASSESSMENT_FIELDS, "result")):
            yield (*r[:5], status.get(r[5], r[5]), *r[6:9], *indicator_cells(r[9]))

    def features() -> Iterator[Feature]:
        fields = ("household__longitude", "household__latitude", "household__code")
        for r in stream(qs.values_list(*fields, "household_class", "review_year")):
            props = {"household_code": r[2], "class": r[3], "review_year": r[4]}
            yield _number(r[0]), _number(r[1]), props

    keys = [*ASSESSMENT_FIELDS, *codes]
    return Table(keys, headers, qs.count, rows, features)


# --- support records -------------------------------------------------------------

SUPPORT_FIELDS = (
    "household__code",
    "household__commune__code",
    "household__village__code",
    "household__head_name",
    "programme__code",
    "programme__name_vi",
    "programme__name_en",
    "work",
    "amount",
    "decision_ref",
    "approved_on",
    "planned_start",
    "planned_completion",
)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _support(user: object, unit: Unit | None) -> Table:
    """Housing-support records the user may see (their area, or assigned to them)."""
    qs = _within(access.visible_support_records(user), unit, "household__")
    qs = qs.order_by("household__commune_id", "household__code", "programme__code")
    english = (get_language() or "vi").startswith("en")
    work = _labels(WorkKind.choices)
    headers = [
        _("Household code"),
        _("Commune code"),
        _("Village code"),
        _("Head of household"),
        _("Programme"),
        _("Work"),
        _("Amount (VND)"),
        _("Decision"),
        _("Approved on"),
        _("Planned start"),
        _("Planned completion"),
    ]

    def rows() -> Iterator[Row]:
        for r in stream(qs.values_list(*SUPPORT_FIELDS)):
            programme = r[6] if english else r[5]
            yield (*r[:4], programme, work.get(r[7], r[7]), r[8], r[9], *map(_iso, r[10:13]))

    def features() -> Iterator[Feature]:
        fields = ("household__longitude", "household__latitude", *SUPPORT_FIELDS[:5], "work")
        for r in stream(qs.values_list(*fields)):
            props = {"household_code": r[2], "programme": r[6], "work": r[7]}
            yield _number(r[0]), _number(r[1]), props

    keys = [*SUPPORT_FIELDS[:5], "programme", *SUPPORT_FIELDS[7:]]
    return Table(keys, headers, qs.count, rows, features)


# --- jobs ------------------------------------------------------------------------


def export_job_for(user: object, job_id: UUID) -> ExportJob:
    """A job answers only to its owner: anyone else gets 404, as for a missing job."""
    job = ExportJob.objects.filter(pk=job_id, owner_id=getattr(user, "pk", None)).first()
    if job is None:
        raise Http404
    return job


def export_jobs_of(user: object) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(owner_id=getattr(user, "pk", None))


# --- reports ---------------------------------------------------------------------


def templates_for(unit: Unit) -> QuerySet[ReportTemplate]:
    """National templates and those of the unit's own province."""
    province_codes = [p for p in unit.path.split("/") if p][:1]
    return ReportTemplate.objects.filter(
        Q(province__isnull=True) | Q(province__code__in=province_codes)
    )


def sent_reports_visible(user: object) -> QuerySet[SentReport]:
    return SentReport.objects.filter(access.scope_q(user, "unit__path"))


def sent_versions(user: object, unit: Unit, period: str, kind: str) -> Sequence[SentReport]:
    qs = sent_reports_visible(user).filter(unit=unit, period=period, kind=kind)
    return list(qs.order_by("version"))


_MONTHLY = re.compile(r"(20[0-9]{2})-(0[2-9])")
_YEARLY = re.compile(r"20[0-9]{2}")


def due_date(kind: str, period: str) -> date:
    """Monthly by the 5th (February to September); preliminary by 15 Nov; official by 20 Dec."""
    if kind == Schedule.MONTHLY:
        match = _MONTHLY.fullmatch(period)
        if match is None:
            raise _period_error(
                gettext_lazy(
                    "A monthly report's period is a month from February to September, e.g. 2026-03."
                )
            )
        return date(int(match[1]), int(match[2]), 5)
    if _YEARLY.fullmatch(period) is None:
        raise _period_error(gettext_lazy("This report's period is a year, e.g. 2026."))
    return date(int(period), 11, 15) if kind == Schedule.PRELIMINARY else date(int(period), 12, 20)


def _period_error(message: Any) -> DomainValidationError:
    return DomainValidationError([FieldError("period", "invalid", message)])


def calendar(user: Any, unit: Unit, year: int, today: date) -> list[dict[str, Any]]:
    """Every report due in `year` for the unit: due, sent (on time or late) or late."""
    sent = sent_reports_visible(user).filter(unit=unit, year=year)
    first_sent: dict[tuple[str, str], SentReport] = {}
    latest: dict[tuple[str, str], SentReport] = {}
    for report in sent.order_by("version"):
        first_sent.setdefault((report.kind, report.period), report)
        latest[(report.kind, report.period)] = report
    entries = [(Schedule.MONTHLY, f"{year}-{m:02d}") for m in range(2, 10)]
    entries += [(Schedule.PRELIMINARY, str(year)), (Schedule.OFFICIAL, str(year))]
    out = []
    for kind, period in entries:
        due = due_date(kind, period)
        first, last = first_sent.get((kind, period)), latest.get((kind, period))
        if first is not None:
            on_time = timezone.localdate(first.sent_at) <= due
            state = "sent" if on_time else "sent_late"
        else:
            state = "late" if today > due else "due"
        out.append(
            {
                "kind": kind,
                "period": period,
                "due": due,
                "state": state,
                "first": first,
                "latest": last,
            }
        )
    return out


def template_for(unit: Unit, code: str) -> ReportTemplate:
    template = templates_for(unit).filter(code=code).first()
    if template is None:
        raise Http404
    return template


def sent_report_for(user: object, report_id: UUID) -> SentReport:
    report = sent_reports_visible(user).select_related("unit", "template").filter(pk=report_id)
    found = report.first()
    if found is None:
        raise Http404
    return found
