"""Receiving photo bytes in chunks and finishing them into checked, stored files.

The chunk that completes a photo, the checks and the stored file commit together with
the attachment row locked, so a crash leaves either the state before that chunk or a
finished photo. Rows left whole but unchecked (by servers that committed the last chunk
on its own) are finished by `attachment_verify`, which HEAD, PUT and push call.
"""

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from server.evidence import faults, images
from server.evidence.checks import photo_flags
from server.evidence.models import Attachment, AttachmentChunk
from server.evidence.signals import photo_completed
from server.registry.models import Household
from server.submissions.models import Submission


class Progress(enum.Enum):
    """What one chunk or one verification did; see sync.ports.ChunkOutcome."""

    STORED = "stored"
    COMPLETED = "completed"
    ALREADY_COMPLETE = "already_complete"
    OFFSET_MISMATCH = "offset_mismatch"
    SHA256_MISMATCH = "sha256_mismatch"
    IMAGE_REFUSED = "image_refused"


@dataclass(frozen=True)
class ChunkReceipt:
    """The progress, the bytes held afterwards, and the image fault for IMAGE_REFUSED."""

    progress: Progress
    held: int
    refusal: images.ImageRefused | None = None


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


def chunk_receive(
    *, item_uuid: UUID, name: str, sha256: str, size: int, offset: int, data: bytes
) -> ChunkReceipt:
    """Append a chunk if exactly `offset` bytes are held; verify the file if it is whole.

    One transaction with the row locked: two copies of the last chunk serialise, and
    the second sees the finished photo (ALREADY_COMPLETE), never an empty one.
    """
    attachment_for(item_uuid=item_uuid, name=name, sha256=sha256, size=size)
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().get(item_uuid=item_uuid, name=name)
        if locked.complete:
            return ChunkReceipt(Progress.ALREADY_COMPLETE, locked.declared_size)
        if locked.received != offset:
            return ChunkReceipt(Progress.OFFSET_MISMATCH, locked.received)
        AttachmentChunk.objects.create(attachment=locked, offset=offset, data=data)
        locked.received, locked.touched_at = offset + len(data), timezone.now()
        locked.save(update_fields=["received", "touched_at"])
        if locked.received < locked.declared_size:
            return ChunkReceipt(Progress.STORED, locked.received)
        return _verify(locked)


def attachment_verify(*, item_uuid: UUID, name: str, wait: bool = True) -> ChunkReceipt | None:
    """Check a photo whose bytes are all held but unchecked; None if there is no row.

    With `wait` false a row another request holds locked is skipped (None): that
    request is storing or checking it already.
    """
    with transaction.atomic():
        rows = Attachment.objects.select_for_update(skip_locked=not wait)
        locked = rows.filter(item_uuid=item_uuid, name=name).first()
        if locked is None:
            return None
        if locked.complete:
            return ChunkReceipt(Progress.ALREADY_COMPLETE, locked.declared_size)
        if locked.received < locked.declared_size:
            return ChunkReceipt(Progress.OFFSET_MISMATCH, locked.received)
        return _verify(locked)


def attachments_settle(*, item_uuid: UUID) -> None:
    """Check every photo of an item left whole but unchecked, so a push reports it stored."""
    names = Attachment.objects.filter(
        item_uuid=item_uuid, complete=False, received=F("declared_size")
    ).values_list("name", flat=True)
    for name in list(names):
        attachment_verify(item_uuid=item_uuid, name=name, wait=False)


def _verify(locked: Attachment) -> ChunkReceipt:
    """Inside the caller's transaction: check the whole bytes, then store or discard them."""
    faults.crash_point("verify")
    data = _held_bytes(locked)
    if hashlib.sha256(data).hexdigest() != locked.declared_sha256:
        _discard(locked)
        return ChunkReceipt(Progress.SHA256_MISMATCH, 0)
    try:
        info = images.inspect_image(data)
    except images.ImageRefused as refused:
        _discard(locked)
        return ChunkReceipt(Progress.IMAGE_REFUSED, 0, refused)
    _store(locked, data, info)
    faults.crash_point("stored")
    photo_flags(attachment=locked, household=_household_of(locked.item_uuid))
    _mark_submission(locked.item_uuid)
    photo_completed.send(sender=Attachment, attachment=locked)
    return ChunkReceipt(Progress.COMPLETED, locked.declared_size)


def _held_bytes(attachment: Attachment) -> bytes:
    chunks = (
        AttachmentChunk.objects.filter(attachment=attachment)
        .order_by("offset")
        .values_list("data", flat=True)
    )
    return b"".join(bytes(chunk) for chunk in chunks)


def _discard(locked: Attachment) -> None:
    """Drop every held byte so the next upload starts at 0."""
    AttachmentChunk.objects.filter(attachment=locked).delete()
    locked.received = 0
    locked.save(update_fields=["received"])


def _store(locked: Attachment, data: bytes, info: images.ImageInfo) -> None:
    """Write the file and thumbnail, record what the image says, drop the chunks."""
    stem = f"{locked.item_uuid}-{locked.name.rsplit('.', 1)[0]}"
    _save_fresh(locked.file, f"{stem}.{info.format.replace('jpeg', 'jpg')}", data)
    _save_fresh(locked.thumbnail, f"{stem}-thumb.jpg", images.make_thumbnail(data))
    locked.content_type, locked.width, locked.height = info.mime, info.width, info.height
    locked.taken_at = info.taken_at_utc()
    if info.gps:
        locked.latitude, locked.longitude = (Decimal(f"{v:.6f}") for v in info.gps)
    locked.perceptual_hash = images.perceptual_hash(data)
    locked.complete, locked.completed_at = True, timezone.now()
    locked.save()
    AttachmentChunk.objects.filter(attachment=locked).delete()


def _save_fresh(field: FieldFile, name: str, data: bytes) -> None:
    """Save under the photo's own name, replacing a file a crashed attempt left there.

    No committed row points at that name (only a complete row does, and a complete row
    is never verified again), so replacing it cannot lose a stored photo; it keeps a
    retried verification from storing a second copy beside the orphan.
    """
    target = field.field.generate_filename(field.instance, name)
    if field.storage.exists(target):
        field.storage.delete(target)
    field.save(name, ContentFile(data), save=False)


def _household_of(item_uuid: UUID) -> Household | None:
    """The household a photo belongs to: its submission's, or the household the item created."""
    household_id = (
        Submission.objects.filter(pk=item_uuid).values_list("household_id", flat=True).first()
    )
    return Household.objects.filter(pk=household_id or item_uuid).first()


def _mark_submission(item_uuid: UUID) -> None:
    """A submission is attachments-complete when every declared photo has arrived."""
    submission = Submission.objects.filter(pk=item_uuid).first()
    if submission is None:
        return
    declared = {a["name"] for a in submission.attachments}
    done = set(
        Attachment.objects.filter(item_uuid=item_uuid, complete=True).values_list("name", flat=True)
    )
    if declared <= done and not submission.attachments_complete:
        Submission.objects.filter(pk=item_uuid).update(attachments_complete=True)


def uploads_expire(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Remove uploads untouched for `older_than`; return how many were removed.

    Whole-but-unchecked bytes are checked instead of removed. A removed upload's
    phone finds offset 0 on its next HEAD and sends the photo again.
    """
    cutoff = (now or timezone.now()) - older_than
    stale = Attachment.objects.filter(complete=False, touched_at__lt=cutoff)
    for item_uuid, name in stale.filter(received=F("declared_size")).values_list(
        "item_uuid", "name"
    ):
        attachment_verify(item_uuid=item_uuid, name=name, wait=False)
    removed = 0
    for pk in list(stale.values_list("pk", flat=True)):
        removed += _expire_one(pk=pk, cutoff=cutoff)
    return removed


def _expire_one(*, pk: int, cutoff: datetime) -> int:
    """Delete one stale upload unless a request is using it or touched it meanwhile."""
    with transaction.atomic():
        rows = Attachment.objects.select_for_update(skip_locked=True)
        found = rows.filter(pk=pk, complete=False, touched_at__lt=cutoff).first()
        if found is None:
            return 0
        found.delete()
        return 1
