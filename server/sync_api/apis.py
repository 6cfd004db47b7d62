"""Sync endpoints: authenticate, hand the raw request to sync.engine, encode its answer.

Also the reviewers' endpoints for the conflicts sync keeps: list, and one with the server's
current values. Settling one is a review action (server.review.apis)."""

import json
import logging
import re
from typing import Any
from uuid import UUID

from django.http import HttpResponse, UnreadablePostError
from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts import access, policy
from server.accounts.authentication import signed_in_device, signed_in_user
from server.api.pagination import StandardPagination
from server.api.schema import sync_ref
from server.common.errors import PermissionRefused
from server.sync_api import selectors, services
from server.sync_api.models import ConflictCopy
from server.sync_api.store import DjangoSyncStore
from server.sync_api.uploads import DjangoUploadStore
from sync import codec, engine, rules, uploads
from sync.errors import SyncError
from sync.version import PROTOCOL_HEADER, check_client_protocol

logger = logging.getLogger(__name__)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type="application/json",
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _refused(error: SyncError) -> HttpResponse:
    return _json(codec.encode_error(error), status=error.http_status)


def _content_length(request: Request) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or ""
    return int(raw) if re.fullmatch(r"[0-9]{1,12}", raw) else None


_PROTOCOL_PARAMETER = OpenApiParameter(
    PROTOCOL_HEADER,
    int,
    OpenApiParameter.HEADER,
    required=True,
    description="The client's sync protocol version (sync/PROTOCOL.md).",
)
_SYNC_ERROR = sync_ref("ErrorResponse")


class SyncPushApi(APIView):
    error_responses = {400: _SYNC_ERROR, 413: _SYNC_ERROR, 426: _SYNC_ERROR}

    @extend_schema(
        request={"application/json": sync_ref("PushRequest")},
        responses={200: sync_ref("PushResponse")},
        parameters=[_PROTOCOL_PARAMETER],
    )
    def post(self, request: Request) -> HttpResponse:
        store = DjangoSyncStore(device=signed_in_device(request), user=signed_in_user(request))
        try:
            rules.check_batch_bytes(_content_length(request))
            result = engine.handle_push(
                request.body, protocol_header=request.headers.get(PROTOCOL_HEADER), store=store
            )
        except SyncError as error:
            return _refused(error)
        return _json(codec.encode_push_result(result))


class SyncPullApi(APIView):
    error_responses = {400: _SYNC_ERROR, 426: _SYNC_ERROR}

    @extend_schema(
        responses={200: sync_ref("PullResponse")},
        parameters=[
            _PROTOCOL_PARAMETER,
            OpenApiParameter("cursor", str, description="`next_cursor` of the previous page."),
            OpenApiParameter("limit", int, description="Changes per page (at most 500)."),
        ],
    )
    @method_decorator(gzip_page)
    def get(self, request: Request) -> HttpResponse:
        store = DjangoSyncStore(device=None, user=signed_in_user(request))
        try:
            page = engine.handle_pull(
                request.query_params.get("cursor"),
                request.query_params.get("limit"),
                protocol_header=request.headers.get(PROTOCOL_HEADER),
                store=store,
            )
        except SyncError as error:
            return _refused(error)
        return _json(codec.encode_pull_page(page))


class SyncAttachmentApi(APIView):
    error_responses = dict.fromkeys((400, 404, 409, 413, 422, 426), _SYNC_ERROR)

    def _reply(self, reply: uploads.UploadReply, *, head: bool = False) -> HttpResponse:
        if reply.issues:
            body: Any = {
                "error": {
                    "status": reply.status,
                    "issues": [codec.encode_issue(i) for i in reply.issues],
                }
            }
            response = _json(body, status=reply.status, headers=reply.headers)
        else:
            response = HttpResponse(status=reply.status)
            for key, value in reply.headers.items():
                response[key] = value
        if head:
            response.content = b""
        return response

    @extend_schema(responses={200: None}, parameters=[_PROTOCOL_PARAMETER])
    def head(self, request: Request, item_uuid: UUID, name: str) -> HttpResponse:
        try:
            check_client_protocol(request.headers.get(PROTOCOL_HEADER))
        except SyncError as error:
            return _refused(error)
        reply = uploads.head_upload(
            item_uuid, name, store=DjangoUploadStore(user=signed_in_user(request))
        )
        return self._reply(reply, head=True)

    @extend_schema(
        request={"application/octet-stream": bytes},
        responses={200: None, 201: None, 204: None},
        parameters=[_PROTOCOL_PARAMETER],
    )
    def put(self, request: Request, item_uuid: UUID, name: str) -> HttpResponse:
        try:
            check_client_protocol(request.headers.get(PROTOCOL_HEADER))
            rules.check_upload_bytes(_content_length(request))
            reply = uploads.put_chunk(
                item_uuid,
                name,
                content_range=request.headers.get("Content-Range"),
                body=_upload_body(request),
                store=DjangoUploadStore(user=signed_in_user(request)),
            )
        except SyncError as error:
            return _refused(error)
        return self._reply(reply)


def _upload_body(request: Request) -> bytes:
    """The whole PUT body, or a 400 `body_truncated` (logged without a traceback) if cut."""
    expected = _content_length(request)
    try:
        body = request.body
    except UnreadablePostError:
        body = None
    try:
        # An unreadable body counts as one byte short of what was announced.
        rules.check_body_complete(
            expected if body is not None else max(expected or 0, 1),
            len(body) if body is not None else 0,
        )
    except SyncError:
        logger.warning("cut upload body: %s bytes announced on %s", expected, request.path)
        raise
    return body or b""


# --- kept conflicts ----------------------------------------------------------------

_CITIZEN_ID = "citizen_id"


def _require_reviewer(user: object) -> None:
    if not policy.can_review(user):
        raise PermissionRefused


def _masked(values: dict[str, Any], request: Request) -> dict[str, Any]:
    """Citizen IDs, incoming or current, are shown whole only to roles that may read them."""
    if _CITIZEN_ID in values:
        return {**values, _CITIZEN_ID: access.citizen_id_for(request.user, values[_CITIZEN_ID])}
    return values


class ConflictOutputSerializer(serializers.ModelSerializer[ConflictCopy]):
    household = serializers.UUIDField(source="household_id")
    household_code = serializers.CharField(source="household.code")
    head_name = serializers.CharField(source="household.head_name")
    device = serializers.CharField(source="device.name", allow_null=True, default=None)
    resolved_by = serializers.CharField(
        source="resolved_by.username", allow_null=True, default=None
    )
    payload = serializers.SerializerMethodField()

    class Meta:
        model = ConflictCopy
        fields = [
            "id",
            "household",
            "household_code",
            "head_name",
            "kind",
            "reason",
            "client_uuid",
            "target_id",
            "server_revision",
            "payload",
            "device",
            "created_at",
            "resolution",
            "resolution_note",
            "resolved_by",
            "resolved_at",
        ]

    def get_payload(self, conflict: ConflictCopy) -> dict[str, Any]:
        return _masked(dict(conflict.payload), self.context["request"])


class ConflictDetailOutputSerializer(ConflictOutputSerializer):
    current = serializers.SerializerMethodField()

    class Meta(ConflictOutputSerializer.Meta):
        fields = [*ConflictOutputSerializer.Meta.fields, "current"]

    def get_current(self, conflict: ConflictCopy) -> dict[str, Any] | None:
        """The record as it is now: its revision and its values of the payload's fields."""
        record = selectors.conflict_record(conflict, user=self.context["request"].user)
        if record is None:
            return None
        # Only editable fields: the kept payload is the phone's, unvalidated.
        values = {
            k: getattr(record, k) for k in services.editable_fields(record) if k in conflict.payload
        }
        return {
            "entity": record._meta.model_name,
            "id": record.pk,
            "revision": record.revision,
            "values": _masked(values, self.context["request"]),
        }


class ConflictFilterSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["open", "resolved", "all"], default="open")
    household = serializers.UUIDField(required=False)


class ConflictListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[ConflictFilterSerializer], responses=ConflictOutputSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        _require_reviewer(request.user)
        filters = ConflictFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        qs = selectors.conflict_list(
            user=request.user,
            status=filters.validated_data["status"],
            household_id=filters.validated_data.get("household"),
        )
        paginator = StandardPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = ConflictOutputSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


def _detail(request: Request, conflict: ConflictCopy) -> dict[str, Any]:
    return ConflictDetailOutputSerializer(conflict, context={"request": request}).data


class ConflictDetailApi(APIView):
    @extend_schema(responses=ConflictDetailOutputSerializer)
    def get(self, request: Request, conflict_id: int) -> Response:
        conflict = selectors.conflict_get(user=request.user, conflict_id=conflict_id)
        _require_reviewer(request.user)  # after the 404: outside the area looks like missing
        return Response(_detail(request, conflict))
