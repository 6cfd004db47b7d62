"""Assessments of a household, with their full explanation, and the review of submissions."""

from typing import Any
from uuid import UUID

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.api.pagination import StandardPagination
from server.registry.selectors import household_get
from server.submissions import selectors
from server.submissions.explanations import assessments_explain, result_with_explanation
from server.submissions.models import Assessment, Submission
from server.submissions.schema import AssessmentResultSerializer


class AssessmentOutputSerializer(serializers.ModelSerializer[Assessment]):
    """Pass `context={"explanations": assessments_explain(rows)}` to render the reasons."""

    submission = serializers.UUIDField(source="submission_id", allow_null=True)
    result = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "submission",
            "review_year",
            "ruleset_id",
            "ruleset_version",
            "engine_version",
            "household_class",
            "deprivation_count",
            "income_per_person",
            "income_method",
            "confidence",
            "is_latest",
            "created_at",
            "result",
        ]

    @extend_schema_field(AssessmentResultSerializer)
    def get_result(self, assessment: Assessment) -> dict[str, Any]:
        explanation = self.context["explanations"][assessment.pk]
        return result_with_explanation(assessment.result, explanation)


class HouseholdAssessmentListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(responses=AssessmentOutputSerializer(many=True))
    def get(self, request: Request, household_id: UUID) -> Response:
        household = household_get(user=request.user, household_id=household_id)
        qs = selectors.assessment_list(user=request.user, household=household)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(qs, request, view=self) or []
        context = {"explanations": assessments_explain(page)}
        data = AssessmentOutputSerializer(page, many=True, context=context).data
        return paginator.get_paginated_response(data)


class SubmissionOutputSerializer(serializers.ModelSerializer[Submission]):
    form_id = serializers.CharField(source="form_version.form_id")
    form_version = serializers.CharField(source="form_version.version")
    household = serializers.UUIDField(source="household_id", allow_null=True)
    missing_attachments = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "household",
            "form_id",
            "form_version",
            "payload_sha256",
            "attachments",
            "attachments_complete",
            "missing_attachments",
            "review_status",
            "review_comment",
            "reviewed_at",
            "created_at",
        ]

    def get_missing_attachments(self, submission: Submission) -> list[str]:
        """Declared photos whose bytes have not all arrived, listed honestly.

        Pass `context={"received": selectors.received_photo_names(...)}` for the page.
        """
        done = self.context["received"][submission.pk]
        return [a["name"] for a in submission.attachments if a["name"] not in done]


def _submissions_out(user: object, submissions: list[Submission]) -> Any:
    received = selectors.received_photo_names(user=user, submissions=submissions)
    return SubmissionOutputSerializer(submissions, many=True, context={"received": received}).data


class HouseholdSubmissionListApi(APIView):
    @extend_schema(responses=SubmissionOutputSerializer(many=True))
    def get(self, request: Request, household_id: UUID) -> Response:
        household = household_get(user=request.user, household_id=household_id)
        submissions = list(selectors.submission_list(user=request.user, household=household))
        return Response(_submissions_out(request.user, submissions))
