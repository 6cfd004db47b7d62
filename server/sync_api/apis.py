"""Sync endpoints: authenticate, hand the raw request to sync.engine, encode its answer."""

import json
from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from server.sync_api.store import DjangoSyncStore
from server.sync_api.uploads import DjangoUploadStore
from sync import codec, engine, rules, uploads
from sync.errors import SyncError
from sync.version import PROTOCOL_HEADER, check_client_protocol


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
    raw = request.META.get("CONTENT_LENGTH")
    return int(raw) if raw and raw.isdigit() else None


class SyncPushApi(APIView):
    @extend_schema(request={"application/json": dict}, responses={200: dict})
    def post(self, request: Request) -> HttpResponse:
        store = DjangoSyncStore(
            device=request.auth if hasattr(request.auth, "token_hash") else None, user=request.user
        )
        try:
            rules.check_batch_bytes(_content_length(request))
            result = engine.handle_push(
                request.body, protocol_header=request.headers.get(PROTOCOL_HEADER), store=store
            )
        except SyncError as error:
            return _refused(error)
        return _json(codec.encode_push_result(result))


class SyncPullApi(APIView):
    @extend_schema(responses={200: dict})
    @method_decorator(gzip_page)
    def get(self, request: Request) -> HttpResponse:
        store = DjangoSyncStore(device=None, user=request.user)
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

    @extend_schema(responses={200: None})
    def head(self, request: Request, item_uuid: UUID, name: str) -> HttpResponse:
        try:
            check_client_protocol(request.headers.get(PROTOCOL_HEADER))
        except SyncError as error:
            return _refused(error)
        reply = uploads.head_upload(item_uuid, name, store=DjangoUploadStore(user=request.user))
        return self._reply(reply, head=True)

    @extend_schema(request={"application/octet-stream": bytes}, responses={201: None})
    def put(self, request: Request, item_uuid: UUID, name: str) -> HttpResponse:
        try:
            check_client_protocol(request.headers.get(PROTOCOL_HEADER))
            rules.check_upload_bytes(_content_length(request))
            reply = uploads.put_chunk(
                item_uuid,
                name,
                content_range=request.headers.get("Content-Range"),
                body=request.body,
                store=DjangoUploadStore(user=request.user),
            )
        except SyncError as error:
            return _refused(error)
        return self._reply(reply)
