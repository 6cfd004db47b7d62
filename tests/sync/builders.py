"""Builders for wire dicts and messages used across the sync tests."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from sync import codec, rules
from sync.messages import AttachmentRef, FormRef, ItemKind, PushItem

HOUSEHOLD = UUID("11111111-1111-4111-8111-111111111111")
SUBMISSION = UUID("22222222-2222-4222-8222-222222222222")
EDIT = UUID("33333333-3333-4333-8333-333333333333")
MEMBER = UUID("44444444-4444-4444-8444-444444444444")
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
PHOTO_REF = AttachmentRef("roof.jpg", hashlib.sha256(PHOTO).hexdigest(), len(PHOTO))


def submission(
    client_uuid: UUID = SUBMISSION,
    payload: dict[str, Any] | None = None,
    attachments: tuple[AttachmentRef, ...] = (),
) -> PushItem:
    body = {"ho_ten": "Nguyễn Thị Hoa", "thu_nhap": "1500000.50"} if payload is None else payload
    return _item(
        client_uuid, ItemKind.SUBMISSION, body, attachments, form=FormRef("phieu_b", "2025.1")
    )


def household(client_uuid: UUID = HOUSEHOLD, payload: dict[str, Any] | None = None) -> PushItem:
    body = {"chu_ho": "Lò Văn Páo", "so_nguoi": 4} if payload is None else payload
    return _item(client_uuid, ItemKind.HOUSEHOLD_CREATE, body)


def household_edit(
    base_revision: int, payload: dict[str, Any], client_uuid: UUID = EDIT
) -> PushItem:
    return _item(
        client_uuid,
        ItemKind.HOUSEHOLD_EDIT,
        payload,
        target_id=HOUSEHOLD,
        base_revision=base_revision,
    )


def _item(
    client_uuid: UUID,
    kind: ItemKind,
    payload: dict[str, Any],
    attachments: tuple[AttachmentRef, ...] = (),
    **extra: Any,
) -> PushItem:
    return PushItem(
        client_uuid=client_uuid,
        kind=kind,
        payload=payload,
        payload_sha256=rules.payload_sha256(payload),
        attachments=attachments,
        **extra,
    )


def wire(*items: PushItem) -> dict[str, Any]:
    """Return a push request body as the client sends it."""
    return codec.encode_push(list(items))


RECORD = UUID("55555555-5555-4555-8555-555555555555")
PROOF = UUID("66666666-6666-4666-8666-666666666666")
SITE_PHOTO = b"\xff\xd8\xff\xe1" + bytes(range(256)) * 30
SITE_REF = AttachmentRef(
    "foundation-1.jpg", hashlib.sha256(SITE_PHOTO).hexdigest(), len(SITE_PHOTO)
)


def stage_proof(
    payload: dict[str, Any] | None = None,
    attachments: tuple[AttachmentRef, ...] = (SITE_REF,),
    client_uuid: UUID = PROOF,
) -> PushItem:
    body = (
        {
            "record_id": str(RECORD),
            "stage": "foundation",
            "note": "Đã đổ móng xong",
            "photos": ["foundation-1.jpg"],
        }
        if payload is None
        else payload
    )
    return _item(client_uuid, ItemKind.SUPPORT_STAGE_PROOF, body, attachments)
