"""Export jobs, report layouts kept as data, and reports frozen as they were sent."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from server.common.fields import JSONField


class Dataset(models.TextChoices):
    HOUSEHOLDS = "households", _("Households")
    MEMBERS = "members", _("Members")
    ASSESSMENTS = "assessments", _("Assessments")
    SUPPORT = "support", _("Support records")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    GEOJSON = "geojson", "GeoJSON"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """A long export written to storage in the background, for its owner only.

    `request_id` makes a retried request idempotent: the same owner and id name one job.
    The scope is the owner's area at run time, narrowed to `unit` when one is given.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    request_id = models.UUIDField()
    dataset = models.CharField(_("data"), max_length=16, choices=Dataset.choices)
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    unit = models.ForeignKey(
        "registry.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "request_id"], name="export_job_once"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset}.{self.format} ({self.status})"


class ReportKind(models.TextChoices):
    LIST = "list", _("List of households")
    SUMMARY = "summary", _("Summary per unit")


class ReportTemplate(models.Model):
    """An official report's layout as data: a province adds its own without code.

    `columns` is a list of {"key", "header_vi", "header_en", "group_vi"?, "group_en"?}:
    `key` names a figure (summary) or a household field (list) known to
    server.exports.figures; the columns appear in this order.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=ReportKind.choices)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    columns = JSONField(default=list)
    province = models.ForeignKey(
        "registry.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province (empty: national)"),
    )

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Schedule(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    PRELIMINARY = "preliminary", _("Preliminary result")
    OFFICIAL = "official", _("Official result")


class SentReport(models.Model):
    """A report as it was sent: who, when, the figures exactly as sent and the file.

    Never edited: a correction is a new version beside it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request_id = models.UUIDField(unique=True)
    unit = models.ForeignKey("registry.Unit", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="sent")
    period = models.CharField(_("period"), max_length=7)
    kind = models.CharField(_("schedule"), max_length=12, choices=Schedule.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    year = models.PositiveSmallIntegerField(_("review year"))
    layout = JSONField()
    rows = JSONField()
    file = models.FileField(upload_to="reports/%Y/", blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sent report")
        verbose_name_plural = _("sent reports")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "kind", "version"], name="sent_report_version_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.period} v{self.version}"
