"""Photos declared by pushed items, received in resumable chunks and checked when complete."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Attachment(models.Model):
    """One declared file of one pushed item, keyed by (item UUID, name).

    Bytes arrive as chunks held in the database until the last one, so any app
    server can take the next chunk; the verified file then moves to media storage.
    """

    item_uuid = models.UUIDField(db_index=True)
    name = models.CharField(max_length=100)
    declared_sha256 = models.CharField(max_length=64)
    declared_size = models.PositiveIntegerField()
    received = models.PositiveIntegerField(default=0)
    complete = models.BooleanField(default=False)
    file = models.FileField(upload_to="attachments/%Y/%m/", blank=True)
    thumbnail = models.FileField(upload_to="thumbnails/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=32, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    perceptual_hash = models.CharField(max_length=16, blank=True, db_index=True)
    # Metres between the photo's GPS and the household's; None when either is unknown.
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    # Another item whose photo has the same perceptual hash: the same picture reused.
    reused_from = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Last chunk stored; uploads untouched for ATTACHMENT_INCOMPLETE_TTL_HOURS are removed.
    touched_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(fields=["item_uuid", "name"], name="attachment_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.item_uuid}/{self.name}"


class AttachmentChunk(models.Model):
    """A received byte range; (attachment, offset) is unique, so a chunk is stored once."""

    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="chunks")
    offset = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attachment", "offset"], name="chunk_unique_offset")
        ]
        ordering = ["offset"]

    def __str__(self) -> str:
        return f"{self.attachment_id}@{self.offset}"
