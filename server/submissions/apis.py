"""Assessments of a household, with their full explanation, and the review of submissions."""

from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts import access
from server.accounts.access import Action
from server.api.pagination import StandardPagination
from server.common.errors import DomainValidationError, FieldError
from server.feed.models import FeedKind
from server.feed.services import feed_append
from server.registry.selectors import household_get
from server.submissions import selectors
from server.submissions.explanations import assessments_explain, result_with_explanation
from server.submissions.models import Assessment, ReviewStatus, Submission
from server.submissions.schema import AssessmentResultSerializer
from server.submissions.selectors import submission_get


class AssessmentOutputSerializer(serializers.ModelSerializer):
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


class SubmissionOutputSerializer(serializers.ModelSerializer):
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
        """Declared photos whose bytes have not all arrived, listed honestly."""
        done = selectors.received_photo_names(
            user=self.context["request"].user, submission=submission
        )
        return [a["name"] for a in submission.attachments if a["name"] not in done]


class HouseholdSubmissionListApi(APIView):
    @extend_schema(responses=SubmissionOutputSerializer(many=True))
    def get(self, request: Request, household_id: UUID) -> Response:
        household = household_get(user=request.user, household_id=household_id)
        qs = selectors.submission_list(user=request.user, household=household)
        return Response(
            SubmissionOutputSerializer(qs, many=True, context={"request": request}).data
        )


class SubmissionReturnApi(APIView):
    """Return a submission to the volunteer with a comment; the phone sees it on its next pull."""

    @extend_schema_serializer(component_name="SubmissionReturnInput")
    class InputSerializer(serializers.Serializer):
        comment = serializers.CharField(max_length=2000)

    @extend_schema(request=InputSerializer, responses=SubmissionOutputSerializer)
    def post(self, request: Request, submission_id: UUID) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            submission = submission_get(
                user=request.user, submission_id=submission_id, for_update=True
            )
            access.require(request.user, Action.REVIEW, submission)
            if submission.review_status != ReviewStatus.PENDING:
                raise DomainValidationError(
                    [
                        FieldError(
                            "review_status",
                            "not_pending",
                            _("Only a submission waiting for review can be returned."),
                        )
                    ]
                )
            submission.review_status = ReviewStatus.RETURNED
            submission.review_comment = serializer.validated_data["comment"]
            submission.reviewed_by = request.user
            submission.reviewed_at = timezone.now()
            submission.save(
                update_fields=[
                    "review_status",
                    "review_comment",
                    "reviewed_by",
                    "reviewed_at",
                    "updated_at",
                ]
            )
            feed_append(
                kind=FeedKind.REVIEW,
                record_id=submission.pk,
                scope_path=submission.household.village.path,
            )
        return Response(SubmissionOutputSerializer(submission, context={"request": request}).data)
