"""Thin HTTP views of the registry: validate, call one service or selector, answer."""

import csv
import io
import re
from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts import access
from server.accounts.access import Action
from server.api.pagination import StandardPagination
from server.common.errors import DomainValidationError, FieldError
from server.registry import selectors, services
from server.registry.importers import RowError, import_villages_csv
from server.registry.serializers import (
    HouseholdChangeOutputSerializer,
    HouseholdCreateSerializer,
    HouseholdDetailOutputSerializer,
    HouseholdFilterSerializer,
    HouseholdListOutputSerializer,
    HouseholdUpdateSerializer,
    MemberInputSerializer,
    MemberOutputSerializer,
    MemberUpdateSerializer,
    UnitOutputSerializer,
    VillageInputSerializer,
)


def _require_editor(user: object, record: object | None = None) -> None:
    access.require(user, Action.EDIT_HOUSEHOLDS, record)


def _validated_edit(serializer_class: type, request: Request) -> tuple[int, dict[str, Any]]:
    """Validate a partial edit and split off the revision it was made on, which is required."""
    serializer = serializer_class(data=request.data, partial=True)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    revision = data.pop("revision", None)
    if revision is None:
        raise DomainValidationError(
            [FieldError("revision", "required", _("Send the revision you edited."))]
        )
    return revision, data


_REVISION = re.compile(r"[0-9]{1,9}")  # a PositiveIntegerField holds up to 2,147,483,647


def _query_revision(request: Request) -> int:
    """The `revision` query parameter: 1–9 ASCII digits, not zero.

    `str.isdigit()` is not enough: "²" and "٣" pass it, and `int()` then fails or reads
    another script; 5,000 digits exceed `int()`'s own limit.
    """
    raw = request.query_params.get("revision", "")
    if not raw:
        raise DomainValidationError(
            [FieldError("revision", "required", _("Send the revision you edited."))]
        )
    if not _REVISION.fullmatch(raw) or int(raw) == 0:
        raise DomainValidationError(
            [FieldError("revision", "invalid", _("The revision must be a positive whole number."))]
        )
    return int(raw)


def _paginate(request: Request, view: APIView, queryset: Any, serializer: type) -> Response:
    paginator = StandardPagination()
    page: list[Any] | None = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)


class UnitListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(responses=UnitOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        params = request.query_params
        if not any(params.get(key) for key in ("parent", "level", "q")):
            qs = selectors.unit_roots(user=request.user)
        else:
            qs = selectors.unit_list(
                user=request.user,
                parent_code=params.get("parent"),
                level=params.get("level"),
                search=params.get("q"),
            )
        return _paginate(request, self, qs, UnitOutputSerializer)


class UnitDetailApi(APIView):
    @extend_schema(responses=UnitOutputSerializer)
    def get(self, request: Request, code: str) -> Response:
        unit = selectors.unit_get(user=request.user, code=code)
        return Response(UnitOutputSerializer(unit).data)


class HouseholdListCreateApi(APIView):
    pagination_class = StandardPagination
    error_statuses = ("404",)  # the `unit` filter names a unit outside the area

    @extend_schema(
        parameters=[HouseholdFilterSerializer], responses=HouseholdListOutputSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        filters = HouseholdFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = dict(filters.validated_data)
        if values.get("unit"):
            values["unit"] = selectors.unit_get(user=request.user, code=values["unit"])
        qs = selectors.household_list(user=request.user, filters=values)
        return _paginate(request, self, qs, HouseholdListOutputSerializer)

    @extend_schema(
        request=HouseholdCreateSerializer, responses={201: HouseholdDetailOutputSerializer}
    )
    def post(self, request: Request) -> Response:
        _require_editor(request.user)
        serializer = HouseholdCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        village = selectors.village_get_for_write(user=request.user, code=data.pop("village"))
        if village is None:
            raise DomainValidationError(
                [FieldError("village", "does_not_exist", _("No such village in your area."))]
            )
        household = services.household_create(
            actor=request.user,
            village=village,
            data=data,
            members=data.pop("members", []),
            household_id=selectors.household_id_for_create(
                user=request.user, requested=data.pop("id", None)
            ),
        )
        return Response(_detail(request, household.pk), status=status.HTTP_201_CREATED)


def _detail(request: Request, household_id: UUID) -> dict[str, Any]:
    household = selectors.household_detail_get(user=request.user, household_id=household_id)
    return HouseholdDetailOutputSerializer(household, context={"request": request}).data


class HouseholdDetailApi(APIView):
    @extend_schema(responses=HouseholdDetailOutputSerializer)
    def get(self, request: Request, household_id: UUID) -> Response:
        return Response(_detail(request, household_id))

    @extend_schema(request=HouseholdUpdateSerializer, responses=HouseholdDetailOutputSerializer)
    def patch(self, request: Request, household_id: UUID) -> Response:
        household = selectors.household_get(user=request.user, household_id=household_id)
        _require_editor(request.user, household)
        revision, data = _validated_edit(HouseholdUpdateSerializer, request)
        services.household_update(
            actor=request.user, household=household, base_revision=revision, data=data
        )
        return Response(_detail(request, household_id))


class HouseholdHistoryApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(responses=HouseholdChangeOutputSerializer(many=True))
    def get(self, request: Request, household_id: UUID) -> Response:
        household = selectors.household_get(user=request.user, household_id=household_id)
        qs = selectors.household_history(user=request.user, household=household)
        return _paginate(request, self, qs, HouseholdChangeOutputSerializer)


class MemberListCreateApi(APIView):
    @extend_schema(responses=MemberOutputSerializer(many=True))
    def get(self, request: Request, household_id: UUID) -> Response:
        household = selectors.household_get(user=request.user, household_id=household_id)
        members = selectors.member_list(household=household)
        return Response(
            MemberOutputSerializer(members, many=True, context={"request": request}).data
        )

    @extend_schema(request=MemberInputSerializer, responses={201: MemberOutputSerializer})
    def post(self, request: Request, household_id: UUID) -> Response:
        household = selectors.household_get(user=request.user, household_id=household_id)
        _require_editor(request.user, household)
        serializer = MemberInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.member_add(
            actor=request.user, household=household, data=serializer.validated_data
        )
        body = MemberOutputSerializer(member, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class MemberDetailApi(APIView):
    @extend_schema(responses=MemberOutputSerializer)
    def get(self, request: Request, member_id: UUID) -> Response:
        member = selectors.member_get(user=request.user, member_id=member_id)
        return Response(MemberOutputSerializer(member, context={"request": request}).data)

    @extend_schema(request=MemberUpdateSerializer, responses=MemberOutputSerializer)
    def patch(self, request: Request, member_id: UUID) -> Response:
        member = selectors.member_get(user=request.user, member_id=member_id)
        _require_editor(request.user, member)
        revision, data = _validated_edit(MemberUpdateSerializer, request)
        member = services.member_update(
            actor=request.user, member=member, base_revision=revision, data=data
        )
        return Response(MemberOutputSerializer(member, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, member_id: UUID) -> Response:
        member = selectors.member_get(user=request.user, member_id=member_id)
        _require_editor(request.user, member)
        revision = _query_revision(request)
        services.member_remove(actor=request.user, member=member, base_revision=revision)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _require_unit_manager(user: object) -> None:
    access.require(user, Action.MANAGE_UNITS)


class VillageCreateApi(APIView):
    @extend_schema_serializer(component_name="VillageCreateInput")
    class InputSerializer(VillageInputSerializer):
        """The same rules as each row of a CSV import."""

    @extend_schema(request=InputSerializer, responses={201: UnitOutputSerializer})
    def post(self, request: Request) -> Response:
        _require_unit_manager(request.user)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = import_villages_csv(_one_row_csv(data), user=request.user)
        if result.errors:
            raise DomainValidationError([_row_error_field(e) for e in result.errors])
        unit = selectors.unit_get(user=request.user, code=data["code"])
        return Response(UnitOutputSerializer(unit).data, status=status.HTTP_201_CREATED)


def _one_row_csv(data: dict[str, str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "name", "commune_code", "division_type"])
    writer.writerow([data["code"], data["name"], data["commune"], data["division_type"]])
    return buffer.getvalue()


def _row_error_field(error: RowError) -> FieldError:
    path = {"commune_code": "commune"}.get(error.column, error.column)
    return FieldError(path, "invalid", error.message)


class RowErrorOutputSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


@extend_schema_serializer(component_name="VillageImportResult")
class VillageImportResultSerializer(serializers.Serializer[Any]):
    """Counts of a village import, or its row errors (then nothing was stored)."""

    created = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    # A declared field named like Serializer.errors: the serializer metaclass moves it aside.
    errors = RowErrorOutputSerializer(many=True)  # type: ignore[assignment]


class VillageImportApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema_serializer(component_name="VillageImportInput")
    class InputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField()
        dry_run = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        request=InputSerializer,
        responses={
            200: VillageImportResultSerializer,
            400: {
                "oneOf": [
                    {"$ref": "#/components/schemas/Error"},
                    {"$ref": "#/components/schemas/VillageImportResult"},
                ]
            },
        },
    )
    def post(self, request: Request) -> Response:
        _require_unit_manager(request.user)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        raw = serializer.validated_data["file"].read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DomainValidationError(
                [FieldError("file", "encoding", _("Save the CSV as UTF-8."))]
            ) from None
        result = import_villages_csv(
            text, user=request.user, dry_run=serializer.validated_data["dry_run"]
        )
        body = {
            "created": result.created,
            "unchanged": result.unchanged,
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message} for e in result.errors
            ],
        }
        return Response(
            body, status=status.HTTP_400_BAD_REQUEST if result.errors else status.HTTP_200_OK
        )
