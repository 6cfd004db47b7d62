"""Writes of the exports app: export jobs, report templates and sent reports."""

import tempfile
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.accounts import access
from server.accounts.access import Action
from server.common.errors import DomainValidationError, FieldError
from server.exports import figures, selectors
from server.exports.models import (
    ExportFormat,
    ExportJob,
    JobStatus,
    ReportKind,
    ReportTemplate,
    SentReport,
)
from server.exports.reportfile import render_xlsx
from server.exports.writers import (
    csv_chunks,
    csv_from_lines,
    geojson_chunks,
    xlsx_chunks,
    xlsx_write,
)
from server.registry.models import Unit

PROGRESS_EVERY = 5000


# --- exports ---------------------------------------------------------------------


def export_chunks(table: selectors.Table, fmt: str, *, title: str) -> Iterator[bytes]:
    """The bytes of an export in `fmt`, produced lazily."""
    if fmt == ExportFormat.CSV:
        if table.csv_lines is not None:
            return csv_from_lines(table.headers, table.csv_lines())
        return csv_chunks(table.headers, table.rows())
    if fmt == ExportFormat.GEOJSON:
        return geojson_chunks(table.features())
    return xlsx_chunks(table.headers, table.rows(), title=title)


def export_job_create(
    *, owner: Any, request_id: UUID, dataset: str, fmt: str, unit: Unit | None
) -> tuple[ExportJob, bool]:
    """A job for this request, created once: a retry with the same id returns the first job."""
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                owner=owner, request_id=request_id, dataset=dataset, format=fmt, unit=unit
            )
    except IntegrityError:
        return ExportJob.objects.get(owner=owner, request_id=request_id), False
    return job, True


def _counted(rows: Iterator[Any], job_id: UUID) -> Iterator[Any]:
    """Pass rows through, writing the count done to the job every PROGRESS_EVERY rows."""
    done = 0
    for done, row in enumerate(rows, start=1):  # noqa: B007
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_id).update(rows_done=done)
        yield row
    ExportJob.objects.filter(pk=job_id).update(rows_done=done)


def export_job_run(job_id: UUID) -> None:
    """Write the job's file to storage in the owner's scope; a failure is recorded, not lost.

    The claim (pending -> running) is one conditional UPDATE, so a redelivered task does
    not run a job twice.
    """
    claimed = ExportJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING
    )
    if not claimed:
        return
    job = ExportJob.objects.select_related("owner", "unit").get(pk=job_id)
    try:
        _write_job_file(job)
    except Exception as error:
        ExportJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, error=str(error)[:300], finished_at=timezone.now()
        )
        raise


def _write_job_file(job: ExportJob) -> None:
    table = selectors.table(job.owner, job.dataset, job.unit)
    total = table.count()
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
    counted = selectors.Table(
        table.keys,
        table.headers,
        table.count,
        lambda: _counted(table.rows(), job.pk),
        lambda: _counted(table.features(), job.pk),
    )
    with tempfile.TemporaryFile() as spool:
        if job.format == ExportFormat.XLSX:
            xlsx_write(spool, counted.headers, counted.rows(), title=str(job.dataset))
        else:
            for chunk in export_chunks(counted, job.format, title=str(job.dataset)):
                spool.write(chunk)
        spool.seek(0)
        name = f"{job.dataset}-{job.pk}.{job.format}"
        job.file.save(name, File(spool), save=False)
    ExportJob.objects.filter(pk=job.pk).update(
        file=job.file.name,
        status=JobStatus.DONE,
        rows_done=F("rows_total"),
        finished_at=timezone.now(),
    )


# --- report templates ------------------------------------------------------------


def template_check(kind: str, columns: Any) -> None:
    """Refuse a layout whose columns are malformed or name a figure that does not exist."""
    known = figures.SUMMARY_KEYS if kind == ReportKind.SUMMARY else figures.LIST_KEYS
    errors: list[FieldError] = []
    if not isinstance(columns, list) or not columns:
        errors.append(FieldError("columns", "required", _("Add at least one column.")))
        raise DomainValidationError(errors)
    for n, column in enumerate(columns):
        where = f"columns[{n}]"
        if not isinstance(column, dict):
            errors.append(FieldError(where, "invalid", _("A column must be an object.")))
            continue
        if column.get("key") not in known:
            errors.append(FieldError(f"{where}.key", "unknown", _("No such figure.")))
        for lang in ("vi", "en"):
            if not str(column.get(f"header_{lang}", "")).strip():
                errors.append(
                    FieldError(f"{where}.header_{lang}", "required", _("Give the heading."))
                )
    if errors:
        raise DomainValidationError(errors)


def template_save(
    *, user: Any, province: Unit, code: str, kind: str, **data: Any
) -> ReportTemplate:
    """A province's own template: only a province administrator of that province adds one."""
    access.require(user, Action.MANAGE_UNITS, province)
    template_check(kind, data.get("columns"))
    with transaction.atomic():
        template, _created = ReportTemplate.objects.update_or_create(
            code=code, province=province, defaults={"kind": kind, **data}
        )
    return template


# --- sending reports -------------------------------------------------------------


def report_rows(user: Any, template: ReportTemplate, unit: Unit, year: int) -> list[dict[str, Any]]:
    """The template's figures for the unit, now, restricted to the template's columns."""
    source = (
        figures.summary_rows(user, unit, year)
        if template.kind == ReportKind.SUMMARY
        else figures.list_rows(user, unit)
    )
    keys = [column["key"] for column in template.columns]
    return [{key: row.get(key) for key in keys} for row in source]


def report_xlsx(
    *, template_title: str, unit: Unit, period: str, layout: list[dict[str, Any]],
    rows: list[dict[str, Any]], lang: str, footer: str,
) -> bytes:  # fmt: skip
    return render_xlsx(
        title=template_title,
        subtitle=f"{unit.name} – {period}",
        columns=layout,
        rows=rows,
        lang=lang,
        footer=footer,
    )


def report_send(
    *, user: Any, request_id: UUID, unit: Unit, template: ReportTemplate, kind: str,
    period: str, note: str = "",
) -> SentReport:  # fmt: skip
    """Freeze the report as sent: the figures and the workbook, under the next version.

    A retry with the same request id returns the report already sent. Two senders racing
    for the same version meet the unique constraint; the loser retries with the next one.
    """
    access.require(user, Action.REVIEW, unit)
    selectors.due_date(kind, period)
    existing = SentReport.objects.filter(request_id=request_id).first()
    if existing is not None:
        return existing
    rows = report_rows(user, template, unit, int(period[:4]))
    layout = list(template.columns)
    for _attempt in range(3):
        try:
            return _store_sent(user, request_id, unit, template, kind, period, note, layout, rows)
        except IntegrityError:
            existing = SentReport.objects.filter(request_id=request_id).first()
            if existing is not None:
                return existing
    raise DomainValidationError(
        [FieldError("period", "busy", _("Another report was sent at the same moment; send again."))]
    )


def _store_sent(
    user: Any, request_id: UUID, unit: Unit, template: ReportTemplate, kind: str,
    period: str, note: str, layout: list[dict[str, Any]], rows: list[dict[str, Any]],
) -> SentReport:  # fmt: skip
    with transaction.atomic():
        last = SentReport.objects.filter(unit=unit, period=period, kind=kind).aggregate(
            v=Max("version")
        )["v"]
        report = SentReport.objects.create(
            request_id=request_id,
            unit=unit,
            template=template,
            period=period,
            kind=kind,
            version=(last or 0) + 1,
            year=int(period[:4]),
            layout=layout,
            rows=rows,
            sent_by=user,
            note=note,
        )
        content = report_xlsx(
            template_title=template.title_vi,
            unit=unit,
            period=period,
            layout=layout,
            rows=rows,
            lang="vi",
            footer=f"v{report.version} – {user.get_username()} – {report.sent_at:%d/%m/%Y %H:%M}",
        )
        name = f"{template.code}-{unit.code}-{period}-v{report.version}.xlsx"
        report.file.save(name, ContentFile(content), save=True)
    return report
