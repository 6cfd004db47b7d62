"""Receiving photo bytes in chunks and finishing them into checked, stored files."""

import hashlib
from datetime import UTC
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from server.evidence.models import Attachment, AttachmentChunk


def attachment_for(*, item_uuid: UUID, name: str, sha256: str, size: int) -> Attachment:
    """The attachment row for a declaration, created on first use (unique per item and name)."""
    try:
        with transaction.atomic():
            found, _created = Attachment.objects.get_or_create(
                item_uuid=item_uuid,
                name=name,
                defaults={"declared_sha256": sha256, "declared_size": size},
            )
    except IntegrityError:
        found = Attachment.objects.get(item_uuid=item_uuid, name=name)
    return found


@transaction.atomic
def chunk_append(*, attachment: Attachment, offset: int, data: bytes) -> int:
    """Append if exactly `offset` bytes are held; the row lock makes check and write one step."""
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if locked.complete or locked.received != offset:
        return locked.received
    AttachmentChunk.objects.create(attachment=locked, offset=offset, data=data)
    locked.received = offset + len(data)
    locked.save(update_fields=["received"])
    return locked.received


def attachment_bytes(attachment: Attachment) -> bytes:
    chunks = (
        AttachmentChunk.objects.filter(attachment=attachment)
        .order_by("offset")
        .values_list("data", flat=True)
    )
    return b"".join(bytes(chunk) for chunk in chunks)


def attachment_sha256(attachment: Attachment) -> str:
    return hashlib.sha256(attachment_bytes(attachment)).hexdigest()


@transaction.atomic
def attachment_discard(*, attachment: Attachment) -> None:
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    AttachmentChunk.objects.filter(attachment=locked).delete()
    locked.received = 0
    locked.save(update_fields=["received"])


@transaction.atomic
def attachment_complete(
    *, attachment: Attachment, data: bytes, info: Any, thumbnail: bytes, phash: str
) -> Attachment:
    """Move verified bytes to media storage, record what the image says, drop the chunks."""
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if locked.complete:
        return locked
    stem = f"{locked.item_uuid}-{locked.name.rsplit('.', 1)[0]}"
    locked.file.save(f"{stem}.{info.format.replace('jpeg', 'jpg')}", ContentFile(data), save=False)
    locked.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(thumbnail), save=False)
    locked.content_type, locked.width, locked.height = info.mime, info.width, info.height
    locked.taken_at = info.taken_at.replace(tzinfo=UTC) if info.taken_at else None
    if info.gps:
        locked.latitude, locked.longitude = (Decimal(f"{v:.6f}") for v in info.gps)
    locked.perceptual_hash, locked.complete, locked.completed_at = phash, True, timezone.now()
    locked.save()
    AttachmentChunk.objects.filter(attachment=locked).delete()
    return locked
