"""REST endpoints of the review round: every action of the console, under /api/v1/review/.

Also the two review actions that began elsewhere and keep their routes: returning a
survey (/submissions/<id>/return/) and settling a sync conflict (/conflicts/<id>/resolve/).
"""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.authentication import signed_in_user
from server.api.validation import field_errors
from server.common.errors import DomainValidationError, FieldError
from server.registry.models import Household, Member
from server.registry.serializers import HouseholdUpdateSerializer, MemberUpdateSerializer
from server.review import pdf, selectors, services
from server.review.calendar import is_overdue, reporting_calendar
from server.review.choices import ComplaintResult, DecidedClass, RoundKind
from server.review.models import (
    AuditEvent,
    Complaint,
    Decision,
    HouseholdReview,
    Posting,
    ReviewRound,
    VillageMeeting,
)
from server.submissions.apis import SubmissionOutputSerializer
from server.submissions.selectors import received_photo_names
from server.sync_api import selectors as sync_selectors
from server.sync_api.apis import ConflictDetailOutputSerializer
from server.sync_api.models import Resolution
from server.sync_api.services import editable_fields

# --- output ------------------------------------------------------------------------


class RoundOutputSerializer(serializers.ModelSerializer[ReviewRound]):
    commune_code = serializers.CharField(source="commune.code")
    commune_name = serializers.CharField(source="commune.name")

    class Meta:
        model = ReviewRound
        fields = [
            "id",
            "commune",
            "commune_code",
            "commune_name",
            "year",
            "kind",
            "period",
            "opens_on",
            "decide_by",
        ]


class HouseholdReviewOutputSerializer(serializers.ModelSerializer[HouseholdReview]):
    household_code = serializers.CharField(source="household.code")
    head_name = serializers.CharField(source="household.head_name")
    village = serializers.CharField(source="household.village.name")
    official_status = serializers.CharField(source="household.status")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = HouseholdReview
        fields = [
            "id",
            "round",
            "household",
            "household_code",
            "head_name",
            "village",
            "step",
            "step_since",
            "due_on",
            "overdue",
            "engine_class",
            "engine_classes",
            "official_status",
            "returned",
            "return_comment",
            "return_fields",
            "revision",
        ]

    def get_overdue(self, review: HouseholdReview) -> bool:
        return is_overdue(review.due_on, timezone.localdate())


class MeetingOutputSerializer(serializers.ModelSerializer[VillageMeeting]):
    votes = serializers.SerializerMethodField()
    has_signed_scan = serializers.SerializerMethodField()

    class Meta:
        model = VillageMeeting
        fields = [
            "id",
            "round",
            "village",
            "held_on",
            "chair",
            "supervisor",
            "attendees",
            "has_signed_scan",
            "votes",
        ]

    def get_has_signed_scan(self, meeting: VillageMeeting) -> bool:
        return bool(meeting.signed_scan)

    def get_votes(self, meeting: VillageMeeting) -> list[dict[str, Any]]:
        return [
            {"household": str(v.household_id), "agree_count": v.agree_count, "passed": v.passed}
            for v in meeting.votes.order_by("id")
        ]


class PostingOutputSerializer(serializers.ModelSerializer[Posting]):
    households: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Posting
        fields = ["id", "round", "kind", "starts_on", "ends_on", "households"]


class ComplaintOutputSerializer(serializers.ModelSerializer[Complaint]):
    class Meta:
        model = Complaint
        fields = [
            "id",
            "round",
            "household",
            "complainant",
            "disputed",
            "received_on",
            "recheck_due_on",
            "result",
            "result_note",
            "result_class",
            "rechecked_on",
            "result_posting",
        ]


class DecisionOutputSerializer(serializers.ModelSerializer[Decision]):
    entries = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "round", "number", "signed_on", "signer", "entries"]

    def get_entries(self, decision: Decision) -> list[dict[str, Any]]:
        return [
            {
                "household": str(e.household_id),
                "decided_class": e.decided_class,
                "engine_class": e.engine_class,
                "previous_status": e.previous_status,
                "list": e.list,
                "is_override": e.is_override,
                "override_reason": e.override_reason,
                "certificate": getattr(getattr(e, "certificate", None), "number", None),
            }
            for e in selectors.decision_entries(decision)
        ]


class AuditOutputSerializer(serializers.ModelSerializer[AuditEvent]):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "reason",
            "before",
            "after",
            "household",
            "object_type",
            "object_id",
        ]


class ReportDeadlineSerializer(serializers.Serializer[Any]):
    due_on = serializers.DateField()
    what = serializers.CharField()
    legal_basis = serializers.CharField()
    overdue = serializers.BooleanField()


class RoundDetailOutputSerializer(RoundOutputSerializer):
    progress = serializers.SerializerMethodField()
    reporting_calendar = serializers.SerializerMethodField()

    class Meta(RoundOutputSerializer.Meta):
        fields = [*RoundOutputSerializer.Meta.fields, "progress", "reporting_calendar"]

    def get_progress(self, review_round: ReviewRound) -> list[dict[str, Any]]:
        rows = selectors.round_progress(
            user=self.context["user"], review_round=review_round, today=timezone.localdate()
        )
        return [{"village": r.village, "steps": r.counts, "overdue": r.overdue} for r in rows]

    @extend_schema_field(ReportDeadlineSerializer(many=True))
    def get_reporting_calendar(self, review_round: ReviewRound) -> list[dict[str, Any]]:
        today = timezone.localdate()
        return [
            {
                "due_on": d.due_on,
                "what": str(d.what),
                "legal_basis": d.source,
                "overdue": d.due_on < today,
            }
            for d in reporting_calendar(review_round.year)
        ]


def _review_out(user: object, review_id: int) -> Any:
    return HouseholdReviewOutputSerializer(
        selectors.household_review_get(user=user, review_id=review_id)
    ).data


# --- rounds ------------------------------------------------------------------------


class RoundListApi(APIView):
    @extend_schema_serializer(component_name="ReviewRoundOpenInput")
    class InputSerializer(serializers.Serializer[Any]):
        commune = serializers.IntegerField()
        year = serializers.IntegerField(min_value=2016, max_value=2100)
        kind = serializers.ChoiceField(choices=RoundKind.choices)
        period = serializers.IntegerField(min_value=0, max_value=12, default=0)

    @extend_schema(responses=RoundOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            RoundOutputSerializer(selectors.round_list(user=request.user), many=True).data
        )

    @extend_schema(request=InputSerializer, responses={201: RoundOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        review_round = services.round_open(
            user=signed_in_user(request),
            commune_id=data["commune"],
            year=data["year"],
            kind=data["kind"],
            period=data["period"],
        )
        return Response(RoundOutputSerializer(review_round).data, status=201)


class RoundDetailApi(APIView):
    @extend_schema(responses=RoundDetailOutputSerializer)
    def get(self, request: Request, round_id: int) -> Response:
        review_round = selectors.round_get(user=request.user, round_id=round_id)
        return Response(
            RoundDetailOutputSerializer(review_round, context={"user": request.user}).data
        )


class RoundHouseholdsApi(APIView):
    @extend_schema_serializer(component_name="ReviewListHouseholdsInput")
    class InputSerializer(serializers.Serializer[Any]):
        households = serializers.ListField(
            child=serializers.UUIDField(), required=False, max_length=5000
        )

    @extend_schema(responses=HouseholdReviewOutputSerializer(many=True))
    def get(self, request: Request, round_id: int) -> Response:
        review_round = selectors.round_get(user=request.user, round_id=round_id)
        qs = selectors.household_reviews(user=request.user, review_round=review_round)
        return Response(HouseholdReviewOutputSerializer(qs, many=True).data)

    @extend_schema(request=InputSerializer, responses=HouseholdReviewOutputSerializer(many=True))
    def post(self, request: Request, round_id: int) -> Response:
        selectors.round_get(user=request.user, round_id=round_id)  # 404 before 400
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listed = services.households_list(
            user=signed_in_user(request),
            round_id=round_id,
            household_ids=serializer.validated_data.get("households"),
        )
        return Response(HouseholdReviewOutputSerializer(listed, many=True).data)


class RoundAuditApi(APIView):
    @extend_schema(responses=AuditOutputSerializer(many=True))
    def get(self, request: Request, round_id: int) -> Response:
        review_round = selectors.round_get(user=request.user, round_id=round_id)
        qs = selectors.audit_for(user=request.user, review_round=review_round)
        return Response(AuditOutputSerializer(qs[:500], many=True).data)


# --- one household -----------------------------------------------------------------


class ScreeningApi(APIView):
    @extend_schema_serializer(component_name="ReviewScreeningInput")
    class InputSerializer(serializers.Serializer[Any]):
        screened_out = serializers.BooleanField()
        reason = serializers.CharField(max_length=2000, required=False, default="")
        revision = serializers.IntegerField(min_value=1, required=False)

    @extend_schema(request=InputSerializer, responses=HouseholdReviewOutputSerializer)
    def post(self, request: Request, review_id: int) -> Response:
        selectors.household_review_get(user=request.user, review_id=review_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.screening_record(
            user=signed_in_user(request), review_id=review_id, **serializer.validated_data
        )
        return Response(_review_out(request.user, review_id))


class SurveyApi(APIView):
    @extend_schema_serializer(component_name="ReviewSurveyInput")
    class InputSerializer(serializers.Serializer[Any]):
        revision = serializers.IntegerField(min_value=1, required=False)

    @extend_schema(request=InputSerializer, responses=HouseholdReviewOutputSerializer)
    def post(self, request: Request, review_id: int) -> Response:
        selectors.household_review_get(user=request.user, review_id=review_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.survey_record(
            user=signed_in_user(request), review_id=review_id, **serializer.validated_data
        )
        return Response(_review_out(request.user, review_id))


class HouseholdReturnApi(APIView):
    @extend_schema_serializer(component_name="ReviewReturnInput")
    class InputSerializer(serializers.Serializer[Any]):
        comment = serializers.CharField(max_length=2000)
        # A declared field named like Serializer.fields: the serializer metaclass moves it aside.
        fields = serializers.ListField(  # type: ignore[assignment]
            child=serializers.CharField(max_length=200), required=False, default=list
        )
        revision = serializers.IntegerField(min_value=1, required=False)

    @extend_schema(request=InputSerializer, responses=HouseholdReviewOutputSerializer)
    def post(self, request: Request, review_id: int) -> Response:
        selectors.household_review_get(user=request.user, review_id=review_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.household_return(
            user=signed_in_user(request), review_id=review_id, **serializer.validated_data
        )
        return Response(_review_out(request.user, review_id))


class ComplaintTakeApi(APIView):
    @extend_schema_serializer(component_name="ReviewComplaintInput")
    class InputSerializer(serializers.Serializer[Any]):
        disputed = serializers.CharField(max_length=4000)
        received_on = serializers.DateField()
        complainant = serializers.CharField(max_length=200, required=False, default="")

    @extend_schema(request=InputSerializer, responses={201: ComplaintOutputSerializer})
    def post(self, request: Request, review_id: int) -> Response:
        selectors.household_review_get(user=request.user, review_id=review_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = services.complaint_take(
            user=signed_in_user(request), review_id=review_id, **serializer.validated_data
        )
        return Response(ComplaintOutputSerializer(complaint).data, status=201)


class RecheckApi(APIView):
    @extend_schema_serializer(component_name="ReviewRecheckInput")
    class InputSerializer(serializers.Serializer[Any]):
        result = serializers.ChoiceField(
            choices=[ComplaintResult.UPHELD, ComplaintResult.DISMISSED]
        )
        note = serializers.CharField(max_length=4000)
        rechecked_on = serializers.DateField()
        result_class = serializers.ChoiceField(
            choices=DecidedClass.choices, required=False, default=""
        )

    @extend_schema(request=InputSerializer, responses=ComplaintOutputSerializer)
    def post(self, request: Request, complaint_id: int) -> Response:
        selectors.complaint_get(user=request.user, complaint_id=complaint_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        complaint = services.recheck_record(
            user=signed_in_user(request), complaint_id=complaint_id, **serializer.validated_data
        )
        return Response(ComplaintOutputSerializer(complaint).data)


# --- meetings, postings, decision --------------------------------------------------


class VoteInputSerializer(serializers.Serializer[Any]):
    household = serializers.UUIDField()
    agree_count = serializers.IntegerField(min_value=0)


class MeetingCreateApi(APIView):
    @extend_schema_serializer(component_name="ReviewMeetingInput")
    class InputSerializer(serializers.Serializer[Any]):
        village = serializers.IntegerField()
        held_on = serializers.DateField()
        chair = serializers.CharField(max_length=200)
        supervisor = serializers.CharField(max_length=200)
        attendees = serializers.IntegerField(min_value=1)
        votes = VoteInputSerializer(many=True)

    @extend_schema(request=InputSerializer, responses={201: MeetingOutputSerializer})
    def post(self, request: Request, round_id: int) -> Response:
        selectors.round_get(user=request.user, round_id=round_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = services.meeting_record(
            user=signed_in_user(request),
            round_id=round_id,
            village_id=data["village"],
            held_on=data["held_on"],
            chair=data["chair"],
            supervisor=data["supervisor"],
            attendees=data["attendees"],
            votes=[services.Vote(v["household"], v["agree_count"]) for v in data["votes"]],
        )
        return Response(MeetingOutputSerializer(meeting).data, status=201)


class MeetingScanApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema_serializer(component_name="ReviewMeetingScanInput")
    class InputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField(max_length=100)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, meeting_id: int) -> HttpResponse:
        """The signed minutes: a PDF as stored, a photo without its metadata."""
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        content = selectors.scan_content(meeting)
        if content is None:
            raise Http404
        response = HttpResponse(content[0], content_type=content[1])
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(
        request={"multipart/form-data": InputSerializer}, responses=MeetingOutputSerializer
    )
    def post(self, request: Request, meeting_id: int) -> Response:
        selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_attach_scan(
            user=signed_in_user(request),
            meeting_id=meeting_id,
            upload=serializer.validated_data["file"],
        )
        return Response(MeetingOutputSerializer(meeting).data)


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class MeetingMinutesPdfApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        content = pdf.minutes_pdf(meeting, selectors.minutes_rows(meeting))
        return _pdf_response(content, f"bien-ban-hop-{meeting.pk}.pdf")


class PostingOpenApi(APIView):
    @extend_schema_serializer(component_name="ReviewPostingInput")
    class InputSerializer(serializers.Serializer[Any]):
        starts_on = serializers.DateField()
        households = serializers.ListField(child=serializers.UUIDField(), required=False)

    @extend_schema(request=InputSerializer, responses={201: PostingOutputSerializer})
    def post(self, request: Request, round_id: int) -> Response:
        selectors.round_get(user=request.user, round_id=round_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        posting = services.posting_open(
            user=signed_in_user(request),
            round_id=round_id,
            starts_on=serializer.validated_data["starts_on"],
            household_ids=serializer.validated_data.get("households"),
        )
        return Response(PostingOutputSerializer(posting).data, status=201)


class DecidedInputSerializer(serializers.Serializer[Any]):
    household = serializers.UUIDField()
    decided_class = serializers.ChoiceField(choices=DecidedClass.choices)
    override_reason = serializers.CharField(max_length=2000, required=False, default="")


class DecisionIssueApi(APIView):
    @extend_schema_serializer(component_name="ReviewDecisionInput")
    class InputSerializer(serializers.Serializer[Any]):
        number = serializers.CharField(max_length=40)
        signed_on = serializers.DateField()
        signer = serializers.CharField(max_length=200)
        entries = DecidedInputSerializer(many=True)

    @extend_schema(request=InputSerializer, responses={201: DecisionOutputSerializer})
    def post(self, request: Request, round_id: int) -> Response:
        selectors.round_get(user=request.user, round_id=round_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decision = services.decision_issue(
            user=signed_in_user(request),
            round_id=round_id,
            number=data["number"],
            signed_on=data["signed_on"],
            signer=data["signer"],
            entries=[
                services.Decided(e["household"], e["decided_class"], e["override_reason"])
                for e in data["entries"]
            ],
        )
        return Response(DecisionOutputSerializer(decision).data, status=201)


class DecisionDetailApi(APIView):
    @extend_schema(responses=DecisionOutputSerializer)
    def get(self, request: Request, decision_id: int) -> Response:
        decision = selectors.decision_get(user=request.user, decision_id=decision_id)
        return Response(DecisionOutputSerializer(decision).data)


class CertificatesIssueApi(APIView):
    @extend_schema_serializer(component_name="ReviewCertificatesInput")
    class InputSerializer(serializers.Serializer[Any]):
        issued_on = serializers.DateField()

    @extend_schema(request=InputSerializer, responses=DecisionOutputSerializer)
    def post(self, request: Request, decision_id: int) -> Response:
        selectors.decision_get(user=request.user, decision_id=decision_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.certificates_issue(
            user=signed_in_user(request),
            decision_id=decision_id,
            issued_on=serializer.validated_data["issued_on"],
        )
        decision = selectors.decision_get(user=request.user, decision_id=decision_id)
        return Response(DecisionOutputSerializer(decision).data)


class CertificatesPdfApi(APIView):
    """Every certificate of a decision in one PDF, or one household's with `?household=`."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, decision_id: int) -> HttpResponse:
        decision = selectors.decision_get(user=request.user, decision_id=decision_id)
        entries = [e for e in selectors.decision_entries(decision) if hasattr(e, "certificate")]
        household = request.query_params.get("household")
        if household is not None:
            entries = [e for e in entries if str(e.household_id) == household]
        if not entries:
            raise DomainValidationError(
                [FieldError("certificates", "none", "No certificate is issued yet.")]
            )
        return _pdf_response(pdf.certificates_pdf(entries), f"giay-chung-nhan-{decision.pk}.pdf")


# --- moved here: returning a survey, settling a sync conflict ----------------------


class SubmissionReturnApi(APIView):
    """Return a submission to the volunteer with a comment and the answers it points at;
    the phone sees both on its next pull."""

    @extend_schema_serializer(component_name="SubmissionReturnInput")
    class InputSerializer(serializers.Serializer[Any]):
        comment = serializers.CharField(max_length=2000)
        # A declared field named like Serializer.fields: the serializer metaclass moves it aside.
        fields = serializers.ListField(  # type: ignore[assignment]
            child=serializers.CharField(max_length=200), required=False, default=list
        )

    @extend_schema(request=InputSerializer, responses=SubmissionOutputSerializer)
    def post(self, request: Request, submission_id: UUID) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.submission_return(
            user=signed_in_user(request),
            submission_id=submission_id,
            comment=serializer.validated_data["comment"],
            fields=serializer.validated_data["fields"],
        )
        received = received_photo_names(user=request.user, submissions=[submission])
        return Response(SubmissionOutputSerializer(submission, context={"received": received}).data)


class ConflictResolveApi(APIView):
    """Apply the incoming version on the revision the reviewer saw, or keep the server's."""

    error_statuses = ("409",)  # applied on a revision that moved on

    @extend_schema_serializer(component_name="ConflictResolveInput")
    class InputSerializer(serializers.Serializer[Any]):
        resolution = serializers.ChoiceField(choices=Resolution.choices)
        note = serializers.CharField(max_length=2000)
        revision = serializers.IntegerField(min_value=1, required=False)

    @extend_schema(request=InputSerializer, responses=ConflictDetailOutputSerializer)
    def post(self, request: Request, conflict_id: int) -> Response:
        sync_selectors.conflict_get(user=request.user, conflict_id=conflict_id)  # 404 before 400
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.conflict_resolve(
            actor=request.user,
            conflict_id=conflict_id,
            incoming_values=_incoming_values,
            **serializer.validated_data,
        )
        # Read back after commit: the record the detail shows may have just changed.
        fresh = sync_selectors.conflict_get(user=request.user, conflict_id=conflict_id)
        return Response(ConflictDetailOutputSerializer(fresh, context={"request": request}).data)


def _incoming_values(payload: Mapping[str, Any], record: Household | Member) -> dict[str, Any]:
    """A kept payload's editable fields, validated as a REST edit of `record` would be.

    Invalid values are reported under `payload.<field>`.
    """
    editable = editable_fields(record)
    serializer_class = (
        HouseholdUpdateSerializer if isinstance(record, Household) else MemberUpdateSerializer
    )
    serializer = serializer_class(
        data={k: v for k, v in payload.items() if k in editable}, partial=True
    )
    if not serializer.is_valid():
        raise DomainValidationError(
            [FieldError(f"payload.{e.path}", e.code, e.message) for e in field_errors(serializer)]
        )
    return dict(serializer.validated_data)
