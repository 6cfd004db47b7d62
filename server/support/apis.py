"""REST API for housing support: programmes, eligibility, records, stages, payments, flags.

Every endpoint needs Action.SUPPORT; records outside the user's reach answer 404 first.
"""

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.access import Action, allows
from server.accounts.authentication import signed_in_user
from server.api.pagination import StandardPagination
from server.common.errors import DomainValidationError, FieldError, PermissionRefused
from server.evidence.images import strip_exif
from server.registry.selectors import household_get
from server.support import selectors, services
from server.support.models import (
    Instalment,
    Payment,
    PhotoFlag,
    Programme,
    ProgrammeAmount,
    SponsorKind,
    StageChoice,
    SupportRecord,
    WorkKind,
)


def _require_support(request: Request) -> None:
    if not allows(request.user, Action.SUPPORT):
        raise PermissionRefused


def _record(request: Request, record_id: UUID) -> SupportRecord:
    record = selectors.support_record_get(user=request.user, record_id=record_id)
    _require_support(request)
    return record


# --- programmes ----------------------------------------------------------------------


class AmountSerializer(serializers.ModelSerializer[ProgrammeAmount]):
    class Meta:
        model = ProgrammeAmount
        fields = ["work", "amount", "applies_from", "legal_ref", "source_text"]


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    amounts = AmountSerializer(many=True)

    class Meta:
        model = Programme
        fields = [
            "code",
            "name_vi",
            "name_en",
            "kind",
            "legal_ref",
            "source_text",
            "eligibility_rules",
            "eligibility_source",
            "requires_poverty_status",
            "stages",
            "first_payment_percent",
            "first_payment_stage_new",
            "first_payment_stage_repair",
            "final_payment_stage",
            "payment_source",
            "amounts",
        ]


class ProgrammeListApi(APIView):
    pagination_class = None

    @extend_schema(responses=ProgrammeSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_support(request)
        return Response(ProgrammeSerializer(selectors.programmes_list(), many=True).data)


# --- eligibility ---------------------------------------------------------------------


class ReasonSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)
    text_vi = serializers.CharField()
    text_en = serializers.CharField()


class EligibilitySerializer(serializers.Serializer[Any]):
    eligible = serializers.BooleanField()
    priority = serializers.IntegerField()
    priority_vi = serializers.CharField()
    priority_en = serializers.CharField()
    reasons = ReasonSerializer(many=True)


class QueueEntrySerializer(serializers.Serializer[Any]):
    household = serializers.UUIDField(source="household.pk")
    household_code = serializers.CharField(source="household.code")
    head_name = serializers.CharField(source="household.head_name")
    village = serializers.CharField(source="household.village.name")
    eligibility = EligibilitySerializer()


class QueueQuerySerializer(serializers.Serializer[Any]):
    unit = serializers.CharField(max_length=20, help_text="unit code")
    programme = serializers.CharField(max_length=40, help_text="programme code")


class ProgrammeQuerySerializer(serializers.Serializer[Any]):
    programme = serializers.CharField(max_length=40, help_text="programme code")


def _query(serializer_class: type[serializers.Serializer[Any]], request: Request) -> Any:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _programme_by_code(code: str, path: str = "programme") -> Programme:
    """An unknown code is a field error (400): the code is input, not a resource."""
    programme = selectors.programmes_list().filter(code=code).first()
    if programme is None:
        raise DomainValidationError([FieldError(path, "unknown", _("No such programme."))])
    return programme


class EligibleQueueApi(APIView):
    """Eligible households under a unit, without a record yet, in the legal priority order."""

    pagination_class = None

    @extend_schema(parameters=[QueueQuerySerializer], responses=QueueEntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_support(request)
        query = _query(QueueQuerySerializer, request)
        unit = selectors.unit_by_code(user=request.user, code=query["unit"])
        if unit is None:
            raise DomainValidationError([FieldError("unit", "unknown", _("No such unit."))])
        programme = _programme_by_code(query["programme"])
        queue = selectors.eligible_queue(user=request.user, unit=unit, programme=programme)
        return Response(QueueEntrySerializer(queue, many=True).data)


class HouseholdEligibilityApi(APIView):
    @extend_schema(parameters=[ProgrammeQuerySerializer], responses=EligibilitySerializer)
    def get(self, request: Request, household_id: UUID) -> Response:
        household = household_get(user=request.user, household_id=household_id)
        _require_support(request)
        programme = _programme_by_code(_query(ProgrammeQuerySerializer, request)["programme"])
        result = selectors.household_eligibility(household, programme)
        return Response(EligibilitySerializer(result).data)


# --- records -------------------------------------------------------------------------


class SponsorSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=SponsorKind.choices)
    name = serializers.CharField(max_length=200)
    share = serializers.IntegerField(min_value=1)


class FlagSerializer(serializers.ModelSerializer[PhotoFlag]):
    photo = serializers.CharField(source="attachment.name")

    class Meta:
        model = PhotoFlag
        fields = ["id", "photo", "kind", "detail", "created_at", "cleared_at", "clear_reason"]


class PaymentSerializer(serializers.ModelSerializer[Payment]):
    class Meta:
        model = Payment
        fields = ["id", "instalment", "amount", "paid_on", "reference", "created_at"]


class PhotoSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    taken_at = serializers.DateTimeField(allow_null=True)
    distance_m = serializers.IntegerField(allow_null=True)


class ProofSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="proof.pk")
    stage = serializers.CharField(source="proof.stage")
    note = serializers.CharField(source="proof.note")
    created_at = serializers.DateTimeField(source="proof.created_at")
    photos = PhotoSerializer(many=True)
    flags = FlagSerializer(many=True)


class RecordSerializer(serializers.ModelSerializer[SupportRecord]):
    household_code = serializers.CharField(source="household.code")
    head_name = serializers.CharField(source="household.head_name")
    programme = serializers.CharField(source="programme.code")
    sponsors = SponsorSerializer(many=True)

    class Meta:
        model = SupportRecord
        fields = [
            "id",
            "household",
            "household_code",
            "head_name",
            "programme",
            "work",
            "amount",
            "decision_ref",
            "approved_on",
            "planned_start",
            "planned_completion",
            "stage_due",
            "assigned_to",
            "sponsors",
            "created_at",
        ]


class RecordDetailSerializer(serializers.Serializer[Any]):
    record = RecordSerializer()
    stage = serializers.ChoiceField(choices=StageChoice.choices)
    next_stage = serializers.ChoiceField(choices=StageChoice.choices, allow_null=True)
    proofs = ProofSerializer(many=True)
    payments = PaymentSerializer(many=True)
    payable = serializers.DictField(child=serializers.BooleanField())


def _detail(request: Request, record: SupportRecord) -> Response:
    view = selectors.record_view(user=request.user, record=record)
    return Response(RecordDetailSerializer(view).data)


class RecordListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema_serializer(component_name="SupportRecordInput")
    class InputSerializer(serializers.Serializer[Any]):
        household = serializers.UUIDField()
        programme = serializers.CharField()
        work = serializers.ChoiceField(choices=WorkKind.choices)
        amount = serializers.IntegerField(min_value=1, required=False)
        approved_on = serializers.DateField()
        decision_ref = serializers.CharField(max_length=100, required=False, default="")
        planned_start = serializers.DateField(required=False, allow_null=True)
        planned_completion = serializers.DateField(required=False, allow_null=True)
        sponsors = SponsorSerializer(many=True)

    class FilterSerializer(serializers.Serializer[Any]):
        programme = serializers.CharField(required=False, max_length=40)
        household = serializers.UUIDField(required=False)

    @extend_schema(parameters=[FilterSerializer], responses=RecordSerializer(many=True))
    def get(self, request: Request) -> Response:
        _require_support(request)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.support_records_list(user=request.user).prefetch_related("sponsors")
        if code := filters.validated_data.get("programme"):
            qs = qs.filter(programme__code=code)
        if household := filters.validated_data.get("household"):
            qs = qs.filter(household_id=household)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(qs.order_by("-created_at"), request, view=self) or []
        return paginator.get_paginated_response(RecordSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: RecordDetailSerializer})
    def post(self, request: Request) -> Response:
        _require_support(request)
        data = _valid(self.InputSerializer, request)
        household = selectors.household_in_reach(user=request.user, household_id=data["household"])
        if household is None:
            raise DomainValidationError(
                [FieldError("household", "unknown", _("No such household."))]
            )
        record = services.support_record_create(
            user=signed_in_user(request),
            household=household,
            programme=_programme_by_code(data["programme"]),
            work=data["work"],
            amount=data.get("amount"),
            approved_on=data["approved_on"],
            decision_ref=data["decision_ref"],
            planned_start=data.get("planned_start"),
            planned_completion=data.get("planned_completion"),
            sponsors=[services.SponsorShare(**s) for s in data["sponsors"]],
        )
        response = _detail(request, record)
        response.status_code = 201
        return response


def _valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> Any:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RecordDetailApi(APIView):
    @extend_schema(responses=RecordDetailSerializer)
    def get(self, request: Request, record_id: UUID) -> Response:
        return _detail(request, _record(request, record_id))


class StageProofApi(APIView):
    """Prove a stage; photos are then uploaded as attachments of the proof's id."""

    @extend_schema_serializer(component_name="StageProofInput")
    class InputSerializer(serializers.Serializer[Any]):
        id = serializers.UUIDField()
        stage = serializers.CharField(max_length=16)
        note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: RecordDetailSerializer})
    def post(self, request: Request, record_id: UUID) -> Response:
        data = _valid(self.InputSerializer, request)
        proof = services.stage_proof_submit(
            user=signed_in_user(request),
            proof_id=data["id"],
            record_id=record_id,
            stage=data["stage"],
            note=data["note"],
            device=None,
        )
        response = _detail(request, proof.record)
        response.status_code = 201
        return response


class PaymentApi(APIView):
    @extend_schema_serializer(component_name="SupportPaymentInput")
    class InputSerializer(serializers.Serializer[Any]):
        instalment = serializers.ChoiceField(choices=Instalment.choices)
        paid_on = serializers.DateField()
        reference = serializers.CharField(max_length=100)

    @extend_schema(request=InputSerializer, responses={201: PaymentSerializer})
    def post(self, request: Request, record_id: UUID) -> Response:
        data = _valid(self.InputSerializer, request)
        payment = services.payment_record(user=signed_in_user(request), record_id=record_id, **data)
        return Response(PaymentSerializer(payment).data, status=201)


class FlagClearApi(APIView):
    @extend_schema_serializer(component_name="PhotoFlagClearInput")
    class InputSerializer(serializers.Serializer[Any]):
        reason = serializers.CharField(max_length=2000, allow_blank=True)

    @extend_schema(request=InputSerializer, responses=FlagSerializer)
    def post(self, request: Request, flag_id: int) -> Response:
        data = _valid(self.InputSerializer, request)
        flag = services.photo_flag_clear(
            user=signed_in_user(request), flag_id=flag_id, reason=data["reason"]
        )
        return Response(FlagSerializer(flag).data)


class StagePhotoApi(APIView):
    """A stage photo with its EXIF stripped (GPS never leaves the server inside a photo)."""

    @extend_schema(
        parameters=[OpenApiParameter("size", str, enum=["full", "thumb"])],
        responses={(200, "image/*"): bytes},
    )
    def get(self, request: Request, record_id: UUID, proof_id: UUID, name: str) -> HttpResponse:
        record = _record(request, record_id)
        photo = selectors.stage_photo(
            user=request.user, record=record, proof_id=proof_id, name=name
        )
        thumb = request.query_params.get("size") == "thumb"
        with (photo.thumbnail if thumb else photo.file).open("rb") as handle:
            data = handle.read()
        body = data if thumb else strip_exif(data)
        response = HttpResponse(body, content_type="image/jpeg" if thumb else photo.content_type)
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response
