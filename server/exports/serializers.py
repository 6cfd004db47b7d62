"""Input and output shapes of the exports API."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from server.exports.models import (
    Dataset,
    ExportFormat,
    ExportJob,
    JobStatus,
    ReportTemplate,
    Schedule,
    SentReport,
)


class ExportQuerySerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(required=False, max_length=20, allow_blank=True)


class ExportJobInputSerializer(serializers.Serializer[Any]):
    request_id = serializers.UUIDField()
    dataset = serializers.ChoiceField(choices=Dataset.choices)
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    unit = serializers.CharField(required=False, max_length=20, allow_blank=True)


class ExportJobOutputSerializer(serializers.ModelSerializer[ExportJob]):
    unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    download_url = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=JobStatus.choices)

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "request_id",
            "dataset",
            "format",
            "unit",
            "status",
            "rows_done",
            "rows_total",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]

    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != JobStatus.DONE:
            return None
        return reverse("export-job-file", kwargs={"job_id": job.pk})


class ReportTemplateOutputSerializer(serializers.ModelSerializer[ReportTemplate]):
    province: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = ReportTemplate
        fields = ["code", "kind", "title_vi", "title_en", "legal_basis", "columns", "province"]


class ReportQuerySerializer(serializers.Serializer[Any]):
    template = serializers.SlugField(max_length=40)
    unit = serializers.CharField(max_length=20)
    year = serializers.IntegerField(min_value=2016, max_value=2100, required=False)


class ReportPreviewOutputSerializer(serializers.Serializer[Any]):
    template = serializers.CharField()
    unit = serializers.CharField()
    columns = serializers.ListField(child=serializers.DictField())
    rows = serializers.ListField(child=serializers.DictField())


class ReportSendInputSerializer(serializers.Serializer[Any]):
    request_id = serializers.UUIDField()
    template = serializers.SlugField(max_length=40)
    unit = serializers.CharField(max_length=20)
    kind = serializers.ChoiceField(choices=Schedule.choices)
    period = serializers.CharField(max_length=7)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class SentReportOutputSerializer(serializers.ModelSerializer[SentReport]):
    unit: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    template: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    sent_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = SentReport
        fields = [
            "id",
            "unit",
            "template",
            "kind",
            "period",
            "version",
            "year",
            "layout",
            "rows",
            "sent_by",
            "sent_at",
            "note",
            "file_url",
        ]

    def get_file_url(self, report: SentReport) -> str:
        return reverse("sent-report-file", kwargs={"report_id": report.pk})


class CalendarQuerySerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(max_length=20)
    year = serializers.IntegerField(min_value=2016, max_value=2100)


class CalendarEntrySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=Schedule.choices)
    period = serializers.CharField()
    due = serializers.DateField()
    state = serializers.ChoiceField(choices=["sent", "sent_late", "due", "late"])
    first_sent_at = serializers.DateTimeField(allow_null=True)
    latest_version = serializers.IntegerField(allow_null=True)
