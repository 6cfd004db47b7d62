"""The change feed phones pull from: one row per change, numbered by the server."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    MEMBER = "member", _("Member")
    ASSESSMENT = "assessment", _("Assessment")
    REVIEW = "review", _("Review outcome")
    FORM = "form", _("Form version")
    TOMBSTONE = "tombstone", _("Removed or moved out")
    SUPPORT = "support", _("Housing support record")


class FeedEntry(models.Model):
    """A change to one record, visible to users whose area covers `scope_path`.

    `seq` is the cursor. Writers take a transaction-level lock before inserting
    (see services.feed_append), so seqs become visible in increasing order and a
    reader can never skip a change that commits late. An empty `scope_path` is
    visible to everyone (form versions).
    """

    seq = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=16, choices=FeedKind.choices)
    record_id = models.CharField(max_length=64)
    scope_path = models.CharField(max_length=255)
    # For tombstones: which kind of record left the area, and why.
    of_kind = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feed entry")
        verbose_name_plural = _("feed entries")
        indexes = [
            models.Index(
                fields=["scope_path", "seq"],
                name="feed_scope_seq",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.kind} {self.record_id}"
